from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stage_in import StageIn


T = TypeVar("T", bound="PipelineIn")


@_attrs_define
class PipelineIn:
    """
    Attributes:
        stages (list[StageIn]): In order; new leads enter the first.
        accepted_stage (str | Unset): Where `accept` moves a lead. Default: 'accepted'.
        disqualification_reasons (list[str] | Unset): Reason codes a move to a lost stage must give.
        recycle_stage (str | Unset): Where `reject` sends a lead, and recycled leads wait. Default: 'nurturing'.
        touch_types (list[str] | Unset): Event types that count as sales touching the lead (acceptance always does).
    """

    stages: list[StageIn]
    accepted_stage: str | Unset = "accepted"
    disqualification_reasons: list[str] | Unset = UNSET
    recycle_stage: str | Unset = "nurturing"
    touch_types: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        stages = []
        for stages_item_data in self.stages:
            stages_item = stages_item_data.to_dict()
            stages.append(stages_item)

        accepted_stage = self.accepted_stage

        disqualification_reasons: list[str] | Unset = UNSET
        if not isinstance(self.disqualification_reasons, Unset):
            disqualification_reasons = self.disqualification_reasons

        recycle_stage = self.recycle_stage

        touch_types: list[str] | Unset = UNSET
        if not isinstance(self.touch_types, Unset):
            touch_types = self.touch_types

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "stages": stages,
            }
        )
        if accepted_stage is not UNSET:
            field_dict["accepted_stage"] = accepted_stage
        if disqualification_reasons is not UNSET:
            field_dict["disqualification_reasons"] = disqualification_reasons
        if recycle_stage is not UNSET:
            field_dict["recycle_stage"] = recycle_stage
        if touch_types is not UNSET:
            field_dict["touch_types"] = touch_types

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stage_in import StageIn  # noqa: PLC0415

        d = dict(src_dict)
        stages = []
        _stages = d.pop("stages")
        for stages_item_data in _stages:
            stages_item = StageIn.from_dict(stages_item_data)

            stages.append(stages_item)

        accepted_stage = d.pop("accepted_stage", UNSET)

        disqualification_reasons = cast(list[str], d.pop("disqualification_reasons", UNSET))

        recycle_stage = d.pop("recycle_stage", UNSET)

        touch_types = cast(list[str], d.pop("touch_types", UNSET))

        pipeline_in = cls(
            stages=stages,
            accepted_stage=accepted_stage,
            disqualification_reasons=disqualification_reasons,
            recycle_stage=recycle_stage,
            touch_types=touch_types,
        )

        return pipeline_in
