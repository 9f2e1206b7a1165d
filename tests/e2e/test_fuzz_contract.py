"""Schemathesis drives every operation of our OpenAPI document against a live `leadapi serve`, on
SQLite and on PostgreSQL: whatever the generated input (valid or not), the answer is never a 5xx,
and every error is problem+json. Derandomised, so a failure reproduces.

A few examples per operation: this checks the served process (its middleware, limits and server
stack) against the whole document. The edge classes in depth (calendar limits, lone surrogates,
huge numbers, deep nesting, repeated parameters) are tests/api/test_generated_edges.py's, in
process on both databases, where a request costs a fraction of one over loopback."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = 10


def test_no_input_gets_a_server_error(live: tuple[str, str]) -> None:
    base, key = live
    api = schemathesis.openapi.from_url(f"{base}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 13

    for operation in operations:

        @settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def exercise(case: schemathesis.Case[Any]) -> None:
            if case.query and "wait" in case.query:
                case.query["wait"] = 0  # long-polling answers late by design, not by failure
            response = case.call(base_url=base, headers={"Authorization": f"Bearer {key}"})
            content_type = (response.headers.get("content-type") or [""])[0]  # values come as lists
            is_problem = content_type == "application/problem+json"
            if response.status_code >= 500 or (response.status_code >= 400 and not is_problem):
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
                )

        exercise()
    assert failures == []
