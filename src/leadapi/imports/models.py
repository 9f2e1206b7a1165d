"""An import: the upload spooled in parts (so a restarted worker can read it again), its job's
committed position and counts, and the rows it refused (the error report)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk


class Import(Base):
    __tablename__ = "imports"
    # The list: newest first, keyset over (created_at, id).
    __table_args__ = (Index("ix_imports_workspace_id_created_at_id", "workspace_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))  # queued | running | succeeded | failed | cancelled
    format: Mapped[str] = mapped_column(String(10))  # csv | ndjson
    options: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    parts: Mapped[int] = mapped_column(Integer)
    rows_estimated: Mapped[int] = mapped_column(Integer)
    # Data rows done, committed with the chunk that did them: where a resumed run starts.
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_created: Mapped[int] = mapped_column(Integer, default=0)
    rows_merged: Mapped[int] = mapped_column(Integer, default=0)
    rows_refused: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)  # matched, under skip_existing
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ImportPart(Base):
    """A piece of the uploaded file, as UTF-8 text (decompressed), in upload order."""

    __tablename__ = "import_parts"
    __table_args__ = (workspace_fk("import_id", "imports.id", ondelete="CASCADE"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    import_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportOutcome(Base):
    """What happened to one row that the report names: refused (with the field and why), or,
    in a dry run, every row (created, merged into which lead, refused)."""

    __tablename__ = "import_outcomes"
    __table_args__ = (workspace_fk("import_id", "imports.id", ondelete="CASCADE"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    import_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(10))  # created | merged | refused
    lead_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    field: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
