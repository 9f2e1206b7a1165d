"""Duplicate queries, scoped to one workspace: the blocking keys, the pairs, the consumer's
position."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Insert,
    String,
    Table,
    any_,
    bindparam,
    func,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.pagination import row_after
from leadapi.duplicates.engine import (
    MAX_BLOCK,
    SIMILAR_NAME_RATIO,
    Candidate,
    Filing,
    Signature,
    alike_in_blocks,
)
from leadapi.duplicates.models import (
    PENDING,
    DedupeSettings,
    DuplicateCursor,
    DuplicateFiling,
    DuplicateKey,
    DuplicatePair,
    DuplicateSweepFiling,
)
from leadapi.events import consumers
from leadapi.events.models import EventSequence
from leadapi.ids import new_id
from leadapi.leads.models import Lead
from leadapi.repository import WorkspaceRepository, analyze_grown, upsert_insert

keys = cast(Table, DuplicateKey.__table__)
filings = cast(Table, DuplicateFiling.__table__)
staged = cast(Table, DuplicateSweepFiling.__table__)
pairs = cast(Table, DuplicatePair.__table__)
cursors = cast(Table, DuplicateCursor.__table__)
dedupe_settings = cast(Table, DedupeSettings.__table__)
leads = cast(Table, Lead.__table__)
sequences = cast(Table, EventSequence.__table__)

# What the rules compare (duplicates/engine.py), and what a match answer shows.
COMPARED = (
    leads.c.id,
    leads.c.email,
    leads.c.phone,
    leads.c.first_name,
    leads.c.last_name,
    leads.c.company,
    leads.c.domain,
    leads.c.city,
    leads.c.created_at,
)
# Statements with many bound values are cut into chunks below SQLite's variable limit.
CHUNK = 500


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _among(column: Any, values: Sequence[str], postgres: bool) -> Any:
    """`column` is one of `values`: on PostgreSQL one array parameter (`= ANY($1)`: one
    statement text whatever the count, so it is prepared once), elsewhere a list of them."""
    if postgres:
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(String)))
    return column.in_(list(values))


# A batch's keys with their leads' signatures, as parallel arrays (one row per key of a lead).
_UNNEST_KEYS = (
    "unnest(CAST(:_keys AS bigint[]), CAST(:_leads AS varchar[]), CAST(:_email AS bigint[]), "
    "CAST(:_phone AS bigint[]), CAST(:_mask AS bigint[]), CAST(:_len AS integer[])) "
    "AS m(key, lead_id, email_hash, phone_hash, name_mask, name_len)"
)
# A key a lead already has is left as it is: the filings say a lead's keys, and keys of a lead
# with no filing (filed while it was being deleted) are not worth failing a batch for.
_INSERT_KEYS = (
    "INSERT INTO duplicate_keys (workspace_id, key, lead_id, email_hash, phone_hash, name_mask, name_len) "
    f"SELECT :_ws, m.key, m.lead_id, m.email_hash, m.phone_hash, m.name_mask, m.name_len FROM {_UNNEST_KEYS} "
    "ON CONFLICT DO NOTHING"
)
# Leads filed anew (PostgreSQL): their filings written and their keys inserted in one statement,
# a round trip less in every detection, the filings as parallel arrays (a lead's keys as an
# array's text: arrays of arrays must all have one length).
_REFILE = text(
    "WITH filed AS (INSERT INTO duplicate_filings "
    "(workspace_id, lead_id, keys, email_hash, phone_hash, name_mask, name_len) "
    "SELECT :_ws, f.lead_id, CAST(f.keys AS bigint[]), f.email_hash, f.phone_hash, f.name_mask, f.name_len "
    "FROM unnest(CAST(:_f_leads AS varchar[]), CAST(:_f_keys AS text[]), CAST(:_f_email AS bigint[]), "
    "CAST(:_f_phone AS bigint[]), CAST(:_f_mask AS bigint[]), CAST(:_f_len AS integer[])) "
    "AS f(lead_id, keys, email_hash, phone_hash, name_mask, name_len) "
    "ON CONFLICT (workspace_id, lead_id) DO UPDATE SET keys = excluded.keys, "
    "email_hash = excluded.email_hash, phone_hash = excluded.phone_hash, "
    "name_mask = excluded.name_mask, name_len = excluded.name_len) " + _INSERT_KEYS
)
# Keys by (key, lead) over parallel arrays: one probe of the primary key each, through a LATERAL
# subquery that cannot be flattened (OFFSET 0), deleted by their row addresses. As a join or `IN`,
# the plan was PostgreSQL's choice on statistics that may be older than the table (a sweep's keys
# grow from nothing), and a hash join over the workspace's keys reads all of them per batch.
_DELETE_KEYS = text(
    "DELETE FROM duplicate_keys WHERE workspace_id = :_ws AND ctid = ANY(ARRAY("
    "SELECT k.ctid FROM unnest(CAST(:_keys AS bigint[]), CAST(:_leads AS varchar[])) AS u(key, lead_id) "
    "CROSS JOIN LATERAL (SELECT k.ctid FROM duplicate_keys AS k WHERE k.workspace_id = :_ws "
    "AND k.key = u.key AND k.lead_id = u.lead_id OFFSET 0) AS k))"
)

# A sweep's load (PostgreSQL), in four statements over the workspace's staged filings, each
# staged lead's filed anew only where it differs from the one it has (a re-sweep of leads that
# did not change writes nothing). Its old keys go first, each found by the primary key.
_STAGED_DIFFERS = (
    "(s.keys, s.email_hash, s.phone_hash, s.name_mask, s.name_len) IS DISTINCT FROM "
    "(f.keys, f.email_hash, f.phone_hash, f.name_mask, f.name_len)"
)
_LOAD_DROP_KEYS = text(
    "DELETE FROM duplicate_keys AS k USING duplicate_sweep_filings AS s "
    "JOIN duplicate_filings AS f ON f.workspace_id = s.workspace_id AND f.lead_id = s.lead_id "
    "CROSS JOIN unnest(f.keys) AS u(key) "
    f"WHERE s.workspace_id = :_ws AND {_STAGED_DIFFERS} "
    "AND k.workspace_id = :_ws AND k.key = u.key AND k.lead_id = f.lead_id"
)
# The new keys in key order, so the primary key grows from one end instead of at a random page
# per key. ON CONFLICT costs a speculative insertion per key (17.8 s instead of 10.8 s for four
# million): it is the fallback (`load_staged`).
_LOAD_KEYS = (
    "INSERT INTO duplicate_keys (workspace_id, key, lead_id, email_hash, phone_hash, name_mask, name_len) "
    "SELECT s.workspace_id, u.key, s.lead_id, s.email_hash, s.phone_hash, s.name_mask, s.name_len "
    "FROM duplicate_sweep_filings AS s LEFT JOIN duplicate_filings AS f "
    "ON f.workspace_id = s.workspace_id AND f.lead_id = s.lead_id "
    "CROSS JOIN unnest(s.keys) AS u(key) "
    f"WHERE s.workspace_id = :_ws AND {_STAGED_DIFFERS} ORDER BY u.key"
)
# Then the filings: those that differ updated, the new ones inserted (as one INSERT ... ON
# CONFLICT, a speculative insertion per lead: 4.1 s for a million new ones, not 2).
_LOAD_CHANGED_FILINGS = text(
    "UPDATE duplicate_filings AS f SET keys = s.keys, email_hash = s.email_hash, "
    "phone_hash = s.phone_hash, name_mask = s.name_mask, name_len = s.name_len "
    "FROM duplicate_sweep_filings AS s WHERE f.workspace_id = :_ws AND s.workspace_id = :_ws "
    f"AND f.lead_id = s.lead_id AND {_STAGED_DIFFERS}"
)
_LOAD_NEW_FILINGS = text(
    "INSERT INTO duplicate_filings "
    "(workspace_id, lead_id, keys, email_hash, phone_hash, name_mask, name_len) "
    "SELECT s.workspace_id, s.lead_id, s.keys, s.email_hash, s.phone_hash, s.name_mask, s.name_len "
    "FROM duplicate_sweep_filings AS s WHERE s.workspace_id = :_ws AND NOT EXISTS ("
    "SELECT 1 FROM duplicate_filings AS f WHERE f.workspace_id = :_ws AND f.lead_id = s.lead_id) "
    "ORDER BY s.lead_id"
)

# The pending pairs of a batch's leads, from either side: one probe of a side's index per id,
# through LATERAL subqueries that cannot be flattened (OFFSET 0). As `= ANY(ids)` on each side, the
# plan PostgreSQL kept for the statement was made while the sweep's first batches filled an empty
# table, and scanned every pair of the table, comparing each with the whole array, for as long as
# the sweep ran. The other side's index is partial (pending pairs), so its branch says the status
# where the index can see it. Its own side's branch tests the status after the probe: said inside,
# it made the partial index usable there too, and on statistics taken while the table was empty
# (the capture consumer fills it as fast as a sweep) every index looks the same size, so the
# smallest was taken, read by workspace alone and filtered by lead: the whole workspace's pending
# pairs walked once per id, 10 s a batch with 140,000 pairs where a probe takes 2 ms.
_PENDING_OF = text(
    "SELECT p.id, p.lead_id, p.other_lead_id, p.flagged_on "
    "FROM unnest(CAST(:_ids AS varchar[])) AS u(id) CROSS JOIN LATERAL ("
    "SELECT p.id, p.lead_id, p.other_lead_id, p.flagged_on, p.status FROM duplicate_pairs AS p "
    "WHERE p.workspace_id = :_ws AND p.lead_id = u.id OFFSET 0) AS p WHERE p.status = 'pending' "
    "UNION ALL "
    "SELECT p.id, p.lead_id, p.other_lead_id, p.flagged_on "
    "FROM unnest(CAST(:_ids AS varchar[])) AS u(id) CROSS JOIN LATERAL ("
    "SELECT p.id, p.lead_id, p.other_lead_id, p.flagged_on FROM duplicate_pairs AS p "
    "WHERE p.workspace_id = :_ws AND p.other_lead_id = u.id AND p.status = 'pending' OFFSET 0) AS p"
)

# A batch's pairs over parallel arrays, in one statement: new ones queued, pending ones rescored (a
# dismissed or merged pair, or one a flag_only policy queued, is left as it is). Sent as rows, each
# pair was an execution of its own: 60 us a pair, and a capture of a common name at a company pairs
# it with up to MAX_BLOCK leads.
_STORE_PAIRS = text(
    "INSERT INTO duplicate_pairs (id, workspace_id, lead_id, other_lead_id, score, reasons, status, "
    "created_at, updated_at) "
    "SELECT p.id, :_ws, p.lead_id, p.other_lead_id, p.score, CAST(p.reasons AS jsonb), 'pending', "
    ":_now, :_now FROM unnest(CAST(:_ids AS varchar[]), CAST(:_leads AS varchar[]), "
    "CAST(:_others AS varchar[]), CAST(:_scores AS integer[]), CAST(:_reasons AS text[])) "
    "AS p(id, lead_id, other_lead_id, score, reasons) "
    "ON CONFLICT (workspace_id, lead_id, other_lead_id) DO UPDATE SET score = excluded.score, "
    "reasons = excluded.reasons, updated_at = excluded.updated_at "
    "WHERE duplicate_pairs.status = 'pending' AND duplicate_pairs.flagged_on IS NULL"
)

# For each key of a batch, the other leads filed under it that may be alike (engine.may_be_alike,
# the same bound in SQL), unless the key has more than MAX_BLOCK leads (its first MAX_BLOCK + 1
# are read to know, and the key is not answered): one range of the keys' primary key per key,
# filtered where it is read, so the pairs that cannot score (a common first name at a company, a
# hundred times) never leave the database.
_NEAR = text(
    "SELECT m.lead_id, b.near "
    f"FROM {_UNNEST_KEYS} "
    "CROSS JOIN LATERAL ("
    " SELECT count(*) AS block, array_agg(k.lead_id) FILTER (WHERE k.lead_id <> m.lead_id AND ("
    "  k.email_hash = m.email_hash OR k.phone_hash = m.phone_hash"
    "  OR (k.name_len > 0 AND m.name_len > 0 AND 200 * least("
    "   m.name_len - bit_count(CAST(m.name_mask & ~k.name_mask AS bit(64))),"
    "   k.name_len - bit_count(CAST(k.name_mask & ~m.name_mask AS bit(64)))"
    "  ) >= :_ratio * (m.name_len + k.name_len)))) AS near"
    " FROM (SELECT k.lead_id, k.email_hash, k.phone_hash, k.name_mask, k.name_len"
    "  FROM duplicate_keys AS k WHERE k.workspace_id = :_ws AND k.key = m.key LIMIT :_read) AS k"
    ") AS b "
    "WHERE b.block <= :_block AND b.near IS NOT NULL"
)


def _key_arrays(filings: Mapping[str, Filing]) -> dict[str, list[Any]]:
    """The parallel arrays of `_UNNEST_KEYS`: a row per key of each lead, by lead id."""
    arrays: dict[str, list[Any]] = {
        name: [] for name in ("_keys", "_leads", "_email", "_phone", "_mask", "_len")
    }
    for lead_id in sorted(filings):
        filed = filings[lead_id]
        sig = filed.signature
        for key in filed.keys:
            arrays["_keys"].append(key)
            arrays["_leads"].append(lead_id)
            arrays["_email"].append(sig.email_hash)
            arrays["_phone"].append(sig.phone_hash)
            arrays["_mask"].append(sig.name_mask)
            arrays["_len"].append(sig.name_len)
    return arrays


# What a filing holds of a lead, and a staged filing's columns in the order `stage_filings` makes
# its records.
_FILED = ("keys", "email_hash", "phone_hash", "name_mask", "name_len")
_FILING_COLUMNS = ("workspace_id", "lead_id", *_FILED)


def _filing_arrays(filings: Mapping[str, Filing]) -> dict[str, list[Any]]:
    """The parallel arrays of `_REFILE`'s filings: a row per lead, its keys as an array's text."""
    ordered = sorted(filings.items())
    return {
        "_f_leads": [lead_id for lead_id, _ in ordered],
        "_f_keys": ["{" + ",".join(map(str, filed.keys)) + "}" for _, filed in ordered],
        "_f_email": [filed.signature.email_hash for _, filed in ordered],
        "_f_phone": [filed.signature.phone_hash for _, filed in ordered],
        "_f_mask": [filed.signature.name_mask for _, filed in ordered],
        "_f_len": [filed.signature.name_len for _, filed in ordered],
    }


def _filing_of(row: Any) -> Filing:
    """A filing as a row of `duplicate_filings` or `duplicate_sweep_filings` holds it."""
    return Filing(tuple(row.keys), Signature(row.email_hash, row.phone_hash, row.name_mask, row.name_len))


def _signature_values(sig: Signature) -> tuple[int | None, int | None, int, int]:
    """A signature's columns' values, in `_FILED`'s order (after the keys)."""
    return sig.email_hash, sig.phone_hash, sig.name_mask, sig.name_len


