"""The yardstick for bench.hop: a bare aiogram 3 bot doing a feedback bot's minimal work.

Every private message is copied with ``copy_message`` to its "mentor" chat, whose id is the
sender's id plus ``ECHO_MENTOR_OFFSET``. No database, no FSM, no middlewares.

    BOT_TOKEN=... TELEGRAM_API_BASE=http://127.0.0.1:PORT ECHO_MENTOR_OFFSET=N \
        python -m bench.echo_bot
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

MENTOR_OFFSET = int(os.environ.get("ECHO_MENTOR_OFFSET", "0"))


async def on_message(message: Message, bot: Bot) -> None:
    # No filter: aiogram runs sync filters (F, bare states) in a thread; a coroutine is cheaper.
    if message.chat.type == "private":
        await bot.copy_message(message.chat.id + MENTOR_OFFSET, message.chat.id, message.message_id)


async def main() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    base = os.environ.get("TELEGRAM_API_BASE")
    session = AiohttpSession(api=TelegramAPIServer.from_base(base)) if base else AiohttpSession()
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    dp = Dispatcher()
    dp.message.register(on_message)
    await dp.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
