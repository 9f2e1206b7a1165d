from enum import StrEnum


class RoutingSettingsRouteOn(StrEnum):
    CREATED = "created"
    MQL = "mql"
    SQL = "sql"

    def __str__(self) -> str:
        return str(self.value)
