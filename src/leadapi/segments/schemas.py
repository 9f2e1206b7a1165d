"""The contract of segments: a name and a condition over the lead; the members and their count."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field, StringConstraints

from leadapi.api.schemas import RequestModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

WHEN_DESCRIPTION = (
    "A condition (as in scoring, routing and automations) over the lead: its fields, `band`, `stage`, "
    "`tags`, `fit_score`, `behavior_score`, `attributes.x`..."
)
WHEN_EXAMPLE = {
    "all": [{"field": "band", "op": "eq", "value": "mql"}, {"field": "country", "op": "eq", "value": "NO"}]
}


class SegmentCreate(RequestModel):
    name: Name
    when: dict[str, Any] = Field(description=WHEN_DESCRIPTION, examples=[WHEN_EXAMPLE])


class SegmentUpdate(RequestModel):
    """Partial update: absent fields stay. A changed `when` fills the segment again."""

    not_null: ClassVar[frozenset[str]] = frozenset({"name", "when"})

    name: Name | None = None
    when: dict[str, Any] | None = Field(None, description=WHEN_DESCRIPTION)


class Segment(BaseModel):
    id: str = Field(examples=["seg_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    name: str
    when: dict[str, Any]
    member_count: int = Field(description="Leads in the segment now.")
    filling: bool = Field(
        description="True while the segment's members are still being found among the workspace's leads "
        "(a new segment, or one whose `when` changed); `member_count` grows meanwhile."
    )
    created_at: datetime
    updated_at: datetime


class SegmentList(BaseModel):
    data: list[Segment]
    next_cursor: str | None


class SegmentMember(BaseModel):
    lead_id: str
    entered_at: datetime
    email: str | None
    first_name: str | None
    last_name: str | None
    company: str | None
    stage: str
    band: str | None
    score: int | None
    owner_id: str | None


class SegmentMemberList(BaseModel):
    data: list[SegmentMember]
    next_cursor: str | None
