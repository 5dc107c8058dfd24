"""The school the end-to-end tests play in: 2 mentors, 3 mentees (two in a group under
mentor A, one under mentor B), one mentee without a mentor, and a curator."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fake_telegram import FakeUser
from models.db import create_engine, create_sessionmaker
from models.people import Role
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
FRIDAY_1730 = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)  # 17:30 in Moscow


@dataclass
class School:
    curator: FakeUser
    mentor_a: FakeUser
    mentor_b: FakeUser
    anna: FakeUser  # group under mentor A
    boris: FakeUser  # group under mentor A
    vera: FakeUser  # mentor B
    galina: FakeUser  # no mentor yet


def populate(database_url: str) -> None:
    async def run() -> None:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=30)) as s:
            org = await s.org("Школа №7")

            async def member(tg: int, role: Role, name: str, subject: str = "математика"):
                return await s.member(org, Person(tg, name), role, name=name, subject=subject)

            await member(10, Role.CURATOR, "Куратор Ольга")
            a = await member(20, Role.MENTOR, "Наставник Андрей")
            b = await member(21, Role.MENTOR, "Наставник Белла")
            anna = await member(30, Role.MENTEE, "Анна Молодая", "физика")
            boris = await member(31, Role.MENTEE, "Борис Новый", "химия")
            vera = await member(32, Role.MENTEE, "Вера Юная")
            await member(33, Role.MENTEE, "Галина Безпары")
            await s.program(org, a, [anna, boris])
            await s.program(org, b, [vera])
        await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def header(number: int) -> str:
    return f"Вопрос №{number} ·"


def schedule_meeting(mentor: FakeUser, moment: str) -> None:
    """The mentor schedules a one-off meeting in person at `moment` and sends the invitation."""
    mentor.send("/meet")
    mentor.wait_for("Когда?")
    mentor.send(moment)
    mentor.wait_for("Формат встречи")
    mentor.press("очно")
    mentor.wait_for("Где пройдёт встреча")
    mentor.send("Кабинет 12")
    mentor.wait_for("Тема встречи")
    mentor.send("Разбор открытого урока")
    mentor.wait_for("каждую неделю")
    mentor.press("Один раз")
    mentor.wait_for("Проверьте встречу")
    mentor.press("✅ Отправить приглашение")
    mentor.wait_for("предложена")
