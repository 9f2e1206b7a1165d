"""The statistics of a backtest and of a suggested model. Pure: no I/O.

A backtest scores leads as they stood at a reference time and sets each score against what
happened next (the outcome: the lead reached a won stage within a horizon). `Tally` gathers, per
model, one row per lead: its score, band, outcome and each rule's strength (0: the rule did not
fire; 1 for a rule that fires once; a per-event rule's points over its points per event). The
summary answers how well the scores rank (ROC AUC), how much better the top decile converts
(lift), whether a score means the rate it seems to (calibration), and which rules predict.

`suggest` fits a regularised logistic regression of the outcome on the rule strengths and turns
its coefficients into points: the same rules, rescaled so the strongest possible lead scores the
top of the range, the bands kept. Because points are a positive multiple of the coefficients, the
draft ranks leads as the fitted model does (up to the clamp at the bottom of the range).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from leadapi.scoring.engine import CompiledModel, ScoreResult

CALIBRATION_BUCKETS = 10
CONFIDENCE = 0.95
# The share of the leads, latest reference times last, a suggestion is fitted on; the rest (the
# most recent) is what the draft and the current model are compared on, as a model is used: on
# leads it has not seen.
FIT_SHARE = 0.7
MIN_CONVERSIONS = 10  # in the fitted part and the compared part each: fewer fit noise
# L2 strength: enough to keep coefficients finite when a rule separates the outcome perfectly.
REGULARISATION_C = 1.0

# STARTUP: SciPy and scikit-learn are imported by the functions that use them. Imported with this
# module they would add about a second to the start of every leadapi process (server, worker, each
# CLI command), for the backtests few requests ask for.
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


class NotEnoughOutcomesError(ValueError):
    """Too few leads or conversions to fit a model on."""


@dataclass
class Tally:
    """One model's rows, added batch by batch."""

    model: CompiledModel
    rule_ids: tuple[str, ...] = field(init=False)
    _columns: dict[str, tuple[int, float]] = field(init=False, repr=False)
    _scores: list[float] = field(default_factory=list, repr=False)
    _bands: list[str] = field(default_factory=list, repr=False)
    _outcomes: list[bool] = field(default_factory=list, repr=False)
    _strengths: list[list[float]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        rules = [(r.id, r.points) for r in self.model.fit]
        rules += [(r.id, r.points) for r in self.model.behavior]
        rules += [(r.id, r.points) for r in self.model.inactivity]
        self.rule_ids = tuple(rule_id for rule_id, _ in rules)
        self._columns = {rule_id: (index, points) for index, (rule_id, points) in enumerate(rules)}

    def add(self, result: ScoreResult, converted: bool) -> None:
        hits = [(hit.rule_id, hit.points) for hit in result.hits if hit.kind != "adjustment"]
        self.add_hits(result.score, result.band, hits, converted)

    def add_hits(self, score: int, band: str, hits: Iterable[tuple[str, float]], converted: bool) -> None:
        """A lead's row from its score, band and the rules that fired, with their points (no
        adjustments)."""
        self._scores.append(float(score))
        self._bands.append(band)
        self._outcomes.append(converted)
        row = [0.0] * len(self.rule_ids)
        for rule_id, points in hits:
            column, nominal = self._columns[rule_id]
            row[column] = 1.0 if nominal == 0 else points / nominal
        self._strengths.append(row)

    def __len__(self) -> int:
        return len(self._scores)

    @property
    def scores(self) -> Floats:
        return np.asarray(self._scores, dtype=np.float64)

    @property
    def outcomes(self) -> Bools:
        return np.asarray(self._outcomes, dtype=np.bool_)

    @property
    def strengths(self) -> Floats:
        return np.asarray(self._strengths, dtype=np.float64).reshape(len(self), len(self.rule_ids))

    def part(self, rows: npt.NDArray[np.intp]) -> Tally:
        """The tally of these rows only."""
        kept = Tally(self.model)
        kept._scores = [self._scores[i] for i in rows]
        kept._bands = [self._bands[i] for i in rows]
        kept._outcomes = [self._outcomes[i] for i in rows]
        kept._strengths = [self._strengths[i] for i in rows]
        return kept

    def summary(self) -> dict[str, Any]:
        return summarise(self.model, self.scores, self._bands, self.outcomes, self.rule_ids, self.strengths)


def roc_auc(scores: Floats, outcomes: Bools) -> float | None:
    """The chance a converted lead outscores one that did not (ties count half); None unless both
    kinds of lead are there."""
    if outcomes.all() or not outcomes.any():
        return None
    from sklearn.metrics import roc_auc_score  # see STARTUP below

    return float(roc_auc_score(outcomes, scores))


def top_decile_lift(scores: Floats, outcomes: Bools) -> float | None:
    """The conversion rate of the tenth of leads with the highest scores over the overall rate.
    Leads tied at the cut share the places left, at their own rate, so the figure does not depend
    on the order ties happen to come in."""
    count = len(scores)
    converted = int(outcomes.sum())
    if count == 0 or converted == 0:
        return None
    places = math.ceil(count / 10)
    cut = float(np.sort(scores)[::-1][places - 1])
    above = scores > cut
    tied = scores == cut
    left = places - int(above.sum())
    in_top = float(outcomes[above].sum()) + left * float(outcomes[tied].mean())
    return (in_top / places) / (converted / count)


def rate_interval(successes: int, trials: int) -> tuple[float, float] | None:
    """The Wilson score interval of a rate: sound for small counts and rates near 0 or 1."""
    if trials == 0:
        return None
    from scipy.stats import binomtest  # see STARTUP below

    interval = binomtest(successes, trials).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(interval.low), float(interval.high)


def _rate(successes: int, trials: int) -> float | None:
    return successes / trials if trials else None


def _share(part: dict[str, Any], leads: int, conversions: int) -> dict[str, Any]:
    interval = rate_interval(conversions, leads)
    return {
        "leads": leads,
        "conversions": conversions,
        "rate": _rate(conversions, leads),
        "rate_low": None if interval is None else interval[0],
        "rate_high": None if interval is None else interval[1],
        **part,
    }


def summarise(
    model: CompiledModel,
    scores: Floats,
    bands: Sequence[str],
    outcomes: Bools,
    rule_ids: Sequence[str],
    strengths: Floats,
) -> dict[str, Any]:
    """Every figure of one model's backtest."""
    count = len(scores)
    converted = int(outcomes.sum())
    band_names = np.asarray(bands, dtype=object)
    band_rows = []
    for band in model.bands:
        chosen = band_names == band.name
        band_rows.append(
            {"band": band.name, "min": band.min, **_share({}, int(chosen.sum()), int(outcomes[chosen].sum()))}
        )
    width = (model.maximum - model.minimum) / CALIBRATION_BUCKETS
    calibration = []
    if count:
        bucket = np.clip(((scores - model.minimum) // width).astype(np.int64), 0, CALIBRATION_BUCKETS - 1)
        for index in range(CALIBRATION_BUCKETS):
            chosen = bucket == index
            leads = int(chosen.sum())
            calibration.append(
                {
                    "score_from": model.minimum + index * width,
                    "score_to": model.minimum + (index + 1) * width,
                    "mean_score": float(scores[chosen].mean()) if leads else None,
                    **_share({}, leads, int(outcomes[chosen].sum())),
                }
            )
    rules = []
    for column, rule_id in enumerate(rule_ids):
        fired = strengths[:, column] != 0 if count else np.zeros(0, dtype=np.bool_)
        times = int(fired.sum())
        with_rule = _share({}, times, int(outcomes[fired].sum()))
        without = _share({}, count - times, int(outcomes[~fired].sum()))
        lift = (
            with_rule["rate"] / without["rate"] if with_rule["rate"] is not None and without["rate"] else None
        )
        rules.append(
            {
                "rule_id": rule_id,
                "fired": times,
                "fired_share": _rate(times, count),
                "with_rule": with_rule,
                "without_rule": without,
                "lift": lift,
            }
        )
    return {
        "leads": count,
        "conversions": converted,
        "conversion_rate": _rate(converted, count),
        "auc": roc_auc(scores, outcomes),
        "top_decile_lift": top_decile_lift(scores, outcomes),
        "mean_score": float(scores.mean()) if count else None,
        "bands": band_rows,
        "calibration": calibration,
        "rules": rules,
    }


# ---- a suggested model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    document: dict[str, Any]
    coefficients: dict[str, float]
    intercept: float
    points_per_logit: float


def fit_split(count: int) -> int:
    """How many of `count` leads, in reference-time order, a suggestion is fitted on."""
    return int(count * FIT_SHARE)


def suggest(
    document: Mapping[str, Any], rule_ids: Sequence[str], strengths: Floats, outcomes: Bools
) -> Suggestion:
    """A draft of `document` whose points are the fitted coefficients, rescaled so that a lead on
    which every rule with a positive coefficient fires as strongly as any lead had it scores the
    top of the range; bands, conditions and windows are kept. Raises NotEnoughOutcomesError."""
    converted = int(outcomes.sum())
    if converted < MIN_CONVERSIONS or len(outcomes) - converted < MIN_CONVERSIONS:
        raise NotEnoughOutcomesError(
            f"{converted} conversions among {len(outcomes)} leads: at least {MIN_CONVERSIONS} "
            "converted and as many not converted are needed to fit"
        )
    from sklearn.linear_model import LogisticRegression  # see STARTUP below

    fitted = LogisticRegression(C=REGULARISATION_C, max_iter=1000).fit(strengths, outcomes)
    coefficients = fitted.coef_[0]
    strongest = strengths.max(axis=0) if len(strengths) else np.zeros(len(rule_ids))
    reach = float(np.clip(coefficients * strongest, 0, None).sum())
    score_range = document.get("score_range") or {"min": 0, "max": 100}
    span = float(score_range["max"]) - float(score_range["min"])
    scale = span / reach if reach > 0 else 0.0
    points = {rule_id: round(float(c) * scale, 1) for rule_id, c in zip(rule_ids, coefficients, strict=True)}
    rules = []
    for rule in document["rules"]:
        new = dict(rule)
        old_points = float(rule["points"])
        new["points"] = points.get(rule["id"], 0.0)
        if rule.get("max_points") is not None:
            if new["points"] == 0:
                del new["max_points"]
            else:  # the same cap, counted in events
                cap = float(rule["max_points"]) / abs(old_points) * abs(new["points"]) if old_points else 0
                new["max_points"] = round(cap, 1) if cap > 0 else abs(new["points"])
        rules.append(new)
    draft = {**dict(document), "name": f"{document['name']} (suggested)"[:200], "rules": rules}
    return Suggestion(
        draft,
        {rule_id: float(c) for rule_id, c in zip(rule_ids, coefficients, strict=True)},
        float(fitted.intercept_[0]),
        scale,
    )
