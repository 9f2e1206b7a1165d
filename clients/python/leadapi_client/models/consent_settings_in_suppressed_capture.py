from enum import StrEnum


class ConsentSettingsInSuppressedCapture(StrEnum):
    FLAG = "flag"
    REFUSE = "refuse"

    def __str__(self) -> str:
        return str(self.value)
