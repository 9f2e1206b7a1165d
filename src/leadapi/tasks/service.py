"""Tasks for owners: create, change, complete and list them, and report the overdue ones.

A task is something an owner is to do on a lead (a call, an email, a follow-up) by a due time.
Its status moves open -> done or cancelled, and back to open (reopened, e.g. after a mistaken
completion); done and cancelled do not turn into each other directly. Every change bumps its
`version` (the ETag) and appends one event to the lead's log, which the change feed and webhooks
deliver: `task.created`, `task.completed`, `task.cancelled`, `task.reopened`, `task.updated`
(owner, type, due time or note), and `task.overdue` from the sweep (flows of its own below),
once per due time: a new due time may be reported again, a reopened task is not.

Completing a task whose type is one of the pipeline's touch types is the owner's touch of the
lead: the lead-change flow (`task_done`) stops the first-touch clock and dates the first touch,
as it does for an event of that type. Reopening the task does not take the touch back.

Callers own the transaction. `create` takes a workspace and an actor rather than a principal,
so that other services (an automation's `create_task` action) create tasks in their own
transaction; a refusal is a ProblemError they may catch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.flows.lead_change import LeadChangeFlow
from leadapi.ids import new_id
from leadapi.leads.repository import LeadRepository
from leadapi.owners.repository import OwnerRepository
from leadapi.principal import Principal
from leadapi.tasks.repository import TaskRepository, claim_overdue
from leadapi.tasks.schemas import TASK_TYPES, Task, TaskUpdate

# status before -> the statuses a PATCH may move it to
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"done", "cancelled"}),
    "done": frozenset({"open"}),
    "cancelled": frozenset({"open"}),
}
STATUS_EVENTS = {"done": "task.completed", "cancelled": "task.cancelled", "open": "task.reopened"}
EDITABLE = ("owner_id", "type", "due_at", "note")
# Rounds of "read the task, lock its lead, lock the task" before giving up on a task whose lead
# keeps changing under it (merged away again and again).
LOCK_ATTEMPTS = 3


def shown(row: Mapping[str, Any]) -> dict[str, Any]:
    """The task as the API and its events show it (JSON-ready)."""
    return Task.model_validate(row).model_dump(mode="json")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def etag(version: int) -> str:
    return f'"{version}"'


class TaskService:
    def __init__(self, clock: Callable[[], datetime], flow: LeadChangeFlow) -> None:
        self.clock = clock
        self.flow = flow

    # ---- creating ------------------------------------------------------------------------------

    async def create(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        *,
        lead_id: str,
        task_type: str,
        due_at: datetime,
        owner_id: str | None = None,
        note: str | None = None,
        actor: str | None,
        caused_by: str | None = None,
    ) -> dict[str, Any]:
        """A new open task on the lead, for `owner_id` (None: the lead's owner), and its
        `task.created`, in the caller's transaction. 422 naming the field when the lead or the
        owner is not in the workspace, or the lead has no owner to default to."""
        if task_type not in TASK_TYPES:
            raise validation_problem([{"field": "type", "message": f"one of {', '.join(TASK_TYPES)}"}])
        # Locked: the lead cannot be erased or merged away before the task is stored with it.
        lead = await LeadRepository(conn, workspace_id).get(lead_id, for_update=True)
        if lead is None:
            raise ProblemError(
                422,
                f"Lead {lead_id!r} does not exist.",
                errors=[{"field": "lead_id", "message": "no such lead"}],
            )
        if owner_id is None:
            owner_id = lead["owner_id"]
            if owner_id is None:
                raise validation_problem(
                    [{"field": "owner_id", "message": "the lead has no owner: name the task's owner"}]
                )
        await self._check_owner(conn, workspace_id, owner_id)
        now = self.clock()
        row: dict[str, Any] = {
            "id": new_id("task"),
            "lead_id": lead_id,
            "owner_id": owner_id,
            "type": task_type,
            "status": "open",
            "due_at": due_at,
            "note": note,
            "version": 1,
            "completed_at": None,
            "overdue_at": None,
            "caused_by": caused_by,
            "created_at": now,
            "updated_at": now,
        }
        await TaskRepository(conn, workspace_id).add(row)
        await EventRepository(conn, workspace_id).append(
            [NewEvent("task.created", lead_id, now, {"task": shown(row)}, actor)]
        )
        return row

    @staticmethod
    async def _check_owner(conn: AsyncConnection, workspace_id: str, owner_id: str) -> None:
        if await OwnerRepository(conn, workspace_id).get(owner_id) is None:
            raise ProblemError(
                422,
                f"Owner {owner_id!r} does not exist.",
                errors=[{"field": "owner_id", "message": "no such owner"}],
            )

    # ---- changing ------------------------------------------------------------------------------

    async def update(
        self,
        conn: AsyncConnection,
        principal: Principal,
        task_id: str,
        data: TaskUpdate,
        if_match: int | None,
    ) -> dict[str, Any]:
        changes = data.model_dump(exclude_unset=True)
        return await self.change(conn, principal.workspace_id, task_id, changes, if_match, principal.key_id)

    async def complete(
        self, conn: AsyncConnection, principal: Principal, task_id: str, note: str | None = None
    ) -> dict[str, Any]:
        """Done (a task already done stays as it is, its note aside)."""
        changes: dict[str, Any] = {"status": "done"}
        if note is not None:
            changes["note"] = note
        return await self.change(conn, principal.workspace_id, task_id, changes, None, principal.key_id)

    async def change(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        task_id: str,
        changes: Mapping[str, Any],
        if_match: int | None,
        actor: str | None,
    ) -> dict[str, Any]:
        """Applies `changes` (any of owner_id, type, due_at, note, status) in the caller's
        transaction: one event, and the touch when it is done. A change that changes nothing
        writes nothing. 412 when `if_match` is not the task's version, 409 for a status move
        TRANSITIONS does not allow."""
        lead, task = await self._locked(conn, workspace_id, task_id)
        if if_match is not None and if_match != task["version"]:
            raise ProblemError(
                412,
                f"The task changed since you read it (version {task['version']}, you sent {if_match}).",
                headers={"ETag": etag(task["version"])},
            )
        values = {name: changes[name] for name in EDITABLE if name in changes}
        nulls = [
            name
            for name in ("owner_id", "type", "due_at", "status")
            if name in changes and changes[name] is None
        ]
        if nulls:
            raise validation_problem([{"field": name, "message": "cannot be null"} for name in nulls])
        if "type" in values and values["type"] not in TASK_TYPES:
            raise validation_problem([{"field": "type", "message": f"one of {', '.join(TASK_TYPES)}"}])
        status = changes.get("status", task["status"])
        if status != task["status"]:
            if status not in TRANSITIONS[task["status"]]:
                raise ProblemError(
                    409,
                    f"A {task['status']} task cannot become {status}; reopen it first (status open).",
                    slug="task-status",
                    errors=[{"field": "status", "message": f"not allowed from {task['status']}"}],
                )
            values["status"] = status
        values = {name: value for name, value in values.items() if value != task[name]}
        if not values:
            return task
        if "owner_id" in values:
            await self._check_owner(conn, workspace_id, values["owner_id"])
        now = self.clock()
        if "status" in values:
            values["completed_at"] = now if status == "done" else None
        if "due_at" in values:
            values["overdue_at"] = None  # a new due time: overdue again once it passes
        written = {**values, "updated_at": now, "version": task["version"] + 1}
        await TaskRepository(conn, workspace_id).update(task_id, written)
        after = {**task, **written}
        kind = STATUS_EVENTS[status] if "status" in values else "task.updated"
        diff = {
            name: [_plain(task[name]), _plain(after[name])] for name in values if task[name] != after[name]
        }
        await EventRepository(conn, workspace_id).append(
            [NewEvent(kind, after["lead_id"], now, {"task": shown(after), "changes": diff}, actor)]
        )
        if values.get("status") == "done":
            await self.flow.task_done(conn, workspace_id, lead, after["type"], now, actor)
        return after

    async def _locked(
        self, conn: AsyncConnection, workspace_id: str, task_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The task and its lead, both locked: the lead first, as every writer of a lead and its
        tasks (a merge, an erasure) locks them, so the two orders never meet in a deadlock."""
        tasks, leads = TaskRepository(conn, workspace_id), LeadRepository(conn, workspace_id)
        for _ in range(LOCK_ATTEMPTS):
            seen = await tasks.get(task_id)
            if seen is None:
                break
            lead = await leads.get(seen["lead_id"], for_update=True)
            task = await tasks.get(task_id, for_update=True)
            if task is None:
                break
            if lead is not None and lead["id"] == task["lead_id"]:
                return lead, task
            # Its lead was merged into another meanwhile: the task moved with it; again.
        else:
            raise ProblemError(409, f"Task {task_id!r} kept moving between leads; try again.")
        raise not_found("Task", task_id)

    # ---- reading -------------------------------------------------------------------------------

    async def get(self, conn: AsyncConnection, principal: Principal, task_id: str) -> dict[str, Any]:
        row = await TaskRepository(conn, principal.workspace_id).get(task_id)
        if row is None:
            raise not_found("Task", task_id)
        return row

    async def page(
        self,
        conn: AsyncConnection,
        principal: Principal,
        *,
        owner_id: str | None = None,
        lead_id: str | None = None,
        status: str | None = None,
        due_before: datetime | None = None,
        due_after: datetime | None = None,
        descending: bool = False,
        limit: int,
        after: tuple[datetime, str] | None = None,
    ) -> list[dict[str, Any]]:
        """By due time, soonest first (`descending`: last). An owner of another workspace, or
        none, has no tasks here; a lead not in the workspace is not found (404)."""
        if due_before is not None and due_after is not None and due_after >= due_before:
            raise validation_problem([{"field": "due_before", "message": "must be after due_after"}])
        if lead_id is not None:
            await LeadRepository(conn, principal.workspace_id).require(lead_id)
        return await TaskRepository(conn, principal.workspace_id).page(
            owner_id=owner_id,
            lead_id=lead_id,
            status=status,
            due_before=due_before,
            due_after=due_after,
            descending=descending,
            limit=limit,
            after=after,
        )

    # ---- overdue (tasks/sweep.py) --------------------------------------------------------------

    async def report_overdue(self, conn: AsyncConnection, now: datetime, limit: int) -> int:
        """Up to `limit` open tasks due by `now` and not yet reported, in any workspace, each
        marked reported and given its `task.overdue`, in the caller's transaction. Tasks a
        request holds wait for a later round. Returns how many were reported."""
        due = await claim_overdue(conn, now, limit)
        by_workspace: dict[str, list[str]] = {}
        for item in due:
            by_workspace.setdefault(item["workspace_id"], []).append(item["id"])
        for workspace_id, task_ids in by_workspace.items():
            rows = await TaskRepository(conn, workspace_id).flag_overdue(task_ids, now)
            await EventRepository(conn, workspace_id).append(
                [NewEvent("task.overdue", row["lead_id"], now, {"task": shown(row)}) for row in rows]
            )
        return len(due)
