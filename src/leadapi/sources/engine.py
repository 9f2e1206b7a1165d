"""Inbound form submissions: checking a provider's signature, reading its payload, and mapping it
onto a lead and its `form_submit` event. Pure: no I/O.

Signatures (HMAC-SHA256 over the raw body, compared in constant time):
- generic: `X-Leadapi-Signature: t=<unix seconds>,v1=<hex hmac of "<t>.<body>">`, 5 minutes' tolerance;
  up to 8 `v1` values (a sender rotating its secret signs with both) and any other parameters,
  which sign nothing we check and are ignored;
- typeform: `Typeform-Signature: sha256=<base64 hmac of the body>` (Typeform's scheme);
- hubspot: `X-HubSpot-Signature-v3: <base64 hmac of method + uri + body + timestamp>` with
  `X-HubSpot-Request-Timestamp` (milliseconds), 5 minutes' tolerance (HubSpot's v3 scheme).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from leadapi.leads.fields import SCALAR_FIELDS

KINDS = ("generic", "typeform", "hubspot")
TOLERANCE = timedelta(minutes=5)
# Bounds on what a generic signature header may make us do: v1 values compared, characters read.
MAX_SIGNATURES = 8
MAX_SIGNATURE_HEADER = 4096
# Where a mapping may put a value: a lead field, tags, an attribute, an external id, or a
# property of the form_submit event.
TARGET = re.compile(r"^(tags|(attributes|properties|external_ids)\.[A-Za-z0-9_.-]{1,100})$")
_INDEX = re.compile(r"\[(\d+)\]")


class SignatureError(ValueError):
    pass


class PayloadError(ValueError):
    pass


def valid_target(target: str) -> bool:
    return target in SCALAR_FIELDS or bool(TARGET.match(target))


def _hmac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def verify(
    kind: str, secret: str, headers: Mapping[str, str], body: bytes, method: str, url: str, now: datetime
) -> None:
    """Raise SignatureError unless the request carries a valid, fresh signature for its kind
    (`headers` with lower-case names)."""
    if kind == "generic":
        stamp, signatures = _generic_signature(headers.get("x-leadapi-signature", ""))
        _fresh(int(stamp), now)
        expected = _hmac(secret, stamp.encode() + b"." + body).hex()
        # Every candidate is compared (no early exit), each in constant time.
        if not [candidate for candidate in signatures if hmac.compare_digest(expected, candidate)]:
            raise SignatureError("the signature does not match the body")
    elif kind == "typeform":
        given = headers.get("typeform-signature", "")
        if not given.startswith("sha256="):
            raise SignatureError("Typeform-Signature is missing or malformed (sha256=<base64>)")
        expected = "sha256=" + base64.b64encode(_hmac(secret, body)).decode()
        if not hmac.compare_digest(expected, given):
            raise SignatureError("the signature does not match the body")
    elif kind == "hubspot":
        given = headers.get("x-hubspot-signature-v3", "")
        stamp = headers.get("x-hubspot-request-timestamp", "")
        if not given or not stamp.isdigit():
            raise SignatureError("X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp is missing")
        _fresh(int(stamp) // 1000, now)
        message = method.encode() + url.encode() + body + stamp.encode()
        expected = base64.b64encode(_hmac(secret, message)).decode()
        if not hmac.compare_digest(expected, given):
            raise SignatureError("the signature does not match the request")
    else:  # pragma: no cover - kinds are validated on write
        raise SignatureError(f"unknown kind {kind!r}")


def _generic_signature(header: str) -> tuple[str, list[str]]:
    """(the signed timestamp, the v1 signatures) of an `X-Leadapi-Signature` header. Unknown
    parameters are skipped; the work is bounded by the header's length and the v1 count."""
    malformed = "X-Leadapi-Signature is missing or malformed (t=<unix>,v1=<hex>)"
    if len(header) > MAX_SIGNATURE_HEADER:
        raise SignatureError(f"X-Leadapi-Signature is longer than {MAX_SIGNATURE_HEADER} characters")
    stamps: set[str] = set()
    given: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            stamps.add(value.strip())
        elif name == "v1":
            given.append(value.strip())
    # Two different timestamps: which one was signed is ambiguous, so neither is trusted.
    if len(stamps) != 1 or not given:
        raise SignatureError(malformed)
    [stamp] = stamps
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 12:
        raise SignatureError(malformed)
    if len(given) > MAX_SIGNATURES:
        raise SignatureError(f"X-Leadapi-Signature carries more than {MAX_SIGNATURES} v1 signatures")
    return stamp, given


