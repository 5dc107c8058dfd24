"""What every question action shares: the handler context, carrying a question to its
owners and an answer to the mentee, and the rights checks."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ForceReply, Message, ReplyParameters
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import SUPPORTED, Sent, deliver, kind_of
from bot.i18n import Locales, Translator
from bot.keyboards import questions as kb
from models import questions as qs
from models.calendar import WorkSchedule
from models.people import (
    Organization,
    Role,
    Roles,
    User,
    mark_unreachable,
    member_of,
    org_user_ids,
)
from models.questions import Question, QuestionMessage

# Zero-width characters and the BOM: a text of only these (and spaces) says nothing.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


class Ctx:
    """What every question action needs, gathered from the handler's data."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.bot: Bot = data["bot"]
        self.session: AsyncSession = data["session"]
        self.user: User | None = data["user"]
        self.roles: Roles = data["roles"]
        self.t: Translator = data["t"]
        self.clock: Clock = data["clock"]
        self.settings: Settings = data["settings"]
        self.locales: Locales = data["locales"]
        self.state: FSMContext = data["state"]

    def t_of(self, person: User) -> Translator:
        return self.locales.get(person.language)

    @property
    def hours(self) -> tuple[float, float]:
        return self.settings.question_remind_hours, self.settings.question_escalate_hours


# Sending ---------------------------------------------------------------------------


async def recipients(ctx: Ctx, org_id: int, owner_id: int | None) -> list[User]:
    if owner_id is not None:
        owner = await ctx.session.get(User, owner_id)
        return [owner] if owner else []
    people = []
    for curator_id in await org_user_ids(ctx.session, org_id, Role.CURATOR):
        curator = await ctx.session.get(User, curator_id)
        if curator is not None:
            people.append(curator)
    return people


async def header_for(ctx: Ctx, reader: User, question: Question, key: str) -> str:
    mentee = await ctx.session.get(User, question.mentee_id)
    subject = await qs.mentee_subject(ctx.session, question.mentee_id)
    t = ctx.t_of(reader)
    return t.plain(
        key,
        number=question.number,
        mentee=mentee.display_name if mentee else "—",
        subject=subject or "—",
    )


async def send_to_owners(
    ctx: Ctx, question: Question, source: Message, header_key: str, role: str
) -> list[User]:
    """Deliver to the question's owner, or to every curator; returns who got it."""
    org = await ctx.session.get(Organization, question.org_id)
    assert org is not None
    now = ctx.clock.now()
    silent = WorkSchedule.of(org).is_quiet(now)
    delivered: list[User] = []
    for reader in await recipients(ctx, question.org_id, question.owner_id):
        if reader.tg_id is None or not reader.reachable:
            continue
        header = await header_for(ctx, reader, question, header_key)
        t = ctx.t_of(reader)
        markup = kb.question_keyboard(t, question.id, for_curator=question.owner_id is None)
        reply_to = None
        if source.media_group_id and question.media_group_id == source.media_group_id:
            reply_to = await qs.album_header(ctx.session, question.id, reader.tg_id)
        try:
            if reply_to is not None:
                copied = await ctx.bot.copy_message(
                    reader.tg_id,
                    source.chat.id,
                    source.message_id,
                    disable_notification=silent,
                    reply_parameters=reply_to_message(reply_to),
                )
                sent = [copy_sent(copied.message_id)]
            else:
                sent = await deliver(
                    ctx.bot, reader.tg_id, source, header, silent=silent, markup=markup
                )
        except TelegramForbiddenError:
            await undeliverable(ctx, reader, question)
            continue
        for item in sent:
            origin = (source.chat.id, source.message_id) if item.is_copy else None
            await qs.link_message(
                ctx.session,
                question.id,
                reader.tg_id,
                item.message_id,
                role,
                now,
                origin,
                item.with_header,
            )
        delivered.append(reader)
    if not delivered and question.owner_id is not None:
        await qs.escalate(ctx.session, question, now, kb.escalation_buttons)
    return delivered


async def quiet_now(ctx: Ctx, org_id: int) -> bool:
    org = await ctx.session.get(Organization, org_id)
    return org is not None and WorkSchedule.of(org).is_quiet(ctx.clock.now())


def copy_sent(message_id: int) -> Sent:
    return Sent(message_id, True, False)


async def undeliverable(ctx: Ctx, reader: User, question: Question) -> None:
    """The reader blocked the bot: mark them, tell the curators, escalate the question."""
    now = ctx.clock.now()
    await mark_unreachable(ctx.session, reader.id, now)
    if question.owner_id == reader.id:
        await qs.escalate(ctx.session, question, now, kb.escalation_buttons)


async def originals(ctx: Ctx, question: Question) -> list[tuple[int, int]]:
    """The mentee's messages of the question: the originals our copies carry, and the
    mentee's own messages (which no copy carries when delivery failed)."""
    mentee = await ctx.session.get(User, question.mentee_id)
    mentee_chat = mentee.tg_id if mentee else None
    rows = await ctx.session.execute(
        select(
            QuestionMessage.role,
            QuestionMessage.chat_id,
            QuestionMessage.message_id,
            QuestionMessage.origin_chat_id,
            QuestionMessage.origin_message_id,
        )
        .where(QuestionMessage.question_id == question.id)
        .order_by(QuestionMessage.id)
    )
    seen: list[tuple[int, int]] = []
    for role, chat_id, message_id, origin_chat, origin_message in rows.all():
        if role == "own" and chat_id == mentee_chat:
            key = (chat_id, message_id)
        elif role in ("question", "followup") and origin_chat is not None:
            key = (origin_chat, origin_message)
        else:
            continue
        if key not in seen:
            seen.append(key)
    return seen


