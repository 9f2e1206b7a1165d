from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.policy_create_on_breach import PolicyCreateOnBreach
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.business_hours import BusinessHours
    from ..models.policy_create_when_type_0 import PolicyCreateWhenType0


T = TypeVar("T", bound="PolicyCreate")


@_attrs_define
class PolicyCreate:
    """
    Attributes:
        first_touch_within_minutes (int):
        name (str):
        position (int): Policies are tried lowest first.
        active (bool | None | Unset):
        business_hours (BusinessHours | None | Unset): Null: the clock never pauses.
        on_breach (PolicyCreateOnBreach | Unset):  Default: PolicyCreateOnBreach.NOTIFY.
        when (None | PolicyCreateWhenType0 | Unset): A condition on the lead (as in routing rules: `band` and `stage`
            included); null: every lead.
    """

    first_touch_within_minutes: int
    name: str
    position: int
    active: bool | None | Unset = UNSET
    business_hours: BusinessHours | None | Unset = UNSET
    on_breach: PolicyCreateOnBreach | Unset = PolicyCreateOnBreach.NOTIFY
    when: None | PolicyCreateWhenType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.business_hours import BusinessHours  # noqa: PLC0415
        from ..models.policy_create_when_type_0 import PolicyCreateWhenType0  # noqa: PLC0415

        first_touch_within_minutes = self.first_touch_within_minutes

        name = self.name

        position = self.position

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        business_hours: dict[str, Any] | None | Unset
        if isinstance(self.business_hours, Unset):
            business_hours = UNSET
        elif isinstance(self.business_hours, BusinessHours):
            business_hours = self.business_hours.to_dict()
        else:
            business_hours = self.business_hours

        on_breach: str | Unset = UNSET
        if not isinstance(self.on_breach, Unset):
            on_breach = self.on_breach.value

        when: dict[str, Any] | None | Unset
        if isinstance(self.when, Unset):
            when = UNSET
        elif isinstance(self.when, PolicyCreateWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "first_touch_within_minutes": first_touch_within_minutes,
                "name": name,
                "position": position,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active
        if business_hours is not UNSET:
            field_dict["business_hours"] = business_hours
        if on_breach is not UNSET:
            field_dict["on_breach"] = on_breach
        if when is not UNSET:
            field_dict["when"] = when

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.business_hours import BusinessHours  # noqa: PLC0415
        from ..models.policy_create_when_type_0 import PolicyCreateWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        first_touch_within_minutes = d.pop("first_touch_within_minutes")

        name = d.pop("name")

        position = d.pop("position")

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

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

        _on_breach = d.pop("on_breach", UNSET)
        on_breach: PolicyCreateOnBreach | Unset
        if isinstance(_on_breach, Unset):
            on_breach = UNSET
        else:
            on_breach = PolicyCreateOnBreach(_on_breach)

        def _parse_when(data: object) -> None | PolicyCreateWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = PolicyCreateWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PolicyCreateWhenType0 | Unset, data)

        when = _parse_when(d.pop("when", UNSET))

        policy_create = cls(
            first_touch_within_minutes=first_touch_within_minutes,
            name=name,
            position=position,
            active=active,
            business_hours=business_hours,
            on_breach=on_breach,
            when=when,
        )

        return policy_create
