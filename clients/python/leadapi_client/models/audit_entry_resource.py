from enum import StrEnum


class AuditEntryResource(StrEnum):
    API_KEY = "api_key"
    AUTOMATION = "automation"
    ENRICHMENT_PROVIDER = "enrichment_provider"
    LIFECYCLE_STAGES = "lifecycle_stages"
    NURTURE_SETTINGS = "nurture_settings"
    OWNER = "owner"
    ROUTING_RULE = "routing_rule"
    ROUTING_SETTINGS = "routing_settings"
    SCORING_MODEL = "scoring_model"
    SEGMENT = "segment"
    SLA_POLICY = "sla_policy"
    SOURCE = "source"
    TRACK = "track"
    WEBHOOK = "webhook"

    def __str__(self) -> str:
        return str(self.value)
