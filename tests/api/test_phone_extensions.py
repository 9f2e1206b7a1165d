"""Phone extensions are kept, not dropped: stored as E.164 with RFC 3966's `;ext=`, shown back,
and part of the phone's dedupe key (an extension is a different person behind one number)."""

from __future__ import annotations

import httpx

from tests.conftest import Tenant


async def test_a_phone_keeps_its_extension(client: httpx.AsyncClient, tenant: Tenant) -> None:
    first = await client.post("/v1/leads", json={"phone": "+1 415 555 2671 ext. 89"}, headers=tenant.write)
    assert first.status_code == 201, first.text
    lead = first.json()
    assert lead["phone"] == "+14155552671;ext=89"
    # The same number and extension written another way is the same lead.
    again = await client.post("/v1/leads", json={"phone": "(415) 555-2671 x89"}, headers=tenant.write)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == lead["id"]
    # Another extension, or none, is someone else.
    other = await client.post("/v1/leads", json={"phone": "+1 415 555 2671 ext. 90"}, headers=tenant.write)
    plain = await client.post("/v1/leads", json={"phone": "+1 415 555 2671"}, headers=tenant.write)
    assert (other.status_code, plain.status_code) == (201, 201)
    assert plain.json()["phone"] == "+14155552671"
    found = await client.get("/v1/leads", params={"phone": "+14155552671;ext=89"}, headers=tenant.read)
    assert [item["id"] for item in found.json()["data"]] == [lead["id"]]
    longest = "+1 415 555 2671 ext. " + "1" * 15
    stored = await client.post("/v1/leads", json={"phone": longest}, headers=tenant.write)
    assert stored.status_code == 201, stored.text
    assert stored.json()["phone"] == "+14155552671;ext=" + "1" * 15
