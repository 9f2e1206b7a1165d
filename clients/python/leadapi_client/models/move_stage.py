from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MoveStage")


@_attrs_define
class MoveStage:
    """
    Attributes:
        stage (str): The target stage's key; the pipeline's rules apply (a refused move is recorded).
        type_ (Literal['move_stage']):
        note (None | str | Unset):
        reason (None | str | Unset): A disqualification reason, for a lost stage.
    """

    stage: str
    type_: Literal["move_stage"]
    note: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        stage = self.stage

        type_ = self.type_

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "stage": stage,
                "type": type_,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        stage = d.pop("stage")

        type_ = cast(Literal["move_stage"], d.pop("type"))
        if type_ != "move_stage":
            raise ValueError(f"type must match const 'move_stage', got '{type_}'")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        move_stage = cls(
            stage=stage,
            type_=type_,
            note=note,
            reason=reason,
        )

        return move_stage
