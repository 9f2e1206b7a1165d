from enum import StrEnum


class ProviderKind(StrEnum):
    COMPANY_FROM_DOMAIN = "company_from_domain"
    HTTP = "http"
    PHONE_LOCATION = "phone_location"

    def __str__(self) -> str:
        return str(self.value)
