from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event_batch_item import EventBatchItem


T = TypeVar("T", bound="EventBatchOut")


@_attrs_define
class EventBatchOut:
    """
    Attributes:
        created (int):
        failed (int):
        replayed (int):
        results (list[EventBatchItem]):
    """

    created: int
    failed: int
    replayed: int
    results: list[EventBatchItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created = self.created

        failed = self.failed

        replayed = self.replayed

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created": created,
                "failed": failed,
                "replayed": replayed,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_batch_item import EventBatchItem  # noqa: PLC0415

        d = dict(src_dict)
        created = d.pop("created")

        failed = d.pop("failed")

        replayed = d.pop("replayed")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = EventBatchItem.from_dict(results_item_data)

            results.append(results_item)

        event_batch_out = cls(
            created=created,
            failed=failed,
            replayed=replayed,
            results=results,
        )

        event_batch_out.additional_properties = d
        return event_batch_out

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
