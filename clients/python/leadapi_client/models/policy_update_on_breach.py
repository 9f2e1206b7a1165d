from enum import StrEnum


class PolicyUpdateOnBreach(StrEnum):
    NOTIFY = "notify"
    REASSIGN = "reassign"

    def __str__(self) -> str:
        return str(self.value)
