"""FSM state in the database, written in the handler's own transaction.

- Writes join the transaction of the update being handled (CURRENT_SESSION): a state set by
  a handler that then fails is never stored. They are written when that transaction
  commits, as one upsert (or delete) per key, so `clear()`, or `set_state` followed by
  `update_data`, costs one statement, and none when the key ends as it started (see
  models/runtime.py).
- Reads, with `cached=True` (the default), come from a copy of the table kept in this
  process and changed only after a commit. aiogram reads the state of every update before
  our DB middleware has opened its session; from the copy, that read costs no session, no
  transaction and no statement. Within an update, reads see the update's own changes.
- The copy assumes that this process alone writes FSM state to the database. That holds in
  the embedded single-process mode. Several bot processes (DESIGN §12) need RedisStorage
  with RedisEventIsolation, or this storage with `cached=False`, which reads the table.
- The copy is current for every read that matters because aiogram's event isolation holds a
  per-chat-and-user lock from the state read through the handler and its commit: the next
  update of that chat and user reads after the commit has reached the copy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from models.runtime import FsmCopy, FsmState, fsm_change, fsm_copy, fsm_pending, fsm_pending_change

# The session of the update being handled. State written inside a handler becomes part
# of that handler's transaction: it commits with the handler's effects or not at all, and
# SQLite never sees two writers from one update.
CURRENT_SESSION: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)

_KEEP: Any = object()


class DbStorage(BaseStorage):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        cached: bool = True,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._keys = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)
        self._copy: FsmCopy | None = None
        if cached:
            self._copy = fsm_copy(sessionmaker.kw["bind"].sync_engine)

    async def _committed(self, key: str, session: AsyncSession | None) -> tuple[str | None, Any]:
        """The key's state and data as committed: data as JSON text from the copy, or as
        a dict from the table."""
        copy = self._copy
        if copy is not None:
            if not copy.loaded:
                if session is not None:
                    await copy.load(session)
                else:
                    async with self._sessionmaker() as own:
                        await copy.load(own)
            value = copy.rows.get(key)
            return value if value is not None else (None, None)

        async def read(s: AsyncSession) -> tuple[str | None, Any]:
            stmt = select(FsmState.state, FsmState.data).where(FsmState.key == key)
            row = (await s.execute(stmt)).first()
            return (row[0], row[1] or {}) if row is not None else (None, None)

        if session is not None:
            return await read(session)
        async with self._sessionmaker() as own, own.begin():
            return await read(own)

    async def _read(self, key: str) -> tuple[str | None, dict[str, Any]]:
        session = CURRENT_SESSION.get()
        if session is not None:
            change = fsm_pending_change(session, key)
            if change is not None:
                return change.state, json.loads(change.text)
        state, data = await self._committed(key, session)
        if data is None:
            return state, {}
        if isinstance(data, str):
            return state, json.loads(data)
        return state, dict(data)

    async def _change(self, key: StorageKey, state: Any = _KEEP, data: Any = _KEEP) -> None:
        name = self._keys.build(key)
        if state is _KEEP or data is _KEEP:
            old_state, old_data = await self._read(name)
            state = old_state if state is _KEEP else state
            data = old_data if data is _KEEP else data
        change = fsm_change(state, dict(data), self._clock.now())
        session = CURRENT_SESSION.get()
        if session is not None:
            fsm_pending(session)[name] = change
            return
        # Outside an update: a transaction of its own, written and copied on commit.
        async with self._sessionmaker() as own, own.begin():
            fsm_pending(own)[name] = change

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._change(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        name = self._keys.build(key)
        session = CURRENT_SESSION.get()
        if session is not None:
            change = fsm_pending_change(session, name)
            if change is not None:
                return change.state
        state, _ = await self._committed(name, session)
        return state

    async def changed_at(self, key: StorageKey) -> datetime | None:
        """When the key's state or data last changed (None: no state). From the copy, no
        statement; the flow time limit (bot/middlewares/flow_timeout.py) reads it."""
        name = self._keys.build(key)
        session = CURRENT_SESSION.get()
        if session is not None:
            change = fsm_pending_change(session, name)
            if change is not None:
                return change.at
        copy = self._copy
        if copy is not None:
            await self._committed(name, session)  # loads the copy on first use
            return copy.at.get(name)
        stmt = select(FsmState.updated_at).where(FsmState.key == name)
        if session is not None:
            return await session.scalar(stmt)
        async with self._sessionmaker() as own, own.begin():
            return await own.scalar(stmt)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._change(key, data=data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._read(self._keys.build(key))
        return data

    async def close(self) -> None:
        return None
