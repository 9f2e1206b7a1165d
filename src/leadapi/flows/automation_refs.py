"""Automations whose actions name something that is gone: switched off, with the reason on them and
in an `automation.disabled` event, in the transaction that removes the thing.

Owners (deleted or deactivated), stages (removed from the pipeline) and nurture tracks (deleted)
call this at that moment, so an automation never goes on firing actions that can only be refused.
It lives in flows/ because the owners, stages and tracks domains do not call the automations
domain; they tell this module what went.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.automations.repository import AutomationRepository
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.owners.repository import OwnerRepository
from leadapi.segments.repository import SegmentRepository
from leadapi.stages.repository import StageRepository
from leadapi.tracks.repository import TrackRepository

# Actions that name an owner, a stage or a track (as automations/service.py checks them).
OWNER_ACTIONS = ("assign", "create_task")
STAGE_ACTIONS = ("move_stage",)
TRACK_ACTIONS = ("enroll", "unenroll")


def stale_reference(
    actions: list[Mapping[str, Any]],
    *,
    owners: Collection[str] = (),
    stages: Collection[str] = (),
    tracks: Collection[str] = (),
    why: str = "is gone",
) -> str | None:
    """The first action naming one of these owners, stages or tracks, said as an inactive reason."""
    for index, action in enumerate(actions):
        owner = action.get("owner_id")
        if action["type"] in OWNER_ACTIONS and owner is not None and owner in owners:
            return f"actions[{index}].owner_id: the owner {owner} {why}"
        stage = action.get("stage")
        if action["type"] in STAGE_ACTIONS and stage is not None and stage in stages:
            return f"actions[{index}].stage: the stage {stage!r} {why}"
        track = action.get("track_id")
        if action["type"] in TRACK_ACTIONS and track is not None and track in tracks:
            return f"actions[{index}].track_id: the track {track} {why}"
    return None


async def _disable(
    conn: AsyncConnection,
    workspace_id: str,
    now: datetime,
    actor: str | None,
    *,
    owners: Collection[str] = (),
    stages: Collection[str] = (),
    tracks: Collection[str] = (),
    why: str,
) -> list[str]:
    repo = AutomationRepository(conn, workspace_id)
    disabled: list[str] = []
    new_events: list[NewEvent] = []
    # The active automations of one workspace: a few hundred at most (automations/service.py).
    for automation in await repo.active():
        reason = stale_reference(automation["actions"], owners=owners, stages=stages, tracks=tracks, why=why)
        if reason is None:
            continue
        await repo.update(automation["id"], {"active": False, "inactive_reason": reason, "updated_at": now})
        disabled.append(automation["id"])
        data = {"automation_id": automation["id"], "name": automation["name"], "reason": reason}
        new_events.append(NewEvent("automation.disabled", None, now, data, actor))
    if new_events:
        await EventRepository(conn, workspace_id).append(new_events)
    return disabled


async def owner_gone(
    conn: AsyncConnection,
    workspace_id: str,
    owner_id: str,
    now: datetime,
    actor: str | None,
    *,
    deleted: bool,
) -> list[str]:
    """The owner was deleted or deactivated: the automations naming them are switched off."""
    why = "was deleted" if deleted else "was deactivated"
    return await _disable(conn, workspace_id, now, actor, owners={owner_id}, why=why)


async def stages_removed(
    conn: AsyncConnection, workspace_id: str, stages: Collection[str], now: datetime, actor: str | None
) -> list[str]:
    """These stages left the pipeline: the automations moving leads to them are switched off."""
    if not stages:
        return []
    return await _disable(
        conn, workspace_id, now, actor, stages=set(stages), why="was removed from the pipeline"
    )


async def track_deleted(
    conn: AsyncConnection, workspace_id: str, track_id: str, now: datetime, actor: str | None
) -> list[str]:
    """The track was deleted: the automations enrolling leads in it (or taking them out of it)
    are switched off, and the segments enrolling their entering leads in it enrol them in none."""
    await SegmentRepository(conn, workspace_id).clear_track(track_id)
    return await _disable(conn, workspace_id, now, actor, tracks={track_id}, why="was deleted")


async def disable_if_stale(
    conn: AsyncConnection, workspace_id: str, automation: Mapping[str, Any], now: datetime, actor: str | None
) -> str | None:
    """The consumer's check, at the latest, after an action was refused: an owner, a stage or a
    track the automation names that is gone (removed in a race with the hooks above) switches it
    off too."""
    actions = automation["actions"]
    named = {a["owner_id"] for a in actions if a["type"] in OWNER_ACTIONS and a.get("owner_id")}
    owners = named - await OwnerRepository(conn, workspace_id).existing_ids(named)
    stages: set[str] = set()
    if any(a["type"] in STAGE_ACTIONS for a in actions):
        pipeline = await StageRepository(conn, workspace_id).pipeline()
        stages = {
            a["stage"] for a in actions if a["type"] in STAGE_ACTIONS and pipeline.stage(a["stage"]) is None
        }
    named_tracks = {a["track_id"] for a in actions if a["type"] in TRACK_ACTIONS and a.get("track_id")}
    tracks = named_tracks - await TrackRepository(conn, workspace_id).existing_ids(named_tracks)
    reason = stale_reference(actions, owners=owners, stages=stages, tracks=tracks, why="is gone")
    if reason is None:
        return None
    repo = AutomationRepository(conn, workspace_id)
    current = await repo.get(automation["id"])
    if current is None or not current["active"]:  # switched off already (an earlier event of the batch)
        return None
    await repo.update(automation["id"], {"active": False, "inactive_reason": reason, "updated_at": now})
    data = {"automation_id": automation["id"], "name": automation["name"], "reason": reason}
    await EventRepository(conn, workspace_id).append(
        [NewEvent("automation.disabled", None, now, data, actor)]
    )
    return reason
