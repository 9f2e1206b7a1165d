"""What an endpoint is given besides its input: the service graph, typed, and the connection
of the request's unit of work.

The caller owns the transaction: an endpoint that writes takes `Tx` (one transaction, committed
when the endpoint returns, before the response is sent, and rolled back on any exception), an
endpoint that only reads takes `Reads` (statements that each run on their own: no BEGIN/COMMIT
round trips, no write lock on SQLite) or `Snapshot` (one transaction, so its reads agree).
Reads that may lag the primary (reports, lead lists and search, exports) take `ReplicaReads` or
`ReplicaSnapshot`: the same on the read replica when one is configured and answering
(leadapi/replica.py), else on the primary; never where the caller expects its own writes.
Services take that connection and never open their own. Inside an idempotent request's shared
transaction (api/idempotency.py), both join it as a savepoint.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.replica import ReadDatabase
from leadapi.services import Services


async def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(_services)]


async def _transaction(request: Request) -> AsyncIterator[AsyncConnection]:
    db: Database = request.app.state.db
    async with db.transaction() as conn:
        yield conn


async def _snapshot(request: Request) -> AsyncIterator[AsyncConnection]:
    db: Database = request.app.state.db
    async with db.read() as conn:
        yield conn


async def _statements(request: Request) -> AsyncIterator[AsyncConnection]:
    db: Database = request.app.state.db
    async with db.read_statements() as conn:
        yield conn


async def _replica_snapshot(request: Request) -> AsyncIterator[AsyncConnection]:
    reads: ReadDatabase = request.app.state.reads
    async with reads.snapshot() as conn:
        yield conn


async def _replica_statements(request: Request) -> AsyncIterator[AsyncConnection]:
    reads: ReadDatabase = request.app.state.reads
    async with reads.statements() as conn:
        yield conn


# scope="function": the exit (commit or rollback) runs when the endpoint returns, before the
# response is sent, so a client never sees a 2xx for a write that then fails to commit.
Tx = Annotated[AsyncConnection, Depends(_transaction, scope="function")]
Snapshot = Annotated[AsyncConnection, Depends(_snapshot, scope="function")]
Reads = Annotated[AsyncConnection, Depends(_statements, scope="function")]
ReplicaSnapshot = Annotated[AsyncConnection, Depends(_replica_snapshot, scope="function")]
ReplicaReads = Annotated[AsyncConnection, Depends(_replica_statements, scope="function")]
