"""A curator's announcement to everyone of the school or to one role: one row here, one
outbox notice per reader (ref ("announcement", id)); how many went out and who could not
be reached is read back from those rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, UTCDateTime


class Announcement(Base):
    __tablename__ = "announcements"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(16))  # all, mentor, mentee, curator
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
