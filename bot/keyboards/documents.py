"""Buttons of /export: the personal-data warning's «Выгрузить» / «Отмена»."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator


class ExportCb(CallbackData, prefix="xp"):
    go: bool


def export_keyboard(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("export-btn-go"), callback_data=ExportCb(go=True))
    builder.button(text=t.plain("export-btn-cancel"), callback_data=ExportCb(go=False))
    builder.adjust(2)
    return builder.as_markup()
