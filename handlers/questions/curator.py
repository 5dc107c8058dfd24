"""The curator's buttons on an escalated question: answer it, remind the mentor, reassign."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.keyboards.callbacks import (
    QClaimCb,
    QReassignCb,
    QReassignToCb,
    QRemindCb,
)
from bot.states import AnswerForm
from handlers.questions.thread import (
    Ctx,
    QuestionButton,
    Who,
    prompt_for,
    roles_in,
)
from models import questions as qs
from models import routing
from models.people import Role, User
from models.questions import Question

router = Router(name="questions-curator")


@router.callback_query(QClaimCb.filter(), QuestionButton(Who.CURATOR))
async def claim(query: CallbackQuery, question: Question, **data: Any) -> None:
    ctx = Ctx(data)
    assert ctx.user is not None
    if not await qs.claim_by_curator(ctx.session, question.id, ctx.user.id):
        await query.answer(ctx.t("question-already-claimed"), show_alert=True)
        return
    await query.answer()
    await ctx.session.refresh(question)
    await routing.resend_to(ctx.session, question, ctx.user, ctx.clock.now())
    await prompt_for(ctx, query.from_user.id, question, AnswerForm.answer, "answer-prompt")


@router.callback_query(QRemindCb.filter(), QuestionButton(Who.CURATOR))
async def remind(query: CallbackQuery, question: Question, **data: Any) -> None:
    ctx = Ctx(data)
    if not await routing.remind_owner(ctx.session, question, ctx.clock.now()):
        await query.answer(ctx.t("answer-undelivered", number=question.number), show_alert=True)
        return
    await query.answer(ctx.t("question-reminded", number=question.number))


@router.callback_query(QReassignCb.filter(), QuestionButton(Who.CURATOR))
async def reassign_menu(query: CallbackQuery, question: Question, **data: Any) -> None:
    ctx = Ctx(data)
    await query.answer()
    mentors = await routing.reassign_choices(ctx.session, question)
    if not mentors:
        await ctx.bot.send_message(query.from_user.id, ctx.t("reassign-nobody"))
        return
    await routing.tell(
        ctx.session, question, ctx.user, "reassign-pick", ctx.clock.now(), mentors=mentors
    )


@router.callback_query(QReassignToCb.filter(), QuestionButton(Who.CURATOR))
async def reassign_to(
    query: CallbackQuery, callback_data: QReassignToCb, question: Question, **data: Any
) -> None:
    ctx = Ctx(data)
    target = await ctx.session.get(User, callback_data.user_id)
    allowed = target is not None and Role.MENTOR in (
        await roles_in(ctx, callback_data.user_id, question.org_id)
    )
    if not allowed or target is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    now = ctx.clock.now()
    if not await qs.reassign(ctx.session, question, target, now, *ctx.hours):
        await query.answer(ctx.t("question-not-live", number=question.number), show_alert=True)
        return
    await query.answer()
    await ctx.session.refresh(question)
    delivered = await routing.resend_to(ctx.session, question, target, now)
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t(
            "reassigned" if delivered else "answer-undelivered",
            number=question.number,
            mentor=target.display_name,
        ),
    )
    if delivered:
        await routing.tell_mentee(
            ctx.session, question, "question-reassigned", now, mentor=target.display_name
        )
