"""The pure rules of duplicate candidates: the blocking keys a lead is filed under, and how alike
two leads that share one are (a score and the reasons). No I/O: the repository stores the keys
in an index and reads the leads that share them, so finding candidates never scans the leads.

Two leads are candidates when they share a blocking key:
- `email`: the address as the mailbox sees it (case, Gmail's dots and `googlemail.com`, a
  `+tag`, the domain's IDN and punycode forms all fold to one key);
- `phone`: the number without its extension (an extension is the same switchboard);
- `name+domain` and `name+city`: the full name with the company's domain, or with the city;
- `first+domain`, `last+domain`, `first+city`, `last+city`: one name with the place, so two
  names a typo apart (one of them right) still meet; the score then asks how alike the names are.
Keys are hashed to 63-bit integers: the index holds short fixed-width values whatever the fields'
lengths, compared as integers (two keys colliding only make a block the comparison then sorts
out).
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import xxhash
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

# Mailbox providers that ignore dots in the local part (and accept either domain).
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
# Below this, a pair is not worth a reviewer's time and is not queued.
MIN_SCORE = 60
# How alike two full names must be (rapidfuzz's token-sort ratio, 0..100) to count as the same
# name with a typo; equal names (after folding) are 100.
SIMILAR_NAME_RATIO = 85.0
# What each reason is worth on its own; a pair scores its strongest reason, plus a little for each
# further one (two weak signals together are more than either).
REASON_SCORES = {
    "email_variant": 95,
    "name_and_company_domain": 85,
    "name_and_city": 75,
    "phone": 70,
    "similar_name_and_company_domain": 70,
    "similar_name_and_city": 62,
}
EXTRA_REASON_POINTS = 5
# Leads under one key beyond which the key tells nothing (a switchboard number, a common name at
# a big company): it is skipped, which bounds what one lead's detection reads.
MAX_BLOCK = 100
# Two different real mailboxes make two people more likely, whatever their names say.
DIFFERENT_EMAIL_PENALTY = 15


@dataclass(frozen=True, slots=True)
class Candidate:
    score: int
    reasons: tuple[str, ...]


def canonical_email(email: str | None) -> str | None:
    """The address as its mailbox sees it: lower case, no `+tag`, Gmail's dots dropped, the
    domain in its ASCII (punycode) form."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    # A domain the codec refuses is kept as given: it still compares to itself. An ASCII domain
    # is its own ASCII form (the codec only checks its labels' lengths), so it skips the codec.
    if not domain.isascii():
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}" if local else None


def base_phone(phone: str | None) -> str | None:
    """The E.164 number without its `;ext=` (leads/normalize.py's stored form)."""
    return phone.split(";", 1)[0] if phone else None


def fold(value: str | None) -> str:
    """A name or a place as compared: accents off, lower case, punctuation to single spaces."""
    if not value:
        return ""
    if not value.isascii():  # ASCII is its own decomposition
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return str(default_process(value))


def _place(lead: Mapping[str, Any]) -> tuple[str, str]:
    """The company domain (None for free mail: derived so in leads/engine.py) and the city."""
    return (lead.get("domain") or "").lower(), fold(lead.get("city"))


def _digest63(raw: bytes) -> int:
    """A signed 64-bit column's worth of hash (63 bits, never negative)."""
    return xxhash.xxh3_64_intdigest(raw) >> 1


def _hashed(kind: str, *parts: str) -> int:
    return _digest63("\x1f".join((kind, *parts)).encode())


@dataclass(frozen=True, slots=True)
class Profile:
    """What the rules compare of a lead, folded once (a lead is compared with every lead that
    shares a key with it)."""

    email: str | None
    phone: str | None
    first: str
    last: str
    name: str
    domain: str
    city: str


