"""The pure rules of a lead: normalising what a request gives, the fields derived from it,
which existing lead a capture matches, what a merge or a patch changes. No I/O: the service
loads the rows and writes what these decide."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadapi.errors import validation_problem
from leadapi.leads import normalize
from leadapi.leads.fields import SCALAR_FIELDS
from leadapi.leads.provenance import stamped
from leadapi.leads.versions import bumped


def normalize_fields(fields: dict[str, Any], phone_region: str) -> dict[str, Any]:
    """Normalise the semantic fields of a validated request in place; all problems at once."""
    errors: list[dict[str, str]] = []
    normalizers: dict[str, Callable[[str], str]] = {
        "email": normalize.normalize_email,
        "phone": lambda value: normalize.normalize_phone(value, phone_region),
        "country": normalize.normalize_country,
        "website": normalize.website_domain,
    }
    for name, value in fields.items():
        if isinstance(value, str) and value == "":
            fields[name] = None  # an empty string is an absent value, not a value
        elif value is not None and name in normalizers:
            try:
                fields[name] = normalizers[name](value)
            except normalize.FieldError as exc:
                errors.append({"field": name, "message": exc.message})
    if errors:
        raise validation_problem(errors)
    return fields


def derived(row: Mapping[str, Any]) -> dict[str, Any]:
    email = row.get("email")
    domain = normalize.derive_domain(row.get("website"), email)
    mail_domain = normalize.email_domain(email) if email else None
    return {
        "domain": domain,
        "is_free_email": bool(mail_domain and normalize.is_free_email_domain(mail_domain)),
        "is_disposable_email": bool(mail_domain and normalize.is_disposable_email_domain(mail_domain)),
        "is_role_email": bool(email and normalize.is_role_email(email)),
        "seniority": normalize.seniority(row.get("title")),
    }


def revised(
    lead: Mapping[str, Any], changes: Mapping[str, Any], now: datetime, origin: str
) -> dict[str, Any]:
    """`changes` to `lead` as written: with the fields derived from the changed lead, the changed
    fields' provenance (from `origin`), the next version and `updated_at`."""
    provenance = stamped(lead.get("provenance"), lead, changes, origin, now)
    return bumped(lead, {**changes, **derived({**lead, **changes}), "provenance": provenance}, now)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def merge_values(existing: Mapping[str, Any], incoming: Mapping[str, Any], overwrite: bool) -> dict[str, Any]:
    """What changes when `incoming` is merged into `existing`.

    Empty fields are filled; non-empty ones change only with `overwrite`. Tags are unioned,
    attributes and external ids are added key by key. An unsubscribe is never undone by a merge:
    only an explicit update can clear it.
    """
    changes: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        new = incoming.get(name)
        if new is None:
            continue
        old = existing.get(name)
        if old is None or (overwrite and old != new):
            changes[name] = new
    new_tags = incoming.get("tags") or []
    if any(tag not in existing["tags"] for tag in new_tags):
        changes["tags"] = list(dict.fromkeys([*existing["tags"], *new_tags]))
    for name in ("attributes", "external_ids"):
        new_map = incoming.get(name) or {}
        old_map = existing[name]
        added = {k: v for k, v in new_map.items() if v is not None and (k not in old_map or overwrite)}
        if any(old_map.get(k) != v for k, v in added.items()):
            changes[name] = {**old_map, **added}
    if incoming.get("unsubscribed") and not existing["unsubscribed"]:
        changes["unsubscribed"] = True
    return changes


def diff(before: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [_jsonable(before.get(name)), _jsonable(value)]
        for name, value in changes.items()
        if before.get(name) != value
    }


# The exact keys a capture can match an existing lead by, and those that count by default.
DEDUPE_KEYS = ("email", "phone", "external_ids", "attribute")
DEFAULT_DEDUPE_KEYS = frozenset({"email", "phone", "external_ids"})


@dataclass(frozen=True, slots=True)
class DedupePolicy:
    """What a capture does with a lead it matches by an exact key: `auto_merge` merges into it,
    `flag_only` creates the new lead anyway and queues the pair for review; `keys`: which exact
    keys count (`attribute`: the value of `attributes.<attribute>`)."""

    mode: str = "auto_merge"
    keys: frozenset[str] = DEFAULT_DEDUPE_KEYS
    attribute: str | None = None

    def attribute_value(self, fields: Mapping[str, Any]) -> Any:
        """The capture's value of the policy's attribute, when it counts (strings and numbers:
        what two systems would both call an id)."""
        if "attribute" not in self.keys or self.attribute is None:
            return None
        value = (fields.get("attributes") or {}).get(self.attribute)
        return value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


DEFAULT_POLICY = DedupePolicy()


def policy_for(settings: Mapping[str, Any] | None, source_id: str | None) -> DedupePolicy:
    """The policy a capture follows: its form source's own, else the workspace's, else the
    default."""
    if settings is None:
        return DEFAULT_POLICY
    rule = (settings.get("sources") or {}).get(source_id) if source_id else None
    chosen = rule if rule is not None else settings
    return DedupePolicy(chosen["mode"], frozenset(chosen["keys"]), chosen.get("attribute"))


def pick_match(
    matches: Sequence[dict[str, Any]],
    fields: Mapping[str, Any],
    owners: Mapping[tuple[str, str], str],
    policy: DedupePolicy = DEFAULT_POLICY,
) -> tuple[dict[str, Any] | None, str | None]:
    """Dedupe order: same email, else same external id, else same chosen attribute, else same
    phone; only the keys the policy counts.

    A phone alone is weak evidence (switchboards, shared numbers): it matches only when the
    two leads cannot be told apart by email, i.e. one of them has none.
    """
    if not matches:
        return None, None
    by_id = {m["id"]: m for m in matches}
    email = fields.get("email")
    if email and "email" in policy.keys:
        # The lead holding the email's slot first (a flagged lead may share its email).
        for lead in sorted(matches, key=lambda m: m.get("dedupe_slot") or ""):
            if lead["email"] == email:
                return lead, "email"
    if "external_ids" in policy.keys:
        for system, value in (fields.get("external_ids") or {}).items():
            lead_id = owners.get((system, value))
            if lead_id in by_id:
                return by_id[lead_id], "external_id"
    wanted = policy.attribute_value(fields)
    if wanted is not None and policy.attribute is not None:
        for lead in matches:
            if (lead.get("attributes") or {}).get(policy.attribute) == wanted:
                return lead, "attribute"
    phone = fields.get("phone")
    if phone and "phone" in policy.keys:
        for lead in matches:
            if lead["phone"] == phone and (not email or not lead["email"]):
                return lead, "phone"
    return None, None


def holds_email(matches: Sequence[Mapping[str, Any]], email: str | None) -> bool:
    """Whether one of these leads holds `email`'s slot: a new lead with it needs its own."""
    return bool(email) and any(m["email"] == email and not m.get("dedupe_slot") for m in matches)


def patch_values(lead: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """Merge-patch semantics: absent stays, null clears, maps merge key by key."""
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("attributes", "external_ids"):
            merged = dict(lead[name])
            for key, item in (value or {}).items():
                if item is None:
                    merged.pop(key, None)
                else:
                    merged[key] = item
            if value is None:
                merged = {}
            changes[name] = merged
        elif name == "tags":
            changes[name] = value or []
        else:
            changes[name] = value
    return {k: v for k, v in changes.items() if lead.get(k) != v}
