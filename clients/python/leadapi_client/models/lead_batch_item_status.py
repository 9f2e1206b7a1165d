from enum import StrEnum


class LeadBatchItemStatus(StrEnum):
    CREATED = "created"
    ERROR = "error"
    MERGED = "merged"

    def __str__(self) -> str:
        return str(self.value)
