"""/report end to end: the real bot process renders the chart in a worker and sends the
report and the photo to the curator; a mentee is refused (issue 15, items 3 and 5)."""

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

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, 2026/27-Q2


def _populate(database_url: str) -> None:
    async def run() -> None:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=3)) as s:
            org = await s.org("Школа №7")
            await s.member(org, Person(10, "c"), Role.CURATOR, name="Куратор Ольга")
            mentor = await s.member(org, Person(20, "m"), Role.MENTOR, name="Иван Опытный")
            mentee = await s.member(org, Person(30, "e"), Role.MENTEE, name="Анна Новая")
            await s.program(org, mentor, [mentee])
            await s.question(org, mentee, mentor, "Как вести журнал?")
        await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def test_report_and_chart_reach_the_curator(fake: FakeTelegram, bot_process: BotProcess) -> None:
    _populate(bot_process.database_url)
    curator, mentee = fake.user(10, "Ольга"), fake.user(30, "Анна")
    fake.user(20, "Иван")  # the mentor, reminded of the open question meanwhile
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()

    curator.send("/report")
    report = curator.wait_for("Отчёт: Школа №7").text
    assert "2026/27-Q2" in report and "задано 1, из них отвечено 0" in report
    curator.wait_for(predicate=lambda m: m.kind == "photo")

    mentee.send("/report")
    assert "куратор" in mentee.wait_for().text
