"""The MCP server over streamable HTTP at /mcp, behind the same API keys as REST.

Stateless and JSON-answering: each POST is one self-contained exchange, so any of several API
processes can answer any request (no session pinned to one process), and no tool here needs to
call back to the client mid-request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from leadapi.api.auth import principal_from_headers
from leadapi.api.middleware import Receive, Scope, Send, header, send_problem
from leadapi.errors import ProblemError
from leadapi.mcp.server import build_server, request_authenticator
from leadapi.services import Services

PATH = "/mcp"


class McpEndpoint:
    """ASGI endpoint: checks the bearer key as REST does (401 problem+json otherwise), then hands
    the request to the SDK's streamable HTTP transport with the principal on its state."""

    path = PATH

    def __init__(self, services: Services) -> None:
        self.services = services
        self.server: MCPServer[Any] = build_server(services, request_authenticator)
        # Builds the SDK's session manager; its routes are not used, this endpoint is. DNS
        # rebinding protection guards unauthenticated local servers: every request here must
        # carry an API key, which a rebinding page cannot read or send.
        self.server.streamable_http_app(
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        self.manager: StreamableHTTPSessionManager = self.server.session_manager

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The transport's task group, for the app's lifespan."""
        async with self.manager.run():
            yield

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            # Stateless: no server-initiated stream to GET (it would stay open, idle, for ever)
            # and no session to DELETE; the specification allows 405 for both.
            problem = ProblemError(
                405, "The MCP endpoint takes JSON-RPC messages by POST.", headers={"Allow": "POST"}
            )
            await send_problem(send, problem, scope["path"])
            return
        try:
            principal = await principal_from_headers(
                self.services.workspaces, header(scope, b"authorization"), header(scope, b"x-api-key")
            )
        except ProblemError as problem:
            await send_problem(send, problem, scope["path"])
            return
        # A scope of its own: the server's state may be shared by every request.
        scope = {**scope, "state": {**scope.get("state", {}), "principal": principal}}
        await self.manager.handle_request(scope, receive, send)
