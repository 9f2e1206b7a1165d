from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.rule_update_strategy_type_0 import RuleUpdateStrategyType0
from ..models.rule_update_tie_breaker_type_0 import RuleUpdateTieBreakerType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pool import Pool
    from ..models.rule_update_when_type_0 import RuleUpdateWhenType0


T = TypeVar("T", bound="RuleUpdate")


@_attrs_define
class RuleUpdate:
    """Partial update; absent fields stay.

    Attributes:
        active (bool | None | Unset):
        name (None | str | Unset):
        owner_id (None | str | Unset): The owner of an `owner` rule.
        pool (None | Pool | Unset):
        position (int | None | Unset): Rules are tried lowest first.
        strategy (None | RuleUpdateStrategyType0 | Unset):
        tie_breaker (None | RuleUpdateTieBreakerType0 | Unset): How `territory` picks among matching owners.
        when (None | RuleUpdateWhenType0 | Unset): A condition on the lead (as in scoring rules; `band` included); null:
            every lead.
    """

    active: bool | None | Unset = UNSET
    name: None | str | Unset = UNSET
    owner_id: None | str | Unset = UNSET
    pool: None | Pool | Unset = UNSET
    position: int | None | Unset = UNSET
    strategy: None | RuleUpdateStrategyType0 | Unset = UNSET
    tie_breaker: None | RuleUpdateTieBreakerType0 | Unset = UNSET
    when: None | RuleUpdateWhenType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.pool import Pool  # noqa: PLC0415
        from ..models.rule_update_when_type_0 import RuleUpdateWhenType0  # noqa: PLC0415

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
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

        position: int | None | Unset
        if isinstance(self.position, Unset):
            position = UNSET
        else:
            position = self.position

        strategy: None | str | Unset
        if isinstance(self.strategy, Unset):
            strategy = UNSET
        elif isinstance(self.strategy, RuleUpdateStrategyType0):
            strategy = self.strategy.value
        else:
            strategy = self.strategy

        tie_breaker: None | str | Unset
        if isinstance(self.tie_breaker, Unset):
            tie_breaker = UNSET
        elif isinstance(self.tie_breaker, RuleUpdateTieBreakerType0):
            tie_breaker = self.tie_breaker.value
        else:
            tie_breaker = self.tie_breaker

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

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

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

        def _parse_position(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        position = _parse_position(d.pop("position", UNSET))

        def _parse_strategy(data: object) -> None | RuleUpdateStrategyType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                strategy_type_0 = RuleUpdateStrategyType0(data)

                return strategy_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleUpdateStrategyType0 | Unset, data)

        strategy = _parse_strategy(d.pop("strategy", UNSET))

        def _parse_tie_breaker(data: object) -> None | RuleUpdateTieBreakerType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                tie_breaker_type_0 = RuleUpdateTieBreakerType0(data)

                return tie_breaker_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleUpdateTieBreakerType0 | Unset, data)

        tie_breaker = _parse_tie_breaker(d.pop("tie_breaker", UNSET))

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
