from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="IntentFigures")


@_attrs_define
class IntentFigures:
    """What leadapi did about intent in the range (not split by `group_by`).

    Attributes:
        on_time_rate (float | None): Done on time, of the tasks made.
        reached_sql_30d (int): Of those, leads whose band became sql within 30 days of one.
        spike_leads (int): Leads a spike was found on.
        spikes (int): Intent spikes found: runs of intent-spike automations, fired or not.
        sql_rate_30d (float | None):
        tasks_by_automations (int): Of those, made by an automation's `create_task`.
        tasks_created (int): Tasks made in the range (by anyone).
        tasks_done (int):
        tasks_done_on_time (int): Done by their due time.
    """

    on_time_rate: float | None
    reached_sql_30d: int
    spike_leads: int
    spikes: int
    sql_rate_30d: float | None
    tasks_by_automations: int
    tasks_created: int
    tasks_done: int
    tasks_done_on_time: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        on_time_rate: float | None
        on_time_rate = self.on_time_rate

        reached_sql_30d = self.reached_sql_30d

        spike_leads = self.spike_leads

        spikes = self.spikes

        sql_rate_30d: float | None
        sql_rate_30d = self.sql_rate_30d

        tasks_by_automations = self.tasks_by_automations

        tasks_created = self.tasks_created

        tasks_done = self.tasks_done

        tasks_done_on_time = self.tasks_done_on_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "on_time_rate": on_time_rate,
                "reached_sql_30d": reached_sql_30d,
                "spike_leads": spike_leads,
                "spikes": spikes,
                "sql_rate_30d": sql_rate_30d,
                "tasks_by_automations": tasks_by_automations,
                "tasks_created": tasks_created,
                "tasks_done": tasks_done,
                "tasks_done_on_time": tasks_done_on_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_on_time_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        on_time_rate = _parse_on_time_rate(d.pop("on_time_rate"))

        reached_sql_30d = d.pop("reached_sql_30d")

        spike_leads = d.pop("spike_leads")

        spikes = d.pop("spikes")

        def _parse_sql_rate_30d(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        sql_rate_30d = _parse_sql_rate_30d(d.pop("sql_rate_30d"))

        tasks_by_automations = d.pop("tasks_by_automations")

        tasks_created = d.pop("tasks_created")

        tasks_done = d.pop("tasks_done")

        tasks_done_on_time = d.pop("tasks_done_on_time")

        intent_figures = cls(
            on_time_rate=on_time_rate,
            reached_sql_30d=reached_sql_30d,
            spike_leads=spike_leads,
            spikes=spikes,
            sql_rate_30d=sql_rate_30d,
            tasks_by_automations=tasks_by_automations,
            tasks_created=tasks_created,
            tasks_done=tasks_done,
            tasks_done_on_time=tasks_done_on_time,
        )

        intent_figures.additional_properties = d
        return intent_figures

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
