"""The reports' pure arithmetic: funnels from stage masks, rates, CSV rows; stage bits."""

from __future__ import annotations

import pytest

from leadapi.reports.engine import (
    FunnelOrder,
    csv_rows,
    flatten,
    funnel_from_masks,
    funnel_stages,
    merge_counts,
    rate,
)
from leadapi.stages.engine import MAX_STAGE_BITS, Pipeline, assign_bits

PIPELINE = Pipeline.default()
ORDER = FunnelOrder.of(PIPELINE)


def test_funnel_order_ranks_open_stages_then_won_and_leaves_out_recycle_and_lost() -> None:
    assert ORDER.ranks == {"new": 0, "mql": 1, "sql": 2, "accepted": 3, "opportunity": 4, "customer": 5}
    assert (ORDER.won, ORDER.lost, ORDER.recycle) == (("customer",), ("disqualified",), "nurturing")


def test_a_lead_that_skipped_stages_reached_them_but_did_not_enter_them() -> None:
    straight_to_sql = PIPELINE.mask("new", "sql")
    rejected = PIPELINE.mask("new", "mql", "sql", "nurturing", rejected=True)
    won = PIPELINE.mask("new", "sql", "accepted", "customer")
    leads, entered, reached, accepted, rejections = funnel_from_masks(
        ORDER, PIPELINE, {straight_to_sql: 3, rejected: 2, won: 1}
    )
    assert leads == 6
    assert entered == {
        "new": 6,
        "mql": 2,
        "sql": 6,
        "accepted": 1,
        "opportunity": 0,
        "customer": 1,
        "nurturing": 2,
        "disqualified": 0,
    }
    assert reached == {0: 6, 1: 6, 2: 6, 3: 1, 4: 1, 5: 1}
    assert (accepted, rejections) == (1, 2)


def test_conversion_is_from_the_funnel_stage_before_and_none_without_leads() -> None:
    entered = dict.fromkeys(ORDER.ranks, 0) | {"nurturing": 0, "disqualified": 0}
    stages = funnel_stages(ORDER, PIPELINE, entered, {0: 4, 1: 2, 2: 0, 3: 0, 4: 0, 5: 0})
    by_key = {s["stage"]: (s["reached"], s["conversion"]) for s in stages}
    assert by_key["new"] == (4, None)
    assert by_key["mql"] == (2, 0.5)
    assert by_key["accepted"] == (0, None)  # nothing reached sql: nothing to divide by
    assert by_key["nurturing"] == (None, None)


def test_rates() -> None:
    assert rate(1, 3) == 0.3333
    assert rate(0, 5) == 0.0
    assert rate(3, 0) is None
    assert rate(None, 4) is None


def test_merge_counts_adds_groups_up() -> None:
    assert merge_counts([{1: 2, 3: 1}, {1: 5}, {}]) == {1: 7, 3: 1}


def test_flatten_and_csv_rows() -> None:
    row = {
        "key": "ads",
        "leads": 2,
        "rates": {"a": 0.5},
        "stages": [{"stage": "new", "name": "New", "entered": 2}],
        "tags": ["x", "y"],
    }
    assert flatten(row) == {"key": "ads", "leads": 2, "rates.a": 0.5, "stages.new.entered": 2, "tags": "x|y"}
    columns, lines = csv_rows({"total": {"leads": 3}, "groups": [row]}, ("total", "groups"))
    assert columns[:2] == ["section", "leads"]
    assert [line["section"] for line in lines] == ["total", "groups"]


def test_stage_bits_are_kept_and_new_keys_take_the_lowest_free() -> None:
    bits = assign_bits({"new": 0, "won": 2}, ["new", "working", "won", "lost"])
    assert bits == {"new": 0, "won": 2, "working": 1, "lost": 3}
    full = {f"s{i}": i for i in range(MAX_STAGE_BITS)}
    with pytest.raises(ValueError, match="stage keys"):
        assign_bits(full, ["one_more"])
    assert assign_bits(full, ["s0"]) == full  # an old key keeps its bit
