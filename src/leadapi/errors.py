"""RFC 9457 problem details: one error shape for every failure, never a stack trace."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from leadapi.logs import current_request

log = logging.getLogger("leadapi")
T = TypeVar("T")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://leadapi.dev/problems/"

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}

_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    408: "request-timeout",
    409: "conflict",
    412: "precondition-failed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    428: "precondition-required",
    500: "internal-error",
    503: "unavailable",
}


class ProblemError(Exception):
    """Raise anywhere below the router; the handler renders it as problem+json."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        errors: Sequence[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or _SLUGS.get(status, "error")
        self.title = title or _TITLES.get(status, "Error")
        self.errors = list(errors) if errors else None
        self.headers = headers
        self.extra = extra or {}

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        request = current_request.get()
        if request is not None:
            # The id the response's X-Request-Id header carries and every log record names.
            body["request_id"] = request.request_id
        return body


def not_found(what: str, ident: str) -> ProblemError:
    return ProblemError(404, f"{what} {ident!r} does not exist.")


def validation_problem(errors: Sequence[dict[str, str]], detail: str | None = None) -> ProblemError:
    return ProblemError(422, detail or "The request has invalid fields.", errors=errors)


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


def _field_path(loc: Sequence[Any]) -> str:
    """('body', 'leads', 3, 'email') -> 'leads[3].email'; the 'body'/'query' root is dropped."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"


def validation_errors(raw: Sequence[Any]) -> list[dict[str, str]]:
    errors = []
    for err in raw:
        message = str(err.get("msg", "invalid"))
        # Pydantic prefixes messages of custom validators; the user needs only the sentence.
        message = message.removeprefix("Value error, ")
        errors.append({"field": _field_path(err.get("loc", ())), "message": message})
    return errors


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
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(status, "Error")
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


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": _TITLES[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status in (400, 401, 403, 404, 409, 412, 413, 415, 422)
}


async def attempt_item(work: Callable[[], Awaitable[T]]) -> tuple[T | None, list[dict[str, str]] | None]:
    """Run one batch item: (its result, None), or (None, field errors) when it failed.

    Bad input becomes that item's errors; an unexpected failure is logged and reported as the
    item's error too, so no item can sink the ones after it (each runs in its own transaction).
    """
    try:
        return await work(), None
    except ValidationError as exc:
        return None, validation_errors(exc.errors())
    except ProblemError as exc:
        return None, exc.errors or [{"field": "", "message": exc.detail}]
    except Exception:
        log.exception("batch item failed unexpectedly")
        return None, [{"field": "", "message": "internal error; it has been logged"}]
