"""Which of the activation defaults a workspace has been given, and what each became."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, UTCDateTime


class InstalledDefault(Base):
    """One default (an automation or a track, by its template's key) installed in a workspace.

    The row stays when the admin deletes what it made: installing again is a no-op for it, so a
    default an admin removed does not come back behind their back."""

    __tablename__ = "activation_defaults"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    template: Mapped[str] = mapped_column(String(50), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # automation | track
    # No foreign key: the automation or track may be deleted; the record of the install stays.
    object_id: Mapped[str] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime)
