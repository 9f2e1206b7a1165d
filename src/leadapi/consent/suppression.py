"""Suppression of erased people: `DELETE /v1/leads/{id}?suppress=true` keeps a keyed hash of the
lead's normalised email and phone, and every capture path (REST, batch, forms, the import CLI,
events naming a new email, MCP) asks `refuse_suppressed` before it stores anything.

Keyed (HMAC under the server's sealing keys), not a plain hash: a plain SHA-256 of an email is
reversed by hashing a list of addresses; without the key the table names nobody."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.consent.engine import suppression_messages
from leadapi.consent.repository import ConsentRepository, SuppressionRepository
from leadapi.errors import ProblemError
from leadapi.ids import new_id
from leadapi.sealing import Sealer

# The tag a flagged capture of a suppressed person carries.
SUPPRESSED_TAG = "suppressed"


class Suppressions:
    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer

    async def suppress(
        self, conn: AsyncConnection, workspace_id: str, lead: Mapping[str, Any], now: datetime
    ) -> list[str]:
        """Remember the lead's email and phone (as keyed hashes) so they are refused from now on;
        returns the kinds suppressed."""
        kinds: list[str] = []
        rows: list[dict[str, Any]] = []
        for kind, message in suppression_messages(workspace_id, lead.get("email"), lead.get("phone")):
            digest = self.sealer.keyed_hashes(message)[0]
            rows.append({"id": new_id("suppression"), "kind": kind, "digest": digest, "created_at": now})
            kinds.append(kind)
        await SuppressionRepository(conn, workspace_id).add(rows)
        return kinds

    def digests(self, workspace_id: str, fields: Mapping[str, Any]) -> list[str]:
        """The keyed hashes, under every key of the keyring, a suppression of these fields'
        email and phone would have stored."""
        return [
            digest
            for _, message in suppression_messages(workspace_id, fields.get("email"), fields.get("phone"))
            for digest in self.sealer.keyed_hashes(message)
        ]

    async def suppressed_digests(
        self, conn: AsyncConnection, workspace_id: str, digests: Sequence[str]
    ) -> set[str]:
        """Those of `digests` (as `digests` makes them) that are suppressed in the workspace."""
        return await SuppressionRepository(conn, workspace_id).present(digests)

    async def refuse_suppressed(
        self, conn: AsyncConnection, workspace_id: str, fields: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """A 409 problem when the (normalised) email or phone of `fields` was suppressed, unless
        the workspace flags such captures: then `fields` tagged `suppressed`. Otherwise `fields`."""
        kind = await SuppressionRepository(conn, workspace_id).suppressed(self.digests(workspace_id, fields))
        if kind is None:
            return fields
        held = await ConsentRepository(conn, workspace_id).settings()
        if held is not None and held["suppressed_capture"] == "flag":
            tags = list(fields.get("tags") or [])
            return {**fields, "tags": [*tags, SUPPRESSED_TAG] if SUPPRESSED_TAG not in tags else tags}
        raise ProblemError(
            409,
            f"This person was erased with suppression: a lead with this {kind} is not captured again.",
            slug="suppressed",
            title="Suppressed person",
            errors=[{"field": kind, "message": "erased and suppressed: not captured again"}],
        )
