"""Buttons of a program's life cycle (seed 002, §4): the card's change buttons, the
Agree / Decline buttons of a proposal, the curator's Complete / Extend at the end date and
the choice of a new mentor. Payloads can be forged: handlers re-check every id."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator

LABEL_MAX = 60


class ChangeAction:
    EXTEND = "extend"
    SHORTEN = "shorten"
    TERMINATE = "terminate"
    CHANGE_MENTOR = "change_mentor"
    RELEASE = "release"
    COMPLETE = "complete"


class ChangeCb(CallbackData, prefix="chg"):
    """A change button on the program card (or under the end-date notice)."""

    action: str  # a ChangeAction value
    program_id: int


class VoteCb(CallbackData, prefix="chv"):
    """Agree / Decline under a proposal notice."""

    proposal_id: int
    agree: bool


class EndReasonCb(CallbackData, prefix="che"):
    """The reason of an early termination."""

    program_id: int
    reason: str  # an EndReason value


class NewMentorCb(CallbackData, prefix="chm"):
    """The curator approves a change of mentor and picks the new mentor (0: decline)."""

    proposal_id: int
    mentor_id: int


def vote_keyboard(t: Translator, proposal_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("change-btn-agree"), callback_data=VoteCb(proposal_id=proposal_id, agree=True)
    )
    builder.button(
        text=t.plain("change-btn-decline"),
        callback_data=VoteCb(proposal_id=proposal_id, agree=False),
    )
    builder.adjust(2)
    return builder.as_markup()


def new_mentor_keyboard(
    t: Translator, proposal_id: int, mentors: list[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """The ranked mentors, then Decline (mentor_id 0)."""
    builder = InlineKeyboardBuilder()
    for mentor_id, name in mentors:
        builder.button(
            text=name[:LABEL_MAX],
            callback_data=NewMentorCb(proposal_id=proposal_id, mentor_id=mentor_id),
        )
    builder.button(
        text=t.plain("change-btn-decline-request"),
        callback_data=NewMentorCb(proposal_id=proposal_id, mentor_id=0),
    )
    builder.adjust(1)
    return builder.as_markup()


def end_ask_keyboard(t: Translator, program_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("change-btn-complete"),
        callback_data=ChangeCb(action=ChangeAction.COMPLETE, program_id=program_id),
    )
    builder.button(
        text=t.plain("change-btn-extend"),
        callback_data=ChangeCb(action=ChangeAction.EXTEND, program_id=program_id),
    )
    builder.adjust(2)
    return builder.as_markup()


def end_reason_keyboard(
    t: Translator, program_id: int, reasons: Sequence[str]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for reason in reasons:
        builder.button(
            text=t.plain("change-btn-reason", end_reason=reason),
            callback_data=EndReasonCb(program_id=program_id, reason=reason),
        )
    builder.adjust(1)
    return builder.as_markup()


def program_pick_keyboard(
    t: Translator, action: str, programs: Sequence[tuple[int, str]]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for program_id, mentor in programs:
        builder.button(
            text=t.plain("change-btn-program", program=program_id, mentor=mentor)[:LABEL_MAX],
            callback_data=ChangeCb(action=action, program_id=program_id),
        )
    builder.adjust(1)
    return builder.as_markup()
