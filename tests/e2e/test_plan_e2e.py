"""The plan end to end: the real bot process, the fake Bot API and the moved clock. The
«Учитель–учитель» template applied with its deadline kinds, items marked done with a note
(a recurring occurrence too), an item added, and its reminders: 3 days before and on the
day at 09:00, overdue to the pair the next working day and to the curator after 7 days (one summary
of the programs); an
item's deadline edited to a Saturday, reminded on working days only; and two schools in
Europe/Moscow and Asia/Vladivostok each reminded at their own 09:00."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from fake_telegram import FakeTelegram
from models.db import create_engine, create_sessionmaker
from models.people import Role
from models.plans import add_item
from models.programs import Program
from tests.e2e.conftest import BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, 19:00 in Vladivostok


def _msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall time in November or December 2026, as UTC."""
    month = 11 if day >= 20 else 12
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=3)


def _populate(database_url: str, schools: list[tuple[str, str, int]], item: bool) -> None:
    """Schools (name, zone, tg id base), each with a curator, a mentor and a mentee in an
    active program from 23.11.2026 to 31.05.2027; with `item`, a plan item due 27.11."""

    async def run() -> None:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=10)) as s:
            for name, zone, base in schools:
                org = await s.org(name, zone)
                await s.member(org, Person(base + 10, "c"), Role.CURATOR, name="Куратор Ольга")
                mentor = await s.member(
                    org, Person(base + 20, "m"), Role.MENTOR, name="Иван Опытный"
                )
                mentee = await s.member(org, Person(base + 30, "e"), Role.MENTEE, name="Анна Новая")
                program_id = await s.program(org, mentor, [mentee])
                await s.session.execute(
                    update(Program)
                    .where(Program.id == program_id)
                    .values(starts_on=date(2026, 11, 23), form="teacher_teacher")
                )
                if item:
                    program = await s.session.get(Program, program_id)
                    assert program is not None
                    await add_item(
                        s.session,
                        program,
                        mentor.user_id,
                        MONDAY_NOON - timedelta(days=1),
                        title=f"Открытый урок ({name})",
                        deadline_kind="date",
                        deadline_spec={"date": "2026-11-27"},
                    )
        await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def test_template_marks_and_reminders_to_the_pair_then_the_curator(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    _populate(bot_process.database_url, [("Школа №7", "Europe/Moscow", 0)], item=False)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    curator, mentor, mentee = fake.user(10, "Ольга"), fake.user(20, "Иван"), fake.user(30, "Анна")

    # The template, with its deadline kinds expanded in the school's calendar.
    mentor.send("/plan")
    mentor.wait_for("План пока пуст")
    mentor.press("📋 Дорожная карта")
    mentor.wait_for("13 мероприятий")
    mentee.send("/plan")
    plan = mentee.wait_for("План программы").text
    assert "Знакомство со школой" in plan and "до 23.11.2026" in plan  # "28.08": at the start
    assert "Изучение деловых и нравственных качеств" in plan
    assert "⏳ с 23.11.2026 до 27.12.2026" in plan  # its first quarter
    assert "1) ⏳ с 23.11.2026 до 27.12.2026" in plan  # once a quarter: one mark each
    assert "3) ⏳ с 30.03.2027 до 26.05.2027" in plan
    assert "🔁 по мере необходимости" in plan
    assert "до 31.05.2027" in plan  # the final evaluation at the end

    # Item 1 done with a note; the mentor hears of it.
    mentee.press("✅ 1")
    mentee.wait_for("Отметка о выполнении")
    mentee.send("Экскурсия по школе")
    mentee.wait_for("✅ Отмечено")
    assert "Экскурсия по школе" in mentor.wait_for("отметил(а) выполненным").text
    # The first quarter's mark of the recurring report.
    mentor.send("/plan")
    mentor.wait_for("План программы")
    mentor.press("✅ 8.1")
    mentor.wait_for("Отметка о выполнении")
    mentor.send("-")
    mentor.wait_for("✅ Отмечено")
    mentor.send("/plan")
    assert "Выполнено: 2" in mentor.wait_for("План программы").text

    # An item added by the flow, due on Friday 27.11.
    mentor.press("➕ Добавить пункт")
    mentor.wait_for("Как он называется")
    mentor.send("Открытый урок по дробям")
    mentor.wait_for("Направление пункта")
    mentor.press("Методическое")
    mentor.wait_for("Форма деятельности пункта")
    mentor.send("Открытый урок, анализ урока")
    mentor.wait_for("Какой у пункта срок")
    mentor.press("📅 К дате")
    mentor.wait_for("Введите дату")
    mentor.send("27.11")
    mentor.wait_for("добавлен в план")

    # Three days before, at 09:00 in Moscow, not a minute earlier.
    bot_process.set_time(_msk(24, 8, 58))
    mentee.assert_no_message(within=1.0, contains="Открытый урок по дробям")
    bot_process.set_time(_msk(24, 9, 0))
    assert "Через 3 дн. (27.11.2026)" in mentee.wait_for("Открытый урок по дробям").text
    assert "Через 3 дн." in mentor.wait_for("Открытый урок по дробям").text
    # On the day at 09:00.
    bot_process.set_time(_msk(27, 9, 0))
    assert "Сегодня (27.11.2026)" in mentee.wait_for("Открытый урок по дробям").text
    mentor.wait_for("Сегодня (27.11.2026)")
    # Overdue: the pair the next working day (Saturday 28.11 is not: Monday 30.11), the
    # curator after 7 days.
    bot_process.set_time(_msk(28, 9, 0))
    mentee.assert_no_message(within=1.0, contains="Открытый урок по дробям")
    bot_process.set_time(_msk(30, 9, 0))
    assert "просрочен" in mentee.wait_for("Открытый урок по дробям").text
    assert "просрочен" in mentor.wait_for("Открытый урок по дробям").text
    curator.assert_no_message(within=0.5, contains="Просрочены пункты планов")
    # The curator: one summary of the program (the item and the roadmap's item 2 of 24.11,
    # 10 days overdue), with a button that opens its plan.
    bot_process.set_time(_msk(4, 9, 0))
    summary = curator.wait_for("Просрочены пункты планов (1 программа)").text
    assert "Анна Новая (наставник Иван Опытный): 2 пункта, самый давний 10 дн." in summary
    curator.press("📋 №")
    assert "Открытый урок по дробям" in curator.wait_for("План программы").text
    curator.assert_no_message(within=0.5, contains="Просрочены пункты планов")
    mentee.assert_no_message(within=0.5, contains="Открытый урок по дробям")


def test_an_item_edited_to_a_saturday_is_reminded_on_working_days(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    _populate(bot_process.database_url, [("Школа №7", "Europe/Moscow", 0)], item=True)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    mentor, mentee = fake.user(20, "Иван"), fake.user(30, "Анна")

    # The item due on Friday 27.11 moves to Saturday 28.11.
    mentor.send("/plan")
    mentor.wait_for("План программы")
    mentor.press("✏️ Изменить пункт")
    mentor.wait_for("Напишите его номер")
    mentor.send("1")
    mentor.wait_for("Что изменить?")
    mentor.press("Срок")
    mentor.wait_for("Новый срок пункта")
    mentor.press("📅 К дате")
    mentor.wait_for("Введите дату")
    mentor.send("28.11")
    mentor.wait_for("изменён")
    mentee.send("/plan")
    assert "до 28.11.2026" in mentee.wait_for("План программы").text

    # The old day's reminder (Tuesday 24.11) never comes; Wednesday's does.
    bot_process.set_time(_msk(24, 9, 0))
    mentee.assert_no_message(within=1.0, contains="Открытый урок")
    bot_process.set_time(_msk(25, 9, 0))
    assert "Через 3 дн. (28.11.2026)" in mentee.wait_for("Открытый урок").text
    # Nothing on the weekend: no "today" on Saturday, no overdue flag on Sunday.
    for day in (28, 29):
        bot_process.set_time(_msk(day, 9, 0))
        mentee.assert_no_message(within=1.0, contains="Открытый урок")
    bot_process.set_time(_msk(30, 9, 0))
    assert "просрочен" in mentee.wait_for("Открытый урок").text


def test_each_school_gets_its_reminders_at_its_own_nine(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    _populate(
        bot_process.database_url,
        [("Москва", "Europe/Moscow", 0), ("Владивосток", "Asia/Vladivostok", 100)],
        item=True,
    )
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    moscow, far = fake.user(30, "Анна"), fake.user(130, "Анна")
    far_mentor = fake.user(120, "Иван")
    fake.user(20, "Иван")  # Moscow's mentor, reminded too

    # 09:00 on Tuesday in Vladivostok (UTC+10) is 23:00 UTC on Monday.
    bot_process.set_time(datetime(2026, 11, 23, 22, 58, tzinfo=UTC))
    far.assert_no_message(within=1.0, contains="Открытый урок")
    bot_process.set_time(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))
    assert "Через 3 дн. (27.11.2026)" in far.wait_for("Открытый урок (Владивосток)").text
    far_mentor.wait_for("Открытый урок (Владивосток)")
    moscow.assert_no_message(within=1.0, contains="Открытый урок")
    # 09:00 in Moscow, seven hours later.
    bot_process.set_time(_msk(24, 8, 59))
    moscow.assert_no_message(within=0.8, contains="Открытый урок")
    bot_process.set_time(_msk(24, 9, 0))
    assert "Через 3 дн. (27.11.2026)" in moscow.wait_for("Открытый урок (Москва)").text
    # On the day each at its own 09:00 again.
    bot_process.set_time(datetime(2026, 11, 26, 23, 0, tzinfo=UTC))
    far.wait_for("Сегодня (27.11.2026)")
    moscow.assert_no_message(within=0.8, contains="Сегодня")
    bot_process.set_time(_msk(27, 9, 0))
    moscow.wait_for("Сегодня (27.11.2026)")
