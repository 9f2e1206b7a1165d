from enum import StrEnum


class DedupePolicyInMode(StrEnum):
    AUTO_MERGE = "auto_merge"
    FLAG_ONLY = "flag_only"

    def __str__(self) -> str:
        return str(self.value)
