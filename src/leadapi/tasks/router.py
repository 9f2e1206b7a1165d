"""Tasks over HTTP: thin over TaskService."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse

from leadapi.api.auth import Reader, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import next_time_cursor, time_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.leads.service import parse_if_match
from leadapi.tasks.schemas import STATUS_DESCRIPTION, Task, TaskCreate, TaskList, TaskStatus, TaskUpdate
from leadapi.tasks.service import etag
from leadapi.times import UtcDateTime

router = APIRouter(prefix="/v1/tasks", tags=["tasks"], responses=PROBLEM_RESPONSES)
lead_router = APIRouter(prefix="/v1/leads", tags=["tasks"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Cursor = Annotated[str | None, Query(max_length=2000, description="`next_cursor` of the previous page.")]
Status = Annotated[TaskStatus | None, Query(description="Only tasks in this status.")]


def _shown(row: dict[str, object], status_code: int = 200, location: bool = False) -> JSONResponse:
    task = Task.model_validate(row)
    headers = {"ETag": etag(task.version)}
    if location:
        headers["Location"] = f"/v1/tasks/{task.id}"
    return JSONResponse(task.model_dump(mode="json"), status_code=status_code, headers=headers)


@router.post("", operation_id="create_task", status_code=201, response_model=Task, summary="Add a task")
async def create_task(body: TaskCreate, principal: Writer, services: ServicesDep, conn: Tx) -> JSONResponse:
    """An open task on a lead for an owner (default: the lead's owner) due at a time;
    `task.created`. 422 naming `lead_id` or `owner_id` when it is not in the workspace."""
    row = await services.tasks.create(
        conn,
        principal.workspace_id,
        lead_id=body.lead_id,
        task_type=body.type,
        due_at=body.due_at,
        owner_id=body.owner_id,
        note=body.note,
        actor=principal.key_id,
    )
    return _shown(row, 201, location=True)


@router.get("", operation_id="list_tasks", response_model=TaskList, summary="Tasks")
async def list_tasks(
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    owner_id: Annotated[str | None, Query(max_length=32, description="Only this owner's tasks.")] = None,
    status: Status = None,
    due_before: Annotated[UtcDateTime | None, Query(description="Due before this time (ISO 8601).")] = None,
    due_after: Annotated[UtcDateTime | None, Query(description="Due at or after this time.")] = None,
    sort: Annotated[
        Literal["due_at", "-due_at"], Query(description="By due time: soonest first, or (-due_at) last.")
    ] = "due_at",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> TaskList:
    """By due time, then id. A rep's open work: `owner_id=ow_...&status=open`; what is late:
    `status=open&due_before=<now>`."""
    rows = await services.tasks.page(
        conn,
        principal,
        owner_id=owner_id,
        status=status,
        due_before=due_before,
        due_after=due_after,
        descending=sort == "-due_at",
        limit=limit + 1,
        after=time_cursor(cursor),
    )
    return TaskList(
        data=[Task.model_validate(r) for r in rows[:limit]],
        next_cursor=next_time_cursor(rows, limit, "due_at"),
    )


@router.get("/{task_id}", operation_id="get_task", response_model=Task, summary="A task")
async def get_task(task_id: str, principal: Reader, services: ServicesDep, conn: Snapshot) -> JSONResponse:
    return _shown(await services.tasks.get(conn, principal, task_id))


UPDATE_DESCRIPTION = (
    "Absent fields stay; `null` clears the note. Status: " + STATUS_DESCRIPTION + " (409 otherwise). "
    "Done: `completed_at` is set, `task.completed` appended, and a task of one of the pipeline's touch "
    "types is the owner's first touch for the SLA. A new `due_at` may be reported overdue again."
)


@router.patch(
    "/{task_id}",
    operation_id="update_task",
    response_model=Task,
    summary="Change a task",
    description=UPDATE_DESCRIPTION,
)
async def update_task(
    task_id: str,
    body: TaskUpdate,
    principal: Writer,
    services: ServicesDep,
    conn: Tx,
    if_match: Annotated[
        str | None, Header(description="ETag from a read; 412 if the task changed since.")
    ] = None,
) -> JSONResponse:
    row = await services.tasks.update(conn, principal, task_id, body, parse_if_match(if_match))
    return _shown(row)


@lead_router.get(
    "/{lead_id}/tasks", operation_id="list_lead_tasks", response_model=TaskList, summary="A lead's tasks"
)
async def list_lead_tasks(
    lead_id: str,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    status: Status = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> TaskList:
    """By due time, soonest first."""
    rows = await services.tasks.page(
        conn, principal, lead_id=lead_id, status=status, limit=limit + 1, after=time_cursor(cursor)
    )
    return TaskList(
        data=[Task.model_validate(r) for r in rows[:limit]],
        next_cursor=next_time_cursor(rows, limit, "due_at"),
    )
