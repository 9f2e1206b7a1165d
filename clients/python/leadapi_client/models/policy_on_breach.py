from enum import StrEnum


class PolicyOnBreach(StrEnum):
    NOTIFY = "notify"
    REASSIGN = "reassign"

    def __str__(self) -> str:
        return str(self.value)
