"""The pipeline's rules of movement, with the default pipeline and a custom one."""

from __future__ import annotations

import pytest

from leadapi.stages.engine import Pipeline, validate

DEFAULT = Pipeline.default()


def test_defaults_are_the_published_lifecycle() -> None:
    assert [s.key for s in DEFAULT.stages] == [
        "new", "mql", "sql", "accepted", "opportunity", "customer", "nurturing", "disqualified",
    ]  # fmt: skip
    assert DEFAULT.entry == "new"
    assert DEFAULT.closed == {"customer", "disqualified"}
    assert DEFAULT.touch_types == {"call", "email_sent", "meeting"}
    assert "no_budget" in DEFAULT.disqualification_reasons


@pytest.mark.parametrize(
    ("current", "allowed"),
    [
        # forward (skipping allowed), recycle, win, lose; never backward
        ("new", ["mql", "sql", "accepted", "opportunity", "customer", "nurturing", "disqualified"]),
        ("sql", ["accepted", "opportunity", "customer", "nurturing", "disqualified"]),
        ("opportunity", ["customer", "nurturing", "disqualified"]),
        # a recycled lead may re-enter the funnel anywhere
        ("nurturing", ["new", "mql", "sql", "accepted", "opportunity", "customer", "disqualified"]),
        ("disqualified", ["nurturing"]),  # reopened only by recycling
        ("customer", []),  # won is final
    ],
)
def test_allowed_moves(current: str, allowed: list[str]) -> None:
    assert DEFAULT.targets(current) == allowed


@pytest.mark.parametrize(
    ("current", "band", "promoted"),
    [
        ("new", "mql", "mql"),
        ("new", "sql", "sql"),
        ("mql", "sql", "sql"),
        ("sql", "mql", None),  # only forward: a cooling lead keeps its stage
        ("mql", "mql", None),
        ("accepted", "sql", None),  # never out of accepted or later
        ("opportunity", "sql", None),
        ("nurturing", "mql", "mql"),  # a recycled lead that re-engages
        ("customer", "sql", None),
        ("disqualified", "sql", None),
        ("new", "not_ready", None),  # a band without a stage of its name
        ("new", None, None),
    ],
)
def test_band_promotion(current: str, band: str | None, promoted: str | None) -> None:
    assert DEFAULT.promotion(current, band) == promoted


def test_acceptance_window() -> None:
    assert [s.key for s in DEFAULT.stages if DEFAULT.before_acceptance(s.key)] == ["new", "mql", "sql"]


def _doc(**overrides: object) -> dict[str, object]:
    doc = DEFAULT.document()
    doc.update(overrides)
    return doc


def test_validation_names_each_problem() -> None:
    assert validate(_doc()) == []
    stages = [
        {"key": "lead", "name": "Lead", "category": "open"},
        {"key": "lead", "name": "Again", "category": "open"},
        {"key": "won", "name": "Won", "category": "won"},
    ]
    problems = validate(_doc(stages=stages, accepted_stage="won", recycle_stage="gone"))
    fields = {p["field"] for p in problems}
    assert fields == {"stages[1].key", "accepted_stage", "recycle_stage", "stages"}
    assert any("lost stage" in p["message"] for p in problems)
    closed_first = [{"key": "lost", "name": "Lost", "category": "lost"}, *DEFAULT.document()["stages"]]
    assert {
        "field": "stages[0].category",
        "message": "new leads enter the first stage: it is open",
    } in validate(_doc(stages=closed_first))


def test_a_custom_pipeline_moves_by_its_own_order() -> None:
    pipeline = Pipeline.from_document(
        _doc(
            stages=[
                {"key": "inbound", "name": "Inbound", "category": "open"},
                {"key": "sql", "name": "SQL", "category": "open"},
                {"key": "working", "name": "Working", "category": "open"},
                {"key": "parked", "name": "Parked", "category": "open"},
                {"key": "won", "name": "Won", "category": "won"},
                {"key": "lost", "name": "Lost", "category": "lost"},
            ],
            accepted_stage="working",
            recycle_stage="parked",
        ),
        version=3,
    )
    assert pipeline.entry == "inbound"
    assert pipeline.promotion("inbound", "mql") is None  # no mql stage here
    assert pipeline.promotion("inbound", "sql") == "sql"
    assert pipeline.targets("working") == ["parked", "won", "lost"]
    assert pipeline.closed == {"won", "lost"}
