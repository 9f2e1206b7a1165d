"""Problems on the wire: ProblemError (leadapi.errors) rendered as RFC 9457 problem+json, and
the handlers that turn FastAPI's and Starlette's own errors into the same shape."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from leadapi.errors import PROBLEM_JSON, TITLES, ProblemError, validation_errors, validation_problem


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            # A lone surrogate echoed from the request (an unknown field named "\ud800") is no
            # UTF-8: send it as the JSON escape it arrived as.
            return json.dumps(content, allow_nan=False, separators=(",", ":")).encode()


def problem_response(problem: ProblemError, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return ProblemResponse(problem.body(instance), status_code=problem.status, headers=problem.headers)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(exc, request)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    if any(err.get("type") == "json_invalid" for err in raw):
        # Not a field problem: the body is not JSON at all.
        detail = next(
            (str(err.get("ctx", {}).get("error", "")) for err in raw if err.get("type") == "json_invalid"), ""
        )
        return problem_response(
            ProblemError(
                400,
                f"The request body is not valid JSON{': ' + detail if detail else ''}.",
                slug="malformed-json",
            ),
            request,
        )
    return problem_response(validation_problem(validation_errors(raw)), request)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(status, "Error")
    if status == 404 and detail == "Not Found":
        detail = f"No route matches {request.url.path!r}."
    headers = dict(exc.headers) if exc.headers else None
    if status == 405:
        detail = f"{request.method} is not allowed on {request.url.path!r}."
        # Starlette names only the first route that matched the path; a path served by several
        # routes (GET and POST /v1/leads) must list all of them.
        headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
    return problem_response(ProblemError(status, detail, headers=headers), request)


def _allowed_methods(request: Request) -> list[str]:
    """Methods some route fully matches for this path (asked through the routes' public API)."""
    return [
        method
        for method in ("DELETE", "GET", "PATCH", "POST", "PUT")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.routes
        )
    ]


async def _on_too_deep(request: Request, exc: Exception) -> JSONResponse:
    # Python's JSON parser recurses once per level: a body of 100,000 nested arrays is within
    # the size limit but exhausts the stack while FastAPI parses it, before any route runs.
    return problem_response(
        ProblemError(400, "The request body is nested too deeply.", slug="malformed-json"), request
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    # Unexpected exceptions: logged once and answered in leadapi.api.request_log.RequestLog.
    app.add_exception_handler(RecursionError, _on_too_deep)
