from enum import StrEnum


class SubmissionStatus(StrEnum):
    ACCEPTED = "accepted"
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
