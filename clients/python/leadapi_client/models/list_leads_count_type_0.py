from enum import StrEnum


class ListLeadsCountType0(StrEnum):
    ESTIMATE = "estimate"
    EXACT = "exact"

    def __str__(self) -> str:
        return str(self.value)
