from enum import StrEnum


class RuleUpdateTieBreaker(StrEnum):
    LEAST_LOADED = "least_loaded"
    ROUND_ROBIN = "round_robin"

    def __str__(self) -> str:
        return str(self.value)
