"""Field provenance: where each of a lead's field values came from, and when. Pure: no I/O.

A lead stores `{field: {"source": ..., "at": ...}}` beside its fields (`leads.provenance`),
stamped by every write of a field in the same statement as the value: a source is `api`,
`import`, `form:<source name>`, `enrichment:<provider name>`, `merge` or `automation`. A field of
`attributes` is stamped as `attributes.<key>`, since providers and forms fill them one by one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leadapi.leads.fields import SCALAR_FIELDS

API = "api"
IMPORT = "import"
MERGE = "merge"
AUTOMATION = "automation"

# Fields whose values are someone's input (the derived and workflow fields have their own history).
TRACKED: frozenset[str] = frozenset((*SCALAR_FIELDS, "tags", "external_ids", "unsubscribed"))


def form(source_name: str) -> str:
    return f"form:{source_name}"


def enrichment(provider_name: str) -> str:
    return f"enrichment:{provider_name}"


def _empty(name: str, value: Any) -> bool:
    # Not unsubscribed is every lead's default, not anyone's input; a consent of false is.
    return value is None or value == [] or value == {} or (name == "unsubscribed" and value is False)


def stamped(
    current: Mapping[str, Any] | None,
    before: Mapping[str, Any],
    changes: Mapping[str, Any],
    origin: str,
    at: datetime,
) -> dict[str, Any]:
    """`current` with the fields that `changes` gives a new value over `before` stamped as coming
    from `origin` at `at` (a new lead: `before` empty)."""
    stamp = {"source": origin, "at": at.isoformat()}
    out = dict(current or {})
    for name, value in changes.items():
        if name == "attributes":
            old = before.get("attributes") or {}
            for key, item in (value or {}).items():
                if old.get(key) != item:
                    out[f"attributes.{key}"] = stamp
            for key in old:
                if key not in (value or {}):
                    out.pop(f"attributes.{key}", None)
        elif name in TRACKED and before.get(name) != value:
            if _empty(name, value):
                out.pop(name, None)  # no value: nothing to explain
            else:
                out[name] = stamp
    return out
