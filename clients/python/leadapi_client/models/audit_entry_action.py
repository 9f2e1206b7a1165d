from enum import StrEnum


class AuditEntryAction(StrEnum):
    ACTIVATED = "activated"
    CREATED = "created"
    DELETED = "deleted"
    REPLACED = "replaced"
    REVOKED = "revoked"
    ROTATED = "rotated"
    UPDATED = "updated"

    def __str__(self) -> str:
        return str(self.value)
