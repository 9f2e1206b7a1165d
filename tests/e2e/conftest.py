"""Fixtures of the end-to-end tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
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
    """A `leadapi serve` per database, shared by a module's tests: its address and an admin key.

    The port is free when chosen (free_port: no other test process hands it out), not
    necessarily when the server binds it: whatever else on the machine took it meanwhile would
    answer in this one's place (its database does not know this key). So the server is taken only
    once the key is known on that port; else it is stopped and started again on another."""
    tmp = tmp_path_factory.mktemp("fuzz")
    url = served_database(request.param, tmp, "fuzz")
    key = api_key(serve_env(url, 0))
    for attempt in range(3):
        port = free_port()
        log = Path(tmp / f"serve-{attempt}.log")
        with log.open("w") as out:
            process = subprocess.Popen(
                [*LEADAPI, "serve"], env=serve_env(url, port), stdout=out, stderr=subprocess.STDOUT
            )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(base, log)
            ours = httpx.get(f"{base}/v1/api-keys", headers={"Authorization": f"Bearer {key}"}, timeout=10)
            if ours.status_code == 200 and process.poll() is None:
                yield base, key
                return
        finally:
            process.terminate()
            process.wait(timeout=15)
    pytest.fail(f"no port of three was this server's: {log.read_text()}")
