"""Helpers for survey tests: assigning a survey, finding its question messages, replying
to one as Telegram would (the reply carries the bot's message, its sender and text)."""

from __future__ import annotations

from datetime import datetime

from aiogram.types import ForceReply, Message
from sqlalchemy import select

from bot.surveys import MARKER
from models import surveys as sv
from tests.support.botclient import BotClient, Call, Person
from tests.support.seed import Member


async def assign(
    client: BotClient,
    org: int,
    member: Member,
    survey: str,
    *,
    role: str = "mentee",
    program: int | None = None,
    now: datetime | None = None,
) -> int:
    """Assign `survey` to `member` (the first question is queued, not yet sent)."""
    spec = sv.Assign(org, member.user_id, role, survey, program_id=program, period="2026/27-Q2")
    async with client.sessionmaker() as session, session.begin():
        made = await sv.assign(session, spec, now or client.clock.now())
    assert made is not None
    return made


def questions_in(calls: list[Call], chat_id: int) -> list[Call]:
    """The survey question messages among these calls, to this chat."""
    return [
        c for c in calls if c.chat_id == chat_id and c.name == "sendMessage" and MARKER in c.text
    ]


def last_question(client: BotClient, chat_id: int) -> Call:
    found = questions_in(client.session.calls, chat_id)
    assert found, "no survey question was sent"
    return found[-1]


def asks_for_reply(call: Call) -> bool:
    return isinstance(getattr(call.method, "reply_markup", None), ForceReply)


async def reply_to(client: BotClient, who: Person, call: Call, text: str) -> list[Call]:
    """A reply to the bot's message `call` produced, as Telegram delivers it."""
    assert call.result_id is not None
    replied = Message(
        message_id=call.result_id,
        date=client.clock.now(),
        chat=who.chat,
        from_user=client.bot_user(),
        text=call.text.replace("<b>", "").replace("</b>", ""),
    )
    message = client.make_message(who, text, reply_to_message=replied)
    return await client.send_message(message)


async def assignment(client: BotClient, assignment_id: int) -> sv.SurveyAssignment:
    async with client.sessionmaker() as session:
        found = await session.get(sv.SurveyAssignment, assignment_id)
    assert found is not None
    return found


async def answers(client: BotClient, assignment_id: int) -> dict[str, sv.SurveyAnswer]:
    async with client.sessionmaker() as session:
        rows = await session.scalars(
            select(sv.SurveyAnswer).where(sv.SurveyAnswer.assignment_id == assignment_id)
        )
        return {a.question_key: a for a in rows}
