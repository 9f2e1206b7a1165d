from enum import StrEnum


class DuplicatePairReasonsItem(StrEnum):
    EMAIL_VARIANT = "email_variant"
    NAME_AND_CITY = "name_and_city"
    NAME_AND_COMPANY_DOMAIN = "name_and_company_domain"
    PHONE = "phone"
    SAME_ATTRIBUTE = "same_attribute"
    SAME_EMAIL = "same_email"
    SAME_EXTERNAL_ID = "same_external_id"
    SAME_PHONE = "same_phone"
    SIMILAR_NAME_AND_CITY = "similar_name_and_city"
    SIMILAR_NAME_AND_COMPANY_DOMAIN = "similar_name_and_company_domain"

    def __str__(self) -> str:
        return str(self.value)
