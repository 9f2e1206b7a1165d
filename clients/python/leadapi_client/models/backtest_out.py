from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.backtest_result import BacktestResult
    from ..models.population import Population


T = TypeVar("T", bound="BacktestOut")


@_attrs_define
class BacktestOut:
    """
    Attributes:
        population (Population):
        results (list[BacktestResult]): One per model: `model`, then `compare_with`.
    """

    population: Population
    results: list[BacktestResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        population = self.population.to_dict()

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "population": population,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backtest_result import BacktestResult  # noqa: PLC0415
        from ..models.population import Population  # noqa: PLC0415

        d = dict(src_dict)
        population = Population.from_dict(d.pop("population"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = BacktestResult.from_dict(results_item_data)

            results.append(results_item)

        backtest_out = cls(
            population=population,
            results=results,
        )

        backtest_out.additional_properties = d
        return backtest_out

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
