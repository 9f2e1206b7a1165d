"""Duplicate candidates: the blocking keys each lead is filed under, the pairs found through
them (the review queue), and the detecting consumer's position in each workspace's event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime

PENDING = text("status = 'pending'")


# A lead's keys, in order: an integer array on PostgreSQL (a sweep's load unnests a workspace's
# in one statement), a JSON list on SQLite.
KeyList = postgresql.ARRAY(BigInteger).with_variant(JSON(), "sqlite")


class DuplicateKey(Base):
    """A lead filed under one blocking key (duplicates/engine.py): the leads that share a key are
    one index range, so finding a lead's candidates reads only them.

    The primary key is the table's only index: a lead's keys are found through its filing
    (`DuplicateFiling`), so a sweep loading a workspace's keys in key order grows one index from
    one end; a second index by lead took each key at a random page of it. No foreign key either:
    checked once per key, it was a random read and a row lock of the lead per key. A lead's keys
    go with it where a lead is deleted (its erasure and its merge, leads/service.py) and again
    when the consumer meets its `lead.deleted` or `lead.merged` (so keys filed while the lead was
    being deleted go too)."""

    __tablename__ = "duplicate_keys"

    # The lookup: a workspace's leads under a key.
    workspace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    lead_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The lead's signature (duplicates/engine.py): what the pair filter compares in the database
    # while it reads the leads under a key, so that only pairs that can score reach Python.
    email_hash: Mapped[int | None] = mapped_column(BigInteger)
    phone_hash: Mapped[int | None] = mapped_column(BigInteger)
    name_mask: Mapped[int] = mapped_column(BigInteger)
    name_len: Mapped[int] = mapped_column(Integer)


class _Filed:
    """The columns of a lead's filing: its keys (sorted) and its signature, one row per lead."""

    workspace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    lead_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    keys: Mapped[list[int]] = mapped_column(KeyList)
    email_hash: Mapped[int | None] = mapped_column(BigInteger)
    phone_hash: Mapped[int | None] = mapped_column(BigInteger)
    name_mask: Mapped[int] = mapped_column(BigInteger)
    name_len: Mapped[int] = mapped_column(Integer)


class DuplicateFiling(_Filed, Base):
    """What a lead is filed under. A lead changed is filed again only when its filing differs, by
    deleting its old keys (each found by the keys' primary key) and inserting the new ones."""

    __tablename__ = "duplicate_filings"


class DuplicateSweepFiling(_Filed, Base):
    """A sweep's filings as it makes them, a batch of leads per transaction (by lead, so staging
    them appends to the primary key): once every lead's are made they replace the workspace's
    filings and keys at once (a lead changed since the sweep began is filed again from its
    row)."""

    __tablename__ = "duplicate_sweep_filings"


class DuplicatePair(Base):
    """Two leads that look like one person: `lead_id` the older (ids sort by creation). A pair is
    stored once; once dismissed it stays dismissed, once merged it records the merge. No foreign
    keys to the leads: a merged pair outlives the lead merged away."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (
        UniqueConstraint("workspace_id", "lead_id", "other_lead_id"),
        # The review queue: a status's pairs by score (then id), in either direction.
        Index("ix_duplicate_pairs_workspace_id_status_score_id", "workspace_id", "status", "score", "id"),
        # A lead's pending pairs, from either side (decided again when it changes or goes).
        Index(
            "ix_duplicate_pairs_workspace_id_other_lead_id",
            "workspace_id",
            "other_lead_id",
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32))
    other_lead_id: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JSONDoc)
    status: Mapped[str] = mapped_column(String(20))  # pending | merged | dismissed
    # Who merged or dismissed it (a key id), and which lead survived a merge.
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    merged_into: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The exact key a capture matched on when a flag_only dedupe policy created the newer lead
    # instead of merging it: such a pair waits for a reviewer whatever the detection rules say.
    flagged_on: Mapped[str | None] = mapped_column(String(20))


class DuplicateCursor(Base):
    """The detecting consumer's position in a workspace's event log (events.seq)."""

    __tablename__ = "duplicate_cursors"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    # A sweep, once when the workspace is first met and again on request, until `sweeping` is
    # false: first it makes the filings of every lead of the workspace (`sweep_phase` 'file', by
    # creation after `sweep_after_at`, `sweep_after`), a batch per transaction; then ('load') they
    # replace the workspace's filings and keys at once; then ('pair') it finds the pairs of every
    # block of keys at once and drops the pending pairs it did not find again (those not stored
    # since `sweep_started_at`).
    sweeping: Mapped[bool] = mapped_column(Boolean, default=False)
    sweep_phase: Mapped[str | None] = mapped_column(String(10))
    sweep_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sweep_after_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sweep_after: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DedupeSettings(Base):
    """A workspace's dedupe policy (duplicates/policy.py): what a capture does when it matches a
    lead by an exact key, and which keys count, for the workspace and per form source. One row
    per workspace; none: today's default (auto_merge on email, phone and external ids)."""

    __tablename__ = "dedupe_settings"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[str] = mapped_column(String(20))  # auto_merge | flag_only
    keys: Mapped[list[str]] = mapped_column(JSONDoc)
    attribute: Mapped[str | None] = mapped_column(String(100))
    # Source id -> {mode, keys, attribute}: a form source's own policy instead of the workspace's.
    sources: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    # Every attribute any of these policies counts as a key: the one-statement capture leaves a
    # lead carrying one of them to the general path, which looks it up.
    attribute_keys: Mapped[list[str]] = mapped_column(JSONDoc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
