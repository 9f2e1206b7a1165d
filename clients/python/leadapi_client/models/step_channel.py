from enum import StrEnum


class StepChannel(StrEnum):
    CALL = "call"
    CUSTOM = "custom"
    EMAIL = "email"
    LINKEDIN = "linkedin"
    SMS = "sms"

    def __str__(self) -> str:
        return str(self.value)
