"""Fixtures of the end-to-end tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.processes import (
    LEADAPI,
    api_key,
    free_port,
    serve_env,
    served_database,
    wait_until_serving,
)
from tests.replica import streaming_replica  # noqa: F401  (the fixture, for the modules here)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A `leadapi serve` per database, shared by a module's tests: its address and an admin key."""
    tmp = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    env = serve_env(served_database(request.param, tmp, "fuzz"), port)
    key = api_key(env)
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
