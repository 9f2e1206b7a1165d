"""Every domain's tables, so `Base.metadata` is complete (for Alembic and schema checks)."""

from leadapi.api import models as api_models
from leadapi.db import Base
from leadapi.events import models as events_models
from leadapi.jobs import models as jobs_models
from leadapi.leads import models as leads_models
from leadapi.scoring import models as scoring_models
from leadapi.workspaces import models as workspaces_models

metadata = Base.metadata

__all__ = [
    "api_models",
    "events_models",
    "jobs_models",
    "leads_models",
    "metadata",
    "scoring_models",
    "workspaces_models",
]
