"""The contract of tasks: what an owner is to do on a lead, by when, and whether it is done."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field, StringConstraints

from leadapi.api.schemas import RequestModel
from leadapi.times import UtcDateTime

TaskType = Literal["call", "email", "follow_up", "custom"]
TaskStatus = Literal["open", "done", "cancelled"]
TASK_TYPES: tuple[str, ...] = ("call", "email", "follow_up", "custom")
Id = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Note = Annotated[str, StringConstraints(max_length=2000)]

TYPE_DESCRIPTION = (
    "call | email | follow_up | custom. Completing a task whose type is one of the pipeline's "
    "touch types (GET /v1/stages: `call` by default) is the owner's touch of the lead for its "
    "first-touch SLA."
)
STATUS_DESCRIPTION = (
    "open -> done or cancelled; done or cancelled -> open (reopened). done -> cancelled and "
    "cancelled -> done go through open."
)


class TaskCreate(RequestModel):
    lead_id: Id
    owner_id: Id | None = Field(
        None, description="An owner of the workspace; absent or null: the lead's owner."
    )
    type: TaskType = Field(description=TYPE_DESCRIPTION)
    # Not strict: JSON carries a date-time as text (RequestModel).
    due_at: UtcDateTime = Field(strict=False, description="ISO 8601; without an offset: UTC.")
    note: Note | None = None


class TaskUpdate(RequestModel):
    """Partial update: absent fields stay; `null` clears the note."""

    not_null: ClassVar[frozenset[str]] = frozenset({"owner_id", "type", "due_at", "status"})

    owner_id: Id | None = Field(None, description="Hand the task to another owner of the workspace.")
    type: TaskType | None = Field(None, description=TYPE_DESCRIPTION)
    due_at: UtcDateTime | None = Field(
        None, strict=False, description="A new due time; the task may then be reported overdue again."
    )
    note: Note | None = None
    status: TaskStatus | None = Field(None, description=STATUS_DESCRIPTION)


class Task(BaseModel):
    id: str = Field(examples=["tsk_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    lead_id: str
    owner_id: str
    type: str
    status: str
    due_at: datetime
    note: str | None
    completed_at: datetime | None = Field(description="When it was done (null unless done).")
    overdue_at: datetime | None = Field(
        description="When it was reported overdue (`task.overdue`); null: not reported."
    )
    caused_by: str | None = Field(description="What made it, when not an API call (an automation's run).")
    version: int = Field(description="Bumped by every change; the ETag.")
    created_at: datetime
    updated_at: datetime


class TaskList(BaseModel):
    data: list[Task]
    next_cursor: str | None
