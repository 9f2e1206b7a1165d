from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.dedupe_policy_in_keys_item import DedupePolicyInKeysItem
from ..models.dedupe_policy_in_mode import DedupePolicyInMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dedupe_policy_in_sources import DedupePolicyInSources


T = TypeVar("T", bound="DedupePolicyIn")


@_attrs_define
class DedupePolicyIn:
    """
    Attributes:
        attribute (None | str | Unset): With the `attribute` key: the attribute whose equal values are one person.
        keys (list[DedupePolicyInKeysItem] | Unset): The exact keys that count (a phone only when one of the two has no
            email).
        mode (DedupePolicyInMode | Unset): `auto_merge`: a capture matching a lead by a counted key merges into it;
            `flag_only`: the new lead is created anyway and the pair queued in the review queue. Default:
            DedupePolicyInMode.AUTO_MERGE.
        sources (DedupePolicyInSources | Unset): Form source id -> its own policy, instead of the workspace's for its
            captures.
    """

    attribute: None | str | Unset = UNSET
    keys: list[DedupePolicyInKeysItem] | Unset = UNSET
    mode: DedupePolicyInMode | Unset = DedupePolicyInMode.AUTO_MERGE
    sources: DedupePolicyInSources | Unset = UNSET

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

        sources: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sources, Unset):
            sources = self.sources.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if attribute is not UNSET:
            field_dict["attribute"] = attribute
        if keys is not UNSET:
            field_dict["keys"] = keys
        if mode is not UNSET:
            field_dict["mode"] = mode
        if sources is not UNSET:
            field_dict["sources"] = sources

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dedupe_policy_in_sources import DedupePolicyInSources  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_attribute(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        attribute = _parse_attribute(d.pop("attribute", UNSET))

        _keys = d.pop("keys", UNSET)
        keys: list[DedupePolicyInKeysItem] | Unset = UNSET
        if _keys is not UNSET:
            keys = []
            for keys_item_data in _keys:
                keys_item = DedupePolicyInKeysItem(keys_item_data)

                keys.append(keys_item)

        _mode = d.pop("mode", UNSET)
        mode: DedupePolicyInMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = DedupePolicyInMode(_mode)

        _sources = d.pop("sources", UNSET)
        sources: DedupePolicyInSources | Unset
        if isinstance(_sources, Unset):
            sources = UNSET
        else:
            sources = DedupePolicyInSources.from_dict(_sources)

        dedupe_policy_in = cls(
            attribute=attribute,
            keys=keys,
            mode=mode,
            sources=sources,
        )

        return dedupe_policy_in
