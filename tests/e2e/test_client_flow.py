"""The generated Python client (clients/python) alone drives the core flow against a live
`leadapi serve`, on SQLite and PostgreSQL: a key, owners and a routing rule, a lead, events until
it is sales-ready, its routing, a touch, and the funnel."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pytest
from leadapi_client import AuthenticatedClient
from leadapi_client.api.api_keys import create_api_key
from leadapi_client.api.events import record_lead_event
from leadapi_client.api.leads import create_lead, get_lead
from leadapi_client.api.owners import create_owner
from leadapi_client.api.reports import funnel_report, speed_to_lead_report
from leadapi_client.api.routing import create_routing_rule, list_lead_assignments
from leadapi_client.models import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyCreateScopesItem,
    AssignmentList,
    Event,
    EventIn,
    FunnelReport,
    LeadCaptured,
    LeadCreate,
    LeadDetail,
    Owner,
    OwnerCreate,
    Problem,
    RoutingRule,
    RuleCreate,
    RuleCreateStrategy,
    SpeedReport,
)

T = TypeVar("T")


def ok(answer: T | Problem | None, kind: type[T]) -> T:
    """The typed answer, or a failure that shows the problem the API sent."""
    assert isinstance(answer, kind), answer
    return answer


def test_the_core_flow_with_the_generated_client(live: tuple[str, str]) -> None:
    base, api_key = live
    with AuthenticatedClient(base_url=base, token=api_key, raise_on_unexpected_status=True) as admin:
        created = create_api_key.sync(
            client=admin,
            body=ApiKeyCreate(name="script", scopes=[ApiKeyCreateScopesItem.WRITE]),
        )
        key = ok(created, ApiKeyCreated).key
        refused = create_api_key.sync(client=admin, body=ApiKeyCreate(name="", scopes=[]))
        assert isinstance(refused, Problem)
        assert refused.status == 422

    with AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True) as api:
        ada, bob = (
            ok(
                create_owner.sync(client=api, body=OwnerCreate(name=name, email=f"{name}@sales.acme.com")),
                Owner,
            )
            for name in ("ada", "bob")
        )
        # Rules need the admin scope: the write key is refused, the admin key is not.
        rule = RuleCreate(name="everyone", position=1, strategy=RuleCreateStrategy.ROUND_ROBIN)
        assert isinstance(create_routing_rule.sync(client=api, body=rule), Problem)
    with AuthenticatedClient(base_url=base, token=api_key) as admin:
        ok(create_routing_rule.sync(client=admin, body=rule), RoutingRule)

    with AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True) as api:
        lead = ok(
            create_lead.sync(
                client=api,
                body=LeadCreate(email="grace@example-corp.com", title="VP Engineering", country="US"),
            ),
            LeadCaptured,
        )
        assert (lead.score, lead.band, lead.owner_id) == (35, "not_ready", None)

        ok(record_lead_event.sync(lead.id, client=api, body=EventIn(type_="demo_request")), Event)
        routed = ok(get_lead.sync(lead.id, client=api), LeadDetail)
        assert (routed.score, routed.band, routed.stage) == (85, "sql", "sql")
        assert routed.owner_id in {ada.id, bob.id}
        [assignment] = ok(list_lead_assignments.sync(lead.id, client=api), AssignmentList).data
        assert assignment.owner_id == routed.owner_id

        ok(record_lead_event.sync(lead.id, client=api, body=EventIn(type_="call")), Event)
        touched = ok(get_lead.sync(lead.id, client=api), LeadDetail)
        assert touched.first_touch_at is not None

        funnel = ok(funnel_report.sync(client=api), FunnelReport)
        reached: dict[str, Any] = {s.stage: s.reached for s in funnel.total.stages}
        assert (funnel.total.leads, reached["sql"], reached["accepted"]) == (1, 1, 0)
        speed = ok(speed_to_lead_report.sync(client=api), SpeedReport)
        assert (speed.total.after_creation.touched, speed.total.after_assignment.assignments) == (1, 1)


def test_the_readme_client_example_runs(live: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """The README's client snippet, as written, against the live server (its key and address
    swapped in): it stays true."""
    base, key = live
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Python client", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert 'base_url="http://127.0.0.1:8000"' in snippet
    assert 'token="lk_..."' in snippet
    code = snippet.replace('"http://127.0.0.1:8000"', repr(base)).replace('"lk_..."', repr(key))
    exec(compile(code, "README.md (Python client)", "exec"), {})
    printed = capsys.readouterr().out
    assert "lead_to_mql" in printed
