from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.set_fields_fields import SetFieldsFields


T = TypeVar("T", bound="SetFields")


@_attrs_define
class SetFields:
    """
    Attributes:
        fields (SetFieldsFields): Lead fields (`company`, `industry`...) and attributes (`attributes.plan`) to set; null
            clears. Not email, external ids, tags (add_tags/remove_tags) or owner (assign).
        type_ (Literal['set_fields']):
    """

    fields: SetFieldsFields
    type_: Literal["set_fields"]

    def to_dict(self) -> dict[str, Any]:
        fields = self.fields.to_dict()

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "fields": fields,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.set_fields_fields import SetFieldsFields  # noqa: PLC0415

        d = dict(src_dict)
        fields = SetFieldsFields.from_dict(d.pop("fields"))

        type_ = cast(Literal["set_fields"], d.pop("type"))
        if type_ != "set_fields":
            raise ValueError(f"type must match const 'set_fields', got '{type_}'")

        set_fields = cls(
            fields=fields,
            type_=type_,
        )

        return set_fields
