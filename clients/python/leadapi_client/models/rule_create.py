from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.rule_create_strategy import RuleCreateStrategy
from ..models.rule_create_tie_breaker_type_0 import RuleCreateTieBreakerType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pool import Pool
    from ..models.rule_create_when_type_0 import RuleCreateWhenType0


T = TypeVar("T", bound="RuleCreate")


@_attrs_define
class RuleCreate:
    """
    Attributes:
        name (str):
        position (int): Rules are tried lowest first.
        strategy (RuleCreateStrategy):
        active (bool | None | Unset):
        owner_id (None | str | Unset): The owner of an `owner` rule.
        pool (None | Pool | Unset):
        tie_breaker (None | RuleCreateTieBreakerType0 | Unset): How `territory` picks among matching owners.
        when (None | RuleCreateWhenType0 | Unset): A condition on the lead (as in scoring rules; `band` included); null:
            every lead.
    """

    name: str
    position: int
    strategy: RuleCreateStrategy
    active: bool | None | Unset = UNSET
    owner_id: None | str | Unset = UNSET
    pool: None | Pool | Unset = UNSET
    tie_breaker: None | RuleCreateTieBreakerType0 | Unset = UNSET
    when: None | RuleCreateWhenType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.pool import Pool  # noqa: PLC0415
        from ..models.rule_create_when_type_0 import RuleCreateWhenType0  # noqa: PLC0415

        name = self.name

        position = self.position

        strategy = self.strategy.value

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

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

        tie_breaker: None | str | Unset
        if isinstance(self.tie_breaker, Unset):
            tie_breaker = UNSET
        elif isinstance(self.tie_breaker, RuleCreateTieBreakerType0):
            tie_breaker = self.tie_breaker.value
        else:
            tie_breaker = self.tie_breaker

        when: dict[str, Any] | None | Unset
        if isinstance(self.when, Unset):
            when = UNSET
        elif isinstance(self.when, RuleCreateWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "position": position,
                "strategy": strategy,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active
        if owner_id is not UNSET:
            field_dict["owner_id"] = owner_id
        if pool is not UNSET:
            field_dict["pool"] = pool
        if tie_breaker is not UNSET:
            field_dict["tie_breaker"] = tie_breaker
        if when is not UNSET:
            field_dict["when"] = when

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pool import Pool  # noqa: PLC0415
        from ..models.rule_create_when_type_0 import RuleCreateWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        position = d.pop("position")

        strategy = RuleCreateStrategy(d.pop("strategy"))

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

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

        def _parse_tie_breaker(data: object) -> None | RuleCreateTieBreakerType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                tie_breaker_type_0 = RuleCreateTieBreakerType0(data)

                return tie_breaker_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleCreateTieBreakerType0 | Unset, data)

        tie_breaker = _parse_tie_breaker(d.pop("tie_breaker", UNSET))

        def _parse_when(data: object) -> None | RuleCreateWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = RuleCreateWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleCreateWhenType0 | Unset, data)

        when = _parse_when(d.pop("when", UNSET))

        rule_create = cls(
            name=name,
            position=position,
            strategy=strategy,
            active=active,
            owner_id=owner_id,
            pool=pool,
            tie_breaker=tie_breaker,
            when=when,
        )

        return rule_create
