"""Where webhooks may point, over HTTP on SQLite and PostgreSQL: malformed URLs and addresses
that are not globally routable are refused with a problem (nothing stored), and the check holds
again when connecting, whatever the name resolved to when the subscription was written.

The session's app allows private targets (its receivers are on loopback); the refusals are
checked on an app of this module with the setting at its default (off), on the same database."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.outbound.transport import ForbiddenTarget, GuardedTransport, guarded_client
from leadapi.webhooks.loop import WebhookSender
from leadapi.webhooks.service import WebhookService
from tests.api.webhook_receiver import Receiver
from tests.conftest import Clock, Tenant, make_tenant, serving
from tests.factories import deliveries, fan_out, new_lead, services, subscribe, within

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
async def strict_client(settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    strict = settings.model_copy(update={"webhooks_allow_private": False})
    async with serving(create_app(strict, clock=clock)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as http:
            yield http


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"][0]["field"] == "url", problem


# ---- malformed URLs ------------------------------------------------------------------------------

GOOD = "https://hooks.example.com:8443/in/leadapi?x=1"
bad_ports = st.one_of(st.integers(65536, 10**12), st.just(0)).map(lambda p: f"https://example.com:{p}/h")
odd_ports = st.sampled_from(["abc", "-1", "80a", "+80", " 80", "8_0", "0x50", "١٢٣"]).map(
    lambda p: f"http://example.com:{p}/h"
)
# A space, a control character or a non-ASCII one inside an otherwise good URL.
spoiled = st.tuples(
    st.integers(1, len(GOOD) - 1),  # inside: surrounding whitespace is trimmed, as for any field
    st.one_of(
        st.sampled_from([" ", "\t", "\n", "\r", "\x00", "\x7f", "<", ">", '"', "{", "|", "\\", "^", "`"]),
        st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF, exclude_categories=["Cs"]),
    ),
).map(lambda t: GOOD[: t[0]] + t[1] + GOOD[t[0] :])
brackets = st.sampled_from(
    [
        "http://[::1/hook",
        "http://[2001:db8::1:8080/hook",
        "http://example.com]/hook",
        "http://[example.com]/hook",
        "http://[1.2.3.4]/hook",
        "http://[[::1]]/hook",
        "http://[::1]]:80/hook",
        "http://[]:80/hook",
        "http://[fe80::1%25eth0/hook",
    ]
)
hostless = st.sampled_from(
    ["http:///hook", "https://:443/hook", "http://@/hook", "http://user@:80/", "https://?x", "http://#f"]
)
bad_hosts = st.sampled_from(
    [
        "http://-bad.example.com/",
        "http://bad-.example.com/",
        "http://a..b/",
        "http://" + "a" * 64 + ".com/",
        "http://" + ".".join(["abcdefgh"] * 40) + "/",
        "http://999.1.1.1/",
        "http://1.2.3/",
        "http://0x7f.1/",
        "http://exa%6dple.com/",
        "http://example.com:80:80/",
        "http://example.com:/",
    ]
)
bad_schemes = st.sampled_from(
    ["ftp://example.com/x", "javascript:alert(1)", "file:///etc/passwd", "//example.com/x", "example.com"]
)
malformed = st.one_of(bad_ports, odd_ports, spoiled, brackets, hostless, bad_hosts, bad_schemes)


@EXAMPLES
@given(url=malformed)
async def test_malformed_urls_are_a_problem_not_a_500(
    client: httpx.AsyncClient, tenant: Tenant, url: str
) -> None:
    response = await client.post(
        "/v1/webhooks", json={"url": url, "events": ["lead.*"]}, headers=tenant.admin
    )
    if response.status_code == 201:  # only if what was generated is a good URL after all
        pytest.fail(f"{url!r} was taken")
    assert_refused(response)


async def test_malformed_urls_are_refused_on_update_and_nothing_is_stored(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    sub = await subscribe(client, tenant, "https://hooks.example.com/x")
    for url in ("https://example.com:99999/", "http://[::1/x", "https://exa mple.com/"):
        response = await client.patch(f"/v1/webhooks/{sub['id']}", json={"url": url}, headers=tenant.admin)
        assert_refused(response)
    listed = (await client.get("/v1/webhooks", headers=tenant.read)).json()["data"]
    assert [s["url"] for s in listed] == ["https://hooks.example.com/x"]
    await client.delete(f"/v1/webhooks/{sub['id']}", headers=tenant.admin)


async def test_good_urls_pass(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for url in (
        GOOD,
        "http://93.184.215.14/hook",
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:8443/x",
        "https://hooks.example.com/a%20b?q=%E2%9C%93#frag",
        "https://user:pa%24s@hooks.example.com/",
        "https://xn--bcher-kva.example/",
        "https://my_host.example.com/",
        "https://hooks.example.com./",
    ):
        sub = await subscribe(client, tenant, url)
        await client.delete(f"/v1/webhooks/{sub['id']}", headers=tenant.admin)


# ---- addresses that are not globally routable -------------------------------------------------


non_global_v4 = st.one_of(
    *map(within, ["100.64.0.0/10", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8"]),
    *map(within, ["169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4", "192.0.0.0/24", "0.0.0.0/8"]),
).map(str)


def carried(v4: str, how: str) -> str:
    n = int(ipaddress.IPv4Address(v4))
    if how == "mapped":
        return f"[::ffff:{v4}]"
    if how == "nat64":
        return f"[{ipaddress.IPv6Address((0x64FF9B << 96) | n)}]"
    if how == "6to4":
        return f"[{ipaddress.IPv6Address((0x2002 << 112) | (n << 80) | 1)}]"
    return f"[{ipaddress.IPv6Address((0x20010000 << 96) | (0x41 << 64) | (n ^ 0xFFFFFFFF))}]"  # Teredo


forbidden_hosts = st.one_of(
    non_global_v4,
    st.tuples(non_global_v4, st.sampled_from(["mapped", "nat64", "6to4", "teredo"])).map(
        lambda t: carried(*t)
    ),
    st.one_of(*map(within, ["fc00::/7", "fe80::/10", "ff00::/8", "::1/128", "2001:db8::/32"])).map(
        lambda h: f"[{h}]"
    ),
    st.sampled_from(["100.100.100.200", "[fd00:ec2::254]", "168.63.129.16", "192.0.0.192", "169.254.170.2"]),
)


@EXAMPLES
@given(host=forbidden_hosts)
async def test_targets_that_are_not_globally_routable_are_refused(
    strict_client: httpx.AsyncClient, app: FastAPI, host: str
) -> None:
    tenant = await _tenant(app)
    body = {"url": f"https://{host}/hook", "events": ["lead.*"]}
    assert_refused(await strict_client.post("/v1/webhooks", json=body, headers=tenant.admin))


_tenants: dict[int, Tenant] = {}


async def _tenant(app: FastAPI) -> Tenant:
    """One workspace for every generated example (a workspace per example would be hundreds)."""
    if id(app) not in _tenants:
        _tenants[id(app)] = await make_tenant(app, "targets")
    return _tenants[id(app)]


async def test_names_resolving_to_loopback_are_refused_on_write(
    strict_client: httpx.AsyncClient, app: FastAPI
) -> None:
    tenant = await _tenant(app)
    body = {"url": "http://localhost:8080/hook", "events": ["lead.*"]}
    assert_refused(await strict_client.post("/v1/webhooks", json=body, headers=tenant.admin))
    assert (await strict_client.get("/v1/webhooks", headers=tenant.read)).json()["data"] == []


# ---- at connect time ---------------------------------------------------------------------------


async def test_the_client_refuses_at_connect_time_and_keeps_the_host(
    receiver: Receiver,
) -> None:
    port = receiver.base.rsplit(":", 1)[1]
    async with guarded_client(timeout=5, allow_private=False) as strict:
        with pytest.raises(ForbiddenTarget, match="loopback"):
            await strict.post(f"http://localhost:{port}/ok", content=b"{}")
        with pytest.raises(ForbiddenTarget, match="loopback"):
            await strict.post(f"http://127.0.0.1:{port}/ok", content=b"{}")
    assert receiver.at("/ok") == []
    # Allowed, it connects to the address it resolved, and the request still names the host.
    async with guarded_client(timeout=5, allow_private=True) as lax:
        assert (await lax.post(f"http://localhost:{port}/ok", content=b"{}")).status_code == 200
    [got] = receiver.at("/ok")
    assert got.headers["host"] == f"localhost:{port}"


async def test_a_delivery_to_a_name_now_resolving_to_loopback_is_refused_when_connecting(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: Tenant,
    receiver: Receiver,
    clock: Clock,
) -> None:
    """The subscription was taken where private targets were allowed (as if the name had then
    resolved to a public address); the sender, strict, refuses it as it connects."""
    port = receiver.base.rsplit(":", 1)[1]
    sub = await subscribe(client, tenant, f"http://localhost:{port}/ok", ["lead.created"])
    await new_lead(client, tenant, "rebound@acme.com")
    await fan_out(app)
    strict = WebhookService(clock, timeout=5, allow_private=False, sealer=services(app).sealer)
    sender = WebhookSender(app.state.db, strict)
    try:
        while await sender.deliver_once():
            pass
    finally:
        await sender.close()
        await strict.close()
    [refused] = await deliveries(client, tenant, sub["id"])
    assert refused["status"] == "pending"
    assert refused["last_error"].startswith("refused: the host 'localhost' resolves to a loopback"), refused
    assert receiver.at("/ok") == []


async def test_tls_verifies_the_host_name_while_connecting_to_the_checked_address(tmp_path: Path) -> None:
    """The transport connects to the address it resolved and checked, yet TLS is for the name:
    a certificate for `localhost` alone (no IP address in it) verifies, so SNI and the hostname
    check used the URL's host, not the address."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    seen: list[str] = []

    async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        seen.append(dict(scope["headers"])[b"host"].decode())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        hello, log_level="warning", lifespan="off", ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    trusting = ssl.create_default_context(cafile=str(cert_file))
    try:
        transport = GuardedTransport(allow_private=True, verify=trusting)
        async with httpx.AsyncClient(transport=transport, timeout=10) as tls:
            assert (await tls.get(f"https://localhost:{port}/")).status_code == 200
            with pytest.raises(httpx.ConnectError, match=r"(?i)certificate|hostname|IP address"):
                await tls.get(f"https://127.0.0.1:{port}/")  # the certificate does not name the address
        assert seen == [f"localhost:{port}"]
    finally:
        server.should_exit = True
        await task
