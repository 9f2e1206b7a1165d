from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.match_item_status import MatchItemStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.candidate_lead import CandidateLead
    from ..models.field_message import FieldMessage
    from ..models.matched_lead import MatchedLead


T = TypeVar("T", bound="MatchItem")


@_attrs_define
class MatchItem:
    """
    Attributes:
        index (int):
        status (MatchItemStatus):
        candidates (list[CandidateLead] | Unset): Other leads that look like the same person, by score.
        errors (list[FieldMessage] | None | Unset):
        merges_into (MatchedLead | None | Unset): The existing lead a capture of this input would merge into (exact
            keys).
    """

    index: int
    status: MatchItemStatus
    candidates: list[CandidateLead] | Unset = UNSET
    errors: list[FieldMessage] | None | Unset = UNSET
    merges_into: MatchedLead | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.matched_lead import MatchedLead  # noqa: PLC0415

        index = self.index

        status = self.status.value

        candidates: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.candidates, Unset):
            candidates = []
            for candidates_item_data in self.candidates:
                candidates_item = candidates_item_data.to_dict()
                candidates.append(candidates_item)

        errors: list[dict[str, Any]] | None | Unset
        if isinstance(self.errors, Unset):
            errors = UNSET
        elif isinstance(self.errors, list):
            errors = []
            for errors_type_0_item_data in self.errors:
                errors_type_0_item = errors_type_0_item_data.to_dict()
                errors.append(errors_type_0_item)

        else:
            errors = self.errors

        merges_into: dict[str, Any] | None | Unset
        if isinstance(self.merges_into, Unset):
            merges_into = UNSET
        elif isinstance(self.merges_into, MatchedLead):
            merges_into = self.merges_into.to_dict()
        else:
            merges_into = self.merges_into

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "status": status,
            }
        )
        if candidates is not UNSET:
            field_dict["candidates"] = candidates
        if errors is not UNSET:
            field_dict["errors"] = errors
        if merges_into is not UNSET:
            field_dict["merges_into"] = merges_into

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.candidate_lead import CandidateLead  # noqa: PLC0415
        from ..models.field_message import FieldMessage  # noqa: PLC0415
        from ..models.matched_lead import MatchedLead  # noqa: PLC0415

        d = dict(src_dict)
        index = d.pop("index")

        status = MatchItemStatus(d.pop("status"))

        _candidates = d.pop("candidates", UNSET)
        candidates: list[CandidateLead] | Unset = UNSET
        if _candidates is not UNSET:
            candidates = []
            for candidates_item_data in _candidates:
                candidates_item = CandidateLead.from_dict(candidates_item_data)

                candidates.append(candidates_item)

        def _parse_errors(data: object) -> list[FieldMessage] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                errors_type_0 = []
                _errors_type_0 = data
                for errors_type_0_item_data in _errors_type_0:
                    errors_type_0_item = FieldMessage.from_dict(errors_type_0_item_data)

                    errors_type_0.append(errors_type_0_item)

                return errors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[FieldMessage] | None | Unset, data)

        errors = _parse_errors(d.pop("errors", UNSET))

        def _parse_merges_into(data: object) -> MatchedLead | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                merges_into_type_0 = MatchedLead.from_dict(data)

                return merges_into_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MatchedLead | None | Unset, data)

        merges_into = _parse_merges_into(d.pop("merges_into", UNSET))

        match_item = cls(
            index=index,
            status=status,
            candidates=candidates,
            errors=errors,
            merges_into=merges_into,
        )

        match_item.additional_properties = d
        return match_item

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
