"""Lists of questions, a mentor's absence, and writing first to a mentee."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, ForceReply, Message
from sqlalchemy import select

from bot.delivery import carried_of, preview_of
from bot.keyboards import questions as kb
from bot.keyboards.callbacks import (
    WriteFirstCb,
)
from bot.lists import send_lines
from bot.states import WriteFirstForm
from handlers.access import Granted
from handlers.questions.thread import (
    Ctx,
    age_of,
    remember_album,
    still_in_flow,
    tell_outcome,
    valid_question,
)
from models import questions as qs
from models import routing
from models.away import parse_away_date, set_away
from models.calendar import today_in
from models.dates import DateInputError, format_day
from models.people import (
    Organization,
    Role,
    User,
)
from models.programs import Program, ProgramMentee, ProgramStatus
from models.questions import Route

router = Router(name="questions-mentor-tools")


@router.message(Command("questions"))
async def open_questions(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    assert ctx.user is not None  # handlers/roles.py let only mentors and curators in
    rows = await qs.questions_for_owner(ctx.session, ctx.user.id)
    rows += await qs.questions_for_curators(ctx.session, ctx.roles.orgs_with(Role.CURATOR))
    if not rows:
        await message.answer(ctx.t("questions-none"))
        return
    lines = []
    for question in rows:
        mentee = await ctx.session.get(User, question.mentee_id)
        lines.append(
            ctx.t(
                "questions-line",
                number=question.number,
                mentee=mentee.display_name if mentee else "—",
                status=question.status,
                age=age_of(ctx, question),
                preview=(question.preview or "")[:60],
            )
        )
    await send_lines(ctx.bot, message.chat.id, ctx.t("questions-header", count=len(rows)), lines)


@router.message(Command("myquestions"))
async def my_questions(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    assert ctx.user is not None  # handlers/roles.py let only mentees in
    rows = await qs.questions_of_mentee(ctx.session, ctx.user.id)
    if not rows:
        await message.answer(ctx.t("myquestions-none"))
        return
    lines = [
        ctx.t(
            "myquestions-line",
            number=q.number,
            status=q.status,
            age=age_of(ctx, q),
            preview=(q.preview or "")[:60],
        )
        for q in rows
    ]
    await send_lines(ctx.bot, message.chat.id, ctx.t("myquestions-header"), lines)


@router.message(Command("away"))
async def away(message: Message, command: CommandObject, **data: Any) -> None:
    ctx = Ctx(data)
    assert ctx.user is not None  # handlers/roles.py let only mentors in
    org = await ctx.session.get(Organization, ctx.roles.orgs_with(Role.MENTOR)[0])
    assert org is not None
    today = today_in(org.timezone, ctx.clock.now())
    if not (command.args or "").strip():
        await message.answer(ctx.t("away-usage"))
        return
    try:
        until = parse_away_date(command.args or "", today)
    except DateInputError as error:
        await message.answer(ctx.t(error.key, **error.params) + "\n" + ctx.t("away-usage"))
        return
    await set_away(ctx.session, ctx.user.id, until)
    await message.answer(ctx.t("away-set", until=format_day(until)))


@router.message(Command("back"))
async def back(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    assert ctx.user is not None  # handlers/roles.py let only mentors in
    await set_away(ctx.session, ctx.user.id, None)
    await message.answer(ctx.t("away-cleared"))


async def _my_mentees(ctx: Ctx) -> list[tuple[Program, User]]:
    assert ctx.user is not None
    rows = await ctx.session.execute(
        select(Program, User)
        .join(ProgramMentee, ProgramMentee.program_id == Program.id)
        .join(User, User.id == ProgramMentee.mentee_id)
        .where(Program.mentor_id == ctx.user.id, Program.status == ProgramStatus.ACTIVE)
        .order_by(User.id)
    )
    return [(p, u) for p, u in rows.all()]


@router.message(Command("mentees"))
async def mentees(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    assert ctx.user is not None  # handlers/roles.py let only mentors in
    rows = await _my_mentees(ctx)
    if not rows:
        await message.answer(ctx.t("mentees-none"))
        return
    await message.answer(
        ctx.t("mentees-pick"),
        reply_markup=kb.mentees_keyboard([(u.id, ctx.t.name(u.display_name)) for _, u in rows]),
    )


async def _my_mentee(callback_data: Any, data: dict[str, Any]) -> tuple[Program, User] | None:
    """The mentor's program with the mentee a write-first button names."""
    if data.get("user") is None:
        return None
    pairs = await _my_mentees(Ctx(data))
    return next(((p, u) for p, u in pairs if u.id == callback_data.mentee_id), None)


@router.callback_query(WriteFirstCb.filter(), Granted("pair", _my_mentee))
async def write_first(query: CallbackQuery, pair: tuple[Program, User], **data: Any) -> None:
    ctx = Ctx(data)
    program, mentee = pair
    await query.answer()
    await ctx.state.set_state(WriteFirstForm.text)
    await ctx.state.update_data(
        mentee=mentee.id, program=program.id, since=ctx.clock.now().isoformat()
    )
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t("write-first-prompt", mentee=mentee.display_name),
        reply_markup=ForceReply(),
    )


@router.message(WriteFirstForm.text, ~F.text.startswith("/"))
async def typed_first(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    if not await still_in_flow(ctx, message):
        return
    stored = await ctx.state.get_data()
    rows = [
        (p, u)
        for p, u in (await _my_mentees(ctx) if ctx.user else [])
        if u.id == stored.get("mentee") and p.id == stored.get("program")
    ]
    if not rows or ctx.user is None:
        await ctx.state.clear()
        await message.answer(ctx.t("not-allowed"))
        return
    if not await valid_question(ctx, message):
        return
    await ctx.state.set_state(None)
    program, mentee = rows[0]
    written = await routing.write_first(
        ctx.session,
        route=Route(program.org_id, program.id, ctx.user, "mentor"),
        mentor=ctx.user,
        mentee=mentee,
        carried=carried_of(message),
        preview=preview_of(message),
        now=ctx.clock.now(),
        remind_hours=ctx.hours[0],
        escalate_hours=ctx.hours[1],
    )
    if written is None:
        await message.answer(ctx.t("write-first-undelivered", mentee=mentee.display_name))
        return
    question, ack = written
    tell_outcome(ctx, message.chat.id, ack)
    await remember_album(ctx, message, question, "answer", "mentor-writes-header")
