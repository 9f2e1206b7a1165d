from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.step_channel import StepChannel
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.business_hours import BusinessHours
    from ..models.step_skip_when_type_0 import StepSkipWhenType0


T = TypeVar("T", bound="Step")


@_attrs_define
class Step:
    """
    Attributes:
        channel (StepChannel): email | linkedin | call | sms | custom.
        ref (str): The sender's template or campaign id, passed along in `track.step_due`.
        business_hours (BusinessHours | None | Unset): Count the wait in these hours only (as SLA policies' business
            hours).
        skip_when (None | StepSkipWhenType0 | Unset): When this holds for the lead at due time, the step is skipped. A
            condition (as in scoring, routing and automations) over the lead: `band`, `stage`, `owner_id`, `tags`,
            `unsubscribed`, `attributes.x`, ...
        wait_minutes (int | Unset): How long after the previous step (the first step: after enrolment) it is due.
            Default: 0.
    """

    channel: StepChannel
    ref: str
    business_hours: BusinessHours | None | Unset = UNSET
    skip_when: None | StepSkipWhenType0 | Unset = UNSET
    wait_minutes: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        from ..models.business_hours import BusinessHours  # noqa: PLC0415
        from ..models.step_skip_when_type_0 import StepSkipWhenType0  # noqa: PLC0415

        channel = self.channel.value

        ref = self.ref

        business_hours: dict[str, Any] | None | Unset
        if isinstance(self.business_hours, Unset):
            business_hours = UNSET
        elif isinstance(self.business_hours, BusinessHours):
            business_hours = self.business_hours.to_dict()
        else:
            business_hours = self.business_hours

        skip_when: dict[str, Any] | None | Unset
        if isinstance(self.skip_when, Unset):
            skip_when = UNSET
        elif isinstance(self.skip_when, StepSkipWhenType0):
            skip_when = self.skip_when.to_dict()
        else:
            skip_when = self.skip_when

        wait_minutes = self.wait_minutes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "channel": channel,
                "ref": ref,
            }
        )
        if business_hours is not UNSET:
            field_dict["business_hours"] = business_hours
        if skip_when is not UNSET:
            field_dict["skip_when"] = skip_when
        if wait_minutes is not UNSET:
            field_dict["wait_minutes"] = wait_minutes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.business_hours import BusinessHours  # noqa: PLC0415
        from ..models.step_skip_when_type_0 import StepSkipWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        channel = StepChannel(d.pop("channel"))

        ref = d.pop("ref")

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

        def _parse_skip_when(data: object) -> None | StepSkipWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                skip_when_type_0 = StepSkipWhenType0.from_dict(data)

                return skip_when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StepSkipWhenType0 | Unset, data)

        skip_when = _parse_skip_when(d.pop("skip_when", UNSET))

        wait_minutes = d.pop("wait_minutes", UNSET)

        step = cls(
            channel=channel,
            ref=ref,
            business_hours=business_hours,
            skip_when=skip_when,
            wait_minutes=wait_minutes,
        )

        return step
