from enum import StrEnum


class LeadDetailSeniority(StrEnum):
    C_LEVEL = "c_level"
    DIRECTOR = "director"
    INDIVIDUAL = "individual"
    MANAGER = "manager"
    STUDENT_INTERN = "student_intern"
    UNKNOWN = "unknown"
    VP = "vp"

    def __str__(self) -> str:
        return str(self.value)
