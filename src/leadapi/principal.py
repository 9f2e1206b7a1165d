"""Who is calling, and what the key may do.

Every layer takes a `Principal` (routers, services, the MCP server, jobs), so it lives in a
module that imports no domain: getting the type must not pull in a service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Scopes imply the weaker ones: an admin key can write, a write key can read.
SCOPE_IMPLIES = {"read": {"read"}, "write": {"read", "write"}, "admin": {"read", "write", "admin"}}
SCOPE_ORDER = ("read", "write", "admin")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the workspace every query is scoped to, and what the key may do."""

    workspace_id: str
    key_id: str
    scopes: frozenset[str]
    rate_limit: str | None = None  # the key's own rate limit; None: the rate_limit setting

    def can(self, scope: str) -> bool:
        return scope in self.scopes


def effective_scopes(scopes: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for scope in scopes:
        out |= SCOPE_IMPLIES.get(scope, set())
    return frozenset(out)
