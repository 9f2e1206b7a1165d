"""Which bands send a lead to sales: the band route_on names and those above it in the active
model's band order (flows/lead_change.py step 3), whatever the bands are called."""

from __future__ import annotations

from leadapi.routing.service import routed_bands, starts_routing

DEFAULT = ["sql", "mql", "not_ready"]  # highest first, as a model lists them
WARM = ["sql", "warm", "mql", "cold"]
OPEN: frozenset[str] = frozenset()


def test_the_named_band_and_those_above_it() -> None:
    assert routed_bands("mql", DEFAULT) == {"sql", "mql"}
    assert routed_bands("sql", DEFAULT) == {"sql"}
    assert routed_bands("mql", WARM) == {"sql", "warm", "mql"}
    assert routed_bands("sql", WARM) == {"sql"}


def test_a_band_the_model_lacks_means_the_lifecycle_bands_above_it() -> None:
    # route_on=mql promises "mql or better": a model with no mql band still routes its sql leads.
    assert routed_bands("mql", ["sql", "not_ready"]) == {"sql"}
    assert routed_bands("sql", ["mql", "not_ready"]) == frozenset()
    assert routed_bands("mql", ["hot", "cold"]) == frozenset()
    assert routed_bands("created", DEFAULT) == frozenset()  # created routes by creation, not band


def test_routing_starts_on_reaching_a_routed_band_only() -> None:
    routed = routed_bands("mql", WARM)
    cold, warm, sql = {"band": "cold"}, {"band": "warm"}, {"band": "sql"}
    assert starts_routing("mql", routed, cold, warm, OPEN)
    assert starts_routing("mql", routed, None, warm, OPEN)  # born warm
    assert not starts_routing("mql", routed, warm, sql, OPEN)  # reached before
    assert not starts_routing("mql", routed, warm, cold, OPEN)
    assert not starts_routing("mql", routed, cold, {**warm, "owner_id": "ow_1"}, OPEN)  # owned
    assert not starts_routing("mql", routed, cold, {**warm, "stage": "lost"}, frozenset({"lost"}))


def test_created_routes_new_leads_whatever_their_band() -> None:
    assert starts_routing("created", frozenset(), None, {"band": "cold"}, OPEN)
    assert not starts_routing("created", frozenset(), {"band": "cold"}, {"band": "warm"}, OPEN)
