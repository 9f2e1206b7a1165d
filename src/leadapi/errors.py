"""RFC 9457 problem details: one error shape for every failure, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from pydantic import ValidationError

from leadapi.logs import current_request

log = logging.getLogger("leadapi")
T = TypeVar("T")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://leadapi.dev/problems/"

TITLES = {
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
        self.title = title or TITLES.get(status, "Error")
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


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": TITLES[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status in (400, 401, 403, 404, 409, 412, 413, 415, 422)
}


async def attempt_item(work: Callable[[], Awaitable[T]]) -> tuple[T | None, list[dict[str, str]] | None]:
    """Run one batch item: (its result, None), or (None, field errors) when it failed.

    Bad input becomes that item's errors; an unexpected failure is logged and reported as the
    item's error too, so no item can sink the ones after it (each runs in a savepoint of its own).
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
