from enum import StrEnum


class ConsentCreateStatus(StrEnum):
    DENIED = "denied"
    GRANTED = "granted"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
