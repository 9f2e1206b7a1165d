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


ENROLL_DESCRIPTION = (
    "A nurture track the leads that enter the segment are enrolled in, as they enter "
    "(`segment.entered`), with the track's rules (one track at a time, reenroll, not while sales has "
    "the lead): a refused enrolment appends `segment.enrollment_refused` with why. Leads in the "
    "segment already when this is set are not enrolled. Null: none. Deleting the track clears it."
)
TrackId = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class SegmentCreate(RequestModel):
    name: Name
    when: dict[str, Any] = Field(description=WHEN_DESCRIPTION, examples=[WHEN_EXAMPLE])
    enroll_track_id: TrackId | None = Field(
        None, description=ENROLL_DESCRIPTION, examples=["trk_01jd8x7k2m3n4p5q6r7s8t9v0w"]
    )


class SegmentUpdate(RequestModel):
    """Partial update: absent fields stay. A changed `when` fills the segment again."""

    not_null: ClassVar[frozenset[str]] = frozenset({"name", "when"})

    name: Name | None = None
    when: dict[str, Any] | None = Field(None, description=WHEN_DESCRIPTION)
    enroll_track_id: TrackId | None = Field(None, description=ENROLL_DESCRIPTION)


class Segment(BaseModel):
    id: str = Field(examples=["seg_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    name: str
    when: dict[str, Any]
    enroll_track_id: str | None = Field(None, description="The track entering leads are enrolled in.")
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