def profile(lead: Mapping[str, Any]) -> Profile:
    first, last = fold(lead.get("first_name")), fold(lead.get("last_name"))
    domain, city = _place(lead)
    return Profile(
        canonical_email(lead.get("email")),
        base_phone(lead.get("phone")),
        first,
        last,
        " ".join(part for part in (first, last) if part),
        domain,
        city,
    )


@dataclass(frozen=True, slots=True)
class Signature:
    """What the database compares of two leads under one key before Python does (a necessary
    condition of `compare`, never a sufficient one): hashes of the mailbox and the phone (equal
    when the addresses are), and the characters present in the full name as the fuzzy match sees
    it with its length (0: not a full name, which no name reason takes)."""

    email_hash: int | None
    phone_hash: int | None
    name_mask: int
    name_len: int


def _hash63(value: str | None) -> int | None:
    return _digest63(value.encode()) if value else None


def _bit(char: str) -> int:
    """A character's bit in a name mask: digits, letters and the space have one each; anything
    else shares the rest (two characters on one bit only make the bound looser)."""
    if "0" <= char <= "9":
        return ord(char) - 48
    if "a" <= char <= "z":
        return ord(char) - 87
    if char == " ":
        return 36
    return 37 + ord(char) % 26


# The ASCII characters' mask bits, looked up once (a sweep makes a million signatures).
_ASCII_BITS = {chr(code): 1 << _bit(chr(code)) for code in range(128)}


def signature(seen: Profile) -> Signature:
    if not (seen.first and seen.last):
        return Signature(_hash63(seen.email), _hash63(seen.phone), 0, 0)
    # The string token_sort_ratio compares: the name's words sorted, joined by single spaces.
    compared = " ".join(sorted(seen.name.split()))
    mask = 0
    for char in set(compared):
        mask |= _ASCII_BITS.get(char) or 1 << _bit(char)
    return Signature(_hash63(seen.email), _hash63(seen.phone), mask, len(compared))


def may_be_alike(one: Signature, two: Signature) -> bool:
    """False only when `compare` cannot find a reason for the two: different mailboxes and
    phones, and full names too far apart for SIMILAR_NAME_RATIO. The ratio is 200 * LCS / (sum
    of lengths), and the longest common subsequence has at most a string's length less one
    character for each character only it has: the bound, loosened a point for rounding, is what
    the keys' pair filter computes in SQL (duplicates/repository.py)."""
    if one.email_hash is not None and one.email_hash == two.email_hash:
        return True
    if one.phone_hash is not None and one.phone_hash == two.phone_hash:
        return True
    if not (one.name_len and two.name_len):
        return False
    common = min(
        one.name_len - (one.name_mask & ~two.name_mask).bit_count(),
        two.name_len - (two.name_mask & ~one.name_mask).bit_count(),
    )
    return 200 * common >= (SIMILAR_NAME_RATIO - 1) * (one.name_len + two.name_len)


def alike_in_blocks(blocks: Iterable[Sequence[tuple[str, Signature]]]) -> dict[str, set[str]]:
    """For each lead in one of `blocks` (the leads filed under one key, with their signatures,
    each block of at most MAX_BLOCK), the others of its blocks that may be alike: the pairs
    `compare` is worth running on."""
    near: dict[str, set[str]] = {}
    for block in blocks:
        for index, (lead_id, seen) in enumerate(block):
            for other_id, other in block[index + 1 :]:
                if lead_id == other_id:
                    continue
                if may_be_alike(seen, other):
                    near.setdefault(lead_id, set()).add(other_id)
                    near.setdefault(other_id, set()).add(lead_id)
    return near


