from enum import StrEnum


class EventBatchItemStatus(StrEnum):
    CREATED = "created"
    ERROR = "error"
    REPLAYED = "replayed"

    def __str__(self) -> str:
        return str(self.value)
