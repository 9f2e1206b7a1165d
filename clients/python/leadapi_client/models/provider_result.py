from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_result_outcome import ProviderResultOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.provider_result_changes import ProviderResultChanges


T = TypeVar("T", bound="ProviderResult")


@_attrs_define
class ProviderResult:
    """
    Attributes:
        name (str):
        outcome (ProviderResultOutcome): `applied`/`unchanged`: answered (fresh or `cached`), the lead took something or
            nothing; `skipped`: `when` not met or a URL field empty; `budget_exhausted`: no call left this month; `failed`:
            a bad answer (not JSON, 4xx) or out of retries; `retrying`: tried again later.
        provider_id (str):
        cached (bool | Unset):  Default: False.
        changes (ProviderResultChanges | Unset): Field -> [before, after].
        error (None | str | Unset):
    """

    name: str
    outcome: ProviderResultOutcome
    provider_id: str
    cached: bool | Unset = False
    changes: ProviderResultChanges | Unset = UNSET
    error: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        outcome = self.outcome.value

        provider_id = self.provider_id

        cached = self.cached

        changes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = self.changes.to_dict()

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "outcome": outcome,
                "provider_id": provider_id,
            }
        )
        if cached is not UNSET:
            field_dict["cached"] = cached
        if changes is not UNSET:
            field_dict["changes"] = changes
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provider_result_changes import ProviderResultChanges  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        outcome = ProviderResultOutcome(d.pop("outcome"))

        provider_id = d.pop("provider_id")

        cached = d.pop("cached", UNSET)

        _changes = d.pop("changes", UNSET)
        changes: ProviderResultChanges | Unset
        if isinstance(_changes, Unset):
            changes = UNSET
        else:
            changes = ProviderResultChanges.from_dict(_changes)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        provider_result = cls(
            name=name,
            outcome=outcome,
            provider_id=provider_id,
            cached=cached,
            changes=changes,
            error=error,
        )

        provider_result.additional_properties = d
        return provider_result

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
