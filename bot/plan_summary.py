"""The curators' daily summary of overdue plan items (models/plans.py OVERDUE_CURATOR):
one message listing each program once, cut to one Telegram message with «and K more»,
a button per program for the first few, the /plan command in the text when there are more."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.keyboards.plan import PlanOpenCb
from bot.texts import MESSAGE_LIMIT, utf16_len

BUTTONS = 5  # programs with a button of their own; beyond that, the text names /plan
BUTTON_NAMES = 32  # characters of the mentees' names on a button


def render(t: Translator, args: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup | None]:
    programs = [list(p) for p in args.get("programs", [])]
    head = t("plan-overdue-summary", count=len(programs))
    hint = (
        t("plan-overdue-summary-hint", program=int(programs[0][0]))
        if len(programs) > BUTTONS
        else None
    )
    lines = [
        t(
            "plan-overdue-summary-line",
            program=int(pid),
            mentees=mentees,
            mentor=mentor,
            items=int(items),
            overdue=int(overdue),
        )
        for pid, mentees, mentor, items, overdue in programs
    ]
    shown: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        tail = [t("plan-overdue-summary-more", more=rest)] if rest else []
        if hint:
            tail.append(hint)
        if utf16_len("\n".join([head, *shown, line, *tail])) > MESSAGE_LIMIT:
            break
        shown.append(line)
    more = len(lines) - len(shown)
    text = "\n".join(
        [
            head,
            *shown,
            *([t("plan-overdue-summary-more", more=more)] if more else []),
            *([hint] if hint else []),
        ]
    )
    if not programs:
        return text, None
    builder = InlineKeyboardBuilder()
    for pid, mentees, *_ in programs[: min(BUTTONS, len(shown) or 1)]:
        short = mentees if len(mentees) <= BUTTON_NAMES else mentees[: BUTTON_NAMES - 1] + "…"
        builder.button(
            text=t.plain("plan-overdue-summary-btn", program=int(pid), mentees=short),
            callback_data=PlanOpenCb(program_id=int(pid)),
        )
    builder.adjust(1)
    return text, builder.as_markup()