def _signature_columns(sig: Signature) -> dict[str, Any]:
    return dict(zip(_FILED[1:], _signature_values(sig), strict=True))


def _filing_row(lead_id: str, filed: Filing) -> dict[str, Any]:
    return {"lead_id": lead_id, "keys": list(filed.keys), **_signature_columns(filed.signature)}


def _merge_near(near: dict[str, set[str]], more: Mapping[str, set[str]]) -> None:
    for lead_id, others in more.items():
        near.setdefault(lead_id, set()).update(others)


def behind_statement(limit: int) -> Any:
    """Workspaces whose duplicate position is behind their numbered events, or that have events
    and no position yet (a workspace is followed from its first numbered event on)."""
    position = (
        select(cursors.c.position).where(cursors.c.workspace_id == sequences.c.workspace_id).scalar_subquery()
    )
    return (
        select(sequences.c.workspace_id)
        .where(sequences.c.last_seq > func.coalesce(position, 0))
        .union(select(cursors.c.workspace_id).where(cursors.c.sweeping))
        .order_by("workspace_id")
        .limit(limit)
    )


class DuplicateRepository(WorkspaceRepository):
    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        super().__init__(conn, workspace_id)
        self.lock = self.postgres = conn.dialect.name == "postgresql"
        # SQLite counts every bound value against its variable limit; PostgreSQL takes an array.
        self.chunk = 50_000 if self.postgres else CHUNK

    # ---- leads and their keys --------------------------------------------------------------------

    async def leads_by_ids(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(set(ids)), self.chunk):
            stmt = self.scoped_select(leads, *COMPARED).where(_among(leads.c.id, chunk, self.postgres))
            found.update({row["id"]: dict(row) for row in (await self.conn.execute(stmt)).mappings()})
        return found

    async def leads_after(
        self, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Mapping[str, Any]]:
        """The workspace's next leads by creation (the sweep), on the leads' (workspace,
        created_at, id) index."""
        stmt = self.scoped_select(leads, *COMPARED)
        if after is not None:
            stmt = stmt.where(row_after([(leads.c.created_at, False), (leads.c.id, False)], after))
        stmt = stmt.order_by(leads.c.created_at, leads.c.id).limit(limit)
        # The rows as read, not copied into dicts: a sweep reads a million.
        return cast(Sequence[Mapping[str, Any]], (await self.conn.execute(stmt)).mappings().all())

    async def filings_of(self, lead_ids: Sequence[str], *, lock: bool = False) -> dict[str, Filing]:
        """These leads' filings, by their primary key; `lock`: held for the transaction (filing a
        lead again and forgetting it, in two transactions at once, then take turns, and neither
        leaves keys the other's filing does not list)."""
        found: dict[str, Filing] = {}
        for chunk in _chunks(sorted(set(lead_ids)), self.chunk):
            stmt = self.scoped_select(filings).where(_among(filings.c.lead_id, chunk, self.postgres))
            if lock and self.lock:
                stmt = stmt.with_for_update()
            found.update({row.lead_id: _filing_of(row) for row in await self.conn.execute(stmt)})
        return found

    async def refile(self, wanted: Mapping[str, Filing]) -> set[str]:
        """These leads filed as `wanted` says: a lead whose filing differs loses its old keys and
        gets the new ones; one whose filing is the same (a change to its title, its tags, its
        owner) writes nothing. The leads whose filing changed."""
        held = await self.filings_of(list(wanted), lock=True)
        changed = {lead_id: filed for lead_id, filed in wanted.items() if held.get(lead_id) != filed}
        if not changed:
            return set()
        await self._delete_keys(
            [(key, lead_id) for lead_id in sorted(changed) if lead_id in held for key in held[lead_id].keys]
        )
        if self.postgres:
            # One statement over parallel arrays, whatever the count: a row per value made it the
            # sweep's largest cost.
            for chunk in _chunks(sorted(changed), self.chunk):
                some = {lead_id: changed[lead_id] for lead_id in chunk}
                await self.conn.execute(_REFILE, self.params(**_key_arrays(some), **_filing_arrays(some)))
            return set(changed)
        rows = [
            self.row({"key": key, "lead_id": lead_id, **_signature_columns(filed.signature)})
            for lead_id, filed in sorted(changed.items())
            for key in filed.keys
        ]
        stmt: Insert = upsert_insert(self.conn, keys).on_conflict_do_nothing()
        for chunk in _chunks(rows):
            await self.conn.execute(stmt, list(chunk))
        insert = upsert_insert(self.conn, filings)
        upsert = insert.on_conflict_do_update(
            index_elements=[filings.c.workspace_id, filings.c.lead_id],
            set_={name: insert.excluded[name] for name in _FILED},
        )
        rows = [self.row(_filing_row(lead_id, filed)) for lead_id, filed in sorted(changed.items())]
        for chunk in _chunks(rows):
            await self.conn.execute(upsert, list(chunk))
        return set(changed)

    async def forget_leads(self, lead_ids: Sequence[str]) -> None:
        """These leads' keys and filings deleted (the leads are gone), and what a sweep staged for
        them: an erased lead's keys, hashes of its e-mail and name, go at once."""
        held = await self.filings_of(lead_ids, lock=True)
        await self._delete_keys(
            [(key, lead_id) for lead_id, filed in sorted(held.items()) for key in filed.keys]
        )
        for chunk in _chunks(sorted(set(lead_ids)), self.chunk):
            for table in (filings, staged):
                among = _among(table.c.lead_id, chunk, self.postgres)
                await self.conn.execute(self.scoped_delete(table).where(among))

    async def _delete_keys(self, filed: Sequence[tuple[int, str]]) -> None:
        """These (key, lead) rows deleted, each by the primary key."""
        for chunk in _chunks(filed, self.chunk):
            if self.postgres:
                arrays = {"_keys": [key for key, _ in chunk], "_leads": [lead_id for _, lead_id in chunk]}
                await self.conn.execute(_DELETE_KEYS, self.params(**arrays))
            else:
                await self.conn.execute(
                    self.scoped_delete(keys).where(tuple_(keys.c.key, keys.c.lead_id).in_(list(chunk)))
                )

    async def stage_filings(self, made: Mapping[str, Filing]) -> None:
        """A sweep's batch of leads' filings, staged (PostgreSQL: COPY from tuples, a million of
        them in a sweep)."""
        if not self.postgres:
            await self.insert_rows(
                staged, [_filing_row(lead_id, filed) for lead_id, filed in sorted(made.items())]
            )
            return
        records = (
            (self.workspace_id, lead_id, f.keys, *_signature_values(f.signature))
            for lead_id, f in sorted(made.items())
        )
        await self.copy_records(staged, _FILING_COLUMNS, records)

    async def staged_after(self, after: str | None, limit: int) -> dict[str, Filing]:
        """The staged filings of the leads after `after` (by id), `limit` of them."""
        stmt = self.scoped_select(staged)
        if after is not None:
            stmt = stmt.where(staged.c.lead_id > after)
        rows = await self.conn.execute(stmt.order_by(staged.c.lead_id).limit(limit))
        return {row.lead_id: _filing_of(row) for row in rows}

    async def clear_staged(self) -> None:
        await self.conn.execute(self.scoped_delete(staged))

    async def load_staged(self, since: datetime) -> list[str]:
        """The staged filings replace the leads' filings and keys, where they differ. Answers the
        leads changed since `since` (the sweep's start: found on the leads' (workspace,
        updated_at) index), to be filed again from their rows: a lead changed after its filing
        was made is filed as it is now. A lead gone since has no filing (its erasure deleted
        what was staged for it).

        PostgreSQL: four statements over the whole workspace (`_LOAD_*`), the keys inserted in
        key order. Elsewhere the staged filings are filed a batch at a time."""
        if self.postgres:
            await self.conn.execute(_LOAD_DROP_KEYS, self.params())
            try:
                async with self.conn.begin_nested():
                    await self.conn.execute(text(_LOAD_KEYS), self.params())
            except IntegrityError:
                # A key the lead's filing does not list (filed while the lead was being deleted, or
                # by a version before filings): the keys the leads already have are left as they are.
                await self.conn.execute(text(_LOAD_KEYS + " ON CONFLICT DO NOTHING"), self.params())
            await self.conn.execute(_LOAD_CHANGED_FILINGS, self.params())
            await self.conn.execute(_LOAD_NEW_FILINGS, self.params())
        else:
            after: str | None = None
            while batch := await self.staged_after(after, self.chunk):
                await self.refile(batch)
                after = max(batch)
        changed = self.scoped_select(leads, leads.c.id).where(leads.c.updated_at >= since)
        return sorted((await self.conn.execute(changed)).scalars())

    async def refresh_statistics(self) -> list[str]:
        """The duplicate tables analysed when they have grown (repository.analyze_grown): a sweep
        and the consumer both fill them from nothing. Their names."""
        return await analyze_grown(
            self.conn, ("duplicate_keys", "duplicate_filings", "duplicate_pairs", "duplicate_sweep_filings")
        )

    async def near(self, filed: Mapping[str, Filing]) -> dict[str, set[str]]:
        """PostgreSQL: for each lead, the other leads filed under one of its keys (a key of at
        most MAX_BLOCK leads) that may be alike, in one statement (`_NEAR`)."""
        out: dict[str, set[str]] = {lead_id: set() for lead_id in filed}
        if not any(f.keys for f in filed.values()):
            return out
        params = self.params(
            **_key_arrays(filed),
            _ratio=int(SIMILAR_NAME_RATIO) - 1,
            _read=MAX_BLOCK + 1,
            _block=MAX_BLOCK,
        )
        for row in await self.conn.execute(_NEAR, params):
            out[row.lead_id].update(row.near)
        return out

    async def near_in_blocks(self, rows_per_round: int = 10_000) -> dict[str, set[str]]:
        """For each lead filed under a key of 2 to MAX_BLOCK leads of the workspace, the others
        under those keys that may be alike (engine.alike_in_blocks). One statement, streamed in
        key order so that a block is held only until it is paired: PostgreSQL finds the blocks by
        scanning the keys and hashing them (a range of the primary key in key order read the rows
        in random order, twice the time over a million leads). A sweep's pairing, once its leads are filed."""
        small = (
            self.scoped_select(keys, keys.c.key)
            .group_by(keys.c.key)
            .having(func.count().between(2, MAX_BLOCK))
            .subquery("small")
        )
        stmt = (
            self.scoped_select(
                keys,
                keys.c.key,
                keys.c.lead_id,
                keys.c.email_hash,
                keys.c.phone_hash,
                keys.c.name_mask,
                keys.c.name_len,
            )
            .join(small, small.c.key == keys.c.key)
            .order_by(keys.c.key, keys.c.lead_id)
        )
        near: dict[str, set[str]] = {}
        blocks: list[list[tuple[str, Signature]]] = []
        held = 0
        key = None
        result = await self.conn.stream(stmt.execution_options(yield_per=rows_per_round))
        async for row in result:
            if row.key != key:
                if held >= rows_per_round:  # the blocks so far are whole: paired and let go
                    _merge_near(near, alike_in_blocks(blocks))
                    blocks, held = [], 0
                blocks.append([])
                key = row.key
            seen = Signature(row.email_hash, row.phone_hash, row.name_mask, row.name_len)
            blocks[-1].append((row.lead_id, seen))
            held += 1
        _merge_near(near, alike_in_blocks(blocks))
        return near

    async def sharing(self, wanted: Sequence[int]) -> dict[int, list[str]]:
        """The leads filed under each of these keys (one primary-key range per key)."""
        out: dict[int, list[str]] = {}
        for chunk in _chunks(sorted(set(wanted)), self.chunk):
            among = keys.c.key.in_(list(chunk))
            stmt = self.scoped_select(keys, keys.c.key, keys.c.lead_id).where(among)
            for row in await self.conn.execute(stmt):
                out.setdefault(row.key, []).append(row.lead_id)
        return out

    # ---- pairs -----------------------------------------------------------------------------------

    async def store_pairs(self, found: Mapping[tuple[str, str], Candidate], now: datetime) -> None:
        """New pairs queued; pending ones take their new score and reasons. A dismissed or merged
        pair is left as it is: a dismissal is final."""
        if not found:
            return
        if self.postgres:
            ordered = sorted(found.items())
            for chunk in _chunks(ordered, self.chunk):
                arrays = {
                    "_ids": [new_id("duplicate") for _ in chunk],
                    "_leads": [lead_id for (lead_id, _), _ in chunk],
                    "_others": [other_id for (_, other_id), _ in chunk],
                    "_scores": [candidate.score for _, candidate in chunk],
                    "_reasons": [json.dumps(list(candidate.reasons)) for _, candidate in chunk],
                }
                await self.conn.execute(_STORE_PAIRS, self.params(**arrays, _now=now))
            return
        rows = [
            {
                "id": new_id("duplicate"),
                "workspace_id": self.workspace_id,
                "lead_id": lead_id,
                "other_lead_id": other_id,
                "score": candidate.score,
                "reasons": list(candidate.reasons),
                "status": "pending",
                "resolved_by": None,
                "merged_into": None,
                "created_at": now,
                "updated_at": now,
                "resolved_at": None,
                "flagged_on": None,
            }
            for (lead_id, other_id), candidate in sorted(found.items())
        ]
        insert = upsert_insert(self.conn, pairs)
        # A pair a flag_only policy queued keeps its exact key as its reason.
        stmt = insert.on_conflict_do_update(
            index_elements=[pairs.c.workspace_id, pairs.c.lead_id, pairs.c.other_lead_id],
            set_={
                "score": insert.excluded.score,
                "reasons": insert.excluded.reasons,
                "updated_at": insert.excluded.updated_at,
            },
            where=(pairs.c.status == "pending") & pairs.c.flagged_on.is_(None),
        )
        for chunk in _chunks(rows):
            await self.conn.execute(stmt, list(chunk))

    async def drop_pending(
        self, lead_ids: Sequence[str], keep: Iterable[tuple[str, str]] = (), gone: Iterable[str] = ()
    ) -> None:
        """The pending pairs of these leads but those in `keep`: they are no longer alike (or a
        lead is gone). A pair a flag_only policy queued stays until reviewed, unless one of its
        leads is `gone`. Read first (from either side's index), then deleted by id."""
        kept = set(keep)
        away = set(gone)
        stale: list[str] = []
        columns = (pairs.c.id, pairs.c.lead_id, pairs.c.other_lead_id, pairs.c.flagged_on)
        for chunk in _chunks(sorted(set(lead_ids)), self.chunk):
            if self.postgres:
                found = await self.conn.execute(_PENDING_OF, self.params(_ids=list(chunk)))
            else:
                # One branch per side, each a range of its own index: as one OR, the workspace's
                # pending pairs were walked testing each against both lists.
                pending = self.scoped_select(pairs, *columns).where(pairs.c.status == "pending")
                found = await self.conn.execute(
                    union_all(
                        pending.where(pairs.c.lead_id.in_(list(chunk))),
                        pending.where(pairs.c.other_lead_id.in_(list(chunk))),
                    )
                )
            for row in found:
                if (row.lead_id, row.other_lead_id) in kept:
                    continue
                if row.flagged_on is not None and not ({row.lead_id, row.other_lead_id} & away):
                    continue
                stale.append(row.id)
        for chunk in _chunks(sorted(set(stale)), self.chunk):
            await self.conn.execute(self.scoped_delete(pairs).where(_among(pairs.c.id, chunk, self.postgres)))

    async def get(self, pair_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(pairs).where(pairs.c.id == pair_id)
        if lock and self.lock:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def resolve(self, pair_id: str, values: Mapping[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(pairs).where(pairs.c.id == pair_id).values(**values))

    async def page(
        self,
        status: str,
        min_score: int | None,
        max_score: int | None,
        after: tuple[int, str] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """A status's pairs, highest score first (then id): one range of the queue's index."""
        order = [(pairs.c.score, True), (pairs.c.id, True)]
        stmt = self.scoped_select(pairs).where(pairs.c.status == status)
        if min_score is not None:
            stmt = stmt.where(pairs.c.score >= min_score)
        if max_score is not None:
            stmt = stmt.where(pairs.c.score <= max_score)
        if after is not None:
            stmt = stmt.where(row_after(order, after))
        stmt = stmt.order_by(pairs.c.score.desc(), pairs.c.id.desc()).limit(limit)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def pairs_of(self, lead_id: str) -> list[dict[str, Any]]:
        """A lead's pairs of any status, from either side."""
        stmt = self.scoped_select(pairs).where(
            or_(pairs.c.lead_id == lead_id, pairs.c.other_lead_id == lead_id)
        )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def flag(self, lead_id: str, other_id: str, matched_on: str, now: datetime) -> None:
        """The pair a flag_only capture made (`other_id` new, sharing `matched_on` with
        `lead_id`) queued at the top score; a pair dismissed before stays dismissed."""
        low, high = sorted((lead_id, other_id))
        row = {
            "id": new_id("duplicate"),
            "workspace_id": self.workspace_id,
            "lead_id": low,
            "other_lead_id": high,
            "score": 100,
            "reasons": [f"same_{matched_on}"],
            "status": "pending",
            "resolved_by": None,
            "merged_into": None,
            "created_at": now,
            "updated_at": now,
            "resolved_at": None,
            "flagged_on": matched_on,
        }
        insert = upsert_insert(self.conn, pairs)
        stmt = insert.on_conflict_do_update(
            index_elements=[pairs.c.workspace_id, pairs.c.lead_id, pairs.c.other_lead_id],
            set_={
                "score": insert.excluded.score,
                "reasons": insert.excluded.reasons,
                "flagged_on": insert.excluded.flagged_on,
                "updated_at": insert.excluded.updated_at,
            },
            where=pairs.c.status == "pending",
        )
        await self.conn.execute(stmt, row)

    # ---- the dedupe policy -----------------------------------------------------------------------

    async def policy_settings(self) -> dict[str, Any] | None:
        """The workspace's dedupe policy row (None: the default), by its primary key."""
        row = (await self.conn.execute(self.scoped_select(dedupe_settings))).mappings().first()
        return dict(row) if row else None

    async def put_policy_settings(self, values: Mapping[str, Any]) -> None:
        await self.upsert_settings(dedupe_settings, values)

    # ---- the consumer's position -----------------------------------------------------------------

    async def claim_position(self, now: datetime) -> int | None:
        """The workspace's position, locked for this transaction (made at 0 on first use); None
        when another worker holds it (PostgreSQL: SKIP LOCKED)."""
        if (await self.sweep_state())["sweeping"] is None:
            # A workspace met for the first time is followed from its latest event on, and swept
            # once, which files the leads it had before.
            made = upsert_insert(self.conn, cursors).on_conflict_do_nothing()
            first = {
                "position": await self.last_seq(),
                "updated_at": now,
                "sweeping": True,
                "sweep_phase": "file",
                "sweep_started_at": now,
            }
            await self.conn.execute(made, self.row(first))
        stmt = self.scoped_select(cursors, cursors.c.position)
        if self.lock:
            stmt = stmt.with_for_update(skip_locked=True)
        found = (await self.conn.execute(stmt)).scalar_one_or_none()
        return None if found is None else int(found)

    async def move_position(self, position: int, now: datetime) -> None:
        await self.conn.execute(self.scoped_update(cursors).values(position=position, updated_at=now))

    async def sweep_state(self) -> dict[str, Any]:
        """Whether a sweep is under way, in which phase and where (`sweeping` None: no position
        yet)."""
        stmt = self.scoped_select(
            cursors,
            cursors.c.sweeping,
            cursors.c.sweep_phase,
            cursors.c.sweep_started_at,
            cursors.c.sweep_after_at,
            cursors.c.sweep_after,
        )
        row = (await self.conn.execute(stmt)).mappings().first()
        if row:
            return dict(row)
        return {
            "sweeping": None,
            "sweep_phase": None,
            "sweep_started_at": None,
            "sweep_after_at": None,
            "sweep_after": None,
        }

    async def set_sweep(self, sweeping: bool, after: tuple[datetime, str] | None, now: datetime) -> None:
        """A sweep started (`sweeping`, no `after`: filing from the first lead, started now), moved
        on to file the leads after `after`, or ended (not `sweeping`)."""
        made = upsert_insert(self.conn, cursors).on_conflict_do_nothing()
        first = {"position": await self.last_seq(), "updated_at": now, "sweeping": sweeping}
        await self.conn.execute(made, self.row(first))
        values: dict[str, Any] = {
            "sweeping": sweeping,
            "sweep_after_at": None if after is None else after[0],
            "sweep_after": None if after is None else after[1],
            "updated_at": now,
        }
        if not sweeping:
            values["sweep_phase"] = None
        elif after is None:
            values.update(sweep_phase="file", sweep_started_at=now)
        await self.conn.execute(self.scoped_update(cursors).values(**values))

    async def set_sweep_phase(self, phase: str, now: datetime) -> None:
        """The sweep on to its next phase ('load', 'pair')."""
        await self.conn.execute(
            self.scoped_update(cursors).values(
                sweep_phase=phase, sweep_after_at=None, sweep_after=None, updated_at=now
            )
        )

    async def drop_unseen(self, since: datetime) -> None:
        """The pending pairs not stored since `since` (a sweep's start): its pairing did not find
        them again. A pair a flag_only policy queued stays until reviewed. The status is written
        as the pending pairs' partial index says it, so the workspace's range of it is a plan."""
        await self.conn.execute(
            self.scoped_delete(pairs).where(PENDING, pairs.c.flagged_on.is_(None), pairs.c.updated_at < since)
        )

    async def mark_merged(self, lead_id: str, other_id: str, actor: str | None, now: datetime) -> None:
        """A pending pair of these two, merged (by any route)."""
        low, high = sorted((lead_id, other_id))
        await self.conn.execute(
            self.scoped_update(pairs)
            .where(pairs.c.lead_id == low, pairs.c.other_lead_id == high, pairs.c.status == "pending")
            .values(status="merged", merged_into=lead_id, resolved_by=actor, resolved_at=now, updated_at=now)
        )

    async def last_seq(self) -> int:
        return await consumers.last_seq(self.conn, self.workspace_id)
