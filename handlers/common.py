"""Commands everyone has: /start without a code, /help, /cancel, /lang."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.i18n import Locales, Translator
from bot.keyboards.builders import language_keyboard
from bot.keyboards.callbacks import LangCb
from bot.menus import help_text, refresh_menu
from models.people import Roles, User

router = Router(name="common")
fallback_router = Router(name="fallback")


@router.message(CommandStart(deep_link=False))
async def start_plain(
    message: Message, roles: Roles, t: Translator, state: FSMContext, bot: Bot
) -> None:
    await state.clear()
    if not roles.any:
        await message.answer(t("start-no-role"))
        return
    # A regional admin (ADMIN_IDS) joins no school, so /start is where their menu is made.
    await refresh_menu(bot, message.chat.id, roles, t)
    await message.answer(t("start-welcome-back") + "\n\n" + help_text(roles, t))


@router.message(Command("help"))
async def show_help(message: Message, roles: Roles, t: Translator) -> None:
    await message.answer(help_text(roles, t))


@router.message(Command("cancel"))
async def cancel(message: Message, t: Translator, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(t("nothing-to-cancel"))
        return
    await state.clear()
    await message.answer(t("cancelled"))


@router.message(Command("lang"))
async def choose_language(message: Message, t: Translator) -> None:
    await message.answer(t("lang-choose"), reply_markup=language_keyboard(t))


@router.callback_query(LangCb.filter())
async def set_language(
    query: CallbackQuery,
    callback_data: LangCb,
    user: User | None,
    roles: Roles,
    locales: Locales,
    bot: Bot,
) -> None:
    t = locales.get(callback_data.code)
    if callback_data.code not in locales.languages:
        await query.answer(t("button-outdated"), show_alert=True)
        return
    await query.answer()
    if user is None:
        await bot.send_message(query.from_user.id, t("lang-not-stored"))
        return
    user.language = callback_data.code
    await refresh_menu(bot, query.from_user.id, roles, t)
    await bot.send_message(query.from_user.id, t("lang-set"))


@fallback_router.message(F.text.startswith("/"))
async def unknown_command(message: Message, t: Translator) -> None:
    await message.answer(t("unknown-command"))


@fallback_router.callback_query()
async def stale_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-outdated"), show_alert=True)
