"""/mydata and /forget."""

from __future__ import annotations

import json

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.builders import forget_keyboard
from bot.keyboards.callbacks import ForgetCb
from models.people import User
from models.personal_data import export_person, forget_person

router = Router(name="data_rights")


@router.message(Command("mydata"))
async def my_data(
    message: Message, session: AsyncSession, user: User | None, t: Translator
) -> None:
    if user is None:
        await message.answer(t("mydata-nothing"))
        return
    data = await export_person(session, user)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await message.answer_document(
        BufferedInputFile(body, filename="mydata.json"), caption=t("mydata-caption")
    )


@router.message(Command("forget"))
async def forget(message: Message, user: User | None, t: Translator) -> None:
    if user is None:
        await message.answer(t("mydata-nothing"))
        return
    await message.answer(t("forget-ask"), reply_markup=forget_keyboard(t))


@router.callback_query(ForgetCb.filter())
async def forget_answer(
    query: CallbackQuery,
    callback_data: ForgetCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    clock: Clock,
    state: FSMContext,
    bot: Bot,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if not callback_data.confirm:
        await bot.send_message(query.from_user.id, t("forget-kept"))
        return
    if user is None:
        await bot.send_message(query.from_user.id, t("mydata-nothing"))
        return
    await state.clear()
    await forget_person(session, user, clock.now())
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=query.from_user.id))
    await bot.send_message(query.from_user.id, t("forget-done"))
