"""The lifecycle pipeline: which moves a lead may make, and where a band change takes it. Pure.

A workspace's pipeline is an ordered list of stages, each open, won or lost. Two open stages have
roles: the accepted stage (sales took the lead) and the recycle stage (leads sales gave back, or
that went cold). The other open stages are the funnel, in order. Moves:

- from a funnel stage: forward to any later funnel stage (skipping is fine: a demo request may go
  straight to sql), back to the recycle stage, or out to a won or lost stage;
- from the recycle stage: into any funnel stage (the lead re-entered the funnel), won or lost;
- from a lost stage: to the recycle stage only (reopened); a won stage is final.

A band change promotes a lead to the funnel stage named like the band, only forward, and never
out of the accepted stage or anything after it, nor out of a won or lost stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES = ("open", "won", "lost")

DEFAULT_STAGES: tuple[tuple[str, str, str], ...] = (
    ("new", "New", "open"),
    ("mql", "Marketing qualified", "open"),
    ("sql", "Sales qualified", "open"),
    ("accepted", "Accepted by sales", "open"),
    ("opportunity", "Opportunity", "open"),
    ("customer", "Customer", "won"),
    ("nurturing", "Nurturing", "open"),
    ("disqualified", "Disqualified", "lost"),
)
DEFAULT_DISQUALIFICATION_REASONS = (
    "no_budget",
    "no_authority",
    "no_need",
    "bad_timing",
    "competitor",
    "bad_data",
    "duplicate",
    "spam",
)
# Events of these types are a rep touching the lead (the first one stops the SLA clock).
DEFAULT_TOUCH_TYPES = ("call", "email_sent", "meeting")
DEFAULT_ACCEPTED_STAGE = "accepted"
DEFAULT_RECYCLE_STAGE = "nurturing"

# Every lead keeps `stages_mask`: one bit per stage it was ever in, plus one for "rejected by
# sales". The funnel report then counts entries and how far leads got in one pass over leads,
# with integer arithmetic, instead of joining and grouping the whole stage history. A stage's
# bit is its own for good: a workspace's `stage_bits` only grows, so a removed stage's bit is
# never handed to a new stage that old leads never entered.
DEFAULT_BITS: dict[str, int] = {key: bit for bit, (key, _, _) in enumerate(DEFAULT_STAGES)}
REJECTED_BIT = 62  # bit 63 is the sign of a BIGINT
MAX_STAGE_BITS = REJECTED_BIT  # bits 0..61 are for stages


@dataclass(frozen=True, slots=True)
class Stage:
    key: str
    name: str
    category: str  # open | won | lost


@dataclass(frozen=True)
class Pipeline:
    stages: tuple[Stage, ...]
    disqualification_reasons: tuple[str, ...]
    touch_types: frozenset[str]
    accepted_stage: str
    recycle_stage: str
    version: int = 0  # the stored settings' version (0: the defaults, never stored)
    # Each stage key's bit in `stages_mask`, for every key the workspace ever had.
    bits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_BITS), compare=False)
    _by_key: dict[str, tuple[int, Stage]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {s.key: (i, s) for i, s in enumerate(self.stages)})

    @classmethod
    def default(cls) -> Pipeline:
        return cls(
            stages=tuple(Stage(*s) for s in DEFAULT_STAGES),
            disqualification_reasons=DEFAULT_DISQUALIFICATION_REASONS,
            touch_types=frozenset(DEFAULT_TOUCH_TYPES),
            accepted_stage=DEFAULT_ACCEPTED_STAGE,
            recycle_stage=DEFAULT_RECYCLE_STAGE,
        )

    @classmethod
    def from_document(cls, doc: dict[str, Any], version: int) -> Pipeline:
        return cls(
            stages=tuple(Stage(s["key"], s["name"], s["category"]) for s in doc["stages"]),
            disqualification_reasons=tuple(doc["disqualification_reasons"]),
            touch_types=frozenset(doc["touch_types"]),
            accepted_stage=doc["accepted_stage"],
            recycle_stage=doc["recycle_stage"],
            version=version,
            bits=doc.get("stage_bits") or assign_bits(DEFAULT_BITS, [s["key"] for s in doc["stages"]]),
        )

    def document(self) -> dict[str, Any]:
        return {
            "stages": [{"key": s.key, "name": s.name, "category": s.category} for s in self.stages],
            "disqualification_reasons": list(self.disqualification_reasons),
            "touch_types": sorted(self.touch_types),
            "accepted_stage": self.accepted_stage,
            "recycle_stage": self.recycle_stage,
        }

    def mask(self, *keys: str, rejected: bool = False) -> int:
        """The `stages_mask` bits of these stages (and of a rejection)."""
        value = 1 << REJECTED_BIT if rejected else 0
        for key in keys:
            value |= 1 << self.bits[key]
        return value

    @property
    def entry(self) -> str:
        """Where new leads start: the first stage."""
        return self.stages[0].key

    @property
    def closed(self) -> frozenset[str]:
        """Stages a lead is done in (won or lost): its owner no longer works it."""
        return frozenset(s.key for s in self.stages if s.category != "open")

    def stage(self, key: str) -> Stage | None:
        found = self._by_key.get(key)
        return found[1] if found else None

    def category(self, key: str) -> str | None:
        found = self._by_key.get(key)
        return found[1].category if found else None

    def _funnel_position(self, key: str) -> int | None:
        """Position among the funnel stages (open, not the recycle stage); None otherwise."""
        found = self._by_key.get(key)
        if found is None or found[1].category != "open" or key == self.recycle_stage:
            return None
        return found[0]

    def targets(self, current: str) -> list[str]:
        """Every stage a lead in `current` may move to, in pipeline order."""
        category = self.category(current)
        if category == "won":
            return []
        if category == "lost":
            return [self.recycle_stage]
        here = self._funnel_position(current)
        allowed: list[str] = []
        for index, stage in enumerate(self.stages):
            if stage.key == current:
                continue
            if stage.category != "open" or stage.key == self.recycle_stage or here is None or index > here:
                allowed.append(stage.key)
        return allowed

    def before_acceptance(self, key: str) -> bool:
        """Whether a lead in `key` is still to be accepted by sales (a funnel stage before the
        accepted one): only such leads can be accepted or rejected."""
        here = self._funnel_position(key)
        accepted = self._funnel_position(self.accepted_stage)
        return here is not None and accepted is not None and here < accepted

    def promotion(self, current: str, band: str | None) -> str | None:
        """The stage a lead in `current` moves to now that its band is `band`; None: it stays."""
        if band is None:
            return None
        target = self._funnel_position(band)
        if target is None or self.category(current) != "open":
            return None
        accepted = self._funnel_position(self.accepted_stage)
        here = self._funnel_position(current)
        if here is None:  # the recycle stage: a re-engaged lead re-enters the funnel
            return band
        if accepted is not None and here >= accepted:
            return None
        return band if target > here else None


def assign_bits(current: dict[str, int], keys: list[str]) -> dict[str, int]:
    """`current` plus a free bit for each new key (lowest first). Raises ValueError when the
    workspace has used up its stage bits."""
    bits = dict(current)
    free = (b for b in range(MAX_STAGE_BITS) if b not in set(bits.values()))
    for key in keys:
        if key not in bits:
            found = next(free, None)
            if found is None:
                raise ValueError(f"this workspace has had {MAX_STAGE_BITS} stage keys; reuse an old key")
            bits[key] = found
    return bits


def validate(doc: dict[str, Any]) -> list[dict[str, str]]:
    """Problems with a pipeline document (already shaped by the request schema), as (field,
    message) pairs; empty when it is sound."""
    errors: list[dict[str, str]] = []
    stages = doc["stages"]
    seen: dict[str, int] = {}
    for index, stage in enumerate(stages):
        if stage["key"] in seen:
            errors.append({"field": f"stages[{index}].key", "message": f"duplicate key {stage['key']!r}"})
        seen.setdefault(stage["key"], index)
    if stages and stages[0]["category"] != "open":
        errors.append(
            {"field": "stages[0].category", "message": "new leads enter the first stage: it is open"}
        )
    for role in ("accepted_stage", "recycle_stage"):
        key = doc[role]
        if key not in seen:
            errors.append({"field": role, "message": f"no stage {key!r} in the pipeline"})
        elif stages[seen[key]]["category"] != "open":
            errors.append({"field": role, "message": f"stage {key!r} must be open"})
    if doc["accepted_stage"] == doc["recycle_stage"]:
        errors.append({"field": "recycle_stage", "message": "the accepted and recycle stages differ"})
    if stages and stages[0]["key"] == doc["recycle_stage"]:
        errors.append({"field": "recycle_stage", "message": "new leads cannot enter the recycle stage"})
    if not any(s["category"] == "lost" for s in stages):
        errors.append({"field": "stages", "message": "a pipeline needs a lost stage (to disqualify)"})
    if not any(s["category"] == "won" for s in stages):
        errors.append({"field": "stages", "message": "a pipeline needs a won stage"})
    reasons = doc["disqualification_reasons"]
    if len(set(reasons)) != len(reasons):
        errors.append({"field": "disqualification_reasons", "message": "reasons are distinct"})
    return errors
