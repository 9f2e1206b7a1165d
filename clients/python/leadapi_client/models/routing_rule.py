from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.routing_rule_strategy import RoutingRuleStrategy
from ..models.routing_rule_tie_breaker import RoutingRuleTieBreaker

if TYPE_CHECKING:
    from ..models.routing_rule_pool import RoutingRulePool
    from ..models.routing_rule_when_type_0 import RoutingRuleWhenType0


T = TypeVar("T", bound="RoutingRule")


@_attrs_define
class RoutingRule:
    """
    Attributes:
        active (bool):
        created_at (datetime.datetime):
        id (str):
        name (str):
        owner_id (None | str):
        pool (RoutingRulePool):
        position (int):
        strategy (RoutingRuleStrategy):
        tie_breaker (RoutingRuleTieBreaker):
        updated_at (datetime.datetime):
        when (None | RoutingRuleWhenType0):
    """

    active: bool
    created_at: datetime.datetime
    id: str
    name: str
    owner_id: None | str
    pool: RoutingRulePool
    position: int
    strategy: RoutingRuleStrategy
    tie_breaker: RoutingRuleTieBreaker
    updated_at: datetime.datetime
    when: None | RoutingRuleWhenType0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.routing_rule_when_type_0 import RoutingRuleWhenType0  # noqa: PLC0415

        active = self.active

        created_at = self.created_at.isoformat()

        id = self.id

        name = self.name

        owner_id: None | str
        owner_id = self.owner_id

        pool = self.pool.to_dict()

        position = self.position

        strategy = self.strategy.value

        tie_breaker = self.tie_breaker.value

        updated_at = self.updated_at.isoformat()

        when: dict[str, Any] | None
        if isinstance(self.when, RoutingRuleWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "created_at": created_at,
                "id": id,
                "name": name,
                "owner_id": owner_id,
                "pool": pool,
                "position": position,
                "strategy": strategy,
                "tie_breaker": tie_breaker,
                "updated_at": updated_at,
                "when": when,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.routing_rule_pool import RoutingRulePool  # noqa: PLC0415
        from ..models.routing_rule_when_type_0 import RoutingRuleWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        name = d.pop("name")

        def _parse_owner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        owner_id = _parse_owner_id(d.pop("owner_id"))

        pool = RoutingRulePool.from_dict(d.pop("pool"))

        position = d.pop("position")

        strategy = RoutingRuleStrategy(d.pop("strategy"))

        tie_breaker = RoutingRuleTieBreaker(d.pop("tie_breaker"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_when(data: object) -> None | RoutingRuleWhenType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = RoutingRuleWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoutingRuleWhenType0, data)

        when = _parse_when(d.pop("when"))

        routing_rule = cls(
            active=active,
            created_at=created_at,
            id=id,
            name=name,
            owner_id=owner_id,
            pool=pool,
            position=position,
            strategy=strategy,
            tie_breaker=tie_breaker,
            updated_at=updated_at,
            when=when,
        )

        routing_rule.additional_properties = d
        return routing_rule

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
