"""Every domain's tables, so `Base.metadata` is complete (for Alembic and schema checks)."""

from leadapi.activation import models as activation_models
from leadapi.api import models as api_models
from leadapi.audit import models as audit_models
from leadapi.automations import models as automations_models
from leadapi.consent import models as consent_models
from leadapi.db import Base
from leadapi.duplicates import models as duplicates_models
from leadapi.enrichment import models as enrichment_models
from leadapi.events import models as events_models
from leadapi.imports import models as imports_models
from leadapi.jobs import models as jobs_models
from leadapi.leads import models as leads_models
from leadapi.owners import models as owners_models
from leadapi.reports import models as reports_models
from leadapi.routing import models as routing_models
from leadapi.scoring import models as scoring_models
from leadapi.segments import models as segments_models
from leadapi.sla import models as sla_models
from leadapi.sources import models as sources_models
from leadapi.stages import models as stages_models
from leadapi.tasks import models as tasks_models
from leadapi.tracks import models as tracks_models
from leadapi.webhooks import models as webhooks_models
from leadapi.workspaces import models as workspaces_models

metadata = Base.metadata

# Every other table is distributed by `workspace_id`: it is in its primary key, its unique
# constraints and its foreign keys (tests/api/test_distribution_key.py checks the migrated schema).
# These are reference tables (one copy on every node under Citus), each for its reason;
# docs/scaling.md has the commands.
REFERENCE_TABLES = {
    "workspaces": (
        "the tenants themselves: their id is the distribution key of every other table, and every "
        "table's foreign key to it (the cascade on deletion) needs it on every node"
    ),
    "api_keys": (
        "authentication finds a key by its hash before any workspace is known (the unique "
        "secret_hash), on every request; few rows, rarely written"
    ),
}

# Made by migrations but not by the models (one database only, or expression-based): schema
# comparisons (Alembic's autogenerate, tests/api/test_migrations.py) leave them out.
UNMODELLED_INDEXES = frozenset({"ix_leads_tags_gin", "ix_leads_attributes_gin", "ix_leads_search_trgm"})


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's include_name hook: False for the schema objects the models do not describe."""
    if type_ == "table":
        return not (name or "").startswith("leads_fts")
    if type_ == "index":
        return name not in UNMODELLED_INDEXES
    return True


__all__ = [
    "REFERENCE_TABLES",
    "activation_models",
    "api_models",
    "audit_models",
    "automations_models",
    "consent_models",
    "duplicates_models",
    "enrichment_models",
    "events_models",
    "imports_models",
    "include_name",
    "jobs_models",
    "leads_models",
    "metadata",
    "owners_models",
    "reports_models",
    "routing_models",
    "scoring_models",
    "segments_models",
    "sla_models",
    "sources_models",
    "stages_models",
    "tasks_models",
    "tracks_models",
    "webhooks_models",
    "workspaces_models",
]
