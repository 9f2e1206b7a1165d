from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="OutcomeIn")


@_attrs_define
class OutcomeIn:
    """
    Attributes:
        stage (None | str | Unset): The stage that counts as converted; default: any won stage of the pipeline.
        within_days (int | Unset): Converted within this many days of the reference. Default: 90.
    """

    stage: None | str | Unset = UNSET
    within_days: int | Unset = 90

    def to_dict(self) -> dict[str, Any]:
        stage: None | str | Unset
        if isinstance(self.stage, Unset):
            stage = UNSET
        else:
            stage = self.stage

        within_days = self.within_days

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if stage is not UNSET:
            field_dict["stage"] = stage
        if within_days is not UNSET:
            field_dict["within_days"] = within_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_stage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stage = _parse_stage(d.pop("stage", UNSET))

        within_days = d.pop("within_days", UNSET)

        outcome_in = cls(
            stage=stage,
            within_days=within_days,
        )

        return outcome_in
