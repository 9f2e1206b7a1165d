"""Requests try the app's routes in order, and FastAPI passes over each included router at a cost:
the routes of the form hooks, MCP and the probes come before every REST router, while the
document keeps the order the routes were registered in."""

from __future__ import annotations

from typing import Any

from starlette.routing import Match

from leadapi.app import create_app
from leadapi.config import Settings

APP = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:", bootstrap=False, _env_file=None))


FIRST = (
    ("POST", "/v1/hooks/src_1"),
    ("POST", "/mcp"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
)


def _scope(method: str, path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "headers": [],
        "query_string": b"",
    }


def _position(method: str, path: str) -> int:
    scope = _scope(method, path)
    return next(i for i, route in enumerate(APP.router.routes) if route.matches(scope)[0] == Match.FULL)


def test_the_hooks_mcp_and_the_probes_are_tried_before_the_rest_routers() -> None:
    first_rest = _position("POST", "/v1/leads/match")  # the first REST router registered
    for method, path in FIRST:
        assert _position(method, path) < first_rest, path


def test_no_rest_route_takes_their_paths_so_no_request_matches_differently() -> None:
    first_rest = _position("POST", "/v1/leads/match")
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        for _, path in FIRST:
            scope = _scope(method, path)
            assert all(route.matches(scope)[0] == Match.NONE for route in APP.router.routes[first_rest:]), (
                path
            )


def test_the_document_lists_the_paths_as_registered() -> None:
    paths = list(APP.openapi()["paths"])
    assert paths.index("/v1/leads") < paths.index("/v1/hooks/{source_id}") < paths.index("/healthz")
