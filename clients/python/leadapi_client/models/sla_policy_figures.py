from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SlaPolicyFigures")


@_attrs_define
class SlaPolicyFigures:
    """
    Attributes:
        breached (int):
        compliance (float | None): met / (met + breached).
        covered (int): Assignments made in the range with an SLA clock.
        met (int):
        name (None | str): Null when the policy has been deleted since.
        policy_id (str):
        running (int):
        stopped (int): The lead moved on (reassigned, rejected, won, lost) before a verdict.
    """

    breached: int
    compliance: float | None
    covered: int
    met: int
    name: None | str
    policy_id: str
    running: int
    stopped: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        breached = self.breached

        compliance: float | None
        compliance = self.compliance

        covered = self.covered

        met = self.met

        name: None | str
        name = self.name

        policy_id = self.policy_id

        running = self.running

        stopped = self.stopped

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "breached": breached,
                "compliance": compliance,
                "covered": covered,
                "met": met,
                "name": name,
                "policy_id": policy_id,
                "running": running,
                "stopped": stopped,
            }
        )

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

        met = d.pop("met")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        policy_id = d.pop("policy_id")

        running = d.pop("running")

        stopped = d.pop("stopped")

        sla_policy_figures = cls(
            breached=breached,
            compliance=compliance,
            covered=covered,
            met=met,
            name=name,
            policy_id=policy_id,
            running=running,
            stopped=stopped,
        )

        sla_policy_figures.additional_properties = d
        return sla_policy_figures

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
