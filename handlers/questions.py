"""Situational mentoring: a mentee's message becomes a question for their mentor; the
answer comes back in the same chat. Replies and buttons thread everything together."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, Message, ReplyParameters
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import SUPPORTED, Sent, apply_edit, deliver, kind_of, preview_of
from bot.i18n import Locales, Translator
from bot.keyboards import questions as kb
from bot.keyboards.callbacks import (
    QAnswerCb,
    QClaimCb,
    QCloseCb,
    QContinueCb,
    QFollowUpCb,
    QHandOverCb,
    QNewCb,
    QPickMentorCb,
    QRateCb,
    QReassignCb,
    QReassignToCb,
    QRemindCb,
    QResolveCb,
    WriteFirstCb,
)
from bot.states import AnswerForm, FollowUpForm, WriteFirstForm
from models import questions as qs
from models.away import parse_away_date, set_away, today_in
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
from models.programs import Program, ProgramMentee, ProgramStatus
from models.questions import Question, QuestionMessage, QuestionStatus, Route

# Zero-width characters and the BOM: a text of only these (and spaces) says nothing.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

router = Router(name="questions")
mentee_router = Router(name="questions-catch-all")


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


async def _recipients(ctx: Ctx, org_id: int, owner_id: int | None) -> list[User]:
    if owner_id is not None:
        owner = await ctx.session.get(User, owner_id)
        return [owner] if owner else []
    people = []
    for curator_id in await org_user_ids(ctx.session, org_id, Role.CURATOR):
        curator = await ctx.session.get(User, curator_id)
        if curator is not None:
            people.append(curator)
    return people


async def _header(ctx: Ctx, reader: User, question: Question, key: str) -> str:
    mentee = await ctx.session.get(User, question.mentee_id)
    subject = await qs.mentee_subject(ctx.session, question.mentee_id)
    t = ctx.t_of(reader)
    return t.plain(
        key,
        number=question.number,
        mentee=mentee.display_name if mentee else "—",
        subject=subject or "—",
    )


async def _send_to_owners(
    ctx: Ctx, question: Question, source: Message, header_key: str, role: str
) -> list[User]:
    """Deliver to the question's owner, or to every curator; returns who got it."""
    org = await ctx.session.get(Organization, question.org_id)
    assert org is not None
    now = ctx.clock.now()
    silent = WorkSchedule.of(org).is_quiet(now)
    delivered: list[User] = []
    for reader in await _recipients(ctx, question.org_id, question.owner_id):
        if reader.tg_id is None or not reader.reachable:
            continue
        header = await _header(ctx, reader, question, header_key)
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
                    reply_parameters=_reply(reply_to),
                )
                sent = [_copy(copied.message_id)]
            else:
                sent = await deliver(
                    ctx.bot, reader.tg_id, source, header, silent=silent, markup=markup
                )
        except TelegramForbiddenError:
            await _undeliverable(ctx, reader, question)
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


async def _quiet_now(ctx: Ctx, org_id: int) -> bool:
    org = await ctx.session.get(Organization, org_id)
    return org is not None and WorkSchedule.of(org).is_quiet(ctx.clock.now())


def _copy(message_id: int) -> Sent:
    return Sent(message_id, True, False)


async def _undeliverable(ctx: Ctx, reader: User, question: Question) -> None:
    """The reader blocked the bot: mark them, tell the curators, escalate the question."""
    now = ctx.clock.now()
    await mark_unreachable(ctx.session, reader.id, now)
    if question.owner_id == reader.id:
        await qs.escalate(ctx.session, question, now, kb.escalation_buttons)


async def _originals(ctx: Ctx, question: Question) -> list[tuple[int, int]]:
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


async def _resend_to(ctx: Ctx, question: Question, reader: User) -> bool:
    """Give a new owner the whole question: a header, then copies of the originals."""
    if reader.tg_id is None:
        return False
    t = ctx.t_of(reader)
    header = await _header(ctx, reader, question, "question-header")
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
        for chat_id, message_id in await _originals(ctx, question):
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
        await _undeliverable(ctx, reader, question)
        return False
    return True


# Asking -----------------------------------------------------------------------------


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
        await _send_to_owners(ctx, question, part, "question-header", "question")
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
    delivered = await _send_to_owners(ctx, question, message, "question-header", "question")
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
    await _send_to_owners(ctx, question, message, "followup-header", "followup")
    await qs.link_message(ctx.session, question.id, message.chat.id, message.message_id, "own", now)
    await message.answer(ctx.t("followup-sent", number=question.number))


