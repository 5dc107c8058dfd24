"""Keyboards of meetings: the /meet steps, the invitation, /meetings, the mentor's mark."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.keyboards import builders
from bot.keyboards.builders import Button, keyboard
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


class MeetCancelScopeCb(CallbackData, prefix="mxs"):
    """Cancelling a meeting of a weekly series: this one only, or it and the later ones."""

    m: int
    series: bool


def programs_keyboard(
    t: Translator, programs: Sequence[tuple[int, str, list[str]]]
) -> InlineKeyboardMarkup:
    return builders.programs_keyboard(t, programs, lambda pid: MeetProgramCb(program_id=pid))


def days_keyboard(t: Translator, days: list[date]) -> InlineKeyboardMarkup:
    return keyboard(
        (
            (
                t.plain("meet-day-label", day=day.strftime("%d.%m"), weekday=day.isoweekday()),
                MeetDayCb(day=day.isoformat()),
            )
            for day in days
        ),
        3,
    )


def times_keyboard(times: list[str]) -> InlineKeyboardMarkup:
    return keyboard(((hhmm, MeetTimeCb(hhmm=hhmm.replace(":", ""))) for hhmm in times), 4)


def mode_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return keyboard(
        (
            (t.plain("pair-mode-label", mode=mode.value), MeetModeCb(mode=mode.value))
            for mode in Mode
        ),
        3,
    )


def skip_keyboard(t: Translator, step: str) -> InlineKeyboardMarkup:
    return keyboard([(t.plain("meet-btn-skip"), MeetSkipCb(step=step))])


def weekly_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            (t.plain("meet-btn-once"), MeetWeeklyCb(weekly=False)),
            (t.plain("meet-btn-weekly"), MeetWeeklyCb(weekly=True)),
        ],
        2,
    )


def confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            (t.plain("meet-btn-send"), MeetOkCb(ok=True)),
            (t.plain("meet-btn-drop"), MeetOkCb(ok=False)),
        ],
        2,
    )


def invite_keyboard(t: Translator, meeting_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            (t.plain("meet-btn-confirm"), MeetConfirmCb(m=meeting_id)),
            (t.plain("meet-btn-move"), MeetMoveCb(m=meeting_id)),
        ]
    )


def _held_buttons(t: Translator, meeting_id: int, suffix: str = "") -> list[Button]:
    """Held / Not held for one meeting (`suffix` "-n": labels that name the meeting)."""
    return [
        (t.plain("meet-btn-held" + suffix, id=meeting_id), MeetHeldCb(m=meeting_id, held=True)),
        (
            t.plain("meet-btn-not-held" + suffix, id=meeting_id),
            MeetHeldCb(m=meeting_id, held=False),
        ),
    ]


def held_keyboard(t: Translator, meeting_id: int) -> InlineKeyboardMarkup:
    return keyboard(_held_buttons(t, meeting_id), 2)


def list_keyboard(
    t: Translator,
    upcoming: list[tuple[int, bool]],
    to_mark: list[int],
) -> InlineKeyboardMarkup | None:
    """Per upcoming meeting (id, may confirm): Confirm, Move, Cancel; per past meeting
    the mentor has not marked: Held / Not held."""
    buttons: list[Button] = []
    sizes = []
    for meeting_id, may_confirm in upcoming:
        if may_confirm:
            buttons.append(
                (t.plain("meet-btn-confirm-n", id=meeting_id), MeetConfirmCb(m=meeting_id))
            )
        buttons.append((t.plain("meet-btn-move-n", id=meeting_id), MeetMoveCb(m=meeting_id)))
        buttons.append((t.plain("meet-btn-cancel-n", id=meeting_id), MeetCancelCb(m=meeting_id)))
        sizes.append(3 if may_confirm else 2)
    for meeting_id in to_mark:
        buttons += _held_buttons(t, meeting_id, "-n")
        sizes.append(2)
    return keyboard(buttons, *sizes) if sizes else None


def cancel_scope_keyboard(t: Translator, meeting_id: int, count: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            (t.plain("meet-btn-cancel-one"), MeetCancelScopeCb(m=meeting_id, series=False)),
            (
                t.plain("meet-btn-cancel-series", count=count),
                MeetCancelScopeCb(m=meeting_id, series=True),
            ),
        ]
    )
