"""The curator's buttons on an escalated question: answer it, remind the mentor, reassign."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import CallbackQuery

from bot.keyboards import questions as kb
from bot.keyboards.callbacks import (
    QClaimCb,
    QReassignCb,
    QReassignToCb,
    QRemindCb,
)
from bot.states import AnswerForm
from handlers.questions.thread import (
    Ctx,
    curates,
    load_question,
    prompt_for,
    resend_to,
    roles_in,
)
from models import questions as qs
from models.people import (
    Role,
    User,
    mark_unreachable,
    org_user_ids,
)

router = Router(name="questions-curator")


@router.callback_query(QClaimCb.filter())
async def claim(query: CallbackQuery, callback_data: QClaimCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await load_question(ctx, query, callback_data.q)
    if question is None or ctx.user is None:
        return
    if not curates(ctx, question):
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    if not await qs.claim_by_curator(ctx.session, question.id, ctx.user.id):
        await query.answer(ctx.t("question-already-claimed"), show_alert=True)
        return
    await query.answer()
    await ctx.session.refresh(question)
    await resend_to(ctx, question, ctx.user)
    await prompt_for(ctx, query.from_user.id, question, AnswerForm.answer, "answer-prompt")


@router.callback_query(QRemindCb.filter())
async def remind(query: CallbackQuery, callback_data: QRemindCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await load_question(ctx, query, callback_data.q)
    if question is None:
        return
    if not curates(ctx, question) or question.owner_id is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    owner = await ctx.session.get(User, question.owner_id)
    mentee = await ctx.session.get(User, question.mentee_id)
    if owner is None or owner.tg_id is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    try:
        await ctx.bot.send_message(
            owner.tg_id,
            ctx.t_of(owner)(
                "question-remind",
                number=question.number,
                mentee=mentee.display_name if mentee else "—",
            ),
        )
    except TelegramForbiddenError:
        await mark_unreachable(ctx.session, owner.id, ctx.clock.now())
        await query.answer(ctx.t("answer-undelivered", number=question.number), show_alert=True)
        return
    await query.answer(ctx.t("question-reminded", number=question.number))


@router.callback_query(QReassignCb.filter())
async def reassign_menu(query: CallbackQuery, callback_data: QReassignCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await load_question(ctx, query, callback_data.q)
    if question is None:
        return
    if not curates(ctx, question):
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    await query.answer()
    mentors = []
    for mentor_id in await org_user_ids(ctx.session, question.org_id, Role.MENTOR):
        mentor = await ctx.session.get(User, mentor_id)
        if mentor and mentor.reachable and mentor.id != question.owner_id:
            mentors.append((mentor.id, mentor.display_name))
    if not mentors:
        await ctx.bot.send_message(query.from_user.id, ctx.t("reassign-nobody"))
        return
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t("reassign-pick", number=question.number),
        reply_markup=kb.reassign_keyboard(question.id, mentors[:20]),
    )


@router.callback_query(QReassignToCb.filter())
async def reassign_to(query: CallbackQuery, callback_data: QReassignToCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await load_question(ctx, query, callback_data.q)
    if question is None:
        return
    target = await ctx.session.get(User, callback_data.user_id)
    allowed = target is not None and Role.MENTOR in (
        await roles_in(ctx, callback_data.user_id, question.org_id)
    )
    if not curates(ctx, question) or not allowed or target is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    if not await qs.reassign(ctx.session, question, target, ctx.clock.now(), *ctx.hours):
        await query.answer(ctx.t("question-not-live", number=question.number), show_alert=True)
        return
    await query.answer()
    await ctx.session.refresh(question)
    delivered = await resend_to(ctx, question, target)
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t(
            "reassigned" if delivered else "answer-undelivered",
            number=question.number,
            mentor=target.display_name,
        ),
    )
    mentee = await ctx.session.get(User, question.mentee_id)
    if delivered and mentee is not None and mentee.tg_id is not None:
        try:
            await ctx.bot.send_message(
                mentee.tg_id,
                ctx.t_of(mentee)(
                    "question-reassigned", number=question.number, mentor=target.display_name
                ),
            )
        except TelegramForbiddenError:
            await mark_unreachable(ctx.session, mentee.id, ctx.clock.now())
