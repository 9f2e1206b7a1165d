"""Secrets sealed at rest, on SQLite and PostgreSQL: the database alone reveals no signing secret,
the sealed secrets still sign and verify, and a key rotation re-seals every stored value."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from leadapi.cli import migrate, reseal_secrets
from leadapi.config import Settings
from leadapi.db import create_engine
from leadapi.sealing import PREFIX, Sealer, SealingError, load_sealer, new_key
from tests.conftest import PG_TEST_DB, Tenant, fresh_pg_database, require_postgres
from tests.factories import add_source, post_generic

PROVIDER_SECRET = "typeform-secret-given-by-the-provider"


async def stored_secrets(app: FastAPI, workspace_id: str) -> list[str]:
    """Every stored secret of the workspace, as the database holds it."""
    async with app.state.db.read() as conn:
        rows = await conn.execute(
            text(
                "SELECT secret FROM webhook_subscriptions WHERE workspace_id = :ws "
                "UNION ALL SELECT previous_secret FROM webhook_subscriptions WHERE workspace_id = :ws "
                "UNION ALL SELECT secret FROM sources WHERE workspace_id = :ws"
            ),
            {"ws": workspace_id},
        )
        return [row[0] for row in rows if row[0] is not None]


async def test_the_database_holds_no_secret_in_the_clear(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, dialect: str
) -> None:
    webhook = await client.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "events": ["lead.*"]}, headers=tenant.admin
    )
    assert webhook.status_code == 201, webhook.text
    rotated = await client.post(f"/v1/webhooks/{webhook.json()['id']}/rotate-secret", headers=tenant.admin)
    assert rotated.status_code == 200, rotated.text
    generic = await add_source(client, tenant, name="Site", mapping={"email": "email"})
    typeform = await add_source(
        client, tenant, name="Typeform", kind="typeform", mapping={}, secret=PROVIDER_SECRET
    )
    shown = [webhook.json()["secret"], rotated.json()["secret"], generic["secret"], PROVIDER_SECRET]

    stored = await stored_secrets(app, tenant.workspace_id)
    assert len(stored) == 4  # both webhook secrets (current and previous) and both sources'
    assert all(value.startswith(PREFIX) for value in stored)
    assert not {secret for secret in shown if any(secret in value for value in stored)}
    if dialect == "sqlite":
        # The file itself, with its write-ahead log: what someone who copies it gets.
        path = Path(app.state.settings.database_url.partition(":///")[2])
        raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
        assert not [secret for secret in shown if secret.encode() in raw]
    assert typeform["id"]


async def test_a_sealed_source_secret_still_verifies_and_a_new_one_is_sealed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    source = await add_source(client, tenant, name="Site", mapping={"email": "email"})
    stamp = int(time.time())
    first = await post_generic(client, source, {"email": "sealed@example.com"}, stamp)
    assert first.status_code in (200, 201, 202), first.text

    new_secret = "a-secret-chosen-by-the-admin-0123456789"
    patched = await client.patch(
        f"/v1/sources/{source['id']}", json={"secret": new_secret}, headers=tenant.admin
    )
    assert patched.status_code == 200, patched.text
    assert "secret" not in patched.json()
    assert new_secret not in "".join(await stored_secrets(app, tenant.workspace_id))
    old = await post_generic(client, source, {"email": "old@example.com"}, stamp + 1)
    assert old.status_code == 401
    new = await post_generic(client, source, {"email": "new@example.com"}, stamp + 2, secret=new_secret)
    assert new.status_code in (200, 201, 202), new.text


def test_sealer_round_trip_rotation_and_plaintext_of_before() -> None:
    old, new = new_key(), new_key()
    sealed = Sealer([old]).seal("whsec_abc")
    assert sealed.startswith(PREFIX)
    assert "whsec_abc" not in sealed
    assert Sealer([old]).unseal(sealed) == "whsec_abc"
    assert Sealer([new, old]).unseal(sealed) == "whsec_abc"  # old keys still open
    assert Sealer([old]).reseal(sealed) is None  # already under the first key
    resealed = Sealer([new, old]).reseal(sealed)
    assert resealed is not None
    assert Sealer([new]).unseal(resealed) == "whsec_abc"
    with pytest.raises(SealingError):
        Sealer([new]).unseal(sealed)
    # A value stored before sealing existed is read as it is, and sealed by reseal.
    assert Sealer([old]).unseal("plain") == "plain"
    plain_sealed = Sealer([old]).reseal("plain")
    assert plain_sealed is not None
    assert Sealer([old]).unseal(plain_sealed) == "plain"
    with pytest.raises(ValueError, match="Fernet key"):
        Sealer(["not-a-key"])


def test_the_embedded_setup_makes_its_key_once(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'db' / 'leadapi.db'}", _env_file=None)
    sealed = load_sealer(settings).seal("x")
    key_file = tmp_path / "db" / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_sealer(settings).unseal(sealed) == "x"  # the second start reads the same key


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrate_seals_plaintext_and_reseal_moves_everything_to_the_new_key(
    kind: str, tmp_path: Path
) -> None:
    """On a database of its own: rows written in the clear (before sealing) are sealed by
    `leadapi migrate`; after a rotation (`new,old`), `leadapi secrets reseal` moves every value to
    the new key, so the old one can be dropped."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'rotate.db'}"
    else:
        require_postgres()
        url = asyncio.run(fresh_pg_database(f"{PG_TEST_DB}_sealing"))
    old, new = new_key(), new_key()
    migrate(Settings(database_url=url, secret_keys=old, _env_file=None), "0011")
    asyncio.run(_write_plaintext_rows(url))
    migrate(Settings(database_url=url, secret_keys=old, _env_file=None))
    sealed = asyncio.run(_secrets(url))
    assert sealed
    assert all(value.startswith(PREFIX) for value in sealed)
    assert {Sealer([old]).unseal(value) for value in sealed} == {"whsec_plain", "whsec_prev", "src_plain"}

    rotated = Settings(database_url=url, secret_keys=f"{new},{old}", _env_file=None)
    assert asyncio.run(reseal_secrets(rotated)) == 2  # one subscription, one source
    assert asyncio.run(reseal_secrets(rotated)) == 0  # nothing left under the old key
    assert {Sealer([new]).unseal(value) for value in asyncio.run(_secrets(url))} == {
        "whsec_plain",
        "whsec_prev",
        "src_plain",
    }


async def _write_plaintext_rows(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO workspaces (id, name, created_at) VALUES ('ws_x', 'x', CURRENT_TIMESTAMP)")
            )
            await conn.execute(
                text(
                    "INSERT INTO webhook_subscriptions (id, workspace_id, url, events, active, secret, "
                    "previous_secret, cursor, created_at, updated_at) VALUES ('wh_x', 'ws_x', "
                    "'https://example.com', '[]', true, 'whsec_plain', 'whsec_prev', 0, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO sources (id, workspace_id, name, kind, mapping, defaults, secret, "
                    "created_at, updated_at) VALUES ('so_x', 'ws_x', 'x', 'generic', '{}', '{}', "
                    "'src_plain', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
    finally:
        await engine.dispose()


async def _secrets(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT secret FROM webhook_subscriptions UNION ALL "
                    "SELECT previous_secret FROM webhook_subscriptions UNION ALL SELECT secret FROM sources"
                )
            )
            return [row[0] for row in rows if row[0] is not None]
    finally:
        await engine.dispose()
