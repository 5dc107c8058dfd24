"""Flood control: more than `limit` messages a second from one person are ignored for a
short while, with one warning. The messages of an album count once."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.i18n import Locales


class FloodMiddleware(BaseMiddleware):
    def __init__(
        self, locales: Locales, limit: int = 5, window: float = 1.0, cooldown: float = 3.0
    ) -> None:
        self.locales = locales
        self.limit = limit
        self.window = window
        self.cooldown = cooldown
        self.seen: dict[int, deque[float]] = {}
        self.albums: dict[int, str] = {}
        self.muted_until: dict[int, float] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        message = event.message if isinstance(event, Update) else None
        if message is None or message.chat.type != "private" or message.from_user is None:
            return await handler(event, data)
        user_id = message.from_user.id
        now = time.monotonic()
        if self.muted_until.get(user_id, 0.0) > now:
            return None
        if message.media_group_id and self.albums.get(user_id) == message.media_group_id:
            return await handler(event, data)
        if message.media_group_id:
            self.albums[user_id] = message.media_group_id
        stamps = self.seen.setdefault(user_id, deque())
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        stamps.append(now)
        if len(stamps) > self.limit:
            self.muted_until[user_id] = now + self.cooldown
            stamps.clear()
            t = self.locales.get(self.locales.pick(None, message.from_user.language_code))
            await message.answer(t("flood-warning"))
            return None
        if len(self.seen) > 100_000:
            self._forget_idle(now)
        return await handler(event, data)

    def _forget_idle(self, now: float) -> None:
        for user_id in [u for u, s in self.seen.items() if not s or now - s[-1] > 60]:
            self.seen.pop(user_id, None)
            self.albums.pop(user_id, None)
            self.muted_until.pop(user_id, None)
