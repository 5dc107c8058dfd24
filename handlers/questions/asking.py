"""Asking: a mentee's free message becomes a question or continues one; the mentee's
buttons; edits reaching the other side."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import CallbackQuery, Message
from sqlalchemy import select

from bot.delivery import apply_edit, kind_of, preview_of
from bot.keyboards import questions as kb
from bot.keyboards.callbacks import (
    QContinueCb,
    QFollowUpCb,
    QNewCb,
    QPickMentorCb,
    QRateCb,
    QResolveCb,
)
from bot.states import FollowUpForm
from handlers.questions.answering import answer
from handlers.questions.thread import (
    Ctx,
    check_and,
    edit_off,
    header_for,
    is_mentee,
    may_answer,
    own_question,
    prompt_for,
    question_in_flow,
    reply_to_message,
    send_to_owners,
    valid_question,
)
from models import questions as qs
from models.people import (
    User,
)
from models.questions import Question, QuestionStatus, Route

router = Router(name="questions-asking")
# The catch-all: it comes last in the router tree.
mentee_router = Router(name="questions-catch-all")


def _pending_dump(message: Message) -> dict[str, Any]:
    return message.model_dump(mode="json", exclude_none=True)


async def _remember(ctx: Ctx, message: Message) -> None:
    data = await ctx.state.get_data()
    pending = dict(data.get("pending", {}))
    pending[str(message.message_id)] = _pending_dump(message)
    while len(pending) > 5:
        pending.pop(next(iter(pending)))
    await ctx.state.update_data(pending=pending)


async def _recall(ctx: Ctx, mid: int) -> Message | None:
    data = await ctx.state.get_data()
    pending = dict(data.get("pending", {}))
    raw = pending.pop(str(mid), None)
    await ctx.state.update_data(pending=pending)
    return Message.model_validate(raw) if raw else None


async def _hold_album_part(ctx: Ctx, message: Message) -> bool:
    """Album parts that arrive while the mentee is choosing a mentor wait with the first."""
    if not message.media_group_id:
        return False
    data = await ctx.state.get_data()
    albums = dict(data.get("albums", {}))
    if message.media_group_id not in albums:
        return False
    albums[message.media_group_id] = [*albums[message.media_group_id], _pending_dump(message)]
    await ctx.state.update_data(albums=albums)
    return True


async def _release_album_parts(ctx: Ctx, question: Question, first: Message) -> None:
    if not first.media_group_id:
        return
    data = await ctx.state.get_data()
    albums = dict(data.get("albums", {}))
    parts = albums.pop(first.media_group_id, [])
    await ctx.state.update_data(albums=albums)
    for raw in parts:
        part = Message.model_validate(raw).as_(ctx.bot)
        await send_to_owners(ctx, question, part, "question-header", "question")
        await qs.link_message(
            ctx.session, question.id, part.chat.id, part.message_id, "own", ctx.clock.now()
        )


async def _new_question(
    ctx: Ctx, message: Message, program_id: int | None = None
) -> Question | None:
    assert ctx.user is not None
    session = ctx.session
    choices = await qs.mentor_choices(session, ctx.user.id)
    if program_id is not None:
        choices = [(p, u) for p, u in choices if p.id == program_id]
    if len(choices) > 1:
        await _remember(ctx, message)
        if message.media_group_id:
            albums = dict((await ctx.state.get_data()).get("albums", {}))
            albums[message.media_group_id] = []
            await ctx.state.update_data(albums=albums)
        await message.answer(
            ctx.t("question-pick-mentor"),
            reply_markup=kb.pick_mentor_keyboard(
                [(p.id, u.display_name) for p, u in choices], message.message_id
            ),
        )
        return None
    now = ctx.clock.now()
    if choices:
        program, mentor = choices[0]
        route = await qs.route_for(session, program.org_id, program, mentor, now)
    else:
        org_id = await qs.mentee_org(session, ctx.user.id)
        if org_id is None:
            await message.answer(ctx.t("fallback-hint"))
            return None
        route = Route(org_id, None, None, "no-mentor")
    question = await qs.create_question(
        session,
        route=route,
        mentee=ctx.user,
        kind=kind_of(message),
        preview=preview_of(message),
        media_group_id=message.media_group_id,
        now=now,
        remind_hours=ctx.hours[0],
        escalate_hours=ctx.hours[1],
    )
    delivered = await send_to_owners(ctx, question, message, "question-header", "question")
    await qs.link_message(session, question.id, message.chat.id, message.message_id, "own", now)
    names = ", ".join(u.display_name for u in delivered)
    if route.mentor is not None and delivered:
        await message.answer(ctx.t("question-sent", number=question.number, mentor=names))
    elif route.reason == "away":
        until = route.away_until.strftime("%d.%m.%Y") if route.away_until else "—"
        await message.answer(ctx.t("question-sent-away", number=question.number, until=until))
    else:
        await message.answer(ctx.t("question-sent-curators", number=question.number))
    return question


async def _follow_up(ctx: Ctx, question: Question, message: Message) -> None:
    now = ctx.clock.now()
    await qs.reopen(ctx.session, question, now, *ctx.hours)
    await send_to_owners(ctx, question, message, "followup-header", "followup")
    await qs.link_message(ctx.session, question.id, message.chat.id, message.message_id, "own", now)
    await message.answer(ctx.t("followup-sent", number=question.number))


@mentee_router.message()
async def any_message(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    if ctx.user is None:
        await message.answer(ctx.t("start-no-role"))
        return
    session = ctx.session
    if message.reply_to_message is not None:
        question = await qs.question_by_message(
            session, message.chat.id, message.reply_to_message.message_id
        )
        if question is not None:
            if question.mentee_id == ctx.user.id:
                await check_and(ctx, message, lambda: _follow_up(ctx, question, message))
                return
            if may_answer(ctx, question):
                await check_and(ctx, message, lambda: answer(ctx, question, message))
                return
            await message.answer(ctx.t("not-allowed"))
            return
    if not is_mentee(ctx.roles):
        await message.answer(ctx.t("fallback-hint"))
        return
    if await _hold_album_part(ctx, message):
        return
    if message.media_group_id:
        question = await qs.album_question(session, ctx.user.id, message.media_group_id)
        if question is not None:
            await send_to_owners(ctx, question, message, "question-header", "question")
            await qs.link_message(
                session, question.id, message.chat.id, message.message_id, "own", ctx.clock.now()
            )
            return
    if not await valid_question(ctx, message):
        return
    open_question = await qs.open_question_of(session, ctx.user.id)
    if open_question is not None and not message.media_group_id:
        await _remember(ctx, message)
        await message.answer(
            ctx.t("question-continue-or-new", number=open_question.number),
            reply_markup=kb.continue_keyboard(ctx.t, open_question.id, message.message_id),
        )
        return
    await _new_question(ctx, message)


@router.callback_query(QResolveCb.filter())
async def resolve(query: CallbackQuery, callback_data: QResolveCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await own_question(ctx, query, callback_data.q)
    if question is None:
        return
    await qs.set_status(ctx.session, question.id, QuestionStatus.RESOLVED, ctx.clock.now())
    await query.answer()
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t("question-resolved", number=question.number),
        reply_markup=kb.rate_keyboard(question.id),
    )


@router.callback_query(QRateCb.filter())
async def rate(query: CallbackQuery, callback_data: QRateCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await own_question(ctx, query, callback_data.q)
    if question is None:
        return
    if not 1 <= callback_data.score <= 5:
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await qs.rate(ctx.session, question.id, question.mentee_id, callback_data.score)
    await query.answer(ctx.t("question-rated", score=callback_data.score))


@router.callback_query(QFollowUpCb.filter())
async def press_follow_up(query: CallbackQuery, callback_data: QFollowUpCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await own_question(ctx, query, callback_data.q)
    if question is None:
        return
    await query.answer()
    await prompt_for(ctx, query.from_user.id, question, FollowUpForm.text, "followup-prompt")


@router.message(FollowUpForm.text, ~F.text.startswith("/"))
async def typed_follow_up(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    question = await question_in_flow(ctx)
    if question is None or ctx.user is None or question.mentee_id != ctx.user.id:
        await ctx.state.clear()
        await message.answer(ctx.t("not-allowed"))
        return
    if not await valid_question(ctx, message):
        return
    await ctx.state.set_state(None)
    await _follow_up(ctx, question, message)


@router.callback_query(QContinueCb.filter())
async def continue_question(query: CallbackQuery, callback_data: QContinueCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await own_question(ctx, query, callback_data.q)
    if question is None:
        return
    message = await _recall(ctx, callback_data.mid)
    if message is None:
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await query.answer()
    await edit_off(query)
    await _follow_up(ctx, question, message.as_(ctx.bot))


@router.callback_query(QNewCb.filter())
async def new_question(query: CallbackQuery, callback_data: QNewCb, **data: Any) -> None:
    ctx = Ctx(data)
    message = await _recall(ctx, callback_data.mid)
    if message is None or ctx.user is None or not is_mentee(ctx.roles):
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await query.answer()
    await edit_off(query)
    await _new_question(ctx, message.as_(ctx.bot))


@router.callback_query(QPickMentorCb.filter())
async def pick_mentor(query: CallbackQuery, callback_data: QPickMentorCb, **data: Any) -> None:
    ctx = Ctx(data)
    if ctx.user is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    mine = {p.id for p, _ in await qs.mentor_choices(ctx.session, ctx.user.id)}
    if callback_data.program_id not in mine:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    message = await _recall(ctx, callback_data.mid)
    if message is None:
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await query.answer()
    await edit_off(query)
    first = message.as_(ctx.bot)
    question = await _new_question(ctx, first, program_id=callback_data.program_id)
    if question is not None:
        await _release_album_parts(ctx, question, first)


@router.edited_message()
async def edited(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    copies = await qs.copies_of(ctx.session, message.chat.id, message.message_id)
    header_keys = {
        "question": "question-header",
        "followup": "followup-header",
        "answer": "answer-header",
    }
    for copy in copies:
        question = await ctx.session.get(Question, copy.question_id)
        reader = await ctx.session.scalar(select(User).where(User.tg_id == copy.chat_id))
        if question is None or reader is None:
            continue
        header = None
        if copy.with_header:
            if copy.role == "answer":
                header = ctx.t_of(reader).plain(
                    "answer-header",
                    number=question.number,
                    author=ctx.user.display_name if ctx.user else "—",
                )
            else:
                header = await header_for(
                    ctx, reader, question, header_keys.get(copy.role, "question-header")
                )
        if await apply_edit(ctx.bot, copy.chat_id, copy.message_id, message, header):
            continue
        try:
            await ctx.bot.send_message(
                copy.chat_id,
                ctx.t_of(reader)("edit-notice", number=question.number),
                reply_parameters=reply_to_message(copy.message_id),
            )
            await ctx.bot.copy_message(copy.chat_id, message.chat.id, message.message_id)
        except (TelegramForbiddenError, TelegramBadRequest):
            continue