def _is_mentee(roles: Roles) -> bool:
    return roles.has(Role.MENTEE)


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
                await _check_and(ctx, message, lambda: _follow_up(ctx, question, message))
                return
            if _may_answer(ctx, question):
                await _check_and(ctx, message, lambda: _answer(ctx, question, message))
                return
            await message.answer(ctx.t("not-allowed"))
            return
    if not _is_mentee(ctx.roles):
        await message.answer(ctx.t("fallback-hint"))
        return
    if await _hold_album_part(ctx, message):
        return
    if message.media_group_id:
        question = await qs.album_question(session, ctx.user.id, message.media_group_id)
        if question is not None:
            await _send_to_owners(ctx, question, message, "question-header", "question")
            await qs.link_message(
                session, question.id, message.chat.id, message.message_id, "own", ctx.clock.now()
            )
            return
    if not await _valid(ctx, message):
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


async def _valid(ctx: Ctx, message: Message) -> bool:
    kind = kind_of(message)
    if kind not in SUPPORTED:
        await message.answer(ctx.t("question-unsupported"))
        return False
    if kind == "text" and not (message.text or "").translate(INVISIBLE).strip():
        await message.answer(ctx.t("question-empty"))
        return False
    return True


async def _check_and(ctx: Ctx, message: Message, action: Any) -> None:
    if await _valid(ctx, message):
        await action()


def _may_answer(ctx: Ctx, question: Question) -> bool:
    if ctx.user is None:
        return False
    return qs.may_answer(
        question, ctx.user.id, ctx.roles.orgs_with(Role.CURATOR), ctx.roles.is_admin
    )


# Answering --------------------------------------------------------------------------


