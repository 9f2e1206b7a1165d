from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.rule_update_strategy import RuleUpdateStrategy
from ..models.rule_update_tie_breaker import RuleUpdateTieBreaker
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pool import Pool
    from ..models.rule_update_when_type_0 import RuleUpdateWhenType0


T = TypeVar("T", bound="RuleUpdate")


@_attrs_define
class RuleUpdate:
    """Partial update; absent fields stay.

    Attributes:
        active (bool | Unset):
        name (str | Unset):
        owner_id (None | str | Unset): The owner of an `owner` rule.
        pool (None | Pool | Unset):
        position (int | Unset): Rules are tried lowest first.
        strategy (RuleUpdateStrategy | Unset):
        tie_breaker (RuleUpdateTieBreaker | Unset): How `territory` picks among matching owners.
        when (None | RuleUpdateWhenType0 | Unset): A condition on the lead (as in scoring rules; `band` included); null:
            every lead.
    """

    active: bool | Unset = UNSET
    name: str | Unset = UNSET
    owner_id: None | str | Unset = UNSET
    pool: None | Pool | Unset = UNSET
    position: int | Unset = UNSET
    strategy: RuleUpdateStrategy | Unset = UNSET
    tie_breaker: RuleUpdateTieBreaker | Unset = UNSET
    when: None | RuleUpdateWhenType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.pool import Pool  # noqa: PLC0415
        from ..models.rule_update_when_type_0 import RuleUpdateWhenType0  # noqa: PLC0415

        active = self.active

        name = self.name

        owner_id: None | str | Unset
        if isinstance(self.owner_id, Unset):
            owner_id = UNSET
        else:
            owner_id = self.owner_id

        pool: dict[str, Any] | None | Unset
        if isinstance(self.pool, Unset):
            pool = UNSET
        elif isinstance(self.pool, Pool):
            pool = self.pool.to_dict()
        else:
            pool = self.pool

        position = self.position

        strategy: str | Unset = UNSET
        if not isinstance(self.strategy, Unset):
            strategy = self.strategy.value

        tie_breaker: str | Unset = UNSET
        if not isinstance(self.tie_breaker, Unset):
            tie_breaker = self.tie_breaker.value

        when: dict[str, Any] | None | Unset
        if isinstance(self.when, Unset):
            when = UNSET
        elif isinstance(self.when, RuleUpdateWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if name is not UNSET:
            field_dict["name"] = name
        if owner_id is not UNSET:
            field_dict["owner_id"] = owner_id
        if pool is not UNSET:
            field_dict["pool"] = pool
        if position is not UNSET:
            field_dict["position"] = position
        if strategy is not UNSET:
            field_dict["strategy"] = strategy
        if tie_breaker is not UNSET:
            field_dict["tie_breaker"] = tie_breaker
        if when is not UNSET:
            field_dict["when"] = when

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pool import Pool  # noqa: PLC0415
        from ..models.rule_update_when_type_0 import RuleUpdateWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active", UNSET)

        name = d.pop("name", UNSET)

        def _parse_owner_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner_id = _parse_owner_id(d.pop("owner_id", UNSET))

        def _parse_pool(data: object) -> None | Pool | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pool_type_0 = Pool.from_dict(data)

                return pool_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Pool | Unset, data)

        pool = _parse_pool(d.pop("pool", UNSET))

        position = d.pop("position", UNSET)

        _strategy = d.pop("strategy", UNSET)
        strategy: RuleUpdateStrategy | Unset
        if isinstance(_strategy, Unset):
            strategy = UNSET
        else:
            strategy = RuleUpdateStrategy(_strategy)

        _tie_breaker = d.pop("tie_breaker", UNSET)
        tie_breaker: RuleUpdateTieBreaker | Unset
        if isinstance(_tie_breaker, Unset):
            tie_breaker = UNSET
        else:
            tie_breaker = RuleUpdateTieBreaker(_tie_breaker)

        def _parse_when(data: object) -> None | RuleUpdateWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = RuleUpdateWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleUpdateWhenType0 | Unset, data)

        when = _parse_when(d.pop("when", UNSET))

        rule_update = cls(
            active=active,
            name=name,
            owner_id=owner_id,
            pool=pool,
            position=position,
            strategy=strategy,
            tie_breaker=tie_breaker,
            when=when,
        )

        return rule_update
