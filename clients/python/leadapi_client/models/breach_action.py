from enum import StrEnum


class BreachAction(StrEnum):
    NOTIFY = "notify"
    REASSIGN = "reassign"

    def __str__(self) -> str:
        return str(self.value)
