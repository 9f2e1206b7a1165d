from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.routing_settings_route_on import RoutingSettingsRouteOn

T = TypeVar("T", bound="RoutingSettings")


@_attrs_define
class RoutingSettings:
    """
    Attributes:
        route_on (RoutingSettingsRouteOn): When a lead goes to sales: on creation, on reaching the mql band (or sql), or
            on reaching sql (the default: marketing keeps leads until they are sales-ready).
    """

    route_on: RoutingSettingsRouteOn

    def to_dict(self) -> dict[str, Any]:
        route_on = self.route_on.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "route_on": route_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        route_on = RoutingSettingsRouteOn(d.pop("route_on"))

        routing_settings = cls(
            route_on=route_on,
        )

        return routing_settings
