from enum import StrEnum


class DuplicatePairFlaggedOnType0(StrEnum):
    ATTRIBUTE = "attribute"
    EMAIL = "email"
    EXTERNAL_ID = "external_id"
    PHONE = "phone"

    def __str__(self) -> str:
        return str(self.value)
