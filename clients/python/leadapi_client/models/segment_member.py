from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SegmentMember")


@_attrs_define
class SegmentMember:
    """
    Attributes:
        band (None | str):
        company (None | str):
        email (None | str):
        entered_at (datetime.datetime):
        first_name (None | str):
        last_name (None | str):
        lead_id (str):
        owner_id (None | str):
        score (int | None):
        stage (str):
    """

    band: None | str
    company: None | str
    email: None | str
    entered_at: datetime.datetime
    first_name: None | str
    last_name: None | str
    lead_id: str
    owner_id: None | str
    score: int | None
    stage: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        band: None | str
        band = self.band

        company: None | str
        company = self.company

        email: None | str
        email = self.email

        entered_at = self.entered_at.isoformat()

        first_name: None | str
        first_name = self.first_name

        last_name: None | str
        last_name = self.last_name

        lead_id = self.lead_id

        owner_id: None | str
        owner_id = self.owner_id

        score: int | None
        score = self.score

        stage = self.stage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "band": band,
                "company": company,
                "email": email,
                "entered_at": entered_at,
                "first_name": first_name,
                "last_name": last_name,
                "lead_id": lead_id,
                "owner_id": owner_id,
                "score": score,
                "stage": stage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_band(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        band = _parse_band(d.pop("band"))

        def _parse_company(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        company = _parse_company(d.pop("company"))

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        entered_at = datetime.datetime.fromisoformat(d.pop("entered_at"))

        def _parse_first_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        first_name = _parse_first_name(d.pop("first_name"))

        def _parse_last_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_name = _parse_last_name(d.pop("last_name"))

        lead_id = d.pop("lead_id")

        def _parse_owner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        owner_id = _parse_owner_id(d.pop("owner_id"))

        def _parse_score(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        score = _parse_score(d.pop("score"))

        stage = d.pop("stage")

        segment_member = cls(
            band=band,
            company=company,
            email=email,
            entered_at=entered_at,
            first_name=first_name,
            last_name=last_name,
            lead_id=lead_id,
            owner_id=owner_id,
            score=score,
            stage=stage,
        )

        segment_member.additional_properties = d
        return segment_member

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
