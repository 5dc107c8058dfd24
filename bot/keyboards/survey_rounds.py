"""The entry questionnaire's block in the plan view: a button per high-need direction
that no plan item covers yet, which adds an item of it «as questions arise»; once the plan
is confirmed, a button per mentee that opens their questionnaire."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.keyboards.builders import LABEL_MAX, keyboard


class EntryItemCb(CallbackData, prefix="sri"):
    program_id: int
    direction: str


class EntryShowCb(CallbackData, prefix="sre"):
    """Open one mentee's entry questionnaire under a plan already confirmed."""

    program_id: int
    mentee_id: int


def entries_keyboard(
    t: Translator, program_id: int, mentees: Sequence[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """A button per mentee, (id, name), that opens their entry questionnaire."""
    return keyboard(
        [
            (
                t.plain("rounds-btn-open", name=name)[:LABEL_MAX],
                EntryShowCb(program_id=program_id, mentee_id=mentee_id),
            )
            for mentee_id, name in mentees
        ],
        1,
    )


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
