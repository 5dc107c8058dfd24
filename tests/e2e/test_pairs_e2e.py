"""Forming a pair end to end, then the first question travelling through it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from fake_telegram import FakeTelegram
from models.db import create_engine, create_sessionmaker
from models.people import Role
from tests.e2e.conftest import BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _populate(database_url: str) -> dict[str, int]:
    async def run() -> dict[str, int]:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=10)) as s:
            org = await s.org("Лицей")
            await s.member(org, Person(10, "c"), Role.CURATOR, name="Куратор Ольга")
            mentor = await s.member(org, Person(20, "m"), Role.MENTOR, name="Иван Опытный")
            mentee = await s.member(org, Person(30, "e"), Role.MENTEE, name="Анна Новая")
        await engine.dispose()
        return {"mentor": mentor.user_id, "mentee": mentee.user_id}

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_curator_pairs_mentor_accepts_and_a_question_arrives(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    ids = _populate(bot_process.database_url)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    curator, mentor, mentee = fake.user(10, "Ольга"), fake.user(20, "Иван"), fake.user(30, "Анна")

    curator.send(f"/pair #{ids['mentor']} #{ids['mentee']} situational mixed 01.12.2026-31.05.2027")
    curator.wait_for("Проверьте программу")
    curator.press("✅ Подтвердить")
    curator.wait_for("Предложение отправлено наставнику")
    mentor.wait_for("Предложение стать наставником")
    mentor.press("✅ Принимаю")
    mentee.wait_for("Вам назначен наставник: Иван Опытный")
    curator.wait_for("принял программу")

    mentee.send("С чего начать подготовку к открытому уроку?")
    question = mentor.wait_for("Вопрос №1 · Анна Новая")
    mentor.send("С плана и целей урока", reply_to=question)
    assert "С плана и целей урока" in mentee.wait_for("Ответ на вопрос №1").text
