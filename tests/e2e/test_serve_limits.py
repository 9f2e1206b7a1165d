"""Slow and oversized clients against a real `leadapi serve`, over raw sockets: headers and bodies
have deadlines (short ones here, by setting), a refused body closes the connection, and the
server's log is one JSON record per request with its id."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.processes import LEADAPI, api_key, free_port, serve_env, served_database, wait_until_serving

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 1.0
MAX_BODY = 4096
# How long a test waits for the server to act on a deadline of about a second: long enough for a
# loaded machine, far shorter than a held connection (uvicorn alone held them for good).
PATIENCE = 8.0


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def limited(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, str, Path]]:
    tmp = tmp_path_factory.mktemp("limits")
    port = free_port()
    env = serve_env(
        served_database(request.param, tmp, "limits"),
        port,
        LEADAPI_LOG_LEVEL="info",
        LEADAPI_LOG_FORMAT="json",
        LEADAPI_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
        LEADAPI_BODY_TIMEOUT=str(BODY_TIMEOUT),
        LEADAPI_MAX_BODY_BYTES=str(MAX_BODY),
    )
    key = api_key(env, ("read", "write"))
    log = tmp / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([*LEADAPI, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=out)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", log)
        yield port, key, log
    finally:
        process.terminate()
        process.wait(timeout=15)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    sock.settimeout(PATIENCE)
    return sock


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took
    (socket.timeout, failing the test, if it keeps the connection open)."""
    started = time.monotonic()
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received, time.monotonic() - started


def parse(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def problem_of(response: bytes, status: int) -> dict[str, object]:
    got, headers, body = parse(response)
    assert got == status, response[:300]
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    document: dict[str, object] = json.loads(body)
    assert document["status"] == status
    return document


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /healthz HTTP/1.1\r\nHost: t\r\n", b"POST /v1/leads HTTP/1.1\r\nContent-Le"],
    ids=["nothing", "headers-unfinished", "header-line-unfinished"],
)
def test_headers_that_do_not_arrive_get_408_and_a_closed_connection(
    limited: tuple[int, str, Path], sent: bytes
) -> None:
    port, _, _ = limited
    with connect(port) as sock:
        sock.sendall(sent)
        response, waited = read_until_closed(sock)
    problem_of(response, 408)
    assert HEADER_TIMEOUT * 0.5 <= waited < PATIENCE


def test_the_next_request_on_a_kept_connection_has_the_same_deadline(limited: tuple[int, str, Path]) -> None:
    port, _, _ = limited
    with connect(port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        first = sock.recv(65536)
        assert parse(first)[0] == 200
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHo")
        response, _ = read_until_closed(sock)
    problem_of(response, 408)


def test_a_body_that_does_not_arrive_gets_408_and_a_closed_connection(limited: tuple[int, str, Path]) -> None:
    port, key, _ = limited
    with connect(port) as sock:
        sock.sendall(
            b"POST /v1/leads HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + key.encode() + b'\r\nContent-Length: 100\r\n\r\n{"email": '
        )
        response, waited = read_until_closed(sock)
    problem = problem_of(response, 408)
    assert "body" in str(problem["detail"])
    assert BODY_TIMEOUT * 0.5 <= waited < PATIENCE


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_gets_413_and_a_closed_connection(
    limited: tuple[int, str, Path], declared: bool
) -> None:
    """The server answers without waiting for the rest of the body, and closes: the client is
    not expected to send the rest, and the server reads none of it."""
    port, key, _ = limited
    head = (
        b"POST /v1/leads HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + key.encode() + b"\r\n"
    )
    with connect(port) as sock:
        if declared:
            sock.sendall(head + b"Content-Length: 100000000\r\n\r\n" + b"x" * 1000)
        else:
            chunk = b"x" * (MAX_BODY + 1)
            sock.sendall(
                head + b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(chunk) + chunk + b"\r\n"
            )
        response, _ = read_until_closed(sock)
    problem_of(response, 413)


def test_each_request_is_one_json_record_with_its_id(limited: tuple[int, str, Path]) -> None:
    port, key, log = limited
    with connect(port) as sock:
        sock.sendall(
            b"GET /v1/leads?limit=1 HTTP/1.1\r\nHost: t\r\nX-Request-Id: e2e-limits-1\r\n"
            b"Connection: close\r\n"
            b"Authorization: Bearer " + key.encode() + b"\r\n\r\n"
        )
        response, _ = read_until_closed(sock)
    status, headers, _ = parse(response)
    assert (status, headers["x-request-id"]) == (200, "e2e-limits-1")
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        mine = [r for r in records if r.get("request_id") == "e2e-limits-1"]
        if mine:
            break
        time.sleep(0.05)  # the server writes its record after the response; no clock to inject
    (record,) = mine
    assert (record["level"], record["logger"], record["route"], record["status"]) == (
        "INFO",
        "leadapi.request",
        "/v1/leads",
        200,
    )
    assert record["key_id"].startswith("key_")
    assert record["workspace"].startswith("ws_")
    assert record["duration_ms"] >= 0
    # Every line the server wrote is a JSON record (no uvicorn text, no tracebacks).
    assert all(line.startswith("{") for line in log.read_text().splitlines() if line.strip())


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(params=["sqlite", "postgresql"])
def roomy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[int, str, int]]:
    """A server that takes bodies of up to 8 MiB: its port, a key and its process id."""
    port = free_port()
    env = serve_env(
        served_database(request.param, tmp_path, "roomy"),
        port,
        LEADAPI_MCP_ENABLED="false",
        LEADAPI_MAX_BODY_BYTES=str(8 * 1024 * 1024),
    )
    key = api_key(env, ("read", "write"))
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", log)
        yield port, key, process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_memory_of_abandoned_large_bodies_is_given_back(roomy: tuple[int, str, int]) -> None:
    """Clients that send most of a large body and go away: while they are connected the server
    holds their bytes; once they are gone its memory falls back near where it started (bodies
    kept as heap chunks left most of it taken)."""
    port, key, pid = roomy
    clients, sent = 20, 6_000_000
    head = (
        b"POST /v1/leads HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + key.encode() + b"\r\nContent-Length: 8000000\r\n\r\n"
    )
    start = rss_mib(pid)
    for _ in range(2):
        sockets = [connect(port) for _ in range(clients)]
        try:
            for sock in sockets:
                sock.sendall(head + b"x" * sent)
            expected = start + 0.5 * clients * sent / 2**20
            deadline = time.monotonic() + PATIENCE
            while (held := rss_mib(pid)) < expected and time.monotonic() < deadline:
                time.sleep(0.05)  # the server reads at its own pace; no clock to inject
            assert held >= expected, (start, held)
        finally:
            for sock in sockets:
                sock.close()
        # Given back: within a quarter of what the bodies took.
        limit = start + 0.25 * (held - start)
        deadline = time.monotonic() + PATIENCE
        while (after := rss_mib(pid)) > limit and time.monotonic() < deadline:
            time.sleep(0.05)
        assert after <= limit, (start, held, after)
