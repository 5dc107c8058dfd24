"""Buttons of a program's life cycle (seed 002, §4): the card's change buttons, the
Agree / Decline buttons of a proposal, the curator's Complete / Extend at the end date and
the choice of a new mentor. Payloads can be forged: handlers re-check every id."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.keyboards.builders import LABEL_MAX, Button, keyboard, programs_keyboard


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


class EndConfirmCb(CallbackData, prefix="chc"):
    """Yes / No to the curator's termination for non-fulfilment (the reason is in the
    presser's FSM data, so a stale or forged press finds none)."""

    program_id: int
    yes: bool


def end_confirm_keyboard(t: Translator, program_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            (t.plain("change-btn-end-yes"), EndConfirmCb(program_id=program_id, yes=True)),
            (t.plain("change-btn-end-no"), EndConfirmCb(program_id=program_id, yes=False)),
        ],
        2,
    )


def vote_keyboard(t: Translator, proposal_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            (t.plain("change-btn-agree"), VoteCb(proposal_id=proposal_id, agree=True)),
            (t.plain("change-btn-decline"), VoteCb(proposal_id=proposal_id, agree=False)),
        ],
        2,
    )


def new_mentor_keyboard(
    t: Translator, proposal_id: int, mentors: list[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """The ranked mentors, then Decline (mentor_id 0)."""
    buttons: list[Button] = [
        (name[:LABEL_MAX], NewMentorCb(proposal_id=proposal_id, mentor_id=mentor_id))
        for mentor_id, name in mentors
    ]
    buttons.append(
        (t.plain("change-btn-decline-request"), NewMentorCb(proposal_id=proposal_id, mentor_id=0))
    )
    return keyboard(buttons)


def end_ask_keyboard(t: Translator, program_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            (
                t.plain("change-btn-complete"),
                ChangeCb(action=ChangeAction.COMPLETE, program_id=program_id),
            ),
            (
                t.plain("change-btn-extend"),
                ChangeCb(action=ChangeAction.EXTEND, program_id=program_id),
            ),
        ],
        2,
    )


def end_reason_keyboard(
    t: Translator, program_id: int, reasons: Sequence[str]
) -> InlineKeyboardMarkup:
    return keyboard(
        (
            t.plain("change-btn-reason", end_reason=reason),
            EndReasonCb(program_id=program_id, reason=reason),
        )
        for reason in reasons
    )


def program_pick_keyboard(
    t: Translator, action: str, programs: Sequence[tuple[int, str, list[str]]]
) -> InlineKeyboardMarkup:
    """A button a program (id, mentor's name, mentees' names), labelled as in every
    «which program?» list (builders.program_label)."""
    return programs_keyboard(
        t, programs, lambda program_id: ChangeCb(action=action, program_id=program_id)
    )
