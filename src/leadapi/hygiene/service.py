"""Hygiene use cases: the workspace's archiving settings. The sweep that archives is the hygiene
flow's (flows/hygiene.py): it writes leads and events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.errors import validation_problem
from leadapi.hygiene.repository import HygieneRepository
from leadapi.hygiene.schemas import HygieneSettingsIn
from leadapi.principal import Principal
from leadapi.stages.repository import StageRepository

# Marks cleared: what the sweep read under the old settings is read again under the new ones.
_NO_MARKS = dict.fromkeys(("activity_mark_at", "activity_mark_id", "created_mark_at", "created_mark_id"))


class HygieneService:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock

    async def settings(self, conn: AsyncConnection, principal: Principal) -> dict[str, Any]:
        held = await HygieneRepository(conn, principal.workspace_id).settings()
        if held is None:
            return {"archive_inactive_after_days": None, "only_stages": [], "updated_at": None}
        return {k: held[k] for k in ("archive_inactive_after_days", "only_stages", "updated_at")}

    async def save_settings(
        self, conn: AsyncConnection, principal: Principal, body: HygieneSettingsIn
    ) -> dict[str, Any]:
        """Replace the settings; 422 naming each stage the pipeline does not have."""
        pipeline = await StageRepository(conn, principal.workspace_id).pipeline()
        errors = [
            {"field": f"only_stages[{i}]", "message": "not a stage of the pipeline"}
            for i, key in enumerate(body.only_stages)
            if pipeline.stage(key) is None
        ]
        if errors:
            raise validation_problem(errors)
        values = {
            "archive_inactive_after_days": body.archive_inactive_after_days,
            "only_stages": sorted(set(body.only_stages)),
            "updated_at": self.clock(),
        }
        await HygieneRepository(conn, principal.workspace_id).save({**values, **_NO_MARKS})
        return values
