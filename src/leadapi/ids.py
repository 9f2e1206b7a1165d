"""Prefixed, time-ordered identifiers (`ld_01J...`): sortable like the rows they name.

ULIDs, made monotonic within a process: two ids made in the same millisecond still sort in the
order they were made, which the event sequencer relies on to number a transaction's events in
the order they were appended.
"""

from __future__ import annotations

import os
import threading
import time

from ulid import ULID

PREFIXES = {
    "workspace": "ws",
    "api_key": "key",
    "lead": "ld",
    "event": "ev",
    "scoring_model": "sm",
    "job": "job",
    "owner": "ow",
    "routing_rule": "rr",
    "assignment": "asg",
    "sla_policy": "slp",
    "sla_breach": "slb",
    "stage_change": "stc",
    "webhook": "wh",
    "delivery": "msg",
    "source": "src",
    "submission": "sub",
    "audit": "aud",
    "task": "tsk",
    "consent": "cns",
    "suppression": "sup",
    "automation": "aut",
    "automation_run": "arun",
    "score_adjustment": "sadj",
    "track": "trk",
    "enrollment": "enr",
    "touch": "tch",
    "segment": "seg",
    "import": "imp",
    "duplicate": "dup",
    "enrichment_provider": "enp",
}

_lock = threading.Lock()
_last = 0


def _monotonic_ulid() -> ULID:
    global _last
    with _lock:
        candidate = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
        if candidate <= _last:
            candidate = _last + 1  # same millisecond: step the random part, as ULID's monotonic mode does
        _last = candidate
    return ULID.from_int(candidate)


def new_id(kind: str) -> str:
    return f"{PREFIXES[kind]}_{str(_monotonic_ulid()).lower()}"
