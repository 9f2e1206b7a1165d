from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.band_row import BandRow
    from ..models.calibration_row import CalibrationRow
    from ..models.model_ref import ModelRef
    from ..models.rule_evidence import RuleEvidence


T = TypeVar("T", bound="BacktestResult")


@_attrs_define
class BacktestResult:
    """
    Attributes:
        auc (float | None): ROC AUC: the chance a converted lead outscores one that did not.
        bands (list[BandRow]):
        calibration (list[CalibrationRow]): Ten equal score buckets over the model's range.
        conversion_rate (float | None):
        conversions (int):
        leads (int):
        mean_score (float | None):
        model (ModelRef):
        rules (list[RuleEvidence]):
        top_decile_lift (float | None): The top tenth's conversion rate over the overall rate.
    """

    auc: float | None
    bands: list[BandRow]
    calibration: list[CalibrationRow]
    conversion_rate: float | None
    conversions: int
    leads: int
    mean_score: float | None
    model: ModelRef
    rules: list[RuleEvidence]
    top_decile_lift: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auc: float | None
        auc = self.auc

        bands = []
        for bands_item_data in self.bands:
            bands_item = bands_item_data.to_dict()
            bands.append(bands_item)

        calibration = []
        for calibration_item_data in self.calibration:
            calibration_item = calibration_item_data.to_dict()
            calibration.append(calibration_item)

        conversion_rate: float | None
        conversion_rate = self.conversion_rate

        conversions = self.conversions

        leads = self.leads

        mean_score: float | None
        mean_score = self.mean_score

        model = self.model.to_dict()

        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)

        top_decile_lift: float | None
        top_decile_lift = self.top_decile_lift

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auc": auc,
                "bands": bands,
                "calibration": calibration,
                "conversion_rate": conversion_rate,
                "conversions": conversions,
                "leads": leads,
                "mean_score": mean_score,
                "model": model,
                "rules": rules,
                "top_decile_lift": top_decile_lift,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.band_row import BandRow  # noqa: PLC0415
        from ..models.calibration_row import CalibrationRow  # noqa: PLC0415
        from ..models.model_ref import ModelRef  # noqa: PLC0415
        from ..models.rule_evidence import RuleEvidence  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_auc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        auc = _parse_auc(d.pop("auc"))

        bands = []
        _bands = d.pop("bands")
        for bands_item_data in _bands:
            bands_item = BandRow.from_dict(bands_item_data)

            bands.append(bands_item)

        calibration = []
        _calibration = d.pop("calibration")
        for calibration_item_data in _calibration:
            calibration_item = CalibrationRow.from_dict(calibration_item_data)

            calibration.append(calibration_item)

        def _parse_conversion_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        conversion_rate = _parse_conversion_rate(d.pop("conversion_rate"))

        conversions = d.pop("conversions")

        leads = d.pop("leads")

        def _parse_mean_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mean_score = _parse_mean_score(d.pop("mean_score"))

        model = ModelRef.from_dict(d.pop("model"))

        rules = []
        _rules = d.pop("rules")
        for rules_item_data in _rules:
            rules_item = RuleEvidence.from_dict(rules_item_data)

            rules.append(rules_item)

        def _parse_top_decile_lift(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        top_decile_lift = _parse_top_decile_lift(d.pop("top_decile_lift"))

        backtest_result = cls(
            auc=auc,
            bands=bands,
            calibration=calibration,
            conversion_rate=conversion_rate,
            conversions=conversions,
            leads=leads,
            mean_score=mean_score,
            model=model,
            rules=rules,
            top_decile_lift=top_decile_lift,
        )

        backtest_result.additional_properties = d
        return backtest_result

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
