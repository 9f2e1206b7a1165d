"""Schemathesis drives every operation of our OpenAPI document against a live `leadapi serve`, on
SQLite and on PostgreSQL: whatever the generated input (valid or not), the answer is never a 5xx,
and every error is problem+json. Derandomised, so a failure reproduces."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.e2e.test_cli import (
    LEADAPI,
    free_port,
    migrated_with_admin_key,
    serve_env,
    served_database,
    wait_until_serving,
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    env = serve_env(served_database(request.param, tmp, "fuzz"), port)
    key = migrated_with_admin_key(env)
    log = Path(tmp / "serve.log")
    with log.open("w") as out:
        process = subprocess.Popen([*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, log)
        yield base, key
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_no_input_gets_a_server_error(live: tuple[str, str]) -> None:
    base, key = live
    api = schemathesis.openapi.from_url(f"{base}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 13

    for operation in operations:

        @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
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
