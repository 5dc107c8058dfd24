"""Picks the language: the stored choice, else Telegram's language_code, else Russian."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.i18n import Locales


class I18nMiddleware(BaseMiddleware):
    def __init__(self, locales: Locales) -> None:
        self.locales = locales

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("user")
        tg_user = data.get("event_from_user")
        language = self.locales.pick(
            user.language if user is not None else None,
            tg_user.language_code if tg_user is not None else None,
        )
        data["lang"] = language
        data["t"] = self.locales.get(language)
        return await handler(event, data)
