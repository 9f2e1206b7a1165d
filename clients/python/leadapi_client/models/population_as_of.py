from enum import StrEnum


class PopulationAsOf(StrEnum):
    CREATED = "created"
    MQL = "mql"

    def __str__(self) -> str:
        return str(self.value)
