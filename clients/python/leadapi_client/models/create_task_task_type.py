from enum import StrEnum


class CreateTaskTaskType(StrEnum):
    CALL = "call"
    CUSTOM = "custom"
    EMAIL = "email"
    FOLLOW_UP = "follow_up"

    def __str__(self) -> str:
        return str(self.value)
