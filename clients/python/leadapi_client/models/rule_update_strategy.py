from enum import StrEnum


class RuleUpdateStrategy(StrEnum):
    ACCOUNT_OWNER = "account_owner"
    LEAST_LOADED = "least_loaded"
    OWNER = "owner"
    ROUND_ROBIN = "round_robin"
    TERRITORY = "territory"
    WEIGHTED = "weighted"

    def __str__(self) -> str:
        return str(self.value)
