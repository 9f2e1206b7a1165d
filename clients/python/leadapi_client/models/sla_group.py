from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SlaGroup")


@_attrs_define
class SlaGroup:
    """
    Attributes:
        breached (int):
        compliance (float | None): met / (met + breached).
        covered (int): Assignments made in the range with an SLA clock.
        key (None | str): The group: a date (YYYY-MM-DD, in the workspace's report time zone) or the value split by.
        met (int):
        running (int):
        stopped (int): The lead moved on (reassigned, rejected, won, lost) before a verdict.
        label (None | str | Unset): The owner's name, when split by owner.
    """

    breached: int
    compliance: float | None
    covered: int
    key: None | str
    met: int
    running: int
    stopped: int
    label: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        breached = self.breached

        compliance: float | None
        compliance = self.compliance

        covered = self.covered

        key: None | str
        key = self.key

        met = self.met

        running = self.running

        stopped = self.stopped

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "breached": breached,
                "compliance": compliance,
                "covered": covered,
                "key": key,
                "met": met,
                "running": running,
                "stopped": stopped,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        breached = d.pop("breached")

        def _parse_compliance(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        compliance = _parse_compliance(d.pop("compliance"))

        covered = d.pop("covered")

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        met = d.pop("met")

        running = d.pop("running")

        stopped = d.pop("stopped")

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        sla_group = cls(
            breached=breached,
            compliance=compliance,
            covered=covered,
            key=key,
            met=met,
            running=running,
            stopped=stopped,
            label=label,
        )

        sla_group.additional_properties = d
        return sla_group

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
