from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.intent_spike_spec import IntentSpikeSpec


T = TypeVar("T", bound="IntentSpikeTrigger")


@_attrs_define
class IntentSpikeTrigger:
    """
    Attributes:
        intent_spike (IntentSpikeSpec): Either `points` (behaviour points gained within the window) or `events` (that
            many events of
            `types` within the window).
    """

    intent_spike: IntentSpikeSpec

    def to_dict(self) -> dict[str, Any]:
        intent_spike = self.intent_spike.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "intent_spike": intent_spike,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.intent_spike_spec import IntentSpikeSpec  # noqa: PLC0415

        d = dict(src_dict)
        intent_spike = IntentSpikeSpec.from_dict(d.pop("intent_spike"))

        intent_spike_trigger = cls(
            intent_spike=intent_spike,
        )

        return intent_spike_trigger
