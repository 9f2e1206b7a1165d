from enum import StrEnum


class DedupeRuleKeysItem(StrEnum):
    ATTRIBUTE = "attribute"
    EMAIL = "email"
    EXTERNAL_IDS = "external_ids"
    PHONE = "phone"

    def __str__(self) -> str:
        return str(self.value)
