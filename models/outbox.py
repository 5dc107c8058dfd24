"""The outbox: every message the bot sends to someone other than the person acting is a
row here first, written in the transaction that decided it.

A row is data, not text: a kind, a reference to what it is about (question 12, program
3), arguments, its recipient, when it is due and when it stops being useful. bot/ renders
it at send time in the reader's language. Rows a handler writes for now are born claimed
by the writing process and delivered right after its commit; rows due later, and rows
left by a process that died, are claimed by the tick.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    cast,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column

from models.db import Base, UTCDateTime
from models.runtime import insert_ignore

# session.info keys: the process token that claims rows a handler writes for now, and the
# ids so claimed (delivered by the caller after its commit).
CLAIMER = "outbox_claimer"
CLAIMED = "outbox_claimed"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"
    CANCELLED = "cancelled"


FINISHED = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED, OutboxStatus.CANCELLED)
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_ref", "ref_kind", "ref_id"),
        # The drain's "an earlier row of this chat waits for another try" check: only rows
        # that failed once are indexed, so the check is a lookup, not a scan per due row.
        Index(
            "ix_outbox_retrying",
            "chat_id",
            "id",
            sqlite_where=text("last_error IS NOT NULL"),
            postgresql_where=text("last_error IS NOT NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    # What the row is about: ("question", 12), ("program", 3). Cancelling is by reference.
    ref_kind: Mapped[str | None] = mapped_column(String(32))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    # Whose name or words the arguments carry: /forget cancels such rows still waiting.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))

    # Not a column: the reader's language as the writer knew it, carried by the detached
    # copy of a row born claimed, so the sender need not look the reader up.
    reader_language = None


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    user_id: int | None,
    kind: str,
    now: datetime,
    args: dict[str, Any] | None = None,
    ref: tuple[str, int] | None = None,
    author_id: int | None = None,
    org_id: int | None = None,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
    dedupe_key: str | None = None,
    silent: bool = False,
    language: str | None = None,
) -> int | None:
    """Add a row; its id, or None when a row with the same dedupe_key exists already.

    A row due now, written in a session that names a claimer, is born claimed by it: the
    caller delivers it right after the commit, and no drain can take it meanwhile."""
    due = due_at or now
    claimer = session.info.get(CLAIMER)
    born_claimed = claimer is not None and due <= now
    values: dict[str, Any] = dict(
        chat_id=chat_id,
        user_id=user_id,
        org_id=org_id,
        kind=kind,
        ref_kind=ref[0] if ref else None,
        ref_id=ref[1] if ref else None,
        author_id=author_id,
        args=args or {},
        silent=silent,
        due_at=due,
        expires_at=expires_at,
        status=OutboxStatus.SENDING if born_claimed else OutboxStatus.PENDING,
        attempts=0,
        dedupe_key=dedupe_key,
        created_at=now,
        claimed_at=now if born_claimed else None,
        claimed_by=claimer if born_claimed else None,
    )
    table = OutboxMessage.__table__
    stmt = insert_ignore(session, table).values(**values)
    if dedupe_key is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"])
    row_id = (await session.execute(stmt.returning(table.c.id))).scalar_one_or_none()
    if row_id is None:
        return None
    if born_claimed:
        # A detached copy of the row: the sender needs no query to start on it.
        copy = OutboxMessage(id=row_id, **values)
        copy.reader_language = language
        session.info.setdefault(CLAIMED, []).append(copy)
    return int(row_id)


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


async def release_claims(
    session: AsyncSession,
    now: datetime,
    *,
    older_than: timedelta | None = None,
    keep: str | None = None,
    keep_ids: set[int] | frozenset[int] = frozenset(),
) -> int:
    """Claimed rows that no delivery is working on go back to pending.

    At start-up in single-process mode every claim is released (older_than None): what a
    killed process had claimed is sent again, so a crash costs at most a duplicate of the
    deliveries that were in flight. Later, claims older than `older_than` are released
    unless they belong to `keep` (this process) and are in `keep_ids` (still queued here)."""
    stmt = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
    if older_than is not None:
        stmt = stmt.where(
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at <= now - older_than)
        )
        if keep is not None and keep_ids:
            stmt = stmt.where(
                or_(
                    OutboxMessage.claimed_by.is_(None),
                    OutboxMessage.claimed_by != keep,
                    OutboxMessage.id.not_in(keep_ids),
                )
            )
    result = await session.execute(
        stmt.values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
    )
    return result.rowcount or 0


async def claim_due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    claimer: str,
    skip_chats: set[int] | frozenset[int] = frozenset(),
) -> list[OutboxMessage]:
    """Take due rows for sending, oldest first, so each chat gets its messages in the
    order they were written. A chat whose earlier message waits for another try (it
    carries the error of its last one) gets nothing before it. PostgreSQL skips rows
    another process holds."""
    earlier = aliased(OutboxMessage)
    waits = (
        select(earlier.id)
        .where(
            earlier.chat_id == OutboxMessage.chat_id,
            earlier.id < OutboxMessage.id,
            earlier.status == OutboxStatus.PENDING,
            earlier.due_at > now,
            earlier.last_error.is_not(None),
        )
        .exists()
    )
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now, ~waits)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if skip_chats:
        query = query.where(OutboxMessage.chat_id.not_in(skip_chats))
    ids = list((await session.scalars(query)).all())
    if not ids:
        return []
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now, claimed_by=claimer)
    )
    rows = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == claimer,
        )
        .order_by(OutboxMessage.id)
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
    values: dict[str, Any] = {"status": status, "last_error": (error or None) and error[:300]}
    if status == OutboxStatus.SENT:
        values["sent_at"] = now
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(attempts=OutboxMessage.attempts + 1, claimed_by=None, **values)
    )


async def finish_sent(session: AsyncSession, ids: list[int], now: datetime) -> set[int]:
    """Mark rows Telegram accepted, in one statement. Returns those it marked: a row
    cancelled while it was being sent (/forget, a blocked reader) stays cancelled."""
    if not ids:
        return set()
    table = OutboxMessage.__table__
    marked = await session.execute(
        update(table)
        .where(table.c.id.in_(ids), table.c.status == OutboxStatus.SENDING)
        .values(
            status=OutboxStatus.SENT,
            attempts=table.c.attempts + 1,
            claimed_by=None,
            sent_at=now,
            last_error=None,
        )
        .returning(table.c.id)
    )
    return set(marked.scalars().all())


async def retry_later(
    session: AsyncSession,
    row_id: int,
    due_at: datetime,
    error: str,
    *,
    count: bool = True,
    args: dict[str, Any] | None = None,
) -> None:
    """Back to pending, due later. A pause Telegram asked for (count=False) is no attempt."""
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "due_at": due_at,
        "claimed_by": None,
        "claimed_at": None,
        "last_error": error[:300],
    }
    if count:
        values["attempts"] = OutboxMessage.attempts + 1
    if args is not None:  # what the next try needs to know (how far this one got)
        values["args"] = args
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(**values)
    )


async def statuses(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(ids))
    )
    return {row_id: status for row_id, status in rows.all()}


async def cancel_for_user(session: AsyncSession, user_id: int) -> int:
    """Nothing more goes to this person (they blocked the bot or left)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.user_id == user_id, OutboxMessage.status.in_(WAITING))
        .values(status=OutboxStatus.CANCELLED, claimed_by=None)
    )
    return result.rowcount or 0


