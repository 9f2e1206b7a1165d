from enum import StrEnum


class ListSlaBreachesStatusType0(StrEnum):
    CLOSED = "closed"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
