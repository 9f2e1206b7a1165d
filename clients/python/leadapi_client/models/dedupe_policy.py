from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dedupe_policy_keys_item import DedupePolicyKeysItem
from ..models.dedupe_policy_mode import DedupePolicyMode

if TYPE_CHECKING:
    from ..models.dedupe_policy_sources import DedupePolicySources


T = TypeVar("T", bound="DedupePolicy")


@_attrs_define
class DedupePolicy:
    """
    Attributes:
        attribute (None | str):
        keys (list[DedupePolicyKeysItem]):
        mode (DedupePolicyMode):
        sources (DedupePolicySources):
        updated_at (datetime.datetime | None): Null: never set (the default policy).
    """

    attribute: None | str
    keys: list[DedupePolicyKeysItem]
    mode: DedupePolicyMode
    sources: DedupePolicySources
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attribute: None | str
        attribute = self.attribute

        keys = []
        for keys_item_data in self.keys:
            keys_item = keys_item_data.value
            keys.append(keys_item)

        mode = self.mode.value

        sources = self.sources.to_dict()

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attribute": attribute,
                "keys": keys,
                "mode": mode,
                "sources": sources,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dedupe_policy_sources import DedupePolicySources  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_attribute(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        attribute = _parse_attribute(d.pop("attribute"))

        keys = []
        _keys = d.pop("keys")
        for keys_item_data in _keys:
            keys_item = DedupePolicyKeysItem(keys_item_data)

            keys.append(keys_item)

        mode = DedupePolicyMode(d.pop("mode"))

        sources = DedupePolicySources.from_dict(d.pop("sources"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        dedupe_policy = cls(
            attribute=attribute,
            keys=keys,
            mode=mode,
            sources=sources,
            updated_at=updated_at,
        )

        dedupe_policy.additional_properties = d
        return dedupe_policy

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
