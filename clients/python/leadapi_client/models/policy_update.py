from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.policy_update_on_breach import PolicyUpdateOnBreach
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.business_hours import BusinessHours
    from ..models.policy_update_when_type_0 import PolicyUpdateWhenType0


T = TypeVar("T", bound="PolicyUpdate")


@_attrs_define
class PolicyUpdate:
    """Partial update; absent fields stay. Clocks already running keep their due time.

    Attributes:
        active (bool | Unset):
        business_hours (BusinessHours | None | Unset): Null: the clock never pauses.
        first_touch_within_minutes (int | Unset):
        name (str | Unset):
        on_breach (PolicyUpdateOnBreach | Unset): notify: record the breach; reassign: also route the lead to someone
            else.
        position (int | Unset): Policies are tried lowest first.
        when (None | PolicyUpdateWhenType0 | Unset): A condition on the lead (as in routing rules: `band` and `stage`
            included); null: every lead.
    """

    active: bool | Unset = UNSET
    business_hours: BusinessHours | None | Unset = UNSET
    first_touch_within_minutes: int | Unset = UNSET
    name: str | Unset = UNSET
    on_breach: PolicyUpdateOnBreach | Unset = UNSET
    position: int | Unset = UNSET
    when: None | PolicyUpdateWhenType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.business_hours import BusinessHours  # noqa: PLC0415
        from ..models.policy_update_when_type_0 import PolicyUpdateWhenType0  # noqa: PLC0415

        active = self.active

        business_hours: dict[str, Any] | None | Unset
        if isinstance(self.business_hours, Unset):
            business_hours = UNSET
        elif isinstance(self.business_hours, BusinessHours):
            business_hours = self.business_hours.to_dict()
        else:
            business_hours = self.business_hours

        first_touch_within_minutes = self.first_touch_within_minutes

        name = self.name

        on_breach: str | Unset = UNSET
        if not isinstance(self.on_breach, Unset):
            on_breach = self.on_breach.value

        position = self.position

        when: dict[str, Any] | None | Unset
        if isinstance(self.when, Unset):
            when = UNSET
        elif isinstance(self.when, PolicyUpdateWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if business_hours is not UNSET:
            field_dict["business_hours"] = business_hours
        if first_touch_within_minutes is not UNSET:
            field_dict["first_touch_within_minutes"] = first_touch_within_minutes
        if name is not UNSET:
            field_dict["name"] = name
        if on_breach is not UNSET:
            field_dict["on_breach"] = on_breach
        if position is not UNSET:
            field_dict["position"] = position
        if when is not UNSET:
            field_dict["when"] = when

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.business_hours import BusinessHours  # noqa: PLC0415
        from ..models.policy_update_when_type_0 import PolicyUpdateWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active", UNSET)

        def _parse_business_hours(data: object) -> BusinessHours | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                business_hours_type_0 = BusinessHours.from_dict(data)

                return business_hours_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BusinessHours | None | Unset, data)

        business_hours = _parse_business_hours(d.pop("business_hours", UNSET))

        first_touch_within_minutes = d.pop("first_touch_within_minutes", UNSET)

        name = d.pop("name", UNSET)

        _on_breach = d.pop("on_breach", UNSET)
        on_breach: PolicyUpdateOnBreach | Unset
        if isinstance(_on_breach, Unset):
            on_breach = UNSET
        else:
            on_breach = PolicyUpdateOnBreach(_on_breach)

        position = d.pop("position", UNSET)

        def _parse_when(data: object) -> None | PolicyUpdateWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = PolicyUpdateWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PolicyUpdateWhenType0 | Unset, data)

        when = _parse_when(d.pop("when", UNSET))

        policy_update = cls(
            active=active,
            business_hours=business_hours,
            first_touch_within_minutes=first_touch_within_minutes,
            name=name,
            on_breach=on_breach,
            position=position,
            when=when,
        )

        return policy_update
