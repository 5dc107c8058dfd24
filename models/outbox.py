"""The outbox: every message the bot sends on its own is a row here first.

A row names its recipient, a locale key with arguments (rendered in the recipient's
language when sent), optional buttons, when it is due and when it stops being useful.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, UTCDateTime
from models.runtime import insert_ignore


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"
    CANCELLED = "cancelled"


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(100))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    buttons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    user_id: int | None,
    kind: str,
    key: str,
    now: datetime,
    args: dict[str, Any] | None = None,
    buttons: list[Any] | None = None,
    org_id: int | None = None,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
    dedupe_key: str | None = None,
    silent: bool = False,
) -> bool:
    """Add a row; False when a row with the same dedupe_key exists already."""
    stmt = insert_ignore(session, OutboxMessage).values(
        chat_id=chat_id,
        user_id=user_id,
        org_id=org_id,
        kind=kind,
        key=key,
        args=args or {},
        buttons=buttons or [],
        silent=silent,
        due_at=due_at or now,
        expires_at=expires_at,
        status=OutboxStatus.PENDING,
        attempts=0,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    if dedupe_key is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = await session.execute(stmt)
    session.info["outbox_dirty"] = True
    return bool(result.rowcount)


async def drop_expired(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.expires_at.is_not(None),
            OutboxMessage.expires_at <= now,
        )
        .values(status=OutboxStatus.DROPPED)
    )
    return result.rowcount or 0


async def release_stale_claims(session: AsyncSession, now: datetime, after: timedelta) -> int:
    """Rows claimed by a process that died before finishing go back to pending."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at <= now - after,
        )
        .values(status=OutboxStatus.PENDING)
    )
    return result.rowcount or 0


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[OutboxMessage]:
    """Take due rows for sending. PostgreSQL skips rows another process holds."""
    ids = list(
        (
            await session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now)
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )
    if not ids:
        return []
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now)
    )
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.all())


async def finish(
    session: AsyncSession,
    row_id: int,
    status: OutboxStatus,
    now: datetime,
    error: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "last_error": error}
    if status == OutboxStatus.SENT:
        values["sent_at"] = now
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(attempts=OutboxMessage.attempts + 1, **values)
    )


async def retry_later(session: AsyncSession, row_id: int, due_at: datetime, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(
            status=OutboxStatus.PENDING,
            due_at=due_at,
            attempts=OutboxMessage.attempts + 1,
            last_error=error[:300],
        )
    )


async def cancel_for_user(session: AsyncSession, user_id: int) -> int:
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.user_id == user_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED)
    )
    return result.rowcount or 0


async def next_due(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(OutboxMessage.due_at)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.due_at)
        .limit(1)
    )
