from enum import StrEnum


class ListSourceSubmissionsStatusType0(StrEnum):
    ACCEPTED = "accepted"
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
