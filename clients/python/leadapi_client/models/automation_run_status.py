from enum import StrEnum


class AutomationRunStatus(StrEnum):
    FIRED = "fired"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return str(self.value)
