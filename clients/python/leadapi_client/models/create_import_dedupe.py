from enum import StrEnum


class CreateImportDedupe(StrEnum):
    CREATE_ONLY = "create_only"
    MERGE = "merge"
    SKIP_EXISTING = "skip_existing"

    def __str__(self) -> str:
        return str(self.value)
