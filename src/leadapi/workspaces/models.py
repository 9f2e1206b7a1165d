"""Tenants and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, utcnow


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    """A key is shown once; only its SHA-256 is stored (keys are 256-bit random, so a fast hash
    is enough: there is nothing to brute-force, unlike a password)."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_workspace_id_created_at", "workspace_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The key's own rate limit (limits' notation, `100/second;3000/minute`); None: the setting's.
    rate_limit: Mapped[str | None] = mapped_column(String(200), nullable=True)
