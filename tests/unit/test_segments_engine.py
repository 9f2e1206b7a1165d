"""Segments' pure rules: what a segment's condition reads, and who enters and leaves."""

from __future__ import annotations

import pytest

from leadapi.automations import engine as automations
from leadapi.conditions import ConditionError
from leadapi.segments import engine

HOT = {"all": [{"field": "tags", "op": "contains", "value": "hot"}]}
MQL = {"all": [{"field": "band", "op": "eq", "value": "mql"}]}


def test_changes_enter_stay_and_leave() -> None:
    predicates = {"seg_hot": engine.compile_when(HOT), "seg_mql": engine.compile_when(MQL)}
    lead = {"tags": ["hot"], "band": "sql"}
    assert engine.changes(predicates, lead, []) == (["seg_hot"], [])
    assert engine.changes(predicates, lead, ["seg_hot"]) == ([], [])
    assert engine.changes(predicates, lead, ["seg_hot", "seg_mql"]) == ([], ["seg_mql"])
    # A membership of a segment not decided here (deleted meanwhile) is left alone.
    assert engine.changes(predicates, lead, ["seg_gone"]) == (["seg_hot"], [])
    # A lead that is gone leaves every segment it was in.
    assert engine.changes(predicates, None, ["seg_hot", "seg_gone"]) == ([], ["seg_gone", "seg_hot"])


def test_the_condition_reads_the_lead_not_an_event() -> None:
    engine.compile_when({"all": [{"field": "attributes.plan", "op": "eq", "value": "pro"}]})
    with pytest.raises(ConditionError) as raised:
        engine.compile_when({"all": [{"field": "event.type", "op": "eq", "value": "x"}]})
    assert raised.value.path == "when.all[0].field"


def test_segment_entered_trigger_takes_its_segments_entries_only() -> None:
    trigger = {"segment_entered": "seg_a"}
    entered = {"type": "segment.entered", "data": {"segment_id": "seg_a"}}
    assert automations.may_fire(trigger, entered)
    assert not automations.may_fire(trigger, {**entered, "data": {"segment_id": "seg_b"}})
    assert not automations.may_fire(trigger, {**entered, "type": "segment.exited"})
    assert not automations.may_fire(trigger, {"type": "lead.updated", "data": {"segment_id": "seg_a"}})
