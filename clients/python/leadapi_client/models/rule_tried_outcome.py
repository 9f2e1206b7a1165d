from enum import StrEnum


class RuleTriedOutcome(StrEnum):
    ASSIGNED = "assigned"
    NOT_MATCHED = "not_matched"
    NO_ELIGIBLE_OWNER = "no_eligible_owner"

    def __str__(self) -> str:
        return str(self.value)
