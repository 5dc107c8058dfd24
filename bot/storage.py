"""FSM state in the database, written in the handler's own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from models.runtime import FsmState

# The session of the update being handled. State written inside a handler becomes part
# of that handler's transaction: it commits with the handler's effects or not at all, and
# SQLite never sees two writers from one update.
CURRENT_SESSION: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


class DbStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._keys = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)

    async def _run(self, work: Any) -> Any:
        session = CURRENT_SESSION.get()
        if session is not None:
            return await work(session)
        async with self._sessionmaker() as own, own.begin():
            return await work(own)

    async def _row(self, session: AsyncSession, key: StorageKey) -> FsmState | None:
        return await session.get(FsmState, self._keys.build(key))

    async def _save(self, key: StorageKey, changes: dict[str, Any]) -> None:
        async def work(session: AsyncSession) -> None:
            row = await self._row(session, key)
            state = changes.get("state", row.state if row else None)
            data = changes.get("data", dict(row.data) if row and row.data else {})
            if state is None and not data:
                if row is not None:
                    await session.delete(row)
                    await session.flush()
                return
            if row is None:
                row = FsmState(key=self._keys.build(key))
                session.add(row)
            row.state = state
            row.data = data
            row.updated_at = self._clock.now()
            await session.flush()

        await self._run(work)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._save(key, {"state": value})

    async def get_state(self, key: StorageKey) -> str | None:
        async def work(session: AsyncSession) -> str | None:
            row = await self._row(session, key)
            return row.state if row else None

        return await self._run(work)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._save(key, {"data": dict(data)})

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async def work(session: AsyncSession) -> dict[str, Any]:
            row = await self._row(session, key)
            return dict(row.data) if row and row.data else {}

        return await self._run(work)

    async def close(self) -> None:
        return None
