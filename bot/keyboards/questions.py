"""Keyboards of the question thread."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.keyboards.callbacks import (
    QAnswerCb,
    QClaimCb,
    QCloseCb,
    QContinueCb,
    QFollowUpCb,
    QHandOverCb,
    QNewCb,
    QPickMentorCb,
    QRateCb,
    QReassignCb,
    QReassignToCb,
    QRemindCb,
    QResolveCb,
    WriteFirstCb,
)


def question_keyboard(t: Translator, q: int, *, for_curator: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("q-btn-answer"), callback_data=QAnswerCb(q=q))
    if for_curator:
        builder.button(text=t.plain("q-btn-reassign"), callback_data=QReassignCb(q=q))
    else:
        builder.button(text=t.plain("q-btn-hand-over"), callback_data=QHandOverCb(q=q))
    builder.button(text=t.plain("q-btn-close"), callback_data=QCloseCb(q=q))
    builder.adjust(1, 2)
    return builder.as_markup()


def answer_keyboard(t: Translator, q: int, *, rated: bool = False) -> InlineKeyboardMarkup:
    """Under an answer: resolved, ask more, and the 1–5 rating (gone once rated)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("q-btn-resolved"), callback_data=QResolveCb(q=q))
    builder.button(text=t.plain("q-btn-follow-up"), callback_data=QFollowUpCb(q=q))
    if not rated:
        for score in range(1, 6):
            builder.button(text=str(score), callback_data=QRateCb(q=q, score=score))
    builder.adjust(2, 5)
    return builder.as_markup()


def rate_keyboard(q: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for score in range(1, 6):
        builder.button(text=str(score), callback_data=QRateCb(q=q, score=score))
    builder.adjust(5)
    return builder.as_markup()


def as_new_keyboard(t: Translator, mid: int) -> InlineKeyboardMarkup:
    """Under a message taken as a continuation: take it as a new question instead."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("q-btn-as-new"), callback_data=QNewCb(mid=mid))
    return builder.as_markup()


def as_continuation_keyboard(t: Translator, q: int, number: int, mid: int) -> InlineKeyboardMarkup:
    """Under a message taken as a new question: make it part of question №number."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("q-btn-as-continuation", number=number),
        callback_data=QContinueCb(q=q, mid=mid),
    )
    return builder.as_markup()


def pick_mentor_keyboard(programs: list[tuple[int, str]], mid: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for program_id, name in programs:
        builder.button(text=name[:60], callback_data=QPickMentorCb(program_id=program_id, mid=mid))
    builder.adjust(1)
    return builder.as_markup()


def reassign_keyboard(q: int, mentors: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for user_id, name in mentors:
        builder.button(text=name[:60], callback_data=QReassignToCb(q=q, user_id=user_id))
    builder.adjust(1)
    return builder.as_markup()


def mentees_keyboard(mentees: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for user_id, name in mentees:
        builder.button(text=name[:60], callback_data=WriteFirstCb(mentee_id=user_id))
    builder.adjust(1)
    return builder.as_markup()


def escalation_keyboard(t: Translator, q: int) -> InlineKeyboardMarkup:
    """The curators' buttons on an escalated question."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("q-btn-claim"), callback_data=QClaimCb(q=q))
    builder.button(text=t.plain("q-btn-remind"), callback_data=QRemindCb(q=q))
    builder.button(text=t.plain("q-btn-reassign"), callback_data=QReassignCb(q=q))
    builder.adjust(1, 2)
    return builder.as_markup()
