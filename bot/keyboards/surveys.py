"""Keyboards of surveys: the buttons under a question, /surveys' «Continue».

A button names the assignment and the question's position, so a press on an outdated
question is recognised (models/surveys.py `answer` refuses a position no longer waiting).
A multiple choice keeps what is ticked in the buttons themselves: each toggle carries the
set it would leave (a bit mask of option indexes) and «Done» the set ticked now, so the
ticks survive a restart without any storage.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import ForceReply, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from models.surveys import QuestionType, SurveyQuestion

# What a survey button does.
SCALE = "s"  # v: the score
PICK = "c"  # v: the option's index (single choice)
TOGGLE = "t"  # v: the mask after the toggle (multiple choice)
DONE = "d"  # v: the mask ticked
SKIP = "k"  # an optional question

MAX_OPTIONS = 20  # a mask fits a small int


class SurveyCb(CallbackData, prefix="sv"):
    a: int  # the assignment
    p: int  # the question's position
    k: str  # what the button does
    v: int = 0


class SurveyResumeCb(CallbackData, prefix="svr"):
    a: int


def label(text: dict[str, str], language: str) -> str:
    """A definition text in the reader's language (Russian when it has none)."""
    return text.get(language) or text.get("ru") or next(iter(text.values()), "")


def picked(mask: int, count: int) -> list[int]:
    return [i for i in range(min(count, MAX_OPTIONS)) if mask & (1 << i)]


def question_markup(
    t: Translator, assignment_id: int, position: int, question: SurveyQuestion, mask: int = 0
) -> InlineKeyboardMarkup | ForceReply:
    """The buttons of a question; a free-text question asks for a reply instead."""
    if question.type == QuestionType.TEXT:
        return ForceReply(input_field_placeholder=t.plain("survey-placeholder")[:64])
    builder = InlineKeyboardBuilder()
    widths: list[int] = []
    if question.type == QuestionType.SCALE:
        for score in range(1, 6):
            builder.button(
                text=str(score),
                callback_data=SurveyCb(a=assignment_id, p=position, k=SCALE, v=score),
            )
        widths.append(5)
    elif question.type == QuestionType.SINGLE:
        for index, option in enumerate(question.options):
            builder.button(
                text=label(option.text, t.language),
                callback_data=SurveyCb(a=assignment_id, p=position, k=PICK, v=index),
            )
            widths.append(1)
    else:
        for index, option in enumerate(question.options[:MAX_OPTIONS]):
            ticked = bool(mask & (1 << index))
            text = label(option.text, t.language)
            builder.button(
                text=f"✓ {text}" if ticked else text,
                callback_data=SurveyCb(
                    a=assignment_id, p=position, k=TOGGLE, v=mask ^ (1 << index)
                ),
            )
            widths.append(1)
        builder.button(
            text=t.plain("survey-btn-done"),
            callback_data=SurveyCb(a=assignment_id, p=position, k=DONE, v=mask),
        )
        widths.append(1)
    if question.optional:
        builder.button(
            text=t.plain("survey-btn-skip"),
            callback_data=SurveyCb(a=assignment_id, p=position, k=SKIP),
        )
        widths.append(1)
    builder.adjust(*widths)
    return builder.as_markup()


def skip_keyboard(t: Translator, assignment_id: int, position: int) -> InlineKeyboardMarkup:
    """Under an optional free-text question (its prompt itself asks for a reply)."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("survey-btn-skip"),
        callback_data=SurveyCb(a=assignment_id, p=position, k=SKIP),
    )
    return builder.as_markup()


def resume_keyboard(t: Translator, items: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """/surveys: «Continue» under each pending survey (its title on the button)."""
    builder = InlineKeyboardBuilder()
    for assignment_id, title in items:
        builder.button(
            text=t.plain("survey-btn-continue", title=title)[:64],
            callback_data=SurveyResumeCb(a=assignment_id),
        )
    builder.adjust(1)
    return builder.as_markup()
