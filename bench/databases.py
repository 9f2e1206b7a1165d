"""The bench's scratch databases, made anew on the PostgreSQL the bench runs on."""

from __future__ import annotations

import asyncpg


async def recreate(admin_dsn: str, name: str, template: str | None = None) -> None:
    """`name` dropped (its connections closed) and created again, empty or as a copy of `template`
    (which then must have no connections)."""
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        await admin.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await admin.close()
