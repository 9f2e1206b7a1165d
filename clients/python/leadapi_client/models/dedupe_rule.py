from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.dedupe_rule_keys_item import DedupeRuleKeysItem
from ..models.dedupe_rule_mode import DedupeRuleMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="DedupeRule")


@_attrs_define
class DedupeRule:
    """
    Attributes:
        attribute (None | str | Unset): With the `attribute` key: the attribute whose equal values are one person.
        keys (list[DedupeRuleKeysItem] | Unset): The exact keys that count (a phone only when one of the two has no
            email).
        mode (DedupeRuleMode | Unset): `auto_merge`: a capture matching a lead by a counted key merges into it;
            `flag_only`: the new lead is created anyway and the pair queued in the review queue. Default:
            DedupeRuleMode.AUTO_MERGE.
    """

    attribute: None | str | Unset = UNSET
    keys: list[DedupeRuleKeysItem] | Unset = UNSET
    mode: DedupeRuleMode | Unset = DedupeRuleMode.AUTO_MERGE

    def to_dict(self) -> dict[str, Any]:
        attribute: None | str | Unset
        if isinstance(self.attribute, Unset):
            attribute = UNSET
        else:
            attribute = self.attribute

        keys: list[str] | Unset = UNSET
        if not isinstance(self.keys, Unset):
            keys = []
            for keys_item_data in self.keys:
                keys_item = keys_item_data.value
                keys.append(keys_item)

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if attribute is not UNSET:
            field_dict["attribute"] = attribute
        if keys is not UNSET:
            field_dict["keys"] = keys
        if mode is not UNSET:
            field_dict["mode"] = mode

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_attribute(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        attribute = _parse_attribute(d.pop("attribute", UNSET))

        _keys = d.pop("keys", UNSET)
        keys: list[DedupeRuleKeysItem] | Unset = UNSET
        if _keys is not UNSET:
            keys = []
            for keys_item_data in _keys:
                keys_item = DedupeRuleKeysItem(keys_item_data)

                keys.append(keys_item)

        _mode = d.pop("mode", UNSET)
        mode: DedupeRuleMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = DedupeRuleMode(_mode)

        dedupe_rule = cls(
            attribute=attribute,
            keys=keys,
            mode=mode,
        )

        return dedupe_rule
