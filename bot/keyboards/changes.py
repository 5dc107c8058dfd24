"""Buttons of a program's life cycle (seed 002, §4): the card's change buttons, the
Agree / Decline buttons of a proposal, the curator's Complete / Extend at the end date and
the choice of a new mentor. Payloads can be forged: handlers re-check every id."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


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
