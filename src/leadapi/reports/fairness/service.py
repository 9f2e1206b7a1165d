"""The routing fairness report: read the range's assignments and unassigned leads in the caller's
snapshot, tally them (reports/fairness/engine.py) and name the rules and owners."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.errors import validation_problem
from leadapi.principal import Principal
from leadapi.reports.fairness.engine import Fairness
from leadapi.reports.fairness.repository import BATCH, FairnessRepository
from leadapi.reports.service import ReportParams, ReportService


class FairnessService:
    def __init__(self, reports: ReportService, batch: int = BATCH) -> None:
        # The reports' range checks and defaults (30 days before now, at most 3 years).
        self.reports = reports
        self.batch = batch  # rows read per statement

    async def routing(
        self,
        conn: AsyncConnection,
        principal: Principal,
        start: datetime | None,
        end: datetime | None,
        rule_id: str | None,
        *,
        range_names: tuple[str, str] = ("from", "to"),
    ) -> dict[str, Any]:
        query = self.reports.query(ReportParams(start, end), allowed=(), range_names=range_names)
        if conn.dialect.name == "postgresql":
            # A range's rows, read once: a plan for the actual range (as reports/service.py).
            await conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
            await conn.execute(text("SET LOCAL jit = off"))
        repo = FairnessRepository(conn, principal.workspace_id, query.start, query.end, self.batch)
        people = await repo.owners()
        tally = Fairness(current_weights={owner_id: weight for owner_id, (_, weight) in people.items()})
        async for row in repo.assignments():
            tally.add_assignment(row)
        async for data in repo.unassigned():
            tally.add_unassigned(data)
        names = {owner_id: name for owner_id, (name, _) in people.items()}
        body = tally.report(await repo.rule_names(), names)
        if rule_id is not None:
            body["rules"] = [rule for rule in body["rules"] if rule["rule_id"] == rule_id]
            if not body["rules"] and not await repo.rule_exists(rule_id):
                raise validation_problem(
                    [{"field": "rule_id", "message": "no such routing rule in this workspace"}]
                )
        return {"from": query.start, "to": query.end, "rule_id": rule_id, **body}
