"""The activation report's figures of what leadapi did about intent: the spikes the intent-spike
automations found, the tasks made for owners and whether they were done on time, the leads that
reached sql within 30 days of a spike, and per nurture track its enrolments, how they ended and the
leads that reached sql after enrolling.

Each counts what happened in the report's range (a spike found, a task made, a lead enrolled), for
the leads that pass the report's filters, in one statement, read through an index on the time of
what it counts (or, for the spikes, the automation's runs by time). "Reached sql" is a
`lead.band_changed` event to `sql` (a partial index holds only band changes), from the spike's
triggering event on, or after the enrolment.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, exists, func, select

from leadapi.automations.models import Automation, AutomationRun
from leadapi.db import constant
from leadapi.reports.repository import ReportRepository, events, leads
from leadapi.repository import same_workspace
from leadapi.tasks.models import Task
from leadapi.tracks.models import Enrollment, Track

automations = cast(Table, Automation.__table__)
runs = cast(Table, AutomationRun.__table__)
tasks = cast(Table, Task.__table__)
enrollments = cast(Table, Enrollment.__table__)
tracks = cast(Table, Track.__table__)

SQL_BAND = "sql"
SPIKE_TO_SQL_DAYS = 30


class IntentReportRepository(ReportRepository):
    def _reached_sql(self, lead_id: Any, since: Any, days: int | None = None) -> ColumnElement[bool]:
        """The lead's band changed to sql at or after `since` (within `days` of it)."""
        conditions = [
            events.c.workspace_id == self.workspace_id,
            events.c.lead_id == lead_id,
            # A literal, not a parameter: the partial index of band changes is defined by it.
            events.c.type == constant("lead.band_changed"),
            events.c.occurred_at >= since,
            self._json_text(events.c.data, "to") == SQL_BAND,
        ]
        if days is not None:
            conditions.append(self._within_days(events.c.occurred_at, since, days))
        return exists(select(events.c.id).where(*conditions))

    async def spike_automation_ids(self) -> list[str]:
        """The workspace's automations triggered by an intent spike (a workspace has a few hundred
        automations at most: their triggers are read, not indexed)."""
        stmt = self.scoped_select(automations, automations.c.id, automations.c.trigger)
        return [str(i) for i, trigger in await self.conn.execute(stmt) if "intent_spike" in (trigger or {})]

    async def spikes(self, automation_ids: list[str]) -> dict[str, int]:
        """Spikes found in the range (runs of these automations, fired or skipped by their
        condition or limits), the leads they were found on, and those of the leads that reached
        sql within 30 days of one."""
        if not automation_ids:
            return {"spikes": 0, "spike_leads": 0, "reached_sql_30d": 0}
        trigger = events.alias("trigger_event")
        found = (
            select(runs.c.lead_id, trigger.c.occurred_at.label("at"))
            .join(leads, and_(leads.c.id == runs.c.lead_id, same_workspace(leads, runs)))
            .join(trigger, and_(trigger.c.id == runs.c.event_id, same_workspace(trigger, runs)))
            .where(
                runs.c.workspace_id == self.workspace_id,
                runs.c.automation_id.in_(automation_ids),
                runs.c.at >= self.q.start,
                runs.c.at < self.q.end,
                *self.lead_filters(),
            )
            .subquery()
        )
        reached = self._reached_sql(found.c.lead_id, found.c.at, SPIKE_TO_SQL_DAYS)
        stmt = select(
            func.count().label("spikes"),
            func.count(func.distinct(found.c.lead_id)).label("spike_leads"),
            func.count(func.distinct(found.c.lead_id)).filter(reached).label("reached_sql_30d"),
        )
        row = (await self.conn.execute(stmt)).mappings().one()
        return {k: int(v or 0) for k, v in row.items()}

    async def task_figures(self) -> dict[str, int]:
        """Tasks made in the range: by automations, done, done by their due time."""
        done = tasks.c.status == "done"
        stmt = (
            select(
                func.count().label("tasks_created"),
                self._count_if(tasks.c.caused_by.is_not(None), "tasks_by_automations"),
                self._count_if(done, "tasks_done"),
                self._count_if(and_(done, tasks.c.completed_at <= tasks.c.due_at), "tasks_done_on_time"),
            )
            .join(leads, and_(leads.c.id == tasks.c.lead_id, same_workspace(leads, tasks)))
            .where(
                tasks.c.workspace_id == self.workspace_id,
                tasks.c.created_at >= self.q.start,
                tasks.c.created_at < self.q.end,
                *self.lead_filters(),
            )
        )
        row = (await self.conn.execute(stmt)).mappings().one()
        return {k: int(v or 0) for k, v in row.items()}

    async def track_figures(self) -> list[dict[str, Any]]:
        """Per track, status and exit reason: the enrolments made in the range, and those whose
        lead reached sql after enrolling."""
        reached = self._reached_sql(enrollments.c.lead_id, enrollments.c.enrolled_at)
        stmt = (
            select(
                enrollments.c.track_id,
                tracks.c.name,
                enrollments.c.status,
                enrollments.c.reason,
                func.count().label("n"),
                self._count_if(reached, "reached_sql"),
            )
            .join(leads, and_(leads.c.id == enrollments.c.lead_id, same_workspace(leads, enrollments)))
            .join(tracks, and_(tracks.c.id == enrollments.c.track_id, same_workspace(tracks, enrollments)))
            .where(
                enrollments.c.workspace_id == self.workspace_id,
                enrollments.c.enrolled_at >= self.q.start,
                enrollments.c.enrolled_at < self.q.end,
                *self.lead_filters(),
            )
            .group_by(enrollments.c.track_id, tracks.c.name, enrollments.c.status, enrollments.c.reason)
            .order_by(enrollments.c.track_id)
        )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]
