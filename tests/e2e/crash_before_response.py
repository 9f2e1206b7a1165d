"""The real leadapi app under uvicorn, killing its own process with SIGKILL the moment it would
start the response to a request that carries `X-Test-Die-Before-Response`: after everything the
request committed, before a byte of the answer leaves. No leadapi code is replaced; the wrapper
only chooses the instant of the kill, which a kill from outside could not hit reliably.

Run as `python -m tests.e2e.crash_before_response`, configured by the LEADAPI_* environment.
"""

from __future__ import annotations

import os
import signal

import uvicorn

from leadapi.api.middleware import ASGIApp, Message, Receive, Scope, Send
from leadapi.app import create_app
from leadapi.config import Settings

DIE_HEADER = "X-Test-Die-Before-Response"


def dying_before_response(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        armed = scope["type"] == "http" and any(
            name == DIE_HEADER.lower().encode() for name, _ in scope["headers"]
        )
        if not armed:
            await app(scope, receive, send)
            return

        async def die_at_start(message: Message) -> None:
            if message["type"] == "http.response.start":
                os.kill(os.getpid(), signal.SIGKILL)
            await send(message)

        await app(scope, receive, die_at_start)

    return wrapped


def main() -> None:
    settings = Settings()
    uvicorn.run(
        dying_before_response(create_app(settings)),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
