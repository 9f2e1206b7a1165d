from enum import StrEnum


class InstalledDefaultKind(StrEnum):
    AUTOMATION = "automation"
    TRACK = "track"

    def __str__(self) -> str:
        return str(self.value)
