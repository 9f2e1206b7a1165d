from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.scoring_model_document import ScoringModelDocument


T = TypeVar("T", bound="ScoringModel")


@_attrs_define
class ScoringModel:
    """
    Attributes:
        active (bool):
        created_at (datetime.datetime):
        document (ScoringModelDocument):
        id (str):
        name (str):
        version (int): Increases by one per model created in the workspace.
    """

    active: bool
    created_at: datetime.datetime
    document: ScoringModelDocument
    id: str
    name: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        created_at = self.created_at.isoformat()

        document = self.document.to_dict()

        id = self.id

        name = self.name

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "created_at": created_at,
                "document": document,
                "id": id,
                "name": name,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scoring_model_document import ScoringModelDocument  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        document = ScoringModelDocument.from_dict(d.pop("document"))

        id = d.pop("id")

        name = d.pop("name")

        version = d.pop("version")

        scoring_model = cls(
            active=active,
            created_at=created_at,
            document=document,
            id=id,
            name=name,
            version=version,
        )

        scoring_model.additional_properties = d
        return scoring_model

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
