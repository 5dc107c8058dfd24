"""The program card's buttons: open a card, edit a note field, confirm «ознакомлен»."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.keyboards import builders
from bot.keyboards.builders import keyboard
from models.program_card import NOTE_FIELDS


class CardOpenCb(CallbackData, prefix="pcv"):
    program_id: int


class CardNoteCb(CallbackData, prefix="pcn"):
    program_id: int
    field: str  # a NOTE_FIELDS name, or "" for the choice of field


class CardAckCb(CallbackData, prefix="pca"):
    program_id: int
    notice: bool  # pressed under the "pair-active-mentee" notice, not on a card


def card_keyboard(
    t: Translator,
    program_id: int,
    *,
    can_edit: bool,
    can_ack: bool,
    extra: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup | None:
    """The card's buttons for one viewer; `extra` are the change actions of their role."""
    builder = InlineKeyboardBuilder()
    if can_ack:
        builder.button(
            text=t.plain("card-btn-ack"),
            callback_data=CardAckCb(program_id=program_id, notice=False),
        )
    if can_edit:
        builder.button(
            text=t.plain("card-btn-edit-note"),
            callback_data=CardNoteCb(program_id=program_id, field=""),
        )
    for button in extra:
        builder.add(button)
    if not can_ack and not can_edit and not extra:
        return None
    builder.adjust(1)
    return builder.as_markup()


def note_fields_keyboard(t: Translator, program_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        (t.plain("card-field", field=name), CardNoteCb(program_id=program_id, field=name))
        for name in NOTE_FIELDS
    )


def programs_keyboard(
    t: Translator, programs: Sequence[tuple[int, str, list[str]]]
) -> InlineKeyboardMarkup:
    """One button per program: (id, mentor's name, mentees' names)."""
    return builders.programs_keyboard(t, programs, lambda pid: CardOpenCb(program_id=pid))


def active_notice_keyboard(t: Translator, program_id: int) -> InlineKeyboardMarkup:
    """Under the mentee's "your program is active" notice: acknowledge, and open the card."""
    return keyboard(
        [
            (t.plain("card-btn-ack"), CardAckCb(program_id=program_id, notice=True)),
            (t.plain("card-btn-open"), CardOpenCb(program_id=program_id)),
        ],
        2,
    )


def open_keyboard(t: Translator, program_id: int) -> InlineKeyboardMarkup:
    return keyboard([(t.plain("card-btn-open"), CardOpenCb(program_id=program_id))])
