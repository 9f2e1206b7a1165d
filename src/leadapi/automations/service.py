"""Automations: create, change and remove them, and read their runs. Running them is the flow's
(flows/automations.py): it crosses into leads, stages and routing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.automations import engine
from leadapi.automations.repository import AutomationRepository
from leadapi.automations.schemas import AutomationCreate, AutomationFields, AutomationUpdate
from leadapi.conditions import ConditionError
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.ids import new_id
from leadapi.leads.repository import LeadRepository
from leadapi.owners.repository import OwnerRepository
from leadapi.principal import Principal
from leadapi.segments.repository import SegmentRepository
from leadapi.stages.repository import StageRepository
from leadapi.tracks.repository import TrackRepository

MAX_AUTOMATIONS = 200


def stored(data: AutomationFields) -> dict[str, Any]:
    """The columns a create or update sets, as JSON documents."""
    values = data.model_dump(exclude_unset=True, exclude_none=False)
    out: dict[str, Any] = {}
    for name in ("name", "active"):
        if name in values:
            out[name] = values[name]
    if "trigger" in values:
        out["trigger"] = data.trigger.model_dump(exclude_none=True) if data.trigger else None
    if "when" in values:
        out["when"] = data.when
    if "actions" in values:
        out["actions"] = [a.model_dump(exclude_none=True) for a in data.actions or []]
    if "limits" in values:
        out["limits"] = data.limits.model_dump() if data.limits else None
    return out


# Actions that may name an owner: checked on write against the workspace's owners.
OWNER_ACTIONS = ("assign", "create_task")
# Actions that may name a nurture track: checked on write against the workspace's tracks.
TRACK_ACTIONS = ("enroll", "unenroll")


class AutomationService:
    """Automations, in the caller's transaction."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock

    async def check(self, conn: AsyncConnection, workspace_id: str, row: Mapping[str, Any]) -> None:
        """422 naming each bad node: the condition, and actions naming stages, owners or tracks
        the workspace does not have."""
        errors: list[dict[str, str]] = []
        if row.get("when") is not None:
            try:
                engine.compile_when(row["when"])
            except ConditionError as exc:
                errors.append({"field": exc.path, "message": exc.message})
        segment_id = (row.get("trigger") or {}).get("segment_entered")
        if segment_id is not None and not await SegmentRepository(conn, workspace_id).existing_ids(
            [segment_id]
        ):
            errors.append({"field": "trigger.segment_entered", "message": f"no segment {segment_id!r}"})
        actions = row["actions"]
        owners = {a["owner_id"] for a in actions if a["type"] in OWNER_ACTIONS and a.get("owner_id")}
        known = await OwnerRepository(conn, workspace_id).existing_ids(owners)
        named_tracks = {a["track_id"] for a in actions if a["type"] in TRACK_ACTIONS and a.get("track_id")}
        known_tracks = await TrackRepository(conn, workspace_id).existing_ids(named_tracks)
        pipeline = None
        for i, action in enumerate(actions):
            track_id = action.get("track_id") if action["type"] in TRACK_ACTIONS else None
            if track_id and track_id not in known_tracks:
                errors.append({"field": f"actions[{i}].track_id", "message": f"no track {track_id!r}"})
            if action["type"] in OWNER_ACTIONS and action.get("owner_id") and action["owner_id"] not in known:
                errors.append(
                    {"field": f"actions[{i}].owner_id", "message": f"no owner {action['owner_id']!r}"}
                )
            if action["type"] == "move_stage":
                pipeline = pipeline or await StageRepository(conn, workspace_id).pipeline()
                stage = pipeline.stage(action["stage"])
                if stage is None:
                    errors.append(
                        {
                            "field": f"actions[{i}].stage",
                            "message": f"no stage {action['stage']!r} in the pipeline",
                        }
                    )
                elif (
                    stage.category == "lost" and action.get("reason") not in pipeline.disqualification_reasons
                ):
                    known_reasons = ", ".join(pipeline.disqualification_reasons)
                    errors.append(
                        {
                            "field": f"actions[{i}].reason",
                            "message": "a move to a lost stage gives a disqualification reason "
                            f"({known_reasons})",
                        }
                    )
        if errors:
            raise validation_problem(errors)

    async def create(
        self, conn: AsyncConnection, principal: Principal, data: AutomationCreate
    ) -> dict[str, Any]:
        now = self.clock()
        repo = AutomationRepository(conn, principal.workspace_id)
        if await repo.count() >= MAX_AUTOMATIONS:
            raise ProblemError(409, f"A workspace has at most {MAX_AUTOMATIONS} automations.")
        values = stored(data)
        last_seq = await repo.last_seq()
        row: dict[str, Any] = {
            "id": new_id("automation"),
            "name": values["name"],
            "active": True if data.active is None else data.active,
            "trigger": values["trigger"],
            "when": values.get("when"),
            "actions": values["actions"],
            "limits": values.get("limits")
            or {"once_per_lead": False, "cooldown_minutes": None, "max_runs_per_day": None},
            "from_seq": last_seq,  # from now on: what happened before is history
            "created_at": now,
            "updated_at": now,
        }
        await self.check(conn, principal.workspace_id, row)
        await repo.add(row)
        await repo.start_cursor(last_seq, now)
        await self._sync_mark(repo, row, None, now)
        await record_for(conn, principal, now, "created", "automation", row["id"], None, row)
        return row

    @staticmethod
    async def _sync_mark(
        repo: AutomationRepository, row: Mapping[str, Any], before: Mapping[str, Any] | None, now: datetime
    ) -> None:
        """An active `inactive_for_days` automation has a mark for the sweep; a new one (or one
        switched back on, or with other days) starts from now. Any other has none."""
        trigger = row["trigger"]
        if row["active"] and engine.trigger_kind(trigger) == "inactive_for_days":
            days = int(trigger["inactive_for_days"])
            was_on = before is not None and before["active"] and before["trigger"] == trigger
            if not was_on or await repo.mark(row["id"]) is None:
                await repo.start_mark(row["id"], days, now)
        elif before is not None and engine.trigger_kind(before["trigger"]) == "inactive_for_days":
            await repo.drop_mark(row["id"])

    async def get(self, conn: AsyncConnection, principal: Principal, automation_id: str) -> dict[str, Any]:
        row = await AutomationRepository(conn, principal.workspace_id).get(automation_id)
        if row is None:
            raise not_found("Automation", automation_id)
        return row

    async def page(
        self, conn: AsyncConnection, principal: Principal, limit: int, after_id: str | None
    ) -> list[dict[str, Any]]:
        return await AutomationRepository(conn, principal.workspace_id).page(limit, after_id)

    async def update(
        self, conn: AsyncConnection, principal: Principal, automation_id: str, data: AutomationUpdate
    ) -> dict[str, Any]:
        changes = stored(data)
        for name in ("name", "active", "trigger", "actions", "limits"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        repo = AutomationRepository(conn, principal.workspace_id)
        row = await repo.get(automation_id, lock=True)
        if row is None:
            raise not_found("Automation", automation_id)
        after = {**row, **changes}
        await self.check(conn, principal.workspace_id, after)
        now = self.clock()
        if changes.get("active") and not row["active"]:
            changes["from_seq"] = await repo.last_seq()  # back on: from now on, not what it missed
            changes["inactive_reason"] = None  # an admin's say-so, after check() found nothing gone
        changes["updated_at"] = now
        await repo.update(automation_id, changes)
        after = {**row, **changes}
        await self._sync_mark(repo, after, row, now)
        await record_for(conn, principal, now, "updated", "automation", automation_id, row, after)
        return after

    async def delete(self, conn: AsyncConnection, principal: Principal, automation_id: str) -> None:
        repo = AutomationRepository(conn, principal.workspace_id)
        before = await repo.get(automation_id, lock=True)
        if before is None:
            raise not_found("Automation", automation_id)
        await repo.delete(automation_id)
        await record_for(conn, principal, self.clock(), "deleted", "automation", automation_id, before, None)

    async def runs(
        self,
        conn: AsyncConnection,
        principal: Principal,
        automation_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        repo = AutomationRepository(conn, principal.workspace_id)
        if await repo.get(automation_id) is None:
            raise not_found("Automation", automation_id)
        return await repo.runs_of(automation_id=automation_id, limit=limit, before=before)

    async def lead_runs(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        await LeadRepository(conn, principal.workspace_id).require(lead_id)
        return await AutomationRepository(conn, principal.workspace_id).runs_of(
            lead_id=lead_id, limit=limit, before=before
        )
