from enum import StrEnum


class AssignmentSlaStateType0(StrEnum):
    BREACHED = "breached"
    MET = "met"
    RUNNING = "running"
    STOPPED = "stopped"

    def __str__(self) -> str:
        return str(self.value)
