"""Questions at the dispatcher level: routing, answers, threads, access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.types import Message
from sqlalchemy import select

from models.outbox import OutboxMessage
from models.people import Role
from models.programs import Program
from models.questions import Question, sla_catch_up
from tests.support.botclient import BotClient, Person
from tests.support.seed import Member, seed


@pytest.fixture
async def world(client: BotClient):
    async with seed(client.sessionmaker, client.clock.now()) as s:
        org = await s.org()
        w = {
            "org": org,
            "curator": await s.member(org, Person(10, "Cur"), Role.CURATOR, name="Куратор К"),
            "mentor": await s.member(org, Person(20, "MenA"), Role.MENTOR, name="Наставник А"),
            "mentor_b": await s.member(org, Person(21, "MenB"), Role.MENTOR, name="Наставник Б"),
            "mentee": await s.member(org, Person(30, "Tee"), Role.MENTEE, name="Молодой У"),
            "loner": await s.member(org, Person(31, "Lon"), Role.MENTEE, name="Без Пары"),
        }
        await s.program(org, w["mentor"], [w["mentee"]])
    return w


async def test_text_question_reaches_mentor_and_answer_comes_back(client: BotClient, world) -> None:
    mentee: Member = world["mentee"]
    mentor: Member = world["mentor"]
    calls = await client.send(mentee.person, "Как вести журнал?")
    to_mentor = [c for c in calls if c.chat_id == mentor.person.id]
    assert len(to_mentor) == 1
    assert to_mentor[0].text.startswith("Вопрос №1 · Молодой У · математика")
    assert "Как вести журнал?" in to_mentor[0].text
    assert "№1" in client.last_text(mentee.person.id) and "Наставник А" in client.last_text(
        mentee.person.id
    )
    calls = await _reply(client, mentor.person, to_mentor[0], "Откройте электронный журнал")
    to_mentee = [c for c in calls if c.chat_id == mentee.person.id]
    assert to_mentee and to_mentee[0].text.startswith("Ответ на вопрос №1")
    async with client.sessionmaker() as s:
        q = await s.scalar(select(Question))
        assert q.status == "answered" and q.first_answer_at is not None


async def _reply(client: BotClient, who: Person, call, text: str):
    message_id = call.result_id
    replied = Message(message_id=message_id, date=client.clock.now(), chat=who.chat, text="x")
    return await client.send(who, text, reply_to_message=replied)


async def test_mentee_without_mentor_reaches_curators(client: BotClient, world) -> None:
    calls = await client.send(world["loner"].person, "Помогите")
    assert any(c.chat_id == world["curator"].person.id for c in calls)
    assert "куратору" in client.last_text(world["loner"].person.id)


async def test_sla_escalates_to_curator(client: BotClient, world) -> None:
    await client.send(world["mentee"].person, "Вопрос")
    client.clock.set(client.clock.now() + timedelta(days=3))
    async with client.sessionmaker() as s, s.begin():
        made = await sla_catch_up(s, client.clock.now())
    assert made >= 2
    keys = sorted(r.kind for r in await client.notices())
    assert keys == ["question-escalated", "question-remind"]


async def test_forget_ends_programs_and_tells_partner(client: BotClient, world) -> None:
    mentor: Member = world["mentor"]
    await client.send(mentor.person, "/forget")
    await client.press(mentor.person, "fg:1")
    assert "удалены" in client.last_text(mentor.person.id)
    async with client.sessionmaker() as s:
        program = await s.scalar(select(Program))
        assert program.status == "ended" and program.end_reason == "consent-withdrawn"
        told = {
            r.chat_id
            for r in await s.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "notice-consent-withdrawn")
            )
        }
    assert told == {world["mentee"].person.id, world["curator"].person.id}
