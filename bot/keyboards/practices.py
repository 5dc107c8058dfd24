"""The best-practice bank's button: mark a completed program (or edit its summary)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.keyboards.builders import keyboard


class PracticeCb(CallbackData, prefix="bpm"):
    program_id: int


def practice_button(t: Translator, program_id: int, marked: bool) -> InlineKeyboardButton:
    key = "practice-btn-edit" if marked else "practice-btn-mark"
    return InlineKeyboardButton(
        text=t.plain(key), callback_data=PracticeCb(program_id=program_id).pack()
    )


def edit_keyboard(t: Translator, program_id: int) -> InlineKeyboardMarkup:
    return keyboard([(t.plain("practice-btn-edit"), PracticeCb(program_id=program_id).pack())])
