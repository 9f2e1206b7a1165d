from enum import StrEnum


class DecisionReasonType0(StrEnum):
    NO_ELIGIBLE_OWNER = "no_eligible_owner"
    NO_RULES = "no_rules"
    NO_RULE_MATCHED = "no_rule_matched"

    def __str__(self) -> str:
        return str(self.value)
