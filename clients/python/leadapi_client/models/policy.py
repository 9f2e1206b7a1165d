from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.policy_on_breach import PolicyOnBreach

if TYPE_CHECKING:
    from ..models.policy_business_hours_type_0 import PolicyBusinessHoursType0
    from ..models.policy_when_type_0 import PolicyWhenType0


T = TypeVar("T", bound="Policy")


@_attrs_define
class Policy:
    """
    Attributes:
        active (bool):
        business_hours (None | PolicyBusinessHoursType0):
        created_at (datetime.datetime):
        first_touch_within_minutes (int):
        id (str):
        name (str):
        on_breach (PolicyOnBreach):
        position (int):
        updated_at (datetime.datetime):
        when (None | PolicyWhenType0):
    """

    active: bool
    business_hours: None | PolicyBusinessHoursType0
    created_at: datetime.datetime
    first_touch_within_minutes: int
    id: str
    name: str
    on_breach: PolicyOnBreach
    position: int
    updated_at: datetime.datetime
    when: None | PolicyWhenType0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.policy_business_hours_type_0 import PolicyBusinessHoursType0  # noqa: PLC0415
        from ..models.policy_when_type_0 import PolicyWhenType0  # noqa: PLC0415

        active = self.active

        business_hours: dict[str, Any] | None
        if isinstance(self.business_hours, PolicyBusinessHoursType0):
            business_hours = self.business_hours.to_dict()
        else:
            business_hours = self.business_hours

        created_at = self.created_at.isoformat()

        first_touch_within_minutes = self.first_touch_within_minutes

        id = self.id

        name = self.name

        on_breach = self.on_breach.value

        position = self.position

        updated_at = self.updated_at.isoformat()

        when: dict[str, Any] | None
        if isinstance(self.when, PolicyWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "business_hours": business_hours,
                "created_at": created_at,
                "first_touch_within_minutes": first_touch_within_minutes,
                "id": id,
                "name": name,
                "on_breach": on_breach,
                "position": position,
                "updated_at": updated_at,
                "when": when,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy_business_hours_type_0 import PolicyBusinessHoursType0  # noqa: PLC0415
        from ..models.policy_when_type_0 import PolicyWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        def _parse_business_hours(data: object) -> None | PolicyBusinessHoursType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                business_hours_type_0 = PolicyBusinessHoursType0.from_dict(data)

                return business_hours_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PolicyBusinessHoursType0, data)

        business_hours = _parse_business_hours(d.pop("business_hours"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        first_touch_within_minutes = d.pop("first_touch_within_minutes")

        id = d.pop("id")

        name = d.pop("name")

        on_breach = PolicyOnBreach(d.pop("on_breach"))

        position = d.pop("position")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_when(data: object) -> None | PolicyWhenType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = PolicyWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PolicyWhenType0, data)

        when = _parse_when(d.pop("when"))

        policy = cls(
            active=active,
            business_hours=business_hours,
            created_at=created_at,
            first_touch_within_minutes=first_touch_within_minutes,
            id=id,
            name=name,
            on_breach=on_breach,
            position=position,
            updated_at=updated_at,
            when=when,
        )

        policy.additional_properties = d
        return policy

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
