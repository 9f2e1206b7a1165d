"""Read scenarios (issue 26): GET /v1/leads over a workspace of a million leads, against the bare
baseline's one indexed `SELECT ... LIMIT 50`, measured in the same run.

`make bench ARGS=--reads-only` runs these alone on a database kept between runs (BENCH_DATABASE,
default leadapi_bench_reads): the million leads are seeded once, then reused.
"""

from __future__ import annotations

import asyncpg

READS_WORKSPACE = "ws_bench_reads"
OWNERS = 20
FIRST_NAMES = [
    "Ada", "Annabelle", "Bruno", "Chiara", "Dmitri", "Elena", "Farah", "Gustav", "Hana", "Ivan",
    "Jonas", "Keiko", "Lars", "Mina", "Nadia", "Oskar", "Priya", "Quentin", "Rowena", "Sofia",
]  # fmt: skip
STAGES = ["new", "mql", "sql", "accepted", "customer"]

# Leads spread like a workspace in use: a seventh unscored, a third unowned, an eleventh without
# stage_entered_at (NULLs for the nullable sorts), a tenth tagged vip, 5,000 companies; every
# owner has leads in every stage.
SEED_SQL = """
INSERT INTO leads (id, workspace_id, email, first_name, last_name, company, domain, tags, external_ids,
                   attributes, unsubscribed, owner_id, stage, score, band, is_free_email, seniority,
                   created_at, updated_at, stage_entered_at, version, stages_mask)
SELECT $2 || lpad(g::text, 9, '0'), $1,
       'u' || g || '@' || substr(md5((g % 5000)::text), 1, 10) || '.com',
       ($4::text[])[1 + g % 20], initcap(substr(md5(g::text), 1, 7)),
       initcap(substr(md5((g % 5000)::text), 1, 10)) || ' Ltd',
       substr(md5((g % 5000)::text), 1, 10) || '.com',
       CASE WHEN g % 10 = 0 THEN '["vip"]' ELSE '[]' END::jsonb, '{}'::jsonb,
       jsonb_build_object('plan', (ARRAY['free', 'pro', 'team'])[1 + g % 3], 'seats', g % 50),
       false, CASE WHEN g % 3 = 0 THEN NULL ELSE 'ow_seed' || (g % $5) END, ($6::text[])[1 + (g / 20) % 5],
       CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 31) % 101 END,
       CASE WHEN g % 7 = 0 THEN NULL WHEN (g * 31) % 101 >= 75 THEN 'sql'
            WHEN (g * 31) % 101 >= 40 THEN 'mql' ELSE 'not_ready' END,
       false, 'unknown',
       now() - make_interval(secs => $3 - g), now() - make_interval(secs => $3 - g) + interval '1 hour',
       CASE WHEN g % 11 = 0 THEN NULL ELSE now() - make_interval(secs => ($3 - g) / 2) END, 1, 0
FROM generate_series(1, $3) AS g
"""


async def seed_leads(conn: asyncpg.Connection, workspace_id: str, count: int, id_prefix: str) -> None:
    """`count` leads in the workspace (which must exist), then statistics for the planner."""
    await conn.execute(SEED_SQL, workspace_id, id_prefix, count, FIRST_NAMES, OWNERS, STAGES)
    await conn.execute("ANALYZE leads")


async def ensure_seeded(dsn: str, count: int) -> bool:
    """The reads workspace with `count` leads: seeded when missing or of another size (a kept
    database is reused); True if it seeded."""
    conn = await asyncpg.connect(dsn)
    try:
        have = await conn.fetchval("SELECT count(*) FROM leads WHERE workspace_id = $1", READS_WORKSPACE)
        if have == count:
            return False
        await conn.execute("DELETE FROM leads WHERE workspace_id = $1", READS_WORKSPACE)
        await conn.execute(
            "INSERT INTO workspaces (id, name, created_at) VALUES ($1, 'reads', now()) "
            "ON CONFLICT DO NOTHING",
            READS_WORKSPACE,
        )
        await conn.execute(
            "INSERT INTO event_sequences (workspace_id, last_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING",
            READS_WORKSPACE,
        )
        await seed_leads(conn, READS_WORKSPACE, count, "ld_r")
        await conn.execute("VACUUM (ANALYZE) leads")  # the visibility map: index-only scans
        return True
    finally:
        await conn.close()


async def deep_cursor(dsn: str, count: int) -> str:
    """The cursor of the default list (newest first) half-way down the workspace."""
    from leadapi.api.pagination import encode_cursor

    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT created_at, id FROM leads WHERE workspace_id = $1 "
            "ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1",
            READS_WORKSPACE,
            count // 2,
        )
        assert row is not None
        return encode_cursor([row["created_at"], row["id"]])
    finally:
        await conn.close()


async def search_terms(dsn: str, how_many: int = 40) -> list[str]:
    """Company names' first words, lower-cased and cut to seven letters (a prefix, as typed):
    each matches the leads of one company."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT DISTINCT company FROM leads WHERE workspace_id = $1 AND id < 'ld_r000001000' LIMIT $2",
            READS_WORKSPACE,
            how_many,
        )
        return [row["company"].lower()[:7] for row in rows]
    finally:
        await conn.close()
