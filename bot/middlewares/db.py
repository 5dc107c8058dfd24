"""One database session and transaction per update, with the update id recorded in it.

The update id is inserted first, in the same transaction as the handler's effects, and
committed after the handler returns. A redelivered update finds its id and is skipped;
a crash before the commit loses nothing, because nothing was recorded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.storage import CURRENT_SESSION
from models.db import write_gate
from models.runtime import claim_update

log = logging.getLogger(__name__)


class DbSessionMiddleware(BaseMiddleware):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_outbox: Callable[[], None] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.on_outbox = on_outbox
        self.gate = write_gate(sessionmaker)
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        self.in_flight += 1
        self._idle.clear()
        try:
            async with self.gate.hold():
                return await self._handle(handler, event, data)
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: Update,
        data: dict[str, Any],
    ) -> Any:
        session = self.sessionmaker()
        token = CURRENT_SESSION.set(session)
        try:
            if not await claim_update(session, event.update_id, self.clock.now()):
                await session.rollback()
                log.info("update %s was handled already; skipped", event.update_id)
                return UNHANDLED
            data["session"] = session
            result = await handler(event, data)
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            CURRENT_SESSION.reset(token)
            dirty = session.info.pop("outbox_dirty", False)
            await session.close()
        if dirty and self.on_outbox is not None:
            self.on_outbox()
        return result

    async def wait_idle(self) -> None:
        """Returns when no update is being handled."""
        await self._idle.wait()
