"""One database session and transaction per update; Telegram is spoken to after it.

The update id is inserted first, in the same transaction as the handler's effects, and
committed after the handler returns. A redelivered update finds its id and is skipped;
a crash before the commit loses nothing, because nothing was recorded and polling does
not confirm an update before its handling has finished.

Decide, commit, then deliver: while the handler runs, its replies are collected (see
bot/replies.py) and the messages it writes for others are outbox rows born claimed by
this process. After the commit the rows go to the sender and the replies are sent; after
a rollback neither exists.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.replies import COLLECTED, Reply, send_collected
from bot.sender import OutboxSender
from bot.storage import CURRENT_SESSION
from models import outbox
from models.db import write_gate
from models.runtime import claim_update

log = logging.getLogger(__name__)


class DbSessionMiddleware(BaseMiddleware):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        sender: OutboxSender,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.sender = sender
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
        replies: list[Reply] = []
        try:
            async with self.gate.hold():
                result, claimed = await self._handle(handler, event, data, replies)
            # Committed: deliver what it decided, outside the transaction and the gate.
            # In a chat that gets both, the rows the handler queued come first (a
            # question shown, then the prompt to answer it).
            self.sender.submit(claimed)
            bot: Bot | None = data.get("bot")
            if replies and bot is not None:
                await send_collected(bot, replies, self.sender, claimed)
            return result
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: Update,
        data: dict[str, Any],
        replies: list[Reply],
    ) -> tuple[Any, list[outbox.OutboxMessage]]:
        session = self.sessionmaker()
        session.info[outbox.CLAIMER] = self.sender.claimer
        token = CURRENT_SESSION.set(session)
        collecting = COLLECTED.set(replies)
        try:
            if not await claim_update(session, event.update_id, self.clock.now()):
                await session.rollback()
                log.info("update %s was handled already; skipped", event.update_id)
                return UNHANDLED, []
            data["session"] = session
            result = await handler(event, data)
            claimed = list(session.info.get(outbox.CLAIMED, ()))
            await session.commit()
        except BaseException:
            await session.rollback()
            replies.clear()
            raise
        finally:
            COLLECTED.reset(collecting)
            CURRENT_SESSION.reset(token)
            await session.close()
        return result, claimed

    async def wait_idle(self) -> None:
        """Returns when no update is being handled."""
        await self._idle.wait()
