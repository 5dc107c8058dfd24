"""Survey rounds end to end: the real bot process, the fake Bot API and the moved clock. A
school quarter ends in Moscow and the quarterly questionnaires go out to the mentor (a
report on the mentee) and the mentee, once, after the quiet hours; then the program
reaches its end date, the curator completes it and the final questionnaires go out."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from fake_telegram import FakeTelegram
from models.db import create_engine, create_sessionmaker
from models.people import Role
from models.programs import Program
from tests.e2e.conftest import BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

# Q2 of the default calendar ends on Sunday 27.12.2026; Moscow is UTC+3.
BEFORE_END = datetime(2026, 12, 27, 20, 55, tzinfo=UTC)  # 23:55 on the 27th in Moscow
QUARTER_OVER = datetime(2026, 12, 27, 21, 0, tzinfo=UTC)  # 00:00 on the 28th
MORNING = datetime(2026, 12, 28, 5, 0, tzinfo=UTC)  # 08:00: the quiet hours are over
# 09:00 on the program's last day: 19 days after the quarter's end (a program ending
# within 14 days of it gets no quarterly round: its final survey covers the quarter).
END_DAY = datetime(2027, 1, 15, 6, 0, tzinfo=UTC)


def _populate(database_url: str) -> int:
    """A school with a curator, a mentor and a mentee in a program from 23.11 to 15.01."""

    async def run() -> int:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, BEFORE_END - timedelta(days=40)) as s:
            org = await s.org("Школа №7", "Europe/Moscow")
            await s.member(org, Person(10, "c"), Role.CURATOR, name="Куратор Ольга")
            mentor = await s.member(org, Person(20, "m"), Role.MENTOR, name="Иван Опытный")
            mentee = await s.member(org, Person(30, "e"), Role.MENTEE, name="Анна Новая")
            program_id = await s.program(org, mentor, [mentee])
            await s.session.execute(
                update(Program)
                .where(Program.id == program_id)
                .values(starts_on=date(2026, 11, 23), ends_on=date(2027, 1, 15))
            )
        await engine.dispose()
        return program_id

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_quarterly_surveys_at_the_quarter_end_and_the_final_one_at_completion(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    program_id = _populate(bot_process.database_url)
    bot_process.set_time(BEFORE_END)
    bot_process.start()
    curator, mentor, mentee = fake.user(10, "Ольга"), fake.user(20, "Иван"), fake.user(30, "Анна")

    mentee.assert_no_message(within=1.0, contains="за четверть")
    # The quarter is over at midnight, but the questions wait for the morning.
    bot_process.set_time(QUARTER_OVER)
    mentee.assert_no_message(within=1.5, contains="за четверть")
    bot_process.set_time(MORNING)
    report = mentor.wait_for("Отчёт наставника за четверть").text
    assert "Анна Новая" in report and "1/5" in report
    first = mentee.wait_for("Анкета наставляемого за четверть").text
    assert "1/3" in first
    # Sent once: later ticks bring nothing more.
    bot_process.set_time(MORNING + timedelta(hours=2))
    mentee.assert_no_message(within=1.5, contains="за четверть")

    # The last day: the curator completes the program; the final questionnaires go out.
    bot_process.set_time(END_DAY)
    curator.wait_for(f"Программа #{program_id} дошла до даты окончания (15.01.2027)")
    curator.press("🏁 Завершить")
    curator.wait_for(f"Программа #{program_id} завершена")
    final = mentee.wait_for("Итоговая анкета наставляемого").text
    assert "1/8" in final
    final = mentor.wait_for("Итоговая анкета наставника").text
    assert "Анна Новая" in final and "1/8" in final
    bot_process.assert_clean_log()
