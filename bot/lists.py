"""Lists that may outgrow one Telegram message go out as several."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from bot.texts import pack_lines

# Telegram takes at most 100 buttons in one inline keyboard.
LINES_WITH_BUTTONS = 50


async def send_lines(
    bot: Bot,
    chat_id: int,
    header: str,
    lines: Sequence[str],
    keyboard: Callable[[range], InlineKeyboardMarkup | None] | None = None,
) -> None:
    """The header and the lines, in as many messages as they need (never over 4096).

    `keyboard` builds each message's buttons from the indices of the lines it carries.
    """
    max_lines = LINES_WITH_BUTTONS if keyboard is not None else None
    for text, part in pack_lines(header, lines, max_lines=max_lines):
        markup = keyboard(part) if keyboard is not None else None
        await bot.send_message(chat_id, text, reply_markup=markup)
