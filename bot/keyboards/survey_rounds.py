"""The entry questionnaire's block in the plan view: a button per high-need direction
that no plan item covers yet, which adds an item of it «as questions arise»."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.keyboards.builders import keyboard


class EntryItemCb(CallbackData, prefix="sri"):
    program_id: int
    direction: str


def offered_keyboard(
    t: Translator, program_id: int, directions: Sequence[str]
) -> InlineKeyboardMarkup | None:
    if not directions:
        return None
    return keyboard(
        [
            (
                t.plain("rounds-btn-add", direction=t.plain(f"direction-{d}")),
                EntryItemCb(program_id=program_id, direction=d),
            )
            for d in directions
        ],
        1,
    )