async def _send_to_mentee(
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
            silent=await _quiet_now(ctx, question.org_id),
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


async def _answer(ctx: Ctx, question: Question, message: Message) -> None:
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
    if await _send_to_mentee(ctx, question, message, mentee, header):
        await qs.record_answer(ctx.session, question.id, ctx.clock.now())
        await message.answer(
            ctx.t("answer-sent", number=question.number, mentee=mentee.display_name)
        )


async def _load(ctx: Ctx, query: CallbackQuery, q: int) -> Question | None:
    question = await ctx.session.get(Question, q)
    if question is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
    return question


@router.callback_query(QAnswerCb.filter())
async def press_answer(query: CallbackQuery, callback_data: QAnswerCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await _load(ctx, query, callback_data.q)
    if question is None:
        return
    if not _may_answer(ctx, question):
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    await query.answer()
    await ctx.state.set_state(AnswerForm.answer)
    await ctx.state.update_data(q=question.id)
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t("answer-prompt", number=question.number),
        reply_markup=ForceReply(),
    )


@router.message(AnswerForm.answer, ~F.text.startswith("/"))
async def typed_answer(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    question = await ctx.session.get(Question, int((await ctx.state.get_data()).get("q", 0)))
    if question is None or not _may_answer(ctx, question):
        await ctx.state.clear()
        await message.answer(ctx.t("not-allowed"))
        return
    if not await _valid(ctx, message):
        return
    await ctx.state.set_state(None)
    await _answer(ctx, question, message)


@router.callback_query(QHandOverCb.filter())
async def hand_over(query: CallbackQuery, callback_data: QHandOverCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await _load(ctx, query, callback_data.q)
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
    question = await _load(ctx, query, callback_data.q)
    if question is None:
        return
    if not _may_answer(ctx, question):
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


async def _own(ctx: Ctx, query: CallbackQuery, q: int) -> Question | None:
    question = await ctx.session.get(Question, q)
    if question is None or ctx.user is None or question.mentee_id != ctx.user.id:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return None
    return question


@router.callback_query(QResolveCb.filter())
async def resolve(query: CallbackQuery, callback_data: QResolveCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await _own(ctx, query, callback_data.q)
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
    question = await _own(ctx, query, callback_data.q)
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
    question = await _own(ctx, query, callback_data.q)
    if question is None:
        return
    await query.answer()
    await ctx.state.set_state(FollowUpForm.text)
    await ctx.state.update_data(q=question.id)
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t("followup-prompt", number=question.number),
        reply_markup=ForceReply(),
    )


@router.message(FollowUpForm.text, ~F.text.startswith("/"))
async def typed_follow_up(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    question = await ctx.session.get(Question, int((await ctx.state.get_data()).get("q", 0)))
    if question is None or ctx.user is None or question.mentee_id != ctx.user.id:
        await ctx.state.clear()
        await message.answer(ctx.t("not-allowed"))
        return
    if not await _valid(ctx, message):
        return
    await ctx.state.set_state(None)
    await _follow_up(ctx, question, message)


@router.callback_query(QContinueCb.filter())
async def continue_question(query: CallbackQuery, callback_data: QContinueCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await _own(ctx, query, callback_data.q)
    if question is None:
        return
    message = await _recall(ctx, callback_data.mid)
    if message is None:
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await query.answer()
    await _edit_off(query)
    await _follow_up(ctx, question, message.as_(ctx.bot))


@router.callback_query(QNewCb.filter())
async def new_question(query: CallbackQuery, callback_data: QNewCb, **data: Any) -> None:
    ctx = Ctx(data)
    message = await _recall(ctx, callback_data.mid)
    if message is None or ctx.user is None or not _is_mentee(ctx.roles):
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await query.answer()
    await _edit_off(query)
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
    await _edit_off(query)
    first = message.as_(ctx.bot)
    question = await _new_question(ctx, first, program_id=callback_data.program_id)
    if question is not None:
        await _release_album_parts(ctx, question, first)


async def _edit_off(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            pass


# The curator's buttons --------------------------------------------------------------


def _curates(ctx: Ctx, question: Question) -> bool:
    return ctx.roles.is_admin or ctx.roles.has(Role.CURATOR, question.org_id)


@router.callback_query(QClaimCb.filter())
async def claim(query: CallbackQuery, callback_data: QClaimCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await _load(ctx, query, callback_data.q)
    if question is None or ctx.user is None:
        return
    if not _curates(ctx, question):
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    if not await qs.claim_by_curator(ctx.session, question.id, ctx.user.id):
        await query.answer(ctx.t("question-already-claimed"), show_alert=True)
        return
    await query.answer()
    await ctx.session.refresh(question)
    await _resend_to(ctx, question, ctx.user)
    await ctx.state.set_state(AnswerForm.answer)
    await ctx.state.update_data(q=question.id)
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t("answer-prompt", number=question.number),
        reply_markup=ForceReply(),
    )


@router.callback_query(QRemindCb.filter())
async def remind(query: CallbackQuery, callback_data: QRemindCb, **data: Any) -> None:
    ctx = Ctx(data)
    question = await _load(ctx, query, callback_data.q)
    if question is None:
        return
    if not _curates(ctx, question) or question.owner_id is None:
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
    question = await _load(ctx, query, callback_data.q)
    if question is None:
        return
    if not _curates(ctx, question):
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
    question = await _load(ctx, query, callback_data.q)
    if question is None:
        return
    target = await ctx.session.get(User, callback_data.user_id)
    allowed = target is not None and Role.MENTOR in (
        await _roles_in(ctx, callback_data.user_id, question.org_id)
    )
    if not _curates(ctx, question) or not allowed or target is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    if not await qs.reassign(ctx.session, question, target, ctx.clock.now(), *ctx.hours):
        await query.answer(ctx.t("question-not-live", number=question.number), show_alert=True)
        return
    await query.answer()
    await ctx.session.refresh(question)
    delivered = await _resend_to(ctx, question, target)
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


async def _roles_in(ctx: Ctx, user_id: int, org_id: int) -> set[Role]:
    return await member_of(ctx.session, user_id, org_id)


# Lists, away, writing first ---------------------------------------------------------


def _age(ctx: Ctx, question: Question) -> str:
    minutes = int((ctx.clock.now() - question.asked_at).total_seconds() // 60)
    return ctx.t.plain("age", hours=minutes // 60, minutes=minutes % 60, days=minutes // 1440)


@router.message(Command("questions"))
async def open_questions(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    if ctx.user is None or not (ctx.roles.has(Role.MENTOR) or ctx.roles.has(Role.CURATOR)):
        await message.answer(ctx.t("not-allowed-mentor"))
        return
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
                age=_age(ctx, question),
                preview=(question.preview or "")[:60],
            )
        )
    await message.answer(ctx.t("questions-header", count=len(rows)) + "\n" + "\n".join(lines))


@router.message(Command("myquestions"))
async def my_questions(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    if ctx.user is None or not _is_mentee(ctx.roles):
        await message.answer(ctx.t("not-allowed-mentee"))
        return
    rows = await qs.questions_of_mentee(ctx.session, ctx.user.id)
    if not rows:
        await message.answer(ctx.t("myquestions-none"))
        return
    lines = [
        ctx.t(
            "myquestions-line",
            number=q.number,
            status=q.status,
            age=_age(ctx, q),
            preview=(q.preview or "")[:60],
        )
        for q in rows
    ]
    await message.answer(ctx.t("myquestions-header") + "\n" + "\n".join(lines))


@router.message(Command("away"))
async def away(message: Message, command: CommandObject, **data: Any) -> None:
    ctx = Ctx(data)
    if ctx.user is None or not ctx.roles.has(Role.MENTOR):
        await message.answer(ctx.t("not-allowed-mentor"))
        return
    org = await ctx.session.get(Organization, ctx.roles.orgs_with(Role.MENTOR)[0])
    assert org is not None
    today = today_in(org.timezone, ctx.clock.now())
    until = parse_away_date(command.args or "", today)
    if until is None:
        await message.answer(ctx.t("away-usage"))
        return
    await set_away(ctx.session, ctx.user.id, until)
    await message.answer(ctx.t("away-set", until=until.strftime("%d.%m.%Y")))


@router.message(Command("back"))
async def back(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    if ctx.user is None or not ctx.roles.has(Role.MENTOR):
        await message.answer(ctx.t("not-allowed-mentor"))
        return
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
    if ctx.user is None or not ctx.roles.has(Role.MENTOR):
        await message.answer(ctx.t("not-allowed-mentor"))
        return
    rows = await _my_mentees(ctx)
    if not rows:
        await message.answer(ctx.t("mentees-none"))
        return
    await message.answer(
        ctx.t("mentees-pick"),
        reply_markup=kb.mentees_keyboard([(u.id, u.display_name) for _, u in rows]),
    )


@router.callback_query(WriteFirstCb.filter())
async def write_first(query: CallbackQuery, callback_data: WriteFirstCb, **data: Any) -> None:
    ctx = Ctx(data)
    if ctx.user is None:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    rows = [(p, u) for p, u in await _my_mentees(ctx) if u.id == callback_data.mentee_id]
    if not rows:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    await query.answer()
    await ctx.state.set_state(WriteFirstForm.text)
    await ctx.state.update_data(mentee=callback_data.mentee_id, program=rows[0][0].id)
    await ctx.bot.send_message(
        query.from_user.id,
        ctx.t("write-first-prompt", mentee=rows[0][1].display_name),
        reply_markup=ForceReply(),
    )


@router.message(WriteFirstForm.text, ~F.text.startswith("/"))
async def typed_first(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
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
    if not await _valid(ctx, message):
        return
    await ctx.state.set_state(None)
    program, mentee = rows[0]
    now = ctx.clock.now()
    route = Route(program.org_id, program.id, ctx.user, "mentor")
    question = await qs.create_question(
        ctx.session,
        route=route,
        mentee=mentee,
        kind=kind_of(message),
        preview=preview_of(message),
        media_group_id=None,
        now=now,
        remind_hours=ctx.hours[0],
        escalate_hours=ctx.hours[1],
        started_by_mentor=True,
    )
    await _answer_as_first(ctx, question, message, mentee)


async def _answer_as_first(ctx: Ctx, question: Question, message: Message, mentee: User) -> None:
    assert ctx.user is not None
    header = ctx.t_of(mentee).plain(
        "mentor-writes-header", number=question.number, mentor=ctx.user.display_name
    )
    if await _send_to_mentee(ctx, question, message, mentee, header):
        await message.answer(ctx.t("write-first-sent", mentee=mentee.display_name))


# Edits ------------------------------------------------------------------------------


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
                header = await _header(
                    ctx, reader, question, header_keys.get(copy.role, "question-header")
                )
        if await apply_edit(ctx.bot, copy.chat_id, copy.message_id, message, header):
            continue
        try:
            await ctx.bot.send_message(
                copy.chat_id,
                ctx.t_of(reader)("edit-notice", number=question.number),
                reply_parameters=_reply(copy.message_id),
            )
            await ctx.bot.copy_message(copy.chat_id, message.chat.id, message.message_id)
        except (TelegramForbiddenError, TelegramBadRequest):
            continue


def _reply(message_id: int) -> ReplyParameters:
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)
