from enum import StrEnum


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    EXITED = "exited"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
