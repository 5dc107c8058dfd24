"""Keyboards of meetings: the /meet steps, the invitation, /meetings, the mentor's mark."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.keyboards.callbacks import (
    MeetCancelCb,
    MeetConfirmCb,
    MeetDayCb,
    MeetHeldCb,
    MeetModeCb,
    MeetMoveCb,
    MeetOkCb,
    MeetProgramCb,
    MeetSkipCb,
    MeetTimeCb,
    MeetWeeklyCb,
)
from models.programs import Mode

LABEL_MAX = 60


def programs_keyboard(choices: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for program_id, label in choices:
        builder.button(text=label[:LABEL_MAX], callback_data=MeetProgramCb(program_id=program_id))
    builder.adjust(1)
    return builder.as_markup()


def days_keyboard(t: Translator, days: list[date]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in days:
        builder.button(
            text=t.plain("meet-day-label", day=day.strftime("%d.%m"), weekday=day.isoweekday()),
            callback_data=MeetDayCb(day=day.isoformat()),
        )
    builder.adjust(3)
    return builder.as_markup()


def times_keyboard(times: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for hhmm in times:
        builder.button(text=hhmm, callback_data=MeetTimeCb(hhmm=hhmm.replace(":", "")))
    builder.adjust(4)
    return builder.as_markup()


def mode_keyboard(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for mode in Mode:
        builder.button(
            text=t.plain("pair-mode-label", mode=mode.value),
            callback_data=MeetModeCb(mode=mode.value),
        )
    builder.adjust(3)
    return builder.as_markup()


def skip_keyboard(t: Translator, step: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("meet-btn-skip"), callback_data=MeetSkipCb(step=step))
    return builder.as_markup()


def weekly_keyboard(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("meet-btn-once"), callback_data=MeetWeeklyCb(weekly=False))
    builder.button(text=t.plain("meet-btn-weekly"), callback_data=MeetWeeklyCb(weekly=True))
    builder.adjust(2)
    return builder.as_markup()


def confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("meet-btn-send"), callback_data=MeetOkCb(ok=True))
    builder.button(text=t.plain("meet-btn-drop"), callback_data=MeetOkCb(ok=False))
    builder.adjust(2)
    return builder.as_markup()


def invite_keyboard(t: Translator, meeting_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("meet-btn-confirm"), callback_data=MeetConfirmCb(m=meeting_id))
    builder.button(text=t.plain("meet-btn-move"), callback_data=MeetMoveCb(m=meeting_id))
    builder.adjust(1)
    return builder.as_markup()


def held_keyboard(t: Translator, meeting_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("meet-btn-held"), callback_data=MeetHeldCb(m=meeting_id, held=True))
    builder.button(
        text=t.plain("meet-btn-not-held"), callback_data=MeetHeldCb(m=meeting_id, held=False)
    )
    builder.adjust(2)
    return builder.as_markup()


def list_keyboard(
    t: Translator,
    upcoming: list[tuple[int, bool]],
    to_mark: list[int],
) -> InlineKeyboardMarkup | None:
    """Per upcoming meeting (id, may confirm): Confirm, Move, Cancel; per past meeting
    the mentor has not marked: Held / Not held."""
    builder = InlineKeyboardBuilder()
    sizes = []
    for meeting_id, may_confirm in upcoming:
        if may_confirm:
            builder.button(
                text=t.plain("meet-btn-confirm-n", id=meeting_id),
                callback_data=MeetConfirmCb(m=meeting_id),
            )
        builder.button(
            text=t.plain("meet-btn-move-n", id=meeting_id), callback_data=MeetMoveCb(m=meeting_id)
        )
        builder.button(
            text=t.plain("meet-btn-cancel-n", id=meeting_id),
            callback_data=MeetCancelCb(m=meeting_id),
        )
        sizes.append(3 if may_confirm else 2)
    for meeting_id in to_mark:
        builder.button(
            text=t.plain("meet-btn-held-n", id=meeting_id),
            callback_data=MeetHeldCb(m=meeting_id, held=True),
        )
        builder.button(
            text=t.plain("meet-btn-not-held-n", id=meeting_id),
            callback_data=MeetHeldCb(m=meeting_id, held=False),
        )
        sizes.append(2)
    if not sizes:
        return None
    builder.adjust(*sizes)
    return builder.as_markup()
