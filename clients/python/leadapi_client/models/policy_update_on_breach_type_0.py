from enum import StrEnum


class PolicyUpdateOnBreachType0(StrEnum):
    NOTIFY = "notify"
    REASSIGN = "reassign"

    def __str__(self) -> str:
        return str(self.value)
