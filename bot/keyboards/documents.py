"""Buttons of /export: the personal-data warning's «Выгрузить» / «Отмена»."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator


class ExportCb(CallbackData, prefix="xp"):
    go: bool
    org: int = 0  # `/export #<school>`: that school only (0: the person's whole scope)


def export_keyboard(t: Translator, org: int = 0) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("export-btn-go"), callback_data=ExportCb(go=True, org=org))
    builder.button(text=t.plain("export-btn-cancel"), callback_data=ExportCb(go=False, org=org))
    builder.adjust(2)
    return builder.as_markup()
