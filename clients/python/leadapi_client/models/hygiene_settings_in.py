from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="HygieneSettingsIn")


@_attrs_define
class HygieneSettingsIn:
    """
    Attributes:
        archive_inactive_after_days (int | None | Unset): Leads with no activity (no behaviour event, or none since they
            were created) for this many days are archived; null: never.
        only_stages (list[str] | Unset): Only leads in these stages (empty: any stage).
    """

    archive_inactive_after_days: int | None | Unset = UNSET
    only_stages: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        archive_inactive_after_days: int | None | Unset
        if isinstance(self.archive_inactive_after_days, Unset):
            archive_inactive_after_days = UNSET
        else:
            archive_inactive_after_days = self.archive_inactive_after_days

        only_stages: list[str] | Unset = UNSET
        if not isinstance(self.only_stages, Unset):
            only_stages = self.only_stages

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if archive_inactive_after_days is not UNSET:
            field_dict["archive_inactive_after_days"] = archive_inactive_after_days
        if only_stages is not UNSET:
            field_dict["only_stages"] = only_stages

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_archive_inactive_after_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        archive_inactive_after_days = _parse_archive_inactive_after_days(d.pop("archive_inactive_after_days", UNSET))

        only_stages = cast(list[str], d.pop("only_stages", UNSET))

        hygiene_settings_in = cls(
            archive_inactive_after_days=archive_inactive_after_days,
            only_stages=only_stages,
        )

        return hygiene_settings_in
