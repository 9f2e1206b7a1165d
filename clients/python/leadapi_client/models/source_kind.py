from enum import StrEnum


class SourceKind(StrEnum):
    GENERIC = "generic"
    HUBSPOT = "hubspot"
    TYPEFORM = "typeform"

    def __str__(self) -> str:
        return str(self.value)
