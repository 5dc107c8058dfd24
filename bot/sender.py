"""Everything outgoing passes one rate limiter; the outbox is drained here.

The limiter is a request middleware on the bot's session, so direct replies and outbox
rows share the same budget: a global rate, a per-chat token bucket that allows short
bursts, and a per-minute budget for groups. A 429 pauses the chat; 429s on several
chats at once lower the global rate for a while. Network errors and 5xx are retried
with backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.i18n import Locales
from bot.texts import split_text
from models import outbox
from models.db import write_gate
from models.outbox import OutboxMessage, OutboxStatus
from models.people import User, mark_unreachable

log = logging.getLogger(__name__)

LIMITED_PREFIXES = ("send", "copy", "forward", "edit")
MAX_DIRECT_WAIT = 15.0
NETWORK_RETRIES = 3
MAX_OUTBOX_ATTEMPTS = 8


class TokenBucket:
    """A bucket that hands out reservations: each caller learns how long to wait."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = float("-inf")

    def reserve(self, now: float) -> float:
        if self.updated == float("-inf"):
            self.updated = now
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class RateLimiter:
    def __init__(
        self,
        global_rate: float,
        chat_rate: float,
        chat_burst: int,
        group_per_minute: int,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timer = timer
        self.base_global_rate = global_rate
        self.global_bucket = TokenBucket(global_rate, max(1.0, global_rate))
        self.chat_rate = chat_rate
        self.chat_burst = chat_burst
        self.group_rate = group_per_minute / 60.0
        self.group_burst = min(3, group_per_minute)
        self.chats: dict[int, TokenBucket] = {}
        self.paused_until: dict[int, float] = {}
        self.recent_429: deque[tuple[float, int]] = deque()
        self.slow_until = 0.0

    def _bucket(self, chat_id: int) -> TokenBucket:
        bucket = self.chats.get(chat_id)
        if bucket is None:
            if chat_id < 0:
                bucket = TokenBucket(self.group_rate, self.group_burst)
            else:
                bucket = TokenBucket(self.chat_rate, self.chat_burst)
            self.chats[chat_id] = bucket
            if len(self.chats) > 50_000:
                self._forget_idle()
        return bucket

    def _forget_idle(self) -> None:
        now = self.timer()
        for chat_id in [c for c, b in self.chats.items() if now - b.updated > 60]:
            del self.chats[chat_id]

    def paused_for(self, chat_id: int) -> float:
        """Seconds until Telegram lets us write to this chat again."""
        return max(0.0, self.paused_until.get(chat_id, 0.0) - self.timer())

    def delay_for(self, chat_id: int | None) -> float:
        now = self.timer()
        if self.slow_until and now > self.slow_until:
            self.global_bucket.rate = self.base_global_rate
            self.slow_until = 0.0
        delay = self.global_bucket.reserve(now)
        if chat_id is not None:
            delay = max(delay, self._bucket(chat_id).reserve(now))
            delay = max(delay, self.paused_until.get(chat_id, 0.0) - now)
        return delay

    async def acquire(self, chat_id: int | None) -> None:
        delay = self.delay_for(chat_id)
        if delay > 0:
            await asyncio.sleep(delay)

    def pause(self, chat_id: int | None, seconds: float) -> None:
        now = self.timer()
        if chat_id is not None:
            self.paused_until[chat_id] = max(self.paused_until.get(chat_id, 0.0), now + seconds)
        self.recent_429.append((now, chat_id or 0))
        while self.recent_429 and now - self.recent_429[0][0] > 10:
            self.recent_429.popleft()
        if len({chat for _, chat in self.recent_429}) >= 3:
            self.global_bucket.rate = max(1.0, self.base_global_rate / 2)
            self.slow_until = now + 60


def _chat_of(method: TelegramMethod[Any]) -> int | None:
    chat_id = getattr(method, "chat_id", None)
    return chat_id if isinstance(chat_id, int) else None


class RateLimitMiddleware(BaseRequestMiddleware):
    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        if not name.startswith(LIMITED_PREFIXES):
            return await make_request(bot, method)
        chat_id = _chat_of(method)
        if chat_id is not None and self.limiter.paused_for(chat_id) > MAX_DIRECT_WAIT:
            raise TelegramRetryAfter(
                method=method,
                message="Too Many Requests: this chat is paused",
                retry_after=int(self.limiter.paused_for(chat_id)) + 1,
            )
        network_failures = 0
        waited = 0.0
        while True:
            await self.limiter.acquire(chat_id)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.limiter.pause(chat_id, exc.retry_after)
                log.warning("429 on %s chat=%s retry_after=%s", name, chat_id, exc.retry_after)
                waited += exc.retry_after
                if waited > MAX_DIRECT_WAIT:
                    raise
            except (TelegramNetworkError, TelegramServerError) as exc:
                network_failures += 1
                kind = type(exc).__name__
                log.warning("%s failed (%s), attempt %s", name, kind, network_failures)
                if network_failures >= NETWORK_RETRIES:
                    raise
                await asyncio.sleep(0.5 * 2 ** (network_failures - 1))


class OutboxSender:
    """Drains due outbox rows. A row is marked sent only after Telegram accepted it."""

    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        locales: Locales,
        clock: Clock,
        limiter: RateLimiter | None = None,
        batch: int = 100,
        concurrency: int = 16,
    ) -> None:
        self.limiter = limiter
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.locales = locales
        self.clock = clock
        self.batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._gate = write_gate(sessionmaker)

    async def drain(self) -> int:
        sent = 0
        while True:
            async with self._gate.hold(), self.sessionmaker() as session, session.begin():
                now = self.clock.now()
                await outbox.drop_expired(session, now)
                await outbox.release_stale_claims(session, now, timedelta(minutes=10))
                rows = await outbox.claim_due(session, now, self.batch)
            if not rows:
                return sent
            results = await asyncio.gather(*(self._deliver(row) for row in rows))
            sent += sum(results)
            if len(rows) < self.batch:
                return sent

    async def _deliver(self, row: OutboxMessage) -> bool:
        async with self._slots:
            async with self.sessionmaker() as session:
                user = await session.get(User, row.user_id) if row.user_id else None
            if user is not None and (not user.reachable or user.tg_id is None):
                await self._finish(row, OutboxStatus.CANCELLED, "recipient unreachable")
                return False
            if self.limiter is not None and self.limiter.paused_for(row.chat_id) > 0:
                # Telegram asked us to wait for this chat: come back then, do not block
                # the rest of the batch.
                await self._retry(row, self.limiter.paused_for(row.chat_id), "chat paused")
                return False
            t = self.locales.get(user.language if user else None)
            text = t(row.key, **row.args)
            markup = None
            if row.buttons:
                builder = InlineKeyboardBuilder()
                for buttons in row.buttons:  # rows of {"key", "args", "data"}
                    builder.row(
                        *(
                            InlineKeyboardButton(
                                text=t.plain(b["key"], **b.get("args", {})),
                                callback_data=b["data"],
                            )
                            for b in buttons
                        )
                    )
                markup = builder.as_markup()
            try:
                pieces = split_text(text)
                for index, piece in enumerate(pieces):
                    await self.bot.send_message(
                        row.chat_id,
                        piece,
                        reply_markup=markup if index == len(pieces) - 1 else None,
                        disable_notification=row.silent,
                    )
            except TelegramRetryAfter as exc:
                await self._retry(row, exc.retry_after, "retry after")
                return False
            except TelegramForbiddenError as exc:
                await self._finish(row, OutboxStatus.FAILED, exc.message)
                if row.user_id is not None:
                    async with self._gate.hold(), self.sessionmaker() as session, session.begin():
                        await mark_unreachable(session, row.user_id, self.clock.now())
                return False
            except TelegramBadRequest as exc:
                log.error("outbox row %s refused: %s", row.id, exc.message)
                await self._finish(row, OutboxStatus.FAILED, exc.message)
                return False
            except (TelegramNetworkError, TelegramServerError) as exc:
                if row.attempts + 1 >= MAX_OUTBOX_ATTEMPTS:
                    await self._finish(row, OutboxStatus.FAILED, str(exc))
                else:
                    await self._retry(row, min(600, 5 * 2**row.attempts), str(exc))
                return False
            await self._finish(row, OutboxStatus.SENT, None)
            return True

    async def _finish(self, row: OutboxMessage, status: OutboxStatus, error: str | None) -> None:
        async with self._gate.hold(), self.sessionmaker() as session, session.begin():
            await outbox.finish(session, row.id, status, self.clock.now(), error)

    async def _retry(self, row: OutboxMessage, seconds: float, error: str) -> None:
        async with self._gate.hold(), self.sessionmaker() as session, session.begin():
            due = self.clock.now() + timedelta(seconds=seconds)
            await outbox.retry_later(session, row.id, due, error)
