"""The program's audit log: who changed what, when and why (DESIGN §4, «every change is
logged»). Rows are only ever added; the program card shows them newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "program_audit"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A locale-key suffix: created, accepted, refused, note-edited, acknowledged, item-added,
    # item-done, extended, shortened, plan-changed, terminated, completed, mentor-changed...
    action: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


async def record(
    session: AsyncSession,
    program_id: int,
    actor_id: int | None,
    action: str,
    now: datetime,
    *,
    reason: str | None = None,
    **details: Any,
) -> None:
    """Add one entry to the program's log, in the caller's transaction."""
    session.add(
        AuditEntry(
            program_id=program_id,
            at=now,
            actor_id=actor_id,
            action=action,
            reason=reason,
            details=details,
        )
    )


async def history(session: AsyncSession, program_id: int, limit: int = 20) -> list[AuditEntry]:
    """The newest entries first."""
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.program_id == program_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(rows.all())
