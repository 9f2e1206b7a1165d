from enum import StrEnum


class ChangedByKind(StrEnum):
    API_KEY = "api_key"
    OWNER = "owner"
    SYSTEM = "system"

    def __str__(self) -> str:
        return str(self.value)
