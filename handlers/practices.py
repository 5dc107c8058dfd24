"""/practices: the best-practice bank (issue 15, item 7; seed 004, stage 6).

`/practices` lists the bank: the curator's schools, every school for the admin (with the
school's name). A completed program becomes a best practice with a summary of what
worked: `/practices add #<id>`, or «В лучшие практики» on its card (/program). A program
marked already offers to edit its summary. Refused: a program not completed, another
school's, an empty or over-long summary.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.practices import PracticeCb, edit_keyboard, practice_button
from bot.lists import send_lines
from bot.states import PracticeForm
from handlers.flows import end_flow, program_id_arg, reply_target, say
from models import practices as bp
from models.dates import format_day
from models.people import Role, Roles, User, curator_orgs
from models.programs import Program

router = Router(name="practices")


def _scope(roles: Roles) -> list[int] | None:
    """The schools whose programs the person may mark: None (all) for the admin."""
    return None if roles.is_admin else sorted(roles.orgs_with(Role.CURATOR))


async def card_buttons(
    session: AsyncSession, t: Translator, program: Program, may_mark: bool
) -> list[InlineKeyboardButton]:
    """«В лучшие практики» (or the summary's edit) on a completed program's card, for a
    curator of its school or the admin (`may_mark`; the button re-checks when pressed)."""
    if not may_mark or not bp.is_completed(program):
        return []
    marked = await bp.of_program(session, program.id) is not None
    return [practice_button(t, program.id, marked)]


@router.message(Command("practices"))
async def practices_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    await state.clear()
    words = (command.args or "").split(maxsplit=1)
    if words:
        program_id = program_id_arg(words[1].strip()) if len(words) == 2 else None
        if words[0].lower() != "add" or program_id is None:
            await message.answer(t("practices-usage"))
            return
        await _start(message, session, roles, t, state, program_id)
        return
    await _list(message, session, roles, t)


async def _list(message: Message, session: AsyncSession, roles: Roles, t: Translator) -> None:
    orgs = await curator_orgs(session, roles)
    if not orgs:
        await message.answer(t("not-allowed-curator"))
        return
    rows = await bp.bank(session, _scope(roles))
    if not rows:
        await message.answer(t("practices-empty"))
        return
    several = roles.is_admin or len(orgs) > 1
    lines = [
        t(
            "practices-line",
            id=r.program_id,
            org=r.org_name if several else "none",
            form=t.plain("pair-form-label", form=r.form),
            start=format_day(r.starts_on),
            end=format_day(r.ends_on),
            mentor=t.name(r.mentor),
            mentees=", ".join(t.name(m) for m in r.mentees) or "—",
            summary=r.summary if r.summary is not None else t.plain("practice-summary-erased"),
        )
        + "\n"
        for r in rows
    ]
    bot = message.bot
    assert bot is not None
    await send_lines(bot, message.chat.id, t("practices-header", count=len(rows)), lines)


async def _start(
    event: Message | CallbackQuery,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
    program_id: int,
) -> None:
    """Ask for the summary of a new best practice, or offer to edit a marked one."""
    scope = _scope(roles)
    try:
        await bp.markable(session, program_id, scope)
    except bp.PracticeError as error:
        marked = error.key == "practice-err-marked"
        await say(
            event, t(error.key, **error.params), edit_keyboard(t, program_id) if marked else None
        )
        return
    await state.set_state(PracticeForm.summary)
    await state.set_data({"program": program_id, "edit": False})
    await say(
        event,
        t("practice-ask-summary", id=program_id, limit=bp.SUMMARY_MAX),
        ForceReply(),
    )


@router.callback_query(PracticeCb.filter())
async def practice_pressed(
    query: CallbackQuery,
    callback_data: PracticeCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    scope = _scope(roles)
    program = await session.get(Program, callback_data.program_id)
    if program is None or (scope is not None and program.org_id not in scope):
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    await query.answer()
    await state.clear()
    practice = await bp.of_program(session, program.id)
    if practice is None:
        await _start(query, session, roles, t, state, program.id)
        return
    await state.set_state(PracticeForm.summary)
    await state.set_data({"program": program.id, "edit": True})
    summary = (
        practice.summary if practice.summary is not None else t.plain("practice-summary-erased")
    )
    await say(
        query,
        t("practice-ask-edit", id=program.id, limit=bp.SUMMARY_MAX, summary=summary),
        ForceReply(),
    )


@router.message(PracticeForm.summary, F.text & ~F.text.startswith("/"))
async def summary_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    program_id = data.get("program")
    if not isinstance(program_id, int) or user is None:
        await end_flow(message, state, t("not-allowed"))
        return
    scope = _scope(roles)
    try:
        bp.check_summary(message.text)
        if data.get("edit"):
            await bp.edit(session, program_id, scope, user.id, message.text or "")
            key = "practice-edited"
        else:
            await bp.mark(session, program_id, scope, user.id, message.text or "", clock.now())
            key = "practice-saved"
    except bp.PracticeError as error:
        if error.key in ("practice-err-empty", "practice-err-long"):
            await message.answer(t(error.key, **error.params), reply_markup=ForceReply())
            return
        marked = error.key == "practice-err-marked"
        await state.clear()
        await message.answer(
            t(error.key, **error.params),
            reply_markup=edit_keyboard(t, program_id) if marked else None,
        )
        return
    await state.clear()
    await message.answer(t(key, id=program_id))


@router.message(PracticeForm.summary, ~F.text)
async def needs_text(message: Message, t: Translator) -> None:
    target = reply_target(message)
    if target is not None:
        await target.answer(t("practice-err-need-text"))
