"""The contract of consent: what a person agreed to (or refused) per channel, with its proof, and
the data-subject access export."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from leadapi.api.schemas import RequestModel
from leadapi.times import UtcDateTime

ConsentStatus = Literal["granted", "denied", "pending"]
Channel = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_.:-]*$")]
CHANNEL_DESCRIPTION = (
    "email, sms, phone, linkedin, or a channel of your own (lowercase letters, digits, `_.:-`, up "
    "to 40 characters, e.g. `whatsapp`)."
)


class ConsentProof(RequestModel):
    ip: Annotated[str, StringConstraints(max_length=45)] | None = Field(
        None, description="The address the consent came from (IPv4 or IPv6)."
    )
    form: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="The form (or page) it was given on."
    )
    text: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        None, description="The wording the person agreed to."
    )

    @field_validator("ip")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(ipaddress.ip_address(value))
        except ValueError as exc:
            raise ValueError("an IPv4 or IPv6 address") from exc


class ConsentCreate(RequestModel):
    channel: Channel = Field(description=CHANNEL_DESCRIPTION)
    status: ConsentStatus
    source: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="Where it was given: a form, an import, a call..."
    )
    at: UtcDateTime | None = Field(
        None, strict=False, description="When the person gave it (ISO 8601, not in the future); default: now."
    )
    proof: ConsentProof | None = None


class ConsentConfirm(RequestModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The token of the lead's `consent.requested` event."
    )


SourceId = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class ConsentSettingsIn(RequestModel):
    double_opt_in_sources: list[SourceId] = Field(
        max_length=100,
        description="Form sources (`src_...`) whose captures are pending for email until the person "
        "confirms (double opt-in).",
    )
    require_email_consent: bool = Field(
        False,
        description="Nurture tracks' email steps skip leads whose email consent is not granted "
        "(`track.step_skipped`, reason `no_email_consent`).",
    )

    suppressed_capture: Literal["refuse", "flag"] = Field(
        "refuse",
        description="A capture of a person erased with suppress=true: `refuse` (409 `suppressed`) "
        "or `flag` (stored, tagged `suppressed`).",
    )


class ConsentSettingsOut(BaseModel):
    double_opt_in_sources: list[str]
    require_email_consent: bool
    suppressed_capture: str
    updated_at: datetime | None = Field(description="Null: never set (the defaults).")


class Consent(BaseModel):
    id: str = Field(examples=["cns_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    lead_id: str
    channel: str
    status: str
    source: str | None
    at: datetime
    proof: dict[str, Any] | None
    actor: str | None = Field(description="The key that recorded it.")
    created_at: datetime


class ConsentList(BaseModel):
    current: list[Consent] = Field(description="Each channel's latest record: its status now.")
    data: list[Consent] = Field(description="The history, newest first.")
    next_cursor: str | None


class LeadExport(BaseModel):
    """Everything held about a person, as one document (a data-subject access request)."""

    lead: dict[str, Any]
    external_ids: dict[str, str]
    provenance: dict[str, Any] = Field(description="Where each field's value came from, and when.")
    events: list[dict[str, Any]] = Field(description="The timeline, oldest first.")
    score_adjustments: list[dict[str, Any]]
    stage_changes: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    enrollments: list[dict[str, Any]]
    consents: list[dict[str, Any]] = Field(description="The consent history, oldest first.")
    exported_at: datetime


class QualityFigures(BaseModel):
    leads: int
    completeness: dict[str, float] = Field(description="Per field, the share of leads that have it (0..1).")
    unconsented_share: float = Field(
        description="The share of leads whose email consent is not granted (latest email record), "
        "and whose `consent` field is not true."
    )
    disposable_email_share: float = Field(description="The share with a disposable email address.")
    role_email_share: float = Field(description="The share with a role address (info@, sales@).")


class SourceQuality(QualityFigures):
    source: str | None = Field(description="The leads' `source`; null: none given.")


class DataQualityReport(BaseModel):
    overall: QualityFigures
    pending_duplicates: int = Field(description="Candidate duplicate pairs waiting for review.")
    by_source: list[SourceQuality]
