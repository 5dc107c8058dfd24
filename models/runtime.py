"""Bookkeeping the bot needs to run: processed update ids and FSM state."""

from __future__ import annotations

import asyncio
import json
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, delete, event, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from models.db import Base, UTCDateTime


class ProcessedUpdate(Base):
    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class FsmState(Base):
    """aiogram's FSM state per chat and user. Written only through bot.storage.DbStorage
    and forget_fsm_states, which keep this process's copy of the table in step."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


def insert_ignore(session: AsyncSession | Session, table: Any) -> Any:
    """INSERT that skips (or, with on_conflict_do_update, updates) a row whose key exists,
    on SQLite and PostgreSQL alike."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite_insert(table)
    if dialect == "postgresql":
        return pg_insert(table)
    return insert(table)


_claims: dict[str, Any] = {}


async def claim_update(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record the update in the current transaction; False when it was handled already."""
    dialect = session.get_bind().dialect.name
    stmt = _claims.get(dialect)
    if stmt is None:  # built once per dialect: every update runs it
        table = ProcessedUpdate.__table__
        stmt = _claims[dialect] = insert_ignore(session, table).on_conflict_do_nothing(
            index_elements=["update_id"]
        )
    result = await session.execute(stmt, {"update_id": update_id, "processed_at": now})
    return bool(result.rowcount)


async def forget_old_updates(session: AsyncSession, before: datetime) -> int:
    """Telegram redelivers an update for at most a day; older ids need not be kept."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
    )
    return result.rowcount or 0


# FSM state ---------------------------------------------------------------------------
#
# A handler's FSM writes are part of its transaction: they are kept in the session
# (`session.info`) and written when it commits, one upsert or delete per key whatever the
# handler did to that key, and nothing when the key ends where it started. They reach this
# process's copy of the table (FsmCopy) only after the commit, so the copy never shows
# state that was rolled back; a rollback or a session closed without a commit drops them.
# A savepoint rolled back would not undo FSM changes made inside it; none is used.

_PENDING = "fsm_pending"
_FORGOTTEN = "fsm_forgotten"

FsmValue = tuple[str | None, str]
"""A row as the copy keeps it: the state and the data as JSON text (None: no row)."""


@dataclass(slots=True)
class FsmChange:
    state: str | None
    data: dict[str, Any]
    text: str  # `data` as JSON, to compare with the copy and to hand out fresh dicts
    at: datetime

    @property
    def empty(self) -> bool:
        return self.state is None and not self.data

    @property
    def value(self) -> FsmValue | None:
        return None if self.empty else (self.state, self.text)


def fsm_value(state: str | None, data: dict[str, Any] | None) -> FsmValue | None:
    if state is None and not data:
        return None
    return state, json.dumps(data or {})


def fsm_change(state: str | None, data: dict[str, Any], at: datetime) -> FsmChange:
    """What a handler set: data goes through JSON here, as it would through the table, so
    what later reads see does not depend on whether the copy or the table answered."""
    text = json.dumps(data)
    return FsmChange(state, json.loads(text), text, at)


def fsm_pending(session: AsyncSession | Session) -> dict[str, FsmChange]:
    """The FSM changes of the session's transaction, not yet written."""
    return session.info.setdefault(_PENDING, {})  # type: ignore[no-any-return]


def fsm_pending_change(session: AsyncSession | Session, key: str) -> FsmChange | None:
    pending: dict[str, FsmChange] | None = session.info.get(_PENDING)
    return pending.get(key) if pending else None


def _private_key_of(tg_id: int) -> str:
    # Keys are built by aiogram's DefaultKeyBuilder: ...:<chat id>:<user id>:<destiny>.
    return f":{tg_id}:{tg_id}:"


async def forget_fsm_states(session: AsyncSession, tg_id: int) -> None:
    """Deletes the state of the person's private chat with the bot, in this transaction;
    the copy follows when it commits. Changes made earlier in the transaction go too."""
    await session.execute(delete(FsmState).where(FsmState.key.like(f"%{_private_key_of(tg_id)}%")))
    marker = _private_key_of(tg_id)
    pending = fsm_pending(session)
    for key in [k for k in pending if marker in k]:
        del pending[key]
    session.info.setdefault(_FORGOTTEN, []).append(marker)


