from enum import StrEnum


class SourceCreateKind(StrEnum):
    GENERIC = "generic"
    HUBSPOT = "hubspot"
    TYPEFORM = "typeform"

    def __str__(self) -> str:
        return str(self.value)