async def resend_to(ctx: Ctx, question: Question, reader: User) -> bool:
    """Give a new owner the whole question: a header, then copies of the originals."""
    if reader.tg_id is None:
        return False
    t = ctx.t_of(reader)
    header = await header_for(ctx, reader, question, "question-header")
    now = ctx.clock.now()
    try:
        head = await ctx.bot.send_message(
            reader.tg_id,
            header,
            parse_mode=None,
            reply_markup=kb.question_keyboard(t, question.id, for_curator=False),
        )
        await qs.link_message(
            ctx.session, question.id, reader.tg_id, head.message_id, "header", now
        )
        for chat_id, message_id in await originals(ctx, question):
            copied = await ctx.bot.copy_message(reader.tg_id, chat_id, message_id)
            await qs.link_message(
                ctx.session,
                question.id,
                reader.tg_id,
                copied.message_id,
                "question",
                now,
                (chat_id, message_id),
            )
    except TelegramForbiddenError:
        await undeliverable(ctx, reader, question)
        return False
    return True


# Asking -----------------------------------------------------------------------------


def is_mentee(roles: Roles) -> bool:
    return roles.has(Role.MENTEE)


async def valid_question(ctx: Ctx, message: Message) -> bool:
    kind = kind_of(message)
    if kind not in SUPPORTED:
        await message.answer(ctx.t("question-unsupported"))
        return False
    if kind == "text" and not (message.text or "").translate(INVISIBLE).strip():
        await message.answer(ctx.t("question-empty"))
        return False
    return True


async def check_and(ctx: Ctx, message: Message, action: Any) -> None:
    if await valid_question(ctx, message):
        await action()


def may_answer(ctx: Ctx, question: Question) -> bool:
    if ctx.user is None:
        return False
    return qs.may_answer(
        question, ctx.user.id, ctx.roles.orgs_with(Role.CURATOR), ctx.roles.is_admin
    )


# Answering --------------------------------------------------------------------------


async def send_to_mentee(
    ctx: Ctx, question: Question, message: Message, mentee: User, header: str
) -> bool:
    """Carry a mentor's (or curator's) message to the mentee with answer buttons and link
    every copy to the question; False when it could not be delivered."""
    now = ctx.clock.now()
    if mentee.tg_id is None:
        await message.answer(ctx.t("answer-undelivered", number=question.number))
        return False
    t = ctx.t_of(mentee)
    try:
        sent = await deliver(
            ctx.bot,
            mentee.tg_id,
            message,
            header,
            markup=kb.answer_keyboard(t, question.id),
            silent=await quiet_now(ctx, question.org_id),
        )
    except TelegramForbiddenError:
        await mark_unreachable(ctx.session, mentee.id, now)
        await message.answer(ctx.t("answer-undelivered", number=question.number))
        return False
    for item in sent:
        origin = (message.chat.id, message.message_id) if item.is_copy else None
        await qs.link_message(
            ctx.session,
            question.id,
            mentee.tg_id,
            item.message_id,
            "answer",
            now,
            origin,
            item.with_header,
        )
    await qs.link_message(ctx.session, question.id, message.chat.id, message.message_id, "own", now)
    return True


async def load_question(ctx: Ctx, query: CallbackQuery, q: int) -> Question | None:
    question = await ctx.session.get(Question, q)
    if question is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
    return question


async def own_question(ctx: Ctx, query: CallbackQuery, q: int) -> Question | None:
    question = await ctx.session.get(Question, q)
    if question is None or ctx.user is None or question.mentee_id != ctx.user.id:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return None
    return question


async def edit_off(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            pass


# The curator's buttons --------------------------------------------------------------


def curates(ctx: Ctx, question: Question) -> bool:
    return ctx.roles.is_admin or ctx.roles.has(Role.CURATOR, question.org_id)


async def roles_in(ctx: Ctx, user_id: int, org_id: int) -> set[Role]:
    return await member_of(ctx.session, user_id, org_id)


# Lists, away, writing first ---------------------------------------------------------


def age_of(ctx: Ctx, question: Question) -> str:
    minutes = int((ctx.clock.now() - question.asked_at).total_seconds() // 60)
    return ctx.t.plain("age", hours=minutes // 60, minutes=minutes % 60, days=minutes // 1440)


def reply_to_message(message_id: int) -> ReplyParameters:
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


async def prompt_for(ctx: Ctx, chat_id: int, question: Question, state: State, key: str) -> None:
    """Enter a flow that takes the next message as part of this question (ForceReply)."""
    await ctx.state.set_state(state)
    await ctx.state.update_data(q=question.id)
    await ctx.bot.send_message(
        chat_id, ctx.t(key, number=question.number), reply_markup=ForceReply()
    )


async def question_in_flow(ctx: Ctx) -> Question | None:
    """The question the current flow is about."""
    return await ctx.session.get(Question, int((await ctx.state.get_data()).get("q", 0)))
