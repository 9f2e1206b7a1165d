from enum import StrEnum


class ListTasksSort(StrEnum):
    DUE_AT = "due_at"
    VALUE_1 = "-due_at"

    def __str__(self) -> str:
        return str(self.value)
