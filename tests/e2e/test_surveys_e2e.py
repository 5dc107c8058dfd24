"""A survey end to end: the real bot process, the fake Bot API and the moved clock. The
mentee answers the quarterly questionnaire halfway (a score, one tick of a multiple
choice), the bot restarts, and the survey goes on where it was: the tick survives, «Done»
takes both, a free text that is not a reply to the question (an hour later) becomes a
question to the mentor instead, and the reply to the question finishes the survey. A
non-responder is reminded twice, after the quiet hours, and then no more."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from fake_telegram import FakeTelegram
from models import surveys as sv
from models.db import create_engine, create_sessionmaker
from models.people import Role
from tests.e2e.conftest import BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


def _populate(database_url: str) -> int:
    """A school with a mentor and a mentee in a program; the mentee's quarterly survey."""

    async def run() -> int:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=10)) as s:
            org = await s.org("Школа №7", "Europe/Moscow")
            mentor = await s.member(org, Person(20, "m"), Role.MENTOR, name="Иван Опытный")
            mentee = await s.member(org, Person(30, "e"), Role.MENTEE, name="Анна Новая")
            program_id = await s.program(org, mentor, [mentee])
        spec = sv.Assign(
            org, mentee.user_id, "mentee", sv.QUARTERLY_MENTEE, program_id, period="2026/27-Q2"
        )
        async with sm() as session, session.begin():
            made = await sv.assign(session, spec, MONDAY_NOON)
        await engine.dispose()
        assert made is not None
        return made

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_a_survey_answered_halfway_goes_on_after_a_restart(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    _populate(bot_process.database_url)
    mentor, mentee = fake.user(20, "Иван"), fake.user(30, "Анна")
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()

    first = mentee.wait_for("Вопрос 1/3")
    assert "Анкета наставляемого за четверть" in first.text
    mentee.press("4", message=first)
    second = mentee.wait_for("Вопрос 2/3")
    mentee.press("Быстрые ответы на вопросы", message=second)
    mentee.wait_edit(second, predicate=lambda m: m.find_button("✓ Быстрые ответы на вопросы"))

    bot_process.restart()

    mentee.press("Встречи с наставником", message=second)
    mentee.wait_edit(second, predicate=lambda m: m.find_button("✓ Встречи с наставником"))
    mentee.press("Готово", message=second)
    prompt = mentee.wait_for("Вопрос 3/3")
    # An hour later a message that is no reply to the question is a question to the mentor.
    bot_process.set_time(MONDAY_NOON + timedelta(hours=1))
    mentee.send("Как оформить технологическую карту урока?")
    assert "технологическую карту" in mentor.wait_for("Как оформить").text
    mentee.wait_for("отправлен наставнику")
    # The reply to the question answers it.
    mentee.send("Спасибо за помощь с журналом", reply_to=prompt)
    mentee.wait_for("Спасибо! Анкета заполнена.")
    mentee.send("/surveys")
    mentee.wait_for("Анкет, ждущих ответа, нет.")
    bot_process.assert_clean_log()


def _msk(day: int, hour: int) -> datetime:
    """A Moscow wall time in late November or early December 2026, as UTC."""
    month = 11 if day >= 20 else 12
    return datetime(2026, month, day, hour, 0, tzinfo=UTC) - timedelta(hours=3)


def test_a_non_responder_is_reminded_twice_then_no_more(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    _populate(bot_process.database_url)
    mentee = fake.user(30, "Анна")
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    mentee.wait_for("Вопрос 1/3")
    # Two days later, but in the quiet hours (21:00–08:00): the reminder waits for 08:00.
    bot_process.set_time(_msk(25, 22))
    mentee.assert_no_message(within=1.5, contains="Напоминание")
    bot_process.set_time(_msk(26, 8))
    first = mentee.wait_for("Напоминание")
    assert "Вопрос 1/3" in first.text and first.find_button("4")
    bot_process.set_time(_msk(28, 8))
    assert "Вопрос 1/3" in mentee.wait_for("Напоминание").text
    for day in (30, 5):
        bot_process.set_time(_msk(day, 9))
        mentee.assert_no_message(within=1.5, contains="Напоминание")
    # The reminder's buttons answer like the question's.
    mentee.press("4")
    mentee.wait_for("Вопрос 2/3")
    bot_process.assert_clean_log()
