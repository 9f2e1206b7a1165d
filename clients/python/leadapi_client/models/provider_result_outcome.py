from enum import StrEnum


class ProviderResultOutcome(StrEnum):
    APPLIED = "applied"
    BUDGET_EXHAUSTED = "budget_exhausted"
    FAILED = "failed"
    RETRYING = "retrying"
    SKIPPED = "skipped"
    UNCHANGED = "unchanged"

    def __str__(self) -> str:
        return str(self.value)
