from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stage_out import StageOut


T = TypeVar("T", bound="PipelineOut")


@_attrs_define
class PipelineOut:
    """
    Attributes:
        accepted_stage (str):
        disqualification_reasons (list[str]):
        recycle_stage (str):
        stages (list[StageOut]):
        touch_types (list[str]):
        version (int): Bumped by every change; 0 while the workspace has the defaults.
    """

    accepted_stage: str
    disqualification_reasons: list[str]
    recycle_stage: str
    stages: list[StageOut]
    touch_types: list[str]
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted_stage = self.accepted_stage

        disqualification_reasons = self.disqualification_reasons

        recycle_stage = self.recycle_stage

        stages = []
        for stages_item_data in self.stages:
            stages_item = stages_item_data.to_dict()
            stages.append(stages_item)

        touch_types = self.touch_types

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted_stage": accepted_stage,
                "disqualification_reasons": disqualification_reasons,
                "recycle_stage": recycle_stage,
                "stages": stages,
                "touch_types": touch_types,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stage_out import StageOut  # noqa: PLC0415

        d = dict(src_dict)
        accepted_stage = d.pop("accepted_stage")

        disqualification_reasons = cast(list[str], d.pop("disqualification_reasons"))

        recycle_stage = d.pop("recycle_stage")

        stages = []
        _stages = d.pop("stages")
        for stages_item_data in _stages:
            stages_item = StageOut.from_dict(stages_item_data)

            stages.append(stages_item)

        touch_types = cast(list[str], d.pop("touch_types"))

        version = d.pop("version")

        pipeline_out = cls(
            accepted_stage=accepted_stage,
            disqualification_reasons=disqualification_reasons,
            recycle_stage=recycle_stage,
            stages=stages,
            touch_types=touch_types,
            version=version,
        )

        pipeline_out.additional_properties = d
        return pipeline_out

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
