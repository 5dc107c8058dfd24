"""A real aiogram Bot talking to the Telegram stand-in (fake_telegram) over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from fake_telegram import FakeTelegram


@contextlib.asynccontextmanager
async def bot_on(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    client = Bot(fake.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    try:
        yield client
    finally:
        await client.session.close()
