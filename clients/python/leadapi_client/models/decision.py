from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.decision_reason_type_0 import DecisionReasonType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.decision_weights_type_0 import DecisionWeightsType0
    from ..models.rule_tried import RuleTried
    from ..models.skipped_owner import SkippedOwner


T = TypeVar("T", bound="Decision")


@_attrs_define
class Decision:
    """
    Attributes:
        candidates (list[str]): The eligible owners the picking rule chose among.
        owner_id (None | str): The pick; null when no rule yields an owner.
        rule_id (None | str):
        rule_name (None | str):
        rules_tried (list[RuleTried]):
        skipped (list[SkippedOwner]): The picking rule's pool owners who could not take the lead, and why.
        strategy (None | str):
        not_in_pool (int | Unset): How many owners are outside the picking rule's pool. Default: 0.
        reason (DecisionReasonType0 | None | Unset): Why nobody was picked: the workspace has no active routing rules,
            no rule's condition matched the lead, or the matching rules found no eligible owner (see `skipped` and
            `rules_tried`). Null when an owner was picked.
        turn (int | None | Unset): A rotating rule's (round robin, weighted) count of earlier picks since its rotation
            started: the pick is the turn-th of its turns over the candidates. Null for other strategies.
        weights (DecisionWeightsType0 | None | Unset): A weighted rotation's candidate weights at the pick (owner id ->
            weight).
    """

    candidates: list[str]
    owner_id: None | str
    rule_id: None | str
    rule_name: None | str
    rules_tried: list[RuleTried]
    skipped: list[SkippedOwner]
    strategy: None | str
    not_in_pool: int | Unset = 0
    reason: DecisionReasonType0 | None | Unset = UNSET
    turn: int | None | Unset = UNSET
    weights: DecisionWeightsType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.decision_weights_type_0 import DecisionWeightsType0  # noqa: PLC0415

        candidates = self.candidates

        owner_id: None | str
        owner_id = self.owner_id

        rule_id: None | str
        rule_id = self.rule_id

        rule_name: None | str
        rule_name = self.rule_name

        rules_tried = []
        for rules_tried_item_data in self.rules_tried:
            rules_tried_item = rules_tried_item_data.to_dict()
            rules_tried.append(rules_tried_item)

        skipped = []
        for skipped_item_data in self.skipped:
            skipped_item = skipped_item_data.to_dict()
            skipped.append(skipped_item)

        strategy: None | str
        strategy = self.strategy

        not_in_pool = self.not_in_pool

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        elif isinstance(self.reason, DecisionReasonType0):
            reason = self.reason.value
        else:
            reason = self.reason

        turn: int | None | Unset
        if isinstance(self.turn, Unset):
            turn = UNSET
        else:
            turn = self.turn

        weights: dict[str, Any] | None | Unset
        if isinstance(self.weights, Unset):
            weights = UNSET
        elif isinstance(self.weights, DecisionWeightsType0):
            weights = self.weights.to_dict()
        else:
            weights = self.weights

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "candidates": candidates,
                "owner_id": owner_id,
                "rule_id": rule_id,
                "rule_name": rule_name,
                "rules_tried": rules_tried,
                "skipped": skipped,
                "strategy": strategy,
            }
        )
        if not_in_pool is not UNSET:
            field_dict["not_in_pool"] = not_in_pool
        if reason is not UNSET:
            field_dict["reason"] = reason
        if turn is not UNSET:
            field_dict["turn"] = turn
        if weights is not UNSET:
            field_dict["weights"] = weights

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.decision_weights_type_0 import DecisionWeightsType0  # noqa: PLC0415
        from ..models.rule_tried import RuleTried  # noqa: PLC0415
        from ..models.skipped_owner import SkippedOwner  # noqa: PLC0415

        d = dict(src_dict)
        candidates = cast(list[str], d.pop("candidates"))

        def _parse_owner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        owner_id = _parse_owner_id(d.pop("owner_id"))

        def _parse_rule_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule_id = _parse_rule_id(d.pop("rule_id"))

        def _parse_rule_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule_name = _parse_rule_name(d.pop("rule_name"))

        rules_tried = []
        _rules_tried = d.pop("rules_tried")
        for rules_tried_item_data in _rules_tried:
            rules_tried_item = RuleTried.from_dict(rules_tried_item_data)

            rules_tried.append(rules_tried_item)

        skipped = []
        _skipped = d.pop("skipped")
        for skipped_item_data in _skipped:
            skipped_item = SkippedOwner.from_dict(skipped_item_data)

            skipped.append(skipped_item)

        def _parse_strategy(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        strategy = _parse_strategy(d.pop("strategy"))

        not_in_pool = d.pop("not_in_pool", UNSET)

        def _parse_reason(data: object) -> DecisionReasonType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reason_type_0 = DecisionReasonType0(data)

                return reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DecisionReasonType0 | None | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_turn(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        turn = _parse_turn(d.pop("turn", UNSET))

        def _parse_weights(data: object) -> DecisionWeightsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                weights_type_0 = DecisionWeightsType0.from_dict(data)

                return weights_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DecisionWeightsType0 | None | Unset, data)

        weights = _parse_weights(d.pop("weights", UNSET))

        decision = cls(
            candidates=candidates,
            owner_id=owner_id,
            rule_id=rule_id,
            rule_name=rule_name,
            rules_tried=rules_tried,
            skipped=skipped,
            strategy=strategy,
            not_in_pool=not_in_pool,
            reason=reason,
            turn=turn,
            weights=weights,
        )

        decision.additional_properties = d
        return decision

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
