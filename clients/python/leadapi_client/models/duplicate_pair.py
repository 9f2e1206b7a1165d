from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.duplicate_pair_flagged_on_type_0 import DuplicatePairFlaggedOnType0
from ..models.duplicate_pair_reasons_item import DuplicatePairReasonsItem
from ..models.duplicate_pair_status import DuplicatePairStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="DuplicatePair")


@_attrs_define
class DuplicatePair:
    """
    Attributes:
        created_at (datetime.datetime):
        id (str):
        lead_id (str): The older lead of the two: the one a merge keeps.
        merged_into (None | str): The lead that survived a merge.
        other_lead_id (str): The newer lead: merged into `lead_id` by a merge.
        reasons (list[DuplicatePairReasonsItem]): What matched, strongest first.
        resolved_at (datetime.datetime | None):
        resolved_by (None | str): The API key that merged or dismissed the pair.
        score (int): How alike the two are, 0..100.
        status (DuplicatePairStatus):
        updated_at (datetime.datetime):
        flagged_on (DuplicatePairFlaggedOnType0 | None | Unset): The exact key the two share when a flag_only dedupe
            policy created the newer lead instead of merging it (such a pair waits for review).
    """

    created_at: datetime.datetime
    id: str
    lead_id: str
    merged_into: None | str
    other_lead_id: str
    reasons: list[DuplicatePairReasonsItem]
    resolved_at: datetime.datetime | None
    resolved_by: None | str
    score: int
    status: DuplicatePairStatus
    updated_at: datetime.datetime
    flagged_on: DuplicatePairFlaggedOnType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = self.id

        lead_id = self.lead_id

        merged_into: None | str
        merged_into = self.merged_into

        other_lead_id = self.other_lead_id

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.value
            reasons.append(reasons_item)

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        resolved_by: None | str
        resolved_by = self.resolved_by

        score = self.score

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        flagged_on: None | str | Unset
        if isinstance(self.flagged_on, Unset):
            flagged_on = UNSET
        elif isinstance(self.flagged_on, DuplicatePairFlaggedOnType0):
            flagged_on = self.flagged_on.value
        else:
            flagged_on = self.flagged_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "lead_id": lead_id,
                "merged_into": merged_into,
                "other_lead_id": other_lead_id,
                "reasons": reasons,
                "resolved_at": resolved_at,
                "resolved_by": resolved_by,
                "score": score,
                "status": status,
                "updated_at": updated_at,
            }
        )
        if flagged_on is not UNSET:
            field_dict["flagged_on"] = flagged_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        def _parse_merged_into(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merged_into = _parse_merged_into(d.pop("merged_into"))

        other_lead_id = d.pop("other_lead_id")

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = DuplicatePairReasonsItem(reasons_item_data)

            reasons.append(reasons_item)

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        def _parse_resolved_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resolved_by = _parse_resolved_by(d.pop("resolved_by"))

        score = d.pop("score")

        status = DuplicatePairStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_flagged_on(data: object) -> DuplicatePairFlaggedOnType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                flagged_on_type_0 = DuplicatePairFlaggedOnType0(data)

                return flagged_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DuplicatePairFlaggedOnType0 | None | Unset, data)

        flagged_on = _parse_flagged_on(d.pop("flagged_on", UNSET))

        duplicate_pair = cls(
            created_at=created_at,
            id=id,
            lead_id=lead_id,
            merged_into=merged_into,
            other_lead_id=other_lead_id,
            reasons=reasons,
            resolved_at=resolved_at,
            resolved_by=resolved_by,
            score=score,
            status=status,
            updated_at=updated_at,
            flagged_on=flagged_on,
        )

        duplicate_pair.additional_properties = d
        return duplicate_pair

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
