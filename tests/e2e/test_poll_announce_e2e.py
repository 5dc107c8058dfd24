"""/announce and /poll end to end: the real bot process, the fake Bot API, the moved clock.
An announcement typed during quiet hours reaches the school's mentees (not its mentors,
never another school) when the quiet hours end; its status counts the mentee who blocked
the bot as unreachable. A quick poll reaches the school's mentors only, and its results
count the answers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fake_telegram import FakeTelegram
from models import surveys as sv
from models.db import create_engine, create_sessionmaker
from models.people import Role
from tests.e2e.conftest import BotProcess
from tests.e2e.school import School
from tests.support.botclient import Person
from tests.support.seed import seed

EVENING = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # 22:30 in Moscow: quiet hours
MORNING = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # 08:00 in Moscow: they end


def _db(url: str, work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _second_school(url: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        async with seed(create_sessionmaker(engine), EVENING) as s:
            org = await s.org("Школа №8")
            await s.member(org, Person(110, "c"), Role.CURATOR, name="Куратор Чужой")
            await s.member(org, Person(120, "m"), Role.MENTOR, name="Наставник Чужой")
            await s.member(org, Person(130, "e"), Role.MENTEE, name="Наставляемый Чужой")
        await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def test_announce_and_poll_reach_the_right_people(
    fake: FakeTelegram, bot_process: BotProcess, school: School
) -> None:
    url = bot_process.database_url
    _second_school(url)
    strangers = [fake.user(110, "c"), fake.user(120, "m"), fake.user(130, "e")]
    fake.chats[school.boris.id].blocked = True  # Boris blocked the bot
    cur = school.curator
    bot_process.set_time(EVENING)

    # An announcement typed in quiet hours waits for the morning.
    cur.send("/announce")
    cur.wait_for("Кому его отправить")
    cur.press("Наставляемые")
    cur.wait_for("Напишите текст объявления")
    cur.send("Собрание <b>в пятницу</b> в 15:00")
    cur.wait_for("Отправить?")
    cur.press("✅ Отправить")
    sent = cur.wait_for("отправляется 4 адресатам").text
    assert "тихие часы" in sent
    school.anna.assert_no_message(within=1.0, contains="Собрание")
    bot_process.set_time(MORNING)
    for mentee in (school.anna, school.vera, school.galina):
        text = mentee.wait_for("Собрание").text
        assert "&lt;b&gt;" not in text and "<b>в пятницу</b>" in text  # shown as typed
    for other in (school.mentor_a, school.mentor_b, *strangers):
        other.assert_no_message(within=0.3, contains="Собрание")

    # The status: three delivered, Boris unreachable.
    cur.send("/announce")
    cur.wait_for("Последние объявления")
    cur.press("Статус №1")
    status = cur.wait_for("Доставлено").text
    assert "Доставлено: 3" in status and "Недоступны: 1" in status
    assert "Ожидают отправки: 0" in status and "Борис Новый" in status

    # A quick poll to the mentors.
    cur.send("/poll")
    cur.wait_for("Кому его отправить")
    cur.press("Наставники")
    cur.wait_for("напишите текст вопроса")
    cur.send("Хватает ли времени на встречи?")
    cur.wait_for("Как отвечать")
    cur.press("Шкала 1–5")
    cur.wait_for("Вопрос 1 добавлен")
    cur.press("▶️ Отправить")
    cur.wait_for("адресатов: 2")
    cur.press("✅ Отправить")
    cur.wait_for("отправляется 2 адресатам")
    for mentor in (school.mentor_a, school.mentor_b):
        mentor.wait_for("Хватает ли времени на встречи?")
    for other in (school.anna, school.vera, *strangers):
        other.assert_no_message(within=0.3, contains="Хватает ли времени")

    async def answer(session: AsyncSession) -> None:
        ids = list(await session.scalars(select(sv.SurveyAssignment.id)))
        for assignment_id, score in zip(ids, (5, 4), strict=True):
            await sv.answer(session, assignment_id, 0, MORNING, score=score)

    _db(url, answer)
    cur.send("/poll")
    cur.wait_for("Последние опросы")
    cur.press("Результаты №1")
    results = cur.wait_for("Ответили:").text
    assert "Ответили: 2 из 2" in results and "Среднее: 4.5 из 5" in results
