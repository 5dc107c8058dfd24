"""What every question action shares: the handler context, the checks on a message and
on a button, and entering a reply flow. Who receives what is decided in models/routing;
everything for another person goes out after the commit."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ForceReply, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import SUPPORTED, carried_of, kind_of
from bot.i18n import Translator
from bot.replies import Acknowledgement, acknowledge
from models import questions as qs
from models import routing
from models.people import Role, Roles, User, member_of
from models.questions import Question
from models.routing import Ack

# A flow entered by a button (answer, follow up, write first) ends by itself after this.
FLOW_TTL = timedelta(minutes=30)

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
        self.state: FSMContext = data["state"]

    @property
    def hours(self) -> tuple[float, float]:
        return self.settings.question_remind_hours, self.settings.question_escalate_hours


# Messages ---------------------------------------------------------------------------


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


def tell_outcome(ctx: Ctx, chat_id: int, ack: Ack, markup: Any = None) -> None:
    """After the commit, once the deliveries were tried: tell the person acting that
    their message went through, is queued, or cannot be delivered."""
    number = ack.args["number"]
    acknowledge(
        Acknowledgement(
            chat_id,
            ack.rows,
            sent=ctx.t(ack.key, **ack.args),
            queued=ctx.t("delivery-queued", number=number),
            undelivered=ctx.t(ack.undelivered, number=number),
            markup=markup,
        )
    )


# Buttons ----------------------------------------------------------------------------


class Who(enum.Enum):
    """Who may press a question's button."""

    ANSWERER = "answerer"  # its owner, the school's curators, an admin
    OWNER = "owner"  # only the person who must answer it now
    MENTEE = "mentee"  # the mentee who asked it
    CURATOR = "curator"  # the school's curators and admins


class QuestionButton(Filter):
    """Loads the question a button names and gives it to the handler as `question`, when
    the message the button sits on belongs to that question and the person may press it;
    otherwise one alert, and no handler runs.

    Telegram hands back the pressed message with its keyboard: a payload found in that
    keyboard was put there by us, on that question's message. Otherwise (an old message
    comes without its keyboard) the thread links decide. The keyboard check also covers a
    message delivered a moment before its link was recorded."""

    def __init__(self, who: Who) -> None:
        self.who = who

    async def __call__(
        self, query: CallbackQuery, callback_data: Any, **data: Any
    ) -> bool | dict[str, Any]:
        ctx = Ctx(data)
        question = await ctx.session.get(Question, int(callback_data.q))
        message = query.message
        if (
            question is None
            or message is None
            or not (
                _carries(message, query.data)
                or await qs.is_linked(ctx.session, question.id, message.chat.id, message.message_id)
            )
            or not self._may(ctx, question)
        ):
            await query.answer(ctx.t("not-allowed"), show_alert=True)
            return False
        return {"question": question}

    def _may(self, ctx: Ctx, question: Question) -> bool:
        if ctx.user is None:
            return False
        if self.who is Who.ANSWERER:
            return may_answer(ctx, question)
        if self.who is Who.OWNER:
            return question.owner_id == ctx.user.id
        if self.who is Who.MENTEE:
            return question.mentee_id == ctx.user.id
        return curates(ctx, question)


def _carries(message: Any, data: str | None) -> bool:
    markup = getattr(message, "reply_markup", None)
    if data is None or markup is None:
        return False
    return any(button.callback_data == data for row in markup.inline_keyboard for button in row)


async def edit_off(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


def curates(ctx: Ctx, question: Question) -> bool:
    return ctx.roles.is_admin or ctx.roles.has(Role.CURATOR, question.org_id)


async def roles_in(ctx: Ctx, user_id: int, org_id: int) -> set[Role]:
    return await member_of(ctx.session, user_id, org_id)


# Lists and flows --------------------------------------------------------------------


def age_of(ctx: Ctx, question: Question) -> str:
    minutes = int((ctx.clock.now() - question.asked_at).total_seconds() // 60)
    return ctx.t.plain("age", hours=minutes // 60, minutes=minutes % 60, days=minutes // 1440)


async def prompt_for(ctx: Ctx, chat_id: int, question: Question, state: State, key: str) -> None:
    """Enter a flow that takes the next message as part of this question (ForceReply)."""
    await ctx.state.set_state(state)
    await ctx.state.update_data(q=question.id, since=ctx.clock.now().isoformat())
    await ctx.bot.send_message(
        chat_id, ctx.t(key, number=question.number), reply_markup=ForceReply()
    )


async def still_in_flow(ctx: Ctx, message: Message) -> bool:
    """Whether this message belongs to the flow a button started.

    A reply to a message of some question's thread goes by what it replies to, never by
    a stale flow: the flow ends and the message is handled as a reply. A flow older than
    FLOW_TTL ends, and the person is told so."""
    if message.reply_to_message is not None and await qs.question_by_message(
        ctx.session, message.chat.id, message.reply_to_message.message_id
    ):
        await ctx.state.clear()
        raise SkipHandler  # the catch-all routes it by the message it replies to
    since = (await ctx.state.get_data()).get("since")
    if since and ctx.clock.now() - datetime.fromisoformat(since) > FLOW_TTL:
        await ctx.state.clear()
        await message.answer(ctx.t("flow-expired"))
        return False
    return True


# FSM data: where the later parts of an album go, by media_group_id.
ALBUM_ROUTES = "album_routes"


async def remember_album(
    ctx: Ctx, message: Message, question: Question, role: str, header: str | None = None
) -> None:
    """The message opens an album that an answer, a follow-up or a mentor's first
    message started: its later parts (separate updates) go the same way."""
    if not message.media_group_id:
        return
    routes = dict((await ctx.state.get_data()).get(ALBUM_ROUTES, {}))
    routes[message.media_group_id] = {
        "q": question.id,
        "role": role,
        "first": message.message_id,
        "header": header,
    }
    while len(routes) > 5:
        routes.pop(next(iter(routes)))
    await ctx.state.update_data(**{ALBUM_ROUTES: routes})


async def carry_album_part(ctx: Ctx, message: Message) -> bool:
    """A later part of such an album: carried where its first part went."""
    if not message.media_group_id or ctx.user is None:
        return False
    route = (await ctx.state.get_data()).get(ALBUM_ROUTES, {}).get(message.media_group_id)
    if route is None:
        return False
    question = await ctx.session.get(Question, int(route["q"]))
    if question is None:
        return False
    carried = {**carried_of(message), "album_first": route["first"]}
    await routing.carry_part(
        ctx.session, question, ctx.user, carried, route["role"], route["header"], ctx.clock.now()
    )
    return True


async def question_in_flow(ctx: Ctx) -> Question | None:
    """The question the current flow is about."""
    return await ctx.session.get(Question, int((await ctx.state.get_data()).get("q", 0)))
