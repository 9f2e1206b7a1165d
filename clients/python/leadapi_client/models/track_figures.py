from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.track_figures_exit_reasons import TrackFiguresExitReasons


T = TypeVar("T", bound="TrackFigures")


@_attrs_define
class TrackFigures:
    """A nurture track's enrolments made in the range, by how they stand now.

    Attributes:
        active (int):
        completed (int):
        enrolled (int):
        exit_reasons (TrackFiguresExitReasons): Exits by reason: exit_when, sales, manual, or the reason given.
        exited (int):
        name (str):
        paused (int):
        reached_sql (int): Enrolled leads whose band became sql after enrolling.
        sql_rate (float | None):
        track_id (str):
    """

    active: int
    completed: int
    enrolled: int
    exit_reasons: TrackFiguresExitReasons
    exited: int
    name: str
    paused: int
    reached_sql: int
    sql_rate: float | None
    track_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        completed = self.completed

        enrolled = self.enrolled

        exit_reasons = self.exit_reasons.to_dict()

        exited = self.exited

        name = self.name

        paused = self.paused

        reached_sql = self.reached_sql

        sql_rate: float | None
        sql_rate = self.sql_rate

        track_id = self.track_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "completed": completed,
                "enrolled": enrolled,
                "exit_reasons": exit_reasons,
                "exited": exited,
                "name": name,
                "paused": paused,
                "reached_sql": reached_sql,
                "sql_rate": sql_rate,
                "track_id": track_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.track_figures_exit_reasons import TrackFiguresExitReasons  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        completed = d.pop("completed")

        enrolled = d.pop("enrolled")

        exit_reasons = TrackFiguresExitReasons.from_dict(d.pop("exit_reasons"))

        exited = d.pop("exited")

        name = d.pop("name")

        paused = d.pop("paused")

        reached_sql = d.pop("reached_sql")

        def _parse_sql_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        sql_rate = _parse_sql_rate(d.pop("sql_rate"))

        track_id = d.pop("track_id")

        track_figures = cls(
            active=active,
            completed=completed,
            enrolled=enrolled,
            exit_reasons=exit_reasons,
            exited=exited,
            name=name,
            paused=paused,
            reached_sql=reached_sql,
            sql_rate=sql_rate,
            track_id=track_id,
        )

        track_figures.additional_properties = d
        return track_figures

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
