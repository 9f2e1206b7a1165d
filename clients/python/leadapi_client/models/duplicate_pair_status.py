from enum import StrEnum


class DuplicatePairStatus(StrEnum):
    DISMISSED = "dismissed"
    MERGED = "merged"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