class FsmCopy:
    """Every row of fsm_states of one database, as this process committed them.

    Loaded whole on first use (one SELECT), then kept current by this process's commits
    only: it assumes that no other process writes FSM state to the same database. Several
    bot processes need a shared storage (RedisStorage) instead.
    """

    def __init__(self) -> None:
        self.rows: dict[str, FsmValue] = {}
        # When each row last changed (fsm_states.updated_at): how long a flow has waited.
        self.at: dict[str, datetime] = {}
        self.loaded = False
        self._lock = asyncio.Lock()
        # Keys committed while the table was being read: what the commit set wins.
        self._touched: set[str] = set()
        self._forgotten: list[str] = []

    async def load(self, session: AsyncSession) -> None:
        if self.loaded:
            return
        async with self._lock:
            if self.loaded:
                return
            result = await session.execute(
                select(FsmState.key, FsmState.state, FsmState.data, FsmState.updated_at)
            )
            for key, state, data, at in result.all():
                value = fsm_value(state, data)
                if key in self._touched or any(m in key for m in self._forgotten):
                    continue
                if value is not None:
                    self.rows[key] = value
                    self.at[key] = at
            self.loaded = True
            self._touched.clear()
            self._forgotten.clear()

    def committed(self, pending: dict[str, FsmChange], forgotten: list[str]) -> None:
        for marker in forgotten:
            for key in [k for k in self.rows if marker in k]:
                del self.rows[key]
                self.at.pop(key, None)
            if not self.loaded:
                self._forgotten.append(marker)
        for key, change in pending.items():
            value = change.value
            if value is None:
                self.rows.pop(key, None)
                self.at.pop(key, None)
            elif self.rows.get(key) != value:  # unchanged rows are not written either
                self.rows[key] = value
                self.at[key] = change.at
            if not self.loaded:
                self._touched.add(key)


_copies: weakref.WeakKeyDictionary[Engine, FsmCopy] = weakref.WeakKeyDictionary()


def fsm_copy(engine: Engine) -> FsmCopy:
    """The one copy per database (engine) in this process: storages built on the same
    engine, as tests build, share it."""
    copy = _copies.get(engine)
    if copy is None:
        copy = _copies[engine] = FsmCopy()
    return copy


def _write_statement(session: Session, key: str, change: FsmChange) -> Any:
    if change.empty:
        return delete(FsmState).where(FsmState.key == key)
    stmt = insert_ignore(session, FsmState).values(
        key=key, state=change.state, data=change.data, updated_at=change.at
    )
    return stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "state": stmt.excluded.state,
            "data": stmt.excluded.data,
            "updated_at": stmt.excluded.updated_at,
        },
    )


@event.listens_for(Session, "before_commit")
def _write_fsm_changes(session: Session) -> None:
    pending: dict[str, FsmChange] | None = session.info.get(_PENDING)
    if not pending or session.in_nested_transaction():
        return
    engine = session.get_bind()
    copy = _copies.get(engine) if isinstance(engine, Engine) else None
    for key, change in pending.items():
        if copy is not None and copy.loaded and copy.rows.get(key) == change.value:
            continue  # the table holds this already
        # Sync execution is allowed here: the async session runs its commit, and this
        # event, in a greenlet that awaits the driver.
        session.execute(_write_statement(session, key, change))


@event.listens_for(Session, "after_commit")
def _apply_fsm_changes(session: Session) -> None:
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    forgotten = session.info.pop(_FORGOTTEN, None)
    if not pending and not forgotten:
        return
    engine = session.get_bind()
    copy = _copies.get(engine) if isinstance(engine, Engine) else None
    if copy is not None:
        copy.committed(pending or {}, forgotten or [])


@event.listens_for(Session, "after_transaction_end")
def _drop_fsm_changes(session: Session, transaction: SessionTransaction) -> None:
    # Rolled back, or closed without a commit: the changes never happened.
    if transaction.parent is None and session.info:
        session.info.pop(_PENDING, None)
        session.info.pop(_FORGOTTEN, None)
