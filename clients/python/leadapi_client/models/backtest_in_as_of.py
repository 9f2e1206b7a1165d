from enum import StrEnum


class BacktestInAsOf(StrEnum):
    CREATED = "created"
    MQL = "mql"

    def __str__(self) -> str:
        return str(self.value)
