"""Answering: the mentor replies or presses Answer; handing over and closing."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.delivery import carried_of
from bot.keyboards.callbacks import (
    QAnswerCb,
    QCloseCb,
    QHandOverCb,
)
from bot.states import AnswerForm
from handlers.questions.thread import (
    Ctx,
    QuestionButton,
    Who,
    may_answer,
    prompt_for,
    question_in_flow,
    remember_album,
    still_in_flow,
    tell_outcome,
    valid_question,
)
from models import questions as qs
from models import routing
from models.questions import Question, QuestionStatus

router = Router(name="questions-answering")


async def answer(ctx: Ctx, question: Question, message: Message) -> None:
    assert ctx.user is not None
    outcome = await routing.answer(
        ctx.session, question, ctx.user, carried_of(message), ctx.clock.now()
    )
    if isinstance(outcome, routing.Refusal):
        await message.answer(ctx.t(outcome.key, **outcome.args))
    else:
        tell_outcome(ctx, message.chat.id, outcome)
        await remember_album(ctx, message, question, "answer", "answer-header")


@router.callback_query(QAnswerCb.filter(), QuestionButton(Who.ANSWERER))
async def press_answer(query: CallbackQuery, question: Question, **data: Any) -> None:
    ctx = Ctx(data)
    await query.answer()
    await prompt_for(ctx, query.from_user.id, question, AnswerForm.answer, "answer-prompt")


@router.message(AnswerForm.answer, ~F.text.startswith("/"))
async def typed_answer(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    if not await still_in_flow(ctx, message):
        return
    question = await question_in_flow(ctx)
    if question is None or not may_answer(ctx, question):
        await ctx.state.clear()
        await message.answer(ctx.t("not-allowed"))
        return
    if not await valid_question(ctx, message):
        return
    await ctx.state.set_state(None)
    await answer(ctx, question, message)


@router.callback_query(QHandOverCb.filter(), QuestionButton(Who.OWNER))
async def hand_over(query: CallbackQuery, question: Question, **data: Any) -> None:
    ctx = Ctx(data)
    await query.answer()
    await qs.hand_over(ctx.session, question, ctx.clock.now())
    await ctx.bot.send_message(
        query.from_user.id, ctx.t("question-handed-over", number=question.number)
    )


@router.callback_query(QCloseCb.filter(), QuestionButton(Who.ANSWERER))
async def close_question(query: CallbackQuery, question: Question, **data: Any) -> None:
    ctx = Ctx(data)
    now = ctx.clock.now()
    done = await qs.set_status(ctx.session, question.id, QuestionStatus.CLOSED, now)
    await query.answer(ctx.t("question-closed", number=question.number))
    if done:
        await routing.tell_mentee(ctx.session, question, "question-closed-notice", now)
