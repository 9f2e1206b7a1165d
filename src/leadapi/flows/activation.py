"""Activation out of the box: the automations a workspace starts with, inactive until an admin
switches them on, and the nurture tracks they enrol leads in.

- An intent spike (25 behaviour points within 48 hours) on an MQL notifies the owner
  (`automation.notified`, `to: owner`) and makes a call task due in 60 minutes (at most once a
  day per lead).
- A lead of the top of the funnel (before sales accepted it) quiet for 90 days moves to the
  pipeline's recycle stage and enters the re-engagement track.
- A lead sales rejected enters the nurture track.

A new workspace gets them when it is made (workspaces/service.py calls `install`);
`POST /v1/automations/defaults` installs them in a workspace made before. Each default is made
once per workspace: the record of it (activation/) outlives a deletion, so installing again never
brings back what an admin removed, nor doubles what is there. The tracks' steps name template refs
(`nurture_1`...) for the sender to map to its own templates.

Made through the automations' and tracks' own services, so their checks, audit entries and
cursors are the same as an admin's POST would make.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.activation.repository import ActivationRepository
from leadapi.automations.schemas import AutomationCreate
from leadapi.automations.service import AutomationService
from leadapi.principal import Principal
from leadapi.stages.engine import Pipeline
from leadapi.stages.repository import StageRepository
from leadapi.tracks.schemas import TrackCreate
from leadapi.tracks.service import TrackService

DAY_MINUTES = 24 * 60
NURTURE = "nurture_track"
REENGAGEMENT = "reengagement_track"
INTENT_SPIKE = "intent_spike_call_task"
INACTIVE = "inactive_recycle_reengage"
REJECTED = "rejected_nurture"


def tracks(pipeline: Pipeline) -> dict[str, dict[str, Any]]:
    """The default tracks. Both hold leads waiting in the pipeline's recycle stage (rejected ones,
    and the quiet ones the inactivity automation moves there), so a lead leaves either once it is
    back in the funnel (a new band promotes it) or sales has it again (the tracks' own rule)."""
    back_in_funnel = {"field": "stage", "op": "ne", "value": pipeline.recycle_stage}
    return {
        NURTURE: {
            "name": "Nurture",
            "steps": [
                {"channel": "email", "ref": "nurture_1", "wait_minutes": DAY_MINUTES},
                {"channel": "email", "ref": "nurture_2", "wait_minutes": 7 * DAY_MINUTES},
                {"channel": "linkedin", "ref": "nurture_connect", "wait_minutes": 7 * DAY_MINUTES},
                {"channel": "email", "ref": "nurture_3", "wait_minutes": 14 * DAY_MINUTES},
            ],
            "exit_when": back_in_funnel,
            "reenroll": {"after_days": 90},
        },
        REENGAGEMENT: {
            "name": "Re-engagement",
            "steps": [
                {"channel": "email", "ref": "reengage_1", "wait_minutes": 0},
                {"channel": "email", "ref": "reengage_2", "wait_minutes": 3 * DAY_MINUTES},
                {"channel": "linkedin", "ref": "reengage_touch", "wait_minutes": 7 * DAY_MINUTES},
            ],
            "exit_when": back_in_funnel,
            # The trigger is 90 quiet days: the next quiet spell ends that far off at the soonest.
            "reenroll": {"after_days": 90},
        },
    }


def top_of_funnel(pipeline: Pipeline) -> list[str]:
    """The open stages before the accepted one, but the recycle stage: leads marketing holds."""
    keys: list[str] = []
    for stage in pipeline.stages:
        if stage.key == pipeline.accepted_stage:
            break
        if stage.category == "open" and stage.key != pipeline.recycle_stage:
            keys.append(stage.key)
    return keys


def automations(pipeline: Pipeline, track_ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The default automations, inactive, naming the workspace's stages and these tracks."""
    quiet_in = top_of_funnel(pipeline)
    return {
        INTENT_SPIKE: {
            "name": "Intent spike on an MQL: alert the owner, call within the hour",
            "active": False,
            "trigger": {"intent_spike": {"points": 25, "within_hours": 48}},
            "when": {"field": "band", "op": "eq", "value": "mql"},
            "actions": [
                {
                    "type": "notify",
                    "to": "owner",
                    "message": "{{lead.email}} shows an intent spike ({{event.type}}, score "
                    "{{lead.score}}): call within the hour",
                },
                {
                    "type": "create_task",
                    "task_type": "call",
                    "due_in_minutes": 60,
                    "note": "Intent spike: call within the hour.",
                },
            ],
            # One alert and one task per lead a day, however long the spike goes on.
            "limits": {"cooldown_minutes": DAY_MINUTES},
        },
        INACTIVE: {
            "name": "Quiet for 90 days: recycle and re-engage",
            "active": False,
            "trigger": {"inactive_for_days": 90},
            "when": {"field": "stage", "op": "in", "value": quiet_in} if quiet_in else None,
            "actions": [
                {"type": "move_stage", "stage": pipeline.recycle_stage},
                {"type": "enroll", "track_id": track_ids[REENGAGEMENT]},
            ],
        },
        REJECTED: {
            "name": "Rejected by sales: nurture",
            "active": False,
            "trigger": {"event": "lead.rejected"},
            "actions": [{"type": "enroll", "track_id": track_ids[NURTURE]}],
        },
    }


class ActivationFlow:
    def __init__(
        self, clock: Callable[[], datetime], automations: AutomationService, tracks: TrackService
    ) -> None:
        self.clock = clock
        self.automations = automations
        self.tracks = tracks

    async def install(self, conn: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
        """The defaults the workspace was never given, made now, in the caller's transaction; each
        default listed with what it made and whether this call made it (tracks first: the
        automations name them)."""
        repo = ActivationRepository(conn, principal.workspace_id)
        await repo.lock_workspace()
        given = await repo.installed()
        out: list[dict[str, Any]] = []
        track_ids: dict[str, str] = {}
        pipeline = await StageRepository(conn, principal.workspace_id).pipeline()
        for template, document in tracks(pipeline).items():
            if template in given:
                track_ids[template] = given[template]["object_id"]
                out.append(self._listed(given[template], document["name"], False))
                continue
            track = await self.tracks.create(conn, principal, TrackCreate.model_validate(document))
            track_ids[template] = track["id"]
            out.append(await self._record(repo, template, "track", track["id"], track["name"]))
        for template, document in automations(pipeline, track_ids).items():
            if template in given:
                out.append(self._listed(given[template], document["name"], False))
                continue
            made = await self.automations.create(conn, principal, AutomationCreate.model_validate(document))
            out.append(await self._record(repo, template, "automation", made["id"], made["name"]))
        return out

    async def _record(
        self, repo: ActivationRepository, template: str, kind: str, object_id: str, name: str
    ) -> dict[str, Any]:
        row = {"template": template, "kind": kind, "object_id": object_id, "installed_at": self.clock()}
        await repo.add(row)
        return self._listed(row, name, True)

    @staticmethod
    def _listed(row: dict[str, Any], name: str, installed: bool) -> dict[str, Any]:
        return {
            "template": row["template"],
            "kind": row["kind"],
            "id": row["object_id"],
            "name": name,
            "installed": installed,
        }
