"""The capture's floor served through leadapi's own request path:
`uvicorn --factory bench.stack_floor:make_app`.

leadapi's app as `leadapi serve` runs it (its middlewares: request log, metrics, rate limits,
body guard, idempotency; the key checked by the `write` scope's dependency; the body validated
by leadapi's `LeadCreate`; the request's transaction dependency), with one more route,
`POST /v1/floor/leads`, that writes what the baseline app's floor writes (bench/baseline_app.py,
FLOOR_SQL: the lead's row and its `lead.created` and `lead.scored` events, one statement) and
nothing else: no normalising, dedupe, scoring, flow or events numbered. Run with the background
work off (`LEADAPI_BACKGROUND_IN_SERVE=false`) on the baseline's copy of the database.

Against the floor it is what leadapi's request path costs before any of its lead work; against
`POST /v1/leads`, what the lead work (and the background work it sets off) costs.
"""

from __future__ import annotations

import gc

from fastapi import FastAPI, Response
from pydantic_core import to_json
from starlette.routing import BaseRoute

from bench.baseline_app import FLOOR_SQL, LeadIn, floor_arguments
from leadapi.api.auth import Writer
from leadapi.api.deps import Tx
from leadapi.app import create_app
from leadapi.db import Database
from leadapi.leads.schemas import LeadCreate

_FLOOR_FIELDS = set(LeadIn.model_fields)  # the floor's document holds the baseline body's fields


async def floor_lead(conn: Tx, body: LeadCreate, principal: Writer) -> Response:
    arguments, lead = floor_arguments(principal.workspace_id, body.model_dump(include=_FLOOR_FIELDS))
    driver = await Database.driver(conn)  # as the one-statement capture runs: autocommitted
    await driver.execute(FLOOR_SQL, *arguments)
    return Response(to_json(lead), status_code=201, media_type="application/json")


def with_floor(app: FastAPI) -> FastAPI:
    """leadapi's `app` with `POST /v1/floor/leads` (not in its OpenAPI document), matched where
    `POST /v1/leads` is: FastAPI tries the app's routes in order, and a route at the end of the
    list would pay for passing over every other router first, which `POST /v1/leads` does not."""
    app.add_api_route(
        "/v1/floor/leads", floor_lead, methods=["POST"], status_code=201, include_in_schema=False
    )
    routes = app.router.routes
    floor = routes.pop()
    routes.insert(next(i for i, route in enumerate(routes) if _serves(route, "/v1/leads")), floor)
    return app


def _serves(route: BaseRoute, path: str) -> bool:
    """Whether `route` is, or is a router that holds, the route at `path`."""
    included = getattr(route, "original_router", None)  # an included router (FastAPI's own type)
    if included is not None:
        return any(_serves(inner, path) for inner in included.routes)
    return getattr(route, "path", None) == path


def make_app() -> FastAPI:
    """As leadapi.main makes the app `leadapi serve` runs (settings from the environment)."""
    app = with_floor(create_app())
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)
    return app
