from enum import StrEnum


class AssignmentBy(StrEnum):
    MANUAL = "manual"
    REASSIGN = "reassign"
    ROUTING = "routing"
    SLA_ESCALATION = "sla_escalation"

    def __str__(self) -> str:
        return str(self.value)
