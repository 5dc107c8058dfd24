"""Steps that several flows share: answering where a message or a button came from, the
`#<id>` argument of a program's command, the program a flow's FSM data names, and the
«which program?» step. Each handler still checks the person's rights itself."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.keyboards.builders import PICK_PAGE, PickPageCb, pick_page
from models.programs import Program

T = TypeVar("T")

PROGRAM_ID = re.compile(r"^#?\s*(\d{1,9})$")


def reply_target(event: Message | CallbackQuery) -> Message | None:
    """The message to answer: the one sent, or the one a button is under."""
    if isinstance(event, Message):
        return event
    return event.message if isinstance(event.message, Message) else None


async def say(
    event: Message | CallbackQuery,
    text: str,
    markup: InlineKeyboardMarkup | ForceReply | None = None,
) -> None:
    target = reply_target(event)
    if target is not None:
        await target.answer(text, reply_markup=markup)


async def drop_buttons(query: CallbackQuery) -> None:
    """Removes the buttons of the message a pressed button was under."""
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


def program_id_arg(args: str) -> int | None:
    """The program a command's argument names (`#12`, `12`); None: not an id."""
    match = PROGRAM_ID.match(args)
    return int(match.group(1)) if match is not None else None


async def flow_program(
    state: FSMContext, session: AsyncSession
) -> tuple[dict[str, Any], Program | None]:
    """The flow's FSM data and the program its "program" key names (None: none)."""
    data = await state.get_data()
    program_id = data.get("program")
    if not isinstance(program_id, int):
        return data, None
    return data, await session.get(Program, program_id)


async def end_flow(message: Message, state: FSMContext, text: str) -> None:
    """Ends the flow with one answer (a refusal, most often)."""
    await state.clear()
    await message.answer(text)


async def pick_program(
    message: Message,
    programs: Sequence[T],
    *,
    none_text: str,
    one: Callable[[T], Awaitable[None]],
    pick_text: str,
    keyboard: Callable[[Sequence[T]], Awaitable[InlineKeyboardMarkup]],
    state: FSMContext | None = None,
    t: Translator | None = None,
) -> None:
    """Which program a command is about: none, one (`one` goes on with it), or a button
    each to choose from. Given the flow's `state` and `t`, a long list goes in pages of
    PICK_PAGE (◀️ ▶️), sorted by the buttons' labels; its buttons wait in the FSM data."""
    if not programs:
        await message.answer(none_text)
        return
    if len(programs) == 1:
        await one(programs[0])
        return
    markup = await keyboard(programs)
    if state is None or t is None:
        await message.answer(pick_text, reply_markup=markup)
        return
    rows = [
        [button.text, button.callback_data]
        for row in markup.inline_keyboard
        for button in row
        if button.callback_data is not None
    ]
    if len(rows) > PICK_PAGE:
        rows.sort(key=lambda row: str(row[0]).casefold())
    await pick_in_pages(message, pick_text, rows, state, t)


async def pick_in_pages(
    event: Message | CallbackQuery,
    text: str,
    rows: list[list[str]],
    state: FSMContext,
    t: Translator,
) -> None:
    """A «which one?» list (programs, schools: rows of [label, callback data]) in pages of
    PICK_PAGE with ◀️ ▶️ (pick_page_pressed); its buttons wait in the FSM data."""
    await state.update_data(pick=rows)
    page, _ = pick_page(t, rows, 0)
    await say(event, text, page)


async def pick_page_pressed(
    query: CallbackQuery, callback_data: PickPageCb, state: FSMContext, t: Translator
) -> None:
    """◀️ ▶️ under a «which program?» list: the page from the flow's FSM data (each
    program's button re-checks the presser's rights when pressed)."""
    rows = (await state.get_data()).get("pick")
    if not isinstance(rows, list) or not rows or not isinstance(query.message, Message):
        await query.answer(t.plain("button-outdated"), show_alert=True)
        return
    await query.answer()
    markup, _ = pick_page(t, rows, callback_data.page)
    await query.message.edit_reply_markup(reply_markup=markup)
