from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.backtest_in_as_of import BacktestInAsOf
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.backtest_in_compare_with_type_1 import BacktestInCompareWithType1
    from ..models.backtest_in_model_type_1 import BacktestInModelType1
    from ..models.outcome_in import OutcomeIn


T = TypeVar("T", bound="BacktestIn")


@_attrs_define
class BacktestIn:
    """
    Attributes:
        as_of (BacktestInAsOf | Unset): The reference time: the lead's creation, or the first time it reached the MQL
            stage or one after it (leads that never did are left out). Default: BacktestInAsOf.CREATED.
        compare_with (BacktestInCompareWithType1 | None | str | Unset): A second model (id or draft) scored on the same
            leads, shown beside the first.
        from_ (datetime.datetime | None | Unset): Reference times at or after (default: the first lead).
        model (BacktestInModelType1 | None | str | Unset): A model version's id, or an inline draft model; default: the
            active model.
        outcome (OutcomeIn | Unset):
        to (datetime.datetime | None | Unset): Reference times before (default: now less the horizon).
    """

    as_of: BacktestInAsOf | Unset = BacktestInAsOf.CREATED
    compare_with: BacktestInCompareWithType1 | None | str | Unset = UNSET
    from_: datetime.datetime | None | Unset = UNSET
    model: BacktestInModelType1 | None | str | Unset = UNSET
    outcome: OutcomeIn | Unset = UNSET
    to: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.backtest_in_compare_with_type_1 import BacktestInCompareWithType1  # noqa: PLC0415
        from ..models.backtest_in_model_type_1 import BacktestInModelType1  # noqa: PLC0415

        as_of: str | Unset = UNSET
        if not isinstance(self.as_of, Unset):
            as_of = self.as_of.value

        compare_with: dict[str, Any] | None | str | Unset
        if isinstance(self.compare_with, Unset):
            compare_with = UNSET
        elif isinstance(self.compare_with, BacktestInCompareWithType1):
            compare_with = self.compare_with.to_dict()
        else:
            compare_with = self.compare_with

        from_: None | str | Unset
        if isinstance(self.from_, Unset):
            from_ = UNSET
        elif isinstance(self.from_, datetime.datetime):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        model: dict[str, Any] | None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        elif isinstance(self.model, BacktestInModelType1):
            model = self.model.to_dict()
        else:
            model = self.model

        outcome: dict[str, Any] | Unset = UNSET
        if not isinstance(self.outcome, Unset):
            outcome = self.outcome.to_dict()

        to: None | str | Unset
        if isinstance(self.to, Unset):
            to = UNSET
        elif isinstance(self.to, datetime.datetime):
            to = self.to.isoformat()
        else:
            to = self.to

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if as_of is not UNSET:
            field_dict["as_of"] = as_of
        if compare_with is not UNSET:
            field_dict["compare_with"] = compare_with
        if from_ is not UNSET:
            field_dict["from"] = from_
        if model is not UNSET:
            field_dict["model"] = model
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backtest_in_compare_with_type_1 import BacktestInCompareWithType1  # noqa: PLC0415
        from ..models.backtest_in_model_type_1 import BacktestInModelType1  # noqa: PLC0415
        from ..models.outcome_in import OutcomeIn  # noqa: PLC0415

        d = dict(src_dict)
        _as_of = d.pop("as_of", UNSET)
        as_of: BacktestInAsOf | Unset
        if isinstance(_as_of, Unset):
            as_of = UNSET
        else:
            as_of = BacktestInAsOf(_as_of)

        def _parse_compare_with(data: object) -> BacktestInCompareWithType1 | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compare_with_type_1 = BacktestInCompareWithType1.from_dict(data)

                return compare_with_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BacktestInCompareWithType1 | None | str | Unset, data)

        compare_with = _parse_compare_with(d.pop("compare_with", UNSET))

        def _parse_from_(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.datetime.fromisoformat(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        from_ = _parse_from_(d.pop("from", UNSET))

        def _parse_model(data: object) -> BacktestInModelType1 | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_type_1 = BacktestInModelType1.from_dict(data)

                return model_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BacktestInModelType1 | None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        _outcome = d.pop("outcome", UNSET)
        outcome: OutcomeIn | Unset
        if isinstance(_outcome, Unset):
            outcome = UNSET
        else:
            outcome = OutcomeIn.from_dict(_outcome)

        def _parse_to(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.datetime.fromisoformat(data)

                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        to = _parse_to(d.pop("to", UNSET))

        backtest_in = cls(
            as_of=as_of,
            compare_with=compare_with,
            from_=from_,
            model=model,
            outcome=outcome,
            to=to,
        )

        return backtest_in