async def cancel_by_ref(
    session: AsyncSession, ref_kind: str, ref_id: int, kinds: tuple[str, ...] | None = None
) -> int:
    """Rows about an object that no longer need to go: the question was answered, the
    meeting moved. Rows being sent right now are left to finish."""
    stmt = update(OutboxMessage).where(
        OutboxMessage.ref_kind == ref_kind,
        OutboxMessage.ref_id == ref_id,
        OutboxMessage.status == OutboxStatus.PENDING,
    )
    if kinds is not None:
        stmt = stmt.where(OutboxMessage.kind.in_(kinds))
    result = await session.execute(stmt.values(status=OutboxStatus.CANCELLED))
    return result.rowcount or 0


async def cancel_to_user(session: AsyncSession, ref_kind: str, ref_ids: Any, user_id: int) -> int:
    """Rows to one person about any of these objects (`ref_ids`: ids or a SELECT of them),
    in one UPDATE: a replaced mentor's reminders about the program's plan."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.ref_kind == ref_kind,
            OutboxMessage.ref_id.in_(ref_ids),
            OutboxMessage.user_id == user_id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def forget_author(session: AsyncSession, user_id: int) -> int:
    """/forget: rows still waiting that carry this person's name or words are cancelled,
    and every row about or to them loses its arguments."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.author_id == user_id, OutboxMessage.status.in_(WAITING))
        .values(status=OutboxStatus.CANCELLED, claimed_by=None)
    )
    await session.execute(
        update(OutboxMessage)
        .where(
            or_(OutboxMessage.author_id == user_id, OutboxMessage.user_id == user_id),
            OutboxMessage.status.not_in(WAITING),
        )
        .values(args={})
    )
    return result.rowcount or 0


async def forget_bodies(session: AsyncSession, before: datetime) -> int:
    """Finished rows keep their bookkeeping but lose their arguments (names, texts) once
    they are older than the retention period."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status.in_(FINISHED),
            OutboxMessage.created_at < before,
            cast(OutboxMessage.args, String) != "{}",
        )
        .values(args={})
    )
    return result.rowcount or 0
