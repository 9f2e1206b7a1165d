from enum import StrEnum


class GroupBy(StrEnum):
    DAY = "day"
    MONTH = "month"
    OWNER = "owner"
    SOURCE = "source"
    UTM_CAMPAIGN = "utm_campaign"
    UTM_MEDIUM = "utm_medium"
    UTM_SOURCE = "utm_source"
    WEEK = "week"

    def __str__(self) -> str:
        return str(self.value)
