from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_entry_action import AuditEntryAction
from ..models.audit_entry_resource import AuditEntryResource

if TYPE_CHECKING:
    from ..models.audit_entry_after_type_0 import AuditEntryAfterType0
    from ..models.audit_entry_before_type_0 import AuditEntryBeforeType0


T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """
    Attributes:
        action (AuditEntryAction):
        after (AuditEntryAfterType0 | None): The resource after; null when it was deleted. Secrets are always masked.
        at (datetime.datetime): When the change was committed (the server's clock).
        before (AuditEntryBeforeType0 | None): The resource before; null when it was created.
        id (str):
        key_id (None | str): The API key that made it; null: the command line.
        resource (AuditEntryResource):
        resource_id (str): The resource's id (the workspace's for workspace settings).
    """

    action: AuditEntryAction
    after: AuditEntryAfterType0 | None
    at: datetime.datetime
    before: AuditEntryBeforeType0 | None
    id: str
    key_id: None | str
    resource: AuditEntryResource
    resource_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_entry_after_type_0 import AuditEntryAfterType0  # noqa: PLC0415
        from ..models.audit_entry_before_type_0 import AuditEntryBeforeType0  # noqa: PLC0415

        action = self.action.value

        after: dict[str, Any] | None
        if isinstance(self.after, AuditEntryAfterType0):
            after = self.after.to_dict()
        else:
            after = self.after

        at = self.at.isoformat()

        before: dict[str, Any] | None
        if isinstance(self.before, AuditEntryBeforeType0):
            before = self.before.to_dict()
        else:
            before = self.before

        id = self.id

        key_id: None | str
        key_id = self.key_id

        resource = self.resource.value

        resource_id = self.resource_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "after": after,
                "at": at,
                "before": before,
                "id": id,
                "key_id": key_id,
                "resource": resource,
                "resource_id": resource_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_entry_after_type_0 import AuditEntryAfterType0  # noqa: PLC0415
        from ..models.audit_entry_before_type_0 import AuditEntryBeforeType0  # noqa: PLC0415

        d = dict(src_dict)
        action = AuditEntryAction(d.pop("action"))

        def _parse_after(data: object) -> AuditEntryAfterType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                after_type_0 = AuditEntryAfterType0.from_dict(data)

                return after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEntryAfterType0 | None, data)

        after = _parse_after(d.pop("after"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        def _parse_before(data: object) -> AuditEntryBeforeType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                before_type_0 = AuditEntryBeforeType0.from_dict(data)

                return before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEntryBeforeType0 | None, data)

        before = _parse_before(d.pop("before"))

        id = d.pop("id")

        def _parse_key_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key_id = _parse_key_id(d.pop("key_id"))

        resource = AuditEntryResource(d.pop("resource"))

        resource_id = d.pop("resource_id")

        audit_entry = cls(
            action=action,
            after=after,
            at=at,
            before=before,
            id=id,
            key_id=key_id,
            resource=resource,
            resource_id=resource_id,
        )

        audit_entry.additional_properties = d
        return audit_entry

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
