"""The audit log over HTTP, on SQLite and PostgreSQL: every kind of admin change writes one entry
(who, what, before and after, when) in the change's own transaction; secrets never appear in it;
only admin keys read it, and only their own workspace's; filters, pagination and bad parameters."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import dialect as pg_dialect

from leadapi.audit.service import entries_statement
from tests.conftest import PG_TEST_DB, Clock, Tenant, migrated_pg_database, require_postgres
from tests.factories import CUSTOM, SIMPLE, add_owner, add_rule, add_source, subscribe

SOURCE_SECRET = "form-secret-form-secret-form-secret"


async def entries(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/v1/audit-log", params=params, headers=tenant.admin)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def key_id_of(client: httpx.AsyncClient, tenant: Tenant, name: str) -> str:
    keys = (await client.get("/v1/api-keys", headers=tenant.admin)).json()["data"]
    return str(next(k["id"] for k in keys if k["name"] == name))


async def make_every_change(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, str]:
    """One change of each audited kind (several for some); returns a resource id per kind."""
    ids: dict[str, str] = {}
    key = (
        await client.post("/v1/api-keys", json={"name": "ci", "scopes": ["read"]}, headers=tenant.admin)
    ).json()
    ids["api_key"] = key["id"]
    assert (
        await client.patch(f"/v1/api-keys/{key['id']}", json={"rate_limit": "5/second"}, headers=tenant.admin)
    ).status_code == 200
    assert (await client.delete(f"/v1/api-keys/{key['id']}", headers=tenant.admin)).status_code == 204

    model = (await client.post("/v1/scoring/models", json=SIMPLE, headers=tenant.admin)).json()
    ids["scoring_model"] = model["id"]
    activated = await client.post(f"/v1/scoring/models/{model['id']}/activate", headers=tenant.admin)
    assert activated.status_code == 202, activated.text

    owner = await add_owner(client, tenant, "Ada")
    ids["owner"] = owner["id"]
    assert (
        await client.patch(f"/v1/owners/{owner['id']}", json={"capacity": 5}, headers=tenant.admin)
    ).status_code == 200
    rule = await add_rule(client, tenant, name="all", position=1, strategy="owner", owner_id=owner["id"])
    ids["routing_rule"] = rule["id"]
    assert (
        await client.patch(f"/v1/routing/rules/{rule['id']}", json={"name": "every"}, headers=tenant.admin)
    ).status_code == 200
    assert (await client.delete(f"/v1/routing/rules/{rule['id']}", headers=tenant.admin)).status_code == 204
    assert (await client.delete(f"/v1/owners/{owner['id']}", headers=tenant.admin)).status_code == 204
    put = await client.put("/v1/routing/settings", json={"route_on": "mql"}, headers=tenant.admin)
    assert put.status_code == 200, put.text
    ids["routing_settings"] = tenant.workspace_id

    assert (await client.put("/v1/stages", json=CUSTOM, headers=tenant.admin)).status_code == 200
    ids["lifecycle_stages"] = tenant.workspace_id

    policy = await client.post(
        "/v1/sla/policies",
        json={"name": "Fast", "position": 1, "first_touch_within_minutes": 30},
        headers=tenant.admin,
    )
    assert policy.status_code == 201, policy.text
    ids["sla_policy"] = policy.json()["id"]
    assert (
        await client.patch(
            f"/v1/sla/policies/{ids['sla_policy']}", json={"active": False}, headers=tenant.admin
        )
    ).status_code == 200
    assert (
        await client.delete(f"/v1/sla/policies/{ids['sla_policy']}", headers=tenant.admin)
    ).status_code == 204

    source = await add_source(client, tenant, name="Site", mapping={"email": "email"}, secret=SOURCE_SECRET)
    ids["source"] = source["id"]
    assert (
        await client.patch(
            f"/v1/sources/{source['id']}", json={"secret": SOURCE_SECRET[::-1]}, headers=tenant.admin
        )
    ).status_code == 200
    assert (await client.delete(f"/v1/sources/{source['id']}", headers=tenant.admin)).status_code == 204

    hook = await subscribe(client, tenant, "http://127.0.0.1:9/audit")
    ids["webhook"] = hook["id"]
    rotated = await client.post(f"/v1/webhooks/{hook['id']}/rotate-secret", headers=tenant.admin)
    assert rotated.status_code == 200, rotated.text
    ids["webhook_secrets"] = json.dumps([hook["secret"], rotated.json()["secret"]])
    assert (
        await client.patch(f"/v1/webhooks/{hook['id']}", json={"active": False}, headers=tenant.admin)
    ).status_code == 200
    assert (await client.delete(f"/v1/webhooks/{hook['id']}", headers=tenant.admin)).status_code == 204
    return ids


EXPECTED = {
    "api_key": ["created", "updated", "revoked"],
    "scoring_model": ["created", "activated"],
    "owner": ["created", "updated", "deleted"],
    "routing_rule": ["created", "updated", "deleted"],
    "routing_settings": ["updated"],
    "lifecycle_stages": ["replaced"],
    "sla_policy": ["created", "updated", "deleted"],
    "source": ["created", "updated", "deleted"],
    "webhook": ["created", "rotated", "updated", "deleted"],
}


async def test_every_admin_change_writes_an_entry(client: httpx.AsyncClient, tenant: Tenant) -> None:
    started = datetime.now(UTC) - timedelta(seconds=5)
    ids = await make_every_change(client, tenant)
    admin_key = await key_id_of(client, tenant, "admin key")
    owner_creator = await key_id_of(client, tenant, "write key")
    for resource, actions in EXPECTED.items():
        found = await entries(client, tenant, resource=resource, resource_id=ids[resource], limit=200)
        assert [e["action"] for e in reversed(found)] == actions, (resource, found)
        for entry in found:
            assert entry["resource_id"] == ids[resource]
            assert entry["key_id"] == (
                owner_creator if entry["action"] == "created" and resource == "owner" else admin_key
            )
            assert datetime.fromisoformat(entry["at"]) >= started
            if entry["action"] == "created":
                assert entry["before"] is None
                assert entry["after"] is not None
            elif entry["action"] == "deleted":
                assert entry["before"] is not None
                assert entry["after"] is None
            else:
                assert entry["before"] is not None
                assert entry["after"] is not None
            assert "workspace_id" not in (entry["before"] or {}) | (entry["after"] or {})
    # What changed is in before/after.
    (key_update,) = [e for e in await entries(client, tenant, resource="api_key") if e["action"] == "updated"]
    assert (key_update["before"]["rate_limit"], key_update["after"]["rate_limit"]) == (None, "5/second")
    (settings,) = await entries(client, tenant, resource="routing_settings")
    assert (settings["before"], settings["after"]) == ({"route_on": "sql"}, {"route_on": "mql"})
    (stages,) = await entries(client, tenant, resource="lifecycle_stages")
    assert stages["after"]["stages"] == CUSTOM["stages"]
    assert stages["after"]["version"] == 1
    activation = (await entries(client, tenant, resource="scoring_model"))[0]
    assert activation["after"] == {"active_model_id": ids["scoring_model"]}


def _times_parsed(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """The row with its times as datetimes: entries keep isoformat text, the API writes `Z`."""
    if row is None:
        return None
    return {
        k: datetime.fromisoformat(v) if k.endswith("_at") and v is not None else v for k, v in row.items()
    }


async def test_an_api_key_entry_holds_the_key_before_and_after(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Each entry of a key's life holds the whole key as it was and as it became (the secret's
    hash masked); the change reads the key's row once, the entry is built from it."""
    created = await client.post(
        "/v1/api-keys", json={"name": "ci", "scopes": ["write", "read"]}, headers=tenant.admin
    )
    assert created.status_code == 201, created.text
    key_id = created.json()["id"]

    def shown(key: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in key.items() if k != "key"} | {"secret_hash": "[masked]"}

    first = shown(created.json())
    reads: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        # The key's own row, not the authentication's lookup by hash.
        if "FROM api_keys" in statement and "secret_hash =" not in statement:
            reads.append(statement)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        patched = await client.patch(
            f"/v1/api-keys/{key_id}", json={"name": "deploy", "rate_limit": "5/second"}, headers=tenant.admin
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert patched.status_code == 200, patched.text
    assert len(reads) == 1, reads
    renamed = shown(patched.json())
    assert (renamed["name"], renamed["rate_limit"]) == ("deploy", "5/second")
    assert (await client.delete(f"/v1/api-keys/{key_id}", headers=tenant.admin)).status_code == 204
    listed = (await client.get("/v1/api-keys", params={"limit": 200}, headers=tenant.admin)).json()["data"]
    revoked = shown(next(k for k in listed if k["id"] == key_id))
    assert revoked["revoked_at"] is not None

    found = list(reversed(await entries(client, tenant, resource="api_key", resource_id=key_id)))
    assert [(e["action"], _times_parsed(e["before"]), _times_parsed(e["after"])) for e in found] == [
        ("created", None, _times_parsed(first)),
        ("updated", _times_parsed(first), _times_parsed(renamed)),
        ("revoked", _times_parsed(renamed), _times_parsed(revoked)),
    ]


async def test_secrets_never_appear(client: httpx.AsyncClient, tenant: Tenant) -> None:
    ids = await make_every_change(client, tenant)
    created = await client.post("/v1/api-keys", json={"name": "x", "scopes": ["read"]}, headers=tenant.admin)
    api_secret = created.json()["key"]
    raw = (await client.get("/v1/audit-log", params={"limit": 200}, headers=tenant.admin)).text
    secrets = [SOURCE_SECRET, SOURCE_SECRET[::-1], api_secret, *json.loads(ids["webhook_secrets"])]
    for secret in secrets:
        assert secret not in raw
    # Nor their sealed forms or hashes: the secret columns are masked, whatever they hold.
    for entry in json.loads(raw)["data"]:
        for side in (entry["before"], entry["after"]):
            for name, value in (side or {}).items():
                if "secret" in name and value is not None:
                    assert value == "[masked]", (entry["resource"], name)
    source = [e for e in json.loads(raw)["data"] if e["resource"] == "source" and e["action"] == "updated"]
    assert source[0]["after"]["secret"] == "[masked]"
    assert source[0]["after"]["name"] == "Site"


async def fixture_entries(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    """The tenant fixture's three keys, made by the service (as the command line does): no key
    made them, so their entries name none."""
    found = await entries(client, tenant)
    assert [(e["resource"], e["action"], e["key_id"]) for e in found] == [("api_key", "created", None)] * 3
    return found


async def test_a_refused_change_writes_nothing(client: httpx.AsyncClient, tenant: Tenant) -> None:
    bad = await client.post("/v1/routing/rules", json={"name": "x", "position": 1}, headers=tenant.admin)
    assert bad.status_code == 422
    missing = await client.patch("/v1/sla/policies/slp_nothing", json={"active": False}, headers=tenant.admin)
    assert missing.status_code == 404
    conflict = await client.post(
        "/v1/routing/rules", json={"name": "x", "position": 1, "strategy": "owner"}, headers=tenant.admin
    )
    assert conflict.status_code == 422
    await fixture_entries(client, tenant)


async def test_only_admin_keys_read_it_and_only_their_workspace(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await client.put("/v1/routing/settings", json={"route_on": "sql"}, headers=tenant.admin)
    for headers in (tenant.write, tenant.read):
        response = await client.get("/v1/audit-log", headers=headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get("/v1/audit-log")).status_code == 401
    mine = (await entries(client, tenant))[0]
    assert mine["resource"] == "routing_settings"
    assert len(await entries(client, tenant)) == 4
    await fixture_entries(client, other_tenant)
    assert await entries(client, other_tenant, resource_id=mine["resource_id"]) == []


async def test_filters_and_pages(client: httpx.AsyncClient, tenant: Tenant, clock: Clock) -> None:
    owners = [await add_owner(client, tenant, f"Owner{i}") for i in range(5)]
    admin_key = await key_id_of(client, tenant, "admin key")
    write_key = await key_id_of(client, tenant, "write key")
    middle = clock()
    with clock.travel(hours=1):
        await client.put("/v1/routing/settings", json={"route_on": "sql"}, headers=tenant.admin)
    assert [e["resource_id"] for e in await entries(client, tenant, resource_id=owners[2]["id"])] == [
        owners[2]["id"]
    ]
    assert len(await entries(client, tenant, key_id=write_key)) == 5
    assert [e["resource"] for e in await entries(client, tenant, key_id=admin_key)] == ["routing_settings"]
    later = (middle + timedelta(minutes=30)).isoformat()
    assert [e["resource"] for e in await entries(client, tenant, **{"from": later})] == ["routing_settings"]
    assert len(await entries(client, tenant, to=later)) == 5 + 3
    # Newest first, two at a time, every entry once.
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/audit-log", params=params, headers=tenant.admin)).json()
        seen += [e["id"] for e in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everything = await entries(client, tenant, limit=200)
    assert seen == [e["id"] for e in everything]
    assert len(seen) == 6 + 3
    assert everything[0]["resource"] == "routing_settings"


@pytest.mark.parametrize(
    ("params", "status", "problem"),
    [
        # Query parameters out of their declared types or ranges: FastAPI's validation.
        ({"resource": "lead"}, 422, "validation-error"),
        ({"resource": ""}, 422, "validation-error"),
        ({"limit": 0}, 422, "validation-error"),
        ({"limit": 201}, 422, "validation-error"),
        ({"limit": "ten"}, 422, "validation-error"),
        ({"from": "yesterday"}, 422, "validation-error"),
        ({"to": "2026-13-01T00:00:00Z"}, 422, "validation-error"),
        ({"key_id": "k" * 33}, 422, "validation-error"),
        ({"resource_id": ""}, 422, "validation-error"),
        # Both times valid, in the wrong order: the router's own check, a validation error too.
        ({"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, 422, "validation-error"),
        # A cursor is opaque: one the API did not give out is a bad request (api/pagination.py).
        ({"cursor": "not-a-cursor"}, 400, "bad-cursor"),
        ({"cursor": "W10"}, 400, "bad-cursor"),
    ],
)
async def test_bad_parameters_are_problems(
    client: httpx.AsyncClient, tenant: Tenant, params: dict[str, Any], status: int, problem: str
) -> None:
    response = await client.get("/v1/audit-log", params=params, headers=tenant.admin)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/" + problem), response.text


# ---- plans ------------------------------------------------------------------------------------

AUDIT_PLAN_ROWS = 20_000


def _audit_plan_nodes(node: dict[str, Any]) -> list[str]:
    """The plan's scans of audit_log that read it all, and its sorts."""
    found = []
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") == "audit_log":
        found.append("Seq Scan")
    if node.get("Node Type") == "Sort":
        found.append("Sort")
    for child in node.get("Plans", []):
        found += _audit_plan_nodes(child)
    return found


def test_the_audit_log_pages_are_served_by_its_indexes() -> None:
    """On PostgreSQL, over a workspace with many entries (analysed): the listing, a page deep in
    the cursor chain, a time range, one resource's and one key's history read audit_log through
    an index, and the listing needs no sort."""
    require_postgres()
    url = asyncio.run(migrated_pg_database(f"{PG_TEST_DB}_audit_plans"))
    found = asyncio.run(_audit_plans(url))
    assert found == {}, found


async def _audit_plans(url: str) -> dict[str, list[str]]:
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    try:
        for ws in ("ws_audit_a", "ws_audit_b"):
            await conn.execute("INSERT INTO workspaces (id, name, created_at) VALUES ($1, $1, now())", ws)
            await conn.execute(
                "INSERT INTO audit_log (id, workspace_id, at, key_id, action, resource, resource_id) "
                "SELECT $1 || '_' || g, $1, now() - make_interval(secs => g), 'key_' || (g % 50), "
                "'updated', 'owner', 'own_' || (g % 500) FROM generate_series(1, $2) AS g",
                ws,
                AUDIT_PLAN_ROWS,
            )
        await conn.execute("ANALYZE audit_log")
        now = datetime.now(UTC)
        statements = {
            "listing": entries_statement("ws_audit_a"),
            "deep page": entries_statement("ws_audit_a", before=(now - timedelta(hours=3), "ws_audit_a_9")),
            "time range": entries_statement("ws_audit_a", since=now - timedelta(hours=1), until=now),
            "one resource": entries_statement("ws_audit_a", resource="owner", resource_id="own_7"),
            "one key": entries_statement("ws_audit_a", key_id="key_7"),
        }
        found: dict[str, list[str]] = {}
        for name, statement in statements.items():
            sql = statement.compile(
                dialect=pg_dialect(),  # type: ignore[no-untyped-call]
                compile_kwargs={"literal_binds": True},
            )
            explained = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {sql}")
            [plan] = json.loads(explained) if isinstance(explained, str) else explained
            nodes = _audit_plan_nodes(plan["Plan"])
            # One resource's or key's history is few rows: sorting them is fine, reading all is not.
            if name in ("one resource", "one key"):
                nodes = [n for n in nodes if n != "Sort"]
            if nodes:
                found[name] = nodes
        return found
    finally:
        await conn.close()
