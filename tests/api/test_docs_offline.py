"""/docs and /redoc work offline: every script, stylesheet and icon they load is served by
leadapi itself (from the fastapi-offline package), none from a CDN."""

from __future__ import annotations

import re

import httpx
import pytest


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_load_only_their_own_assets(client: httpx.AsyncClient, page: str) -> None:
    html = (await client.get(page)).text
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets, html
    assert not [url for url in assets if "//" in url], "an asset from another host"
    assert not re.search(r"https?://", html.replace("http://www.w3.org", "")), "a URL to another host"
    for url in assets:
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    # The page's JavaScript is there, not only its <script> tag.
    scripts = [url for url in assets if url.endswith(".js")]
    assert scripts
