from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.backtest_result import BacktestResult
    from ..models.coefficient import Coefficient
    from ..models.population import Population
    from ..models.suggest_out_draft import SuggestOutDraft


T = TypeVar("T", bound="SuggestOut")


@_attrs_define
class SuggestOut:
    """
    Attributes:
        coefficients (list[Coefficient]):
        compared_on (Population):
        current (BacktestResult):
        draft (SuggestOutDraft): The suggested model document: never stored nor activated by this call; create it with
            POST /v1/scoring/models to keep it.
        fitted_on (int): Leads the regression was fitted on: the earlier 70% by reference time.
        intercept (float):
        suggested (BacktestResult):
    """

    coefficients: list[Coefficient]
    compared_on: Population
    current: BacktestResult
    draft: SuggestOutDraft
    fitted_on: int
    intercept: float
    suggested: BacktestResult
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        coefficients = []
        for coefficients_item_data in self.coefficients:
            coefficients_item = coefficients_item_data.to_dict()
            coefficients.append(coefficients_item)

        compared_on = self.compared_on.to_dict()

        current = self.current.to_dict()

        draft = self.draft.to_dict()

        fitted_on = self.fitted_on

        intercept = self.intercept

        suggested = self.suggested.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "coefficients": coefficients,
                "compared_on": compared_on,
                "current": current,
                "draft": draft,
                "fitted_on": fitted_on,
                "intercept": intercept,
                "suggested": suggested,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backtest_result import BacktestResult  # noqa: PLC0415
        from ..models.coefficient import Coefficient  # noqa: PLC0415
        from ..models.population import Population  # noqa: PLC0415
        from ..models.suggest_out_draft import SuggestOutDraft  # noqa: PLC0415

        d = dict(src_dict)
        coefficients = []
        _coefficients = d.pop("coefficients")
        for coefficients_item_data in _coefficients:
            coefficients_item = Coefficient.from_dict(coefficients_item_data)

            coefficients.append(coefficients_item)

        compared_on = Population.from_dict(d.pop("compared_on"))

        current = BacktestResult.from_dict(d.pop("current"))

        draft = SuggestOutDraft.from_dict(d.pop("draft"))

        fitted_on = d.pop("fitted_on")

        intercept = d.pop("intercept")

        suggested = BacktestResult.from_dict(d.pop("suggested"))

        suggest_out = cls(
            coefficients=coefficients,
            compared_on=compared_on,
            current=current,
            draft=draft,
            fitted_on=fitted_on,
            intercept=intercept,
            suggested=suggested,
        )

        suggest_out.additional_properties = d
        return suggest_out

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