def _fresh(seconds: int, now: datetime) -> None:
    if abs(now.timestamp() - seconds) > TOLERANCE.total_seconds():
        raise SignatureError("the signature's timestamp is more than 5 minutes away from now")


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (Python's parser takes them); PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e400 parses as infinity
        raise ValueError(f"{text[:20]} is too large a number")
    return number


def parse(content_type: str, body: bytes) -> dict[str, Any]:
    """A JSON object, or a form-encoded body as a flat object (repeated keys: lists)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=bool(body))
        except (UnicodeDecodeError, ValueError) as exc:
            raise PayloadError("the form-encoded body does not parse") from exc
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                out[key] = [*out[key], value] if isinstance(out[key], list) else [out[key], value]
            else:
                out[key] = value
        return out
    try:
        payload = json.loads(body, parse_constant=_no_constant, parse_float=_finite)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError("the body is not valid JSON") from exc
    except RecursionError as exc:  # Python's parser recurses once per level of nesting
        raise PayloadError("the JSON body is nested too deeply") from exc
    if not isinstance(payload, dict):
        raise PayloadError("the JSON body is not an object")
    return payload


def dedupe_key(kind: str, payload: Mapping[str, Any] | None, body: bytes) -> str:
    """What identifies a submission within its source: the provider's id for it where it sends
    one, else the submission itself (its parsed payload in a canonical form: keys sorted, no
    insignificant whitespace; the raw body when it does not parse). Never the signature headers:
    a provider re-signs every retry (a new timestamp, other parameters), and a retry of the same
    submission must have the same key."""
    provider_id: Any = None
    if payload is not None and kind == "typeform":
        response = payload.get("form_response")
        provider_id = payload.get("event_id") or (
            response.get("token") if isinstance(response, dict) else None
        )
    elif payload is not None and kind == "hubspot":
        provider_id = payload.get("eventId") or payload.get("submissionId") or payload.get("conversionId")
    if isinstance(provider_id, str | int) and not isinstance(provider_id, bool) and str(provider_id):
        return f"id:{provider_id}"[:200]
    if payload is None:
        return "body:" + hashlib.sha256(body).hexdigest()
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "payload:" + hashlib.sha256(canonical.encode(errors="surrogatepass")).hexdigest()


def _path(payload: Any, path: str) -> Any:
    node = payload
    for part in _INDEX.sub(r".\1", path).split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _typeform_answer(answer: Mapping[str, Any]) -> Any:
    kind = answer.get("type")
    if kind == "choice":
        return (answer.get("choice") or {}).get("label")
    if kind == "choices":
        return (answer.get("choices") or {}).get("labels")
    return answer.get(kind) if isinstance(kind, str) else None


def _lookup(kind: str, payload: Mapping[str, Any], key: str) -> Any:
    if kind == "typeform":
        response = payload.get("form_response") or {}
        for answer in response.get("answers") or []:
            if isinstance(answer, dict) and key in (
                (answer.get("field") or {}).get("ref"),
                (answer.get("field") or {}).get("id"),
            ):
                return _typeform_answer(answer)
        hidden = response.get("hidden") or {}
        if isinstance(hidden, dict) and key in hidden:
            return hidden[key]
    elif kind == "hubspot":
        for item in payload.get("fields") or []:
            if isinstance(item, dict) and item.get("name") == key:
                return item.get("value")
        properties = payload.get("properties") or {}
        if isinstance(properties, dict) and key in properties:
            value = properties[key]
            return value.get("value") if isinstance(value, dict) else value
    return _path(payload, key)


@dataclass
class Mapped:
    lead: dict[str, Any] = field(default_factory=dict)  # LeadCreate fields
    properties: dict[str, Any] = field(default_factory=dict)  # the form_submit event's
    missing: list[str] = field(default_factory=list)  # mapped keys the payload does not have


def apply(
    kind: str, mapping: Mapping[str, str], defaults: Mapping[str, Any], payload: Mapping[str, Any]
) -> Mapped:
    """The lead and event properties a payload gives under a mapping, with the source's
    defaults where the payload is silent."""
    out = Mapped()
    for key, target in mapping.items():
        value = _lookup(kind, payload, key)
        if value is None or value == "":
            out.missing.append(key)
            continue
        if target == "tags":
            tags = value if isinstance(value, list) else [value]
            out.lead["tags"] = [*out.lead.get("tags", []), *map(str, tags)]
        elif "." in target:
            group, name = target.split(".", 1)
            bucket = out.properties if group == "properties" else out.lead.setdefault(group, {})
            bucket[name] = value
        else:
            out.lead[target] = value
    if defaults.get("source") and "source" not in out.lead:
        out.lead["source"] = defaults["source"]
    if defaults.get("tags"):
        out.lead["tags"] = list(dict.fromkeys([*out.lead.get("tags", []), *defaults["tags"]]))
    for name, value in (defaults.get("attributes") or {}).items():
        out.lead.setdefault("attributes", {}).setdefault(name, value)
    return out
