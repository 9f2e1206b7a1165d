from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.notify_data import NotifyData


T = TypeVar("T", bound="Notify")


@_attrs_define
class Notify:
    """
    Attributes:
        message (str): Text of the `automation.notified` event; `{{lead.email}}`, `{{lead.score}}`, `{{event.type}}`,
            `{{event.data.x}}`, `{{automation.name}}` are filled in.
        type_ (Literal['notify']):
        data (NotifyData | Unset): More values for the subscriber, each a template like `message`.
        to (None | str | Unset): Who the subscriber should tell (a channel, an address, `owner`), passed along.
    """

    message: str
    type_: Literal["notify"]
    data: NotifyData | Unset = UNSET
    to: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        type_ = self.type_

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        to: None | str | Unset
        if isinstance(self.to, Unset):
            to = UNSET
        else:
            to = self.to

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "message": message,
                "type": type_,
            }
        )
        if data is not UNSET:
            field_dict["data"] = data
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.notify_data import NotifyData  # noqa: PLC0415

        d = dict(src_dict)
        message = d.pop("message")

        type_ = cast(Literal["notify"], d.pop("type"))
        if type_ != "notify":
            raise ValueError(f"type must match const 'notify', got '{type_}'")

        _data = d.pop("data", UNSET)
        data: NotifyData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = NotifyData.from_dict(_data)

        def _parse_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        to = _parse_to(d.pop("to", UNSET))

        notify = cls(
            message=message,
            type_=type_,
            data=data,
            to=to,
        )

        return notify
