"""Answering: the mentor replies or presses Answer; handing over and closing."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import CallbackQuery, Message
from sqlalchemy import update

from bot.keyboards import questions as kb
from bot.keyboards.callbacks import (
    QAnswerCb,
    QCloseCb,
    QHandOverCb,
)
from bot.states import AnswerForm
from handlers.questions.thread import (
    Ctx,
    load_question,
    may_answer,
    prompt_for,
    question_in_flow,
    send_to_mentee,
    valid_question,
)
from models import questions as qs
from models.people import (
    User,
    mark_unreachable,
)
from models.questions import Question, QuestionStatus

router = Router(name="questions-answering")


async def answer(ctx: Ctx, question: Question, message: Message) -> None:
    assert ctx.user is not None
    if question.status not in qs.LIVE_STATUSES:
        await message.answer(ctx.t("question-not-live", number=question.number))
        return
    mentee = await ctx.session.get(User, question.mentee_id)
    if mentee is None:
        await message.answer(ctx.t("answer-undelivered", number=question.number))
        return
    header = ctx.t_of(mentee).plain(
        "answer-header", number=question.number, author=ctx.user.display_name
    )
    if await send_to_mentee(ctx, question, message, mentee, header):
        await qs.record_answer(ctx.session, question.id, ctx.clock.now())
        await message.answer(
            ctx.t("answer-sent", number=question.number, mentee=mentee.display_name)
        )


@router.callback_query(QAnswerCb.filter())
async def press_answer(query: CallbackQuery, callback_data: QAnswerCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await load_question(ctx, query, callback_data.q)
    if question is None:
        return
    if not may_answer(ctx, question):
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    await query.answer()
    await prompt_for(ctx, query.from_user.id, question, AnswerForm.answer, "answer-prompt")


@router.message(AnswerForm.answer, ~F.text.startswith("/"))
async def typed_answer(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    question = await question_in_flow(ctx)
    if question is None or not may_answer(ctx, question):
        await ctx.state.clear()
        await message.answer(ctx.t("not-allowed"))
        return
    if not await valid_question(ctx, message):
        return
    await ctx.state.set_state(None)
    await answer(ctx, question, message)


@router.callback_query(QHandOverCb.filter())
async def hand_over(query: CallbackQuery, callback_data: QHandOverCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await load_question(ctx, query, callback_data.q)
    if question is None:
        return
    if ctx.user is None or question.owner_id != ctx.user.id:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    await query.answer()
    await ctx.session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(escalated_at=None, curator_claimed_by=None)
    )
    await ctx.session.refresh(question)
    await qs.escalate(ctx.session, question, ctx.clock.now(), kb.escalation_buttons)
    await ctx.bot.send_message(
        query.from_user.id, ctx.t("question-handed-over", number=question.number)
    )


@router.callback_query(QCloseCb.filter())
async def close_question(query: CallbackQuery, callback_data: QCloseCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await load_question(ctx, query, callback_data.q)
    if question is None:
        return
    if not may_answer(ctx, question):
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    done = await qs.set_status(ctx.session, question.id, QuestionStatus.CLOSED, ctx.clock.now())
    await query.answer(ctx.t("question-closed", number=question.number))
    mentee = await ctx.session.get(User, question.mentee_id)
    if done and mentee is not None and mentee.tg_id is not None:
        try:
            await ctx.bot.send_message(
                mentee.tg_id, ctx.t_of(mentee)("question-closed-notice", number=question.number)
            )
        except TelegramForbiddenError:
            await mark_unreachable(ctx.session, mentee.id, ctx.clock.now())


# The mentee's buttons ---------------------------------------------------------------