def blocking_keys(lead: Mapping[str, Any] | Profile) -> list[int]:
    """The keys a lead is filed under (hashed), without repeats."""
    seen = lead if isinstance(lead, Profile) else profile(lead)
    keys: list[int] = []
    if seen.email:
        keys.append(_hashed("email", seen.email))
    if seen.phone:
        keys.append(_hashed("phone", seen.phone))
    for kind, place in (("domain", seen.domain), ("city", seen.city)):
        if not place:
            continue
        if seen.first and seen.last:
            keys.append(_hashed(f"name+{kind}", seen.name, place))
        if seen.first:
            keys.append(_hashed(f"first+{kind}", seen.first, place))
        if seen.last:
            keys.append(_hashed(f"last+{kind}", seen.last, place))
    return list(dict.fromkeys(keys))


@dataclass(frozen=True, slots=True)
class Filing:
    """What a lead is filed under: its keys (sorted, so two filings of one lead compare equal
    when nothing the keys and the signature are made from changed) and its signature."""

    keys: tuple[int, ...]
    signature: Signature


def filing(seen: Profile) -> Filing:
    return Filing(tuple(sorted(blocking_keys(seen))), signature(seen))


def compare(a: Mapping[str, Any] | Profile, b: Mapping[str, Any] | Profile) -> Candidate | None:
    """How alike two leads are, or None when not enough to queue (below MIN_SCORE)."""
    one = a if isinstance(a, Profile) else profile(a)
    two = b if isinstance(b, Profile) else profile(b)
    reasons: list[str] = []
    if one.email and one.email == two.email:
        reasons.append("email_variant")
    if one.phone and one.phone == two.phone:
        reasons.append("phone")
    # A one-word name ("Alex") says too little to tie two leads by itself.
    if one.first and one.last and two.first and two.last:
        same_domain = bool(one.domain) and one.domain == two.domain
        same_city = bool(one.city) and one.city == two.city
        if same_domain or same_city:
            same_name = one.name == two.name
            if same_name or fuzz.token_sort_ratio(one.name, two.name) >= SIMILAR_NAME_RATIO:
                if same_domain:
                    reasons.append(
                        "name_and_company_domain" if same_name else "similar_name_and_company_domain"
                    )
                if same_city:
                    reasons.append("name_and_city" if same_name else "similar_name_and_city")
    if not reasons:
        return None
    ranked = sorted(reasons, key=lambda r: -REASON_SCORES[r])
    score = REASON_SCORES[ranked[0]] + EXTRA_REASON_POINTS * (len(ranked) - 1)
    if one.email and two.email and one.email != two.email:
        score -= DIFFERENT_EMAIL_PENALTY
    score = min(score, 100)
    return Candidate(score, tuple(ranked)) if score >= MIN_SCORE else None


def ordered(lead_id: str, other_id: str) -> tuple[str, str]:
    """A pair's two ids in one order (the older id first: ids sort by creation), so a pair is
    stored once whichever lead found the other."""
    return (lead_id, other_id) if lead_id < other_id else (other_id, lead_id)


def candidates_among(
    leads: Iterable[Mapping[str, Any]],
    others: Mapping[str, Mapping[str, Any]],
    sharing: Mapping[str, set[str]],
    known: Mapping[str, Profile] | None = None,
) -> dict[tuple[str, str], Candidate]:
    """Each pair of `leads` with a lead it shares a key with (`sharing`: lead id -> ids of the
    leads filed under one of its keys, `others`: those leads by id), scored; self-pairs skipped.
    `known`: profiles made already (their keys' own), by lead id."""
    found: dict[tuple[str, str], Candidate] = {}
    profiles: dict[str, Profile] = dict(known or {})

    def seen(lead_id: str, lead: Mapping[str, Any]) -> Profile:
        if lead_id not in profiles:
            profiles[lead_id] = profile(lead)
        return profiles[lead_id]

    for lead in leads:
        for other_id in sharing.get(lead["id"], ()):
            if other_id == lead["id"] or other_id not in others:
                continue
            pair = ordered(lead["id"], other_id)
            if pair in found:
                continue
            candidate = compare(seen(lead["id"], lead), seen(other_id, others[other_id]))
            if candidate is not None:
                found[pair] = candidate
    return found
