from enum import StrEnum


class SuggestInAsOf(StrEnum):
    CREATED = "created"
    MQL = "mql"

    def __str__(self) -> str:
        return str(self.value)
