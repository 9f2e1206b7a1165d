from enum import StrEnum


class ActionResultStatus(StrEnum):
    DONE = "done"
    FAILED = "failed"
    REFUSED = "refused"
    UNCHANGED = "unchanged"
    WOULD = "would"
    WOULD_REFUSE = "would_refuse"

    def __str__(self) -> str:
        return str(self.value)
