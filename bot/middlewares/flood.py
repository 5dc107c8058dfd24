"""Flood control: no person may take more than `limit` handled messages a second.

Content (text, media, anything but a command) is never dropped while the person's burst
stays bounded: a message over the rate waits until the rate allows it. Only when a burst
(messages without a quiet `window` between them) has already waited `max_delay` seconds
in all is a content message not taken, and the person is told once a `cooldown`.
Commands over the rate are ignored for a short while, with one warning. The messages of
an album count once.

Updates of one person arrive here one at a time (the dispatcher's event isolation), so
waiting here keeps their order. Warnings go in the language the i18n middleware picked
for the person's last handled update: their stored choice when they are known.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject, Update

from bot.i18n import Locales, Translator


def is_command(message: Message) -> bool:
    """Typed by the person; a forwarded text that starts with a slash is content."""
    return bool(message.text and message.text.startswith("/") and message.forward_origin is None)


class FloodMiddleware(BaseMiddleware):
    def __init__(
        self,
        locales: Locales,
        limit: int = 5,
        window: float = 1.0,
        cooldown: float = 3.0,
        max_delay: float = 10.0,
    ) -> None:
        self.locales = locales
        self.limit = limit
        self.window = window
        self.cooldown = cooldown
        self.max_delay = max_delay
        self.seen: dict[int, deque[float]] = {}
        self.albums: dict[int, str] = {}
        self.muted_until: dict[int, float] = {}  # commands only
        self.waited: dict[int, float] = {}  # seconds the current burst has waited
        self.warned_until: dict[int, float] = {}  # content not taken: told once a cooldown
        self.languages: dict[int, str] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        message = event.message if isinstance(event, Update) else None
        if message is None or message.chat.type != "private" or message.from_user is None:
            tg_user = data.get("event_from_user")
            if tg_user is None:
                return await handler(event, data)
            return await self._handle(handler, event, data, tg_user.id)  # buttons: not counted
        user_id = message.from_user.id
        if message.media_group_id and self.albums.get(user_id) == message.media_group_id:
            return await self._handle(handler, event, data, user_id)
        now = time.monotonic()
        stamps = self.seen.setdefault(user_id, deque())
        self._expire(stamps, now)
        if not stamps:
            self.waited.pop(user_id, None)  # a quiet window: the burst is over
        if is_command(message):
            if self.muted_until.get(user_id, 0.0) > now:
                return None
            if len(stamps) >= self.limit:
                self.muted_until[user_id] = now + self.cooldown
                await message.answer(self._t(user_id, message)("flood-warning"))
                return None
        elif len(stamps) >= self.limit:
            wait = max(0.0, stamps[0] + self.window - now)
            waited = self.waited.get(user_id, 0.0) + wait
            if waited > self.max_delay:
                if self.warned_until.get(user_id, 0.0) <= now:
                    self.warned_until[user_id] = now + self.cooldown
                    await message.answer(self._t(user_id, message)("flood-not-taken"))
                return None
            self.waited[user_id] = waited
            await asyncio.sleep(wait)
            now = time.monotonic()
            self._expire(stamps, now)
        if message.media_group_id:
            self.albums[user_id] = message.media_group_id
        stamps.append(now)
        if len(self.seen) > 100_000:
            self._forget_idle(now)
        return await self._handle(handler, event, data, user_id)

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
        user_id: int,
    ) -> Any:
        try:
            return await handler(event, data)
        finally:
            language = data.get("lang")  # set by the i18n middleware further in
            if isinstance(language, str):
                self.languages[user_id] = language

    def _t(self, user_id: int, message: Message) -> Translator:
        language = self.languages.get(user_id)
        if language is None:
            code = message.from_user.language_code if message.from_user else None
            language = self.locales.pick(None, code)
        return self.locales.get(language)

    def _expire(self, stamps: deque[float], now: float) -> None:
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()

    def _forget_idle(self, now: float) -> None:
        for user_id in [u for u, s in self.seen.items() if not s or now - s[-1] > 60]:
            for table in (
                self.seen,
                self.albums,
                self.muted_until,
                self.waited,
                self.warned_until,
                self.languages,
            ):
                table.pop(user_id, None)
