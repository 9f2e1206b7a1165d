"""Logging: one record per request (and one per error), each carrying its request's id.

The request's facts live in a context variable that the request-log middleware sets; a filter on
every handler copies them onto each record, so a record logged anywhere below (a service, the
database layer, a library) names the request it belongs to. `LEADAPI_LOG_FORMAT` picks readable
text (the default) or one JSON object per record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

LogFormat = Literal["text", "json"]

# The facts a record carries about its request; "-" where a record has none (startup, background).
REQUEST_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "key_id", "workspace")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


@dataclass
class RequestInfo:
    """What is known about the request being served; filled in as it goes (the key once it is
    checked, the route once one matches, the status once the answer starts)."""

    request_id: str
    method: str
    path: str
    route: str | None = None
    status: int | None = None
    key_id: str | None = None
    workspace: str | None = None
    duration_ms: float | None = None


current_request: ContextVar[RequestInfo | None] = ContextVar("leadapi_request", default=None)


class RequestContextFilter(logging.Filter):
    """Puts the current request's facts on every record (fields a record already has win, so the
    request record itself can carry its final status and duration)."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request.get()
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                continue
            value = getattr(info, name, None) if info is not None else None
            setattr(record, name, "-" if value is None else value)
        return True


def make_formatter(fmt: LogFormat) -> logging.Formatter:
    """Readable text (the request id in brackets), or one JSON object per record whose keys
    include every request field."""
    if fmt == "json":
        from pythonjsonlogger.core import RESERVED_ATTRS
        from pythonjsonlogger.json import JsonFormatter

        # uvicorn's startup lines carry a colourised copy of their message: once is enough.

        return JsonFormatter(
            JSON_FORMAT,
            rename_fields={"levelname": "level", "asctime": "time", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "color_message", "taskName"],
        )
    return logging.Formatter(TEXT_FORMAT)


def logging_config(level: str, fmt: LogFormat) -> dict[str, Any]:
    """A `logging.config.dictConfig` document for `leadapi serve` (uvicorn applies it in every
    worker): the root logger, leadapi's and uvicorn's through one handler and one format."""
    formatter = {"()": make_formatter, "fmt": fmt}
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "leadapi",
        "filters": ["request"],
        "stream": "ext://sys.stderr",
    }
    loggers = {
        name: {"handlers": ["default"], "level": level.upper(), "propagate": False}
        for name in ("leadapi", "uvicorn", "uvicorn.error")
    }
    # leadapi writes its own record per request: uvicorn's access lines would say it twice.
    loggers["uvicorn.access"] = {"handlers": [], "level": "WARNING", "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContextFilter}},
        "formatters": {"leadapi": formatter},
        "handlers": {"default": handler},
        "loggers": loggers,
        "root": {"handlers": ["default"], "level": "WARNING"},
    }


@contextmanager
def root_logging_kept() -> Iterator[None]:
    """Runs a block that may reconfigure the root logger (the MCP SDK's server calls
    `logging.basicConfig` with a rich traceback handler, which printed about a thousand lines per
    error), then puts the root logger's handlers and level back as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for added in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(added)
            added.close()
        for kept in handlers:
            if kept not in root.handlers:
                root.addHandler(kept)
        root.setLevel(level)
