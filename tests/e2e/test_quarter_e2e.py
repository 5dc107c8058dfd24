"""A curator runs a quarter end to end (issue 15, «Done when»): the real bot process, the
fake Bot API and the moved clock. The curator forms a group program through /pair, the
mentor accepts it and takes the «Учитель–учитель» roadmap as the plan; a question is
asked and answered, a meeting held. The school quarter ends: after the quiet hours the
quarterly questionnaires reach the mentor (one report per mentee) and each mentee; they
answer with the buttons and by replying to the questions, one mentee leaves hers and is
reminded 2 days later. Then /report of that quarter (the text and its chart), /export
(the answers in «Анкеты»), /program_doc and /annual_report."""

from __future__ import annotations

import asyncio
import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import openpyxl
from docx import Document

from fake_telegram import FakeTelegram, FakeUser
from fake_telegram.models import BotMessage
from models.db import create_engine, create_sessionmaker
from models.people import Role
from tests.e2e.conftest import BotProcess
from tests.e2e.school import schedule_meeting
from tests.support.botclient import Person
from tests.support.seed import seed

MSK = timedelta(hours=3)


def _msk(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall time in late 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - MSK


MONDAY_NOON = _msk(11, 23, 12)
# 2026/27-Q2 of the default calendar ends on Sunday 27.12.2026.
QUARTER_OVER = _msk(12, 28, 0, 5)  # the quarter is over, but it is the quiet hours
MORNING = _msk(12, 28, 8, 5)  # the quiet hours are over


def _populate(database_url: str) -> dict[str, int]:
    """The people only: the program, plan, question and meeting come through the bot."""

    async def run() -> dict[str, int]:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=10)) as s:
            org = await s.org("Школа №7", "Europe/Moscow")
            await s.member(org, Person(10, "c"), Role.CURATOR, name="Куратор Ольга")
            mentor = await s.member(org, Person(20, "m"), Role.MENTOR, name="Иван Опытный")
            anna = await s.member(org, Person(30, "a"), Role.MENTEE, name="Анна Новая")
            maria = await s.member(org, Person(31, "b"), Role.MENTEE, name="Мария Юная")
        await engine.dispose()
        return {"mentor": mentor.user_id, "anna": anna.user_id, "maria": maria.user_id}

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _content(fake: FakeTelegram, message: BotMessage) -> bytes:
    assert message.file_id is not None
    with fake._lock:
        return fake.files.by_id[message.file_id].content


def _survey(person: FakeUser, title: str, number: int) -> BotMessage:
    return person.wait_for(predicate=lambda m: title in m.text and f"Вопрос {number}/" in m.text)


def _answer_entry(mentee: FakeUser) -> None:
    """The entry questionnaire as a mentee answers it: low need in the eight directions
    (no item is offered into the plan), one kind of help ticked, a reply to the last question."""
    title = "Входная анкета наставляемого"
    for number in range(1, 9):
        mentee.press("2", message=_survey(mentee, title, number))
    help_ = _survey(mentee, title, 9)
    mentee.press("Ведение документации", message=help_)
    mentee.wait_edit(help_, predicate=lambda m: m.find_button("✓ Ведение документации"))
    mentee.press("Готово", message=help_)
    mentee.send("Пока всё понятно", reply_to=_survey(mentee, title, 10))
    mentee.wait_for("Спасибо! Анкета заполнена.")


def test_a_quarter_end_to_end(fake: FakeTelegram, bot_process: BotProcess) -> None:
    ids = _populate(bot_process.database_url)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    curator, mentor = fake.user(10, "Ольга"), fake.user(20, "Иван")
    anna, maria = fake.user(30, "Анна"), fake.user(31, "Мария")

    # The curator forms a group program; the mentor accepts it and takes the roadmap.
    curator.send(
        f"/pair #{ids['mentor']} #{ids['anna']},#{ids['maria']} "
        "teacher_teacher mixed 23.11.2026-31.05.2027"
    )
    curator.wait_for("Проверьте программу")
    curator.press("✅ Подтвердить")
    created = curator.wait_for("Предложение отправлено наставнику").text
    program = int(re.search(r"#(\d+)", created).group(1))  # type: ignore[union-attr]
    mentor.wait_for("Предложение стать наставником")
    mentor.press("✅ Принимаю")
    # Both mentees answer the entry questionnaire first (one at a time: the quarterly one
    # would otherwise wait until the entry one is done or set aside).
    for mentee in (anna, maria):
        mentee.wait_for("Вам назначен наставник: Иван Опытный")
        _answer_entry(mentee)
    curator.wait_for("принял программу")
    mentor.send("/plan")
    mentor.wait_for("План пока пуст")
    mentor.press("📋 Дорожная карта")
    mentor.wait_for("13 мероприятий")
    anna.send("/plan")
    anna.wait_for(f"План программы №{program}")
    anna.press("✅ 1")
    anna.wait_for("Отметка о выполнении")
    anna.send("Экскурсия по школе")
    anna.wait_for("✅ Отмечено")

    # A question asked and answered.
    anna.send("Как вести электронный журнал?")
    question = mentor.wait_for("Вопрос №1 · Анна Новая")
    mentor.send("Заполняйте в день урока", reply_to=question)
    anna.wait_for("Ответ на вопрос №1")

    # A meeting scheduled for Wednesday and held.
    schedule_meeting(mentor, "25.11 15:30")
    maria.wait_for("Приглашение на встречу")
    anna.press("✅ Подтвердить", message=anna.wait_for("Приглашение на встречу"))
    mentor.wait_for("подтвердил(а) встречу 25.11.2026 15:30")
    bot_process.set_time(_msk(11, 25, 16, 35))
    mentor.press("✅ Состоялась", message=mentor.wait_for("состоялась?"))

    # The quarter is over at midnight, but the questionnaires wait for the morning.
    bot_process.set_time(QUARTER_OVER)
    anna.assert_no_message(within=1.5, contains="за четверть")
    bot_process.set_time(MORNING)
    first = {m: _survey(m, "Анкета наставляемого за четверть", 1) for m in (anna, maria)}

    # The mentor reports on each mentee, one after the other: scales and a choice by
    # buttons, the texts by replying to the questions.
    named = []
    for _ in range(2):
        report = _survey(mentor, "Отчёт наставника за четверть", 1)
        name = "Анна Новая" if "Анна Новая" in report.text else "Мария Юная"
        named.append(name)
        mentor.press("4" if name == "Анна Новая" else "3", message=report)
        mentor.press("По плану", message=_survey(mentor, name, 2))
        mentor.press("5", message=_survey(mentor, name, 3))
        prompt = _survey(mentor, name, 4)
        mentor.send(f"{name}: затруднения с журналом", reply_to=prompt)
        prompt = _survey(mentor, name, 5)
        mentor.send("Больше открытых уроков", reply_to=prompt)
        mentor.wait_for("Спасибо! Анкета заполнена.")
    assert sorted(named) == ["Анна Новая", "Мария Юная"]

    # Anna answers hers; Maria leaves hers.
    anna.press("5", message=first[anna])
    helped = _survey(anna, "Анкета наставляемого за четверть", 2)
    anna.press("Встречи с наставником", message=helped)
    anna.wait_edit(helped, predicate=lambda m: m.find_button("✓ Встречи с наставником"))
    anna.press("Готово", message=helped)
    prompt = _survey(anna, "Анкета наставляемого за четверть", 3)
    anna.send("Спасибо за помощь с журналом", reply_to=prompt)
    anna.wait_for("Спасибо! Анкета заполнена.")

    # Two days later Maria is reminded; Anna is not.
    bot_process.set_time(_msk(12, 30, 9))
    reminder = maria.wait_for("Напоминание")
    assert "Анкета наставляемого за четверть" in reminder.text and "Вопрос 1/3" in reminder.text
    anna.assert_no_message(within=1.0, contains="Напоминание")

    # The curator's report of the quarter: the figures and the chart.
    curator.send("/report 2026/27-Q2")
    report = curator.wait_for("Отчёт: Школа №7").text
    assert "2026/27-Q2" in report
    assert "наставников 1, наставляемых 2" in report, report
    assert "задано 1, из них отвечено 1" in report, report
    assert "запланировано 1, проведено 1" in report, report
    assert "отчёт наставника за четверть: 2 из 2" in report, report
    assert "анкета наставляемого за четверть: 1 из 2" in report, report
    assert "ответили 5 из 6 (83%)" in report, report  # the entry questionnaires too
    assert "входная анкета: 2 из 2" in report, report
    assert "удовлетворённость (реакция): 5,0" in report, report
    # Items 1, 2 and the first quarter's marks of the recurring ones fall in the quarter.
    assert "со сроком в периоде 5; выполнено 1 (20%), просрочено 4 (80%)" in report, report
    curator.wait_for(predicate=lambda m: m.kind == "photo")

    # The workbook: the answers in «Анкеты».
    curator.send("/export")
    warning = curator.wait_for("персональные данные")
    curator.press("Выгрузить", message=warning)
    document = curator.wait_for(predicate=lambda m: m.kind == "document")
    assert (document.file_name or "").endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(_content(fake, document)))
    rows = list(book["Анкеты"].iter_rows(values_only=True))
    head, body = rows[0], rows[1:]
    cells = [" ".join(str(c) for c in row if c is not None) for row in body]
    assert any("Спасибо за помощь с журналом" in c and "Анна Новая" in c for c in cells), rows
    assert any("Мария Юная: затруднения с журналом" in c for c in cells), rows
    score = head.index("Балл (1–5)")
    respondent = head.index("Респондент")
    scores = sorted(
        (row[respondent], row[score])
        for row in body
        if row[score] is not None and row[head.index("Анкета")] is not None
    )
    assert ("Анна Новая", 5) in scores, scores
    survey = head.index("Анкета")
    mine = [row for row in body if row[survey] == "Анкета наставляемого за четверть"]
    assert {row[respondent] for row in mine} == {"Анна Новая"}, mine

    # The program in Word with its plan table.
    curator.send(f"/program_doc #{program}")
    doc = curator.wait_for(predicate=lambda m: m.kind == "document")
    word = Document(io.BytesIO(_content(fake, doc)))
    plan = next(t for t in word.tables if "Мероприятия" in [c.text for c in t.rows[0].cells])
    assert len(plan.rows) == 1 + 13
    first_item = [c.text for c in plan.rows[1].cells]
    assert any("Знакомство со школой" in c for c in first_item), first_item
    assert any("«Экскурсия по школе»" in c for c in first_item), first_item

    # The annual report with the counts.
    curator.send("/annual_report")
    doc = curator.wait_for(predicate=lambda m: m.kind == "document")
    assert doc.file_name == "annual-report-2026-27.docx"
    word = Document(io.BytesIO(_content(fake, doc)))
    values = {
        row.cells[0].text.strip(): row.cells[-1].text.strip()
        for table in word.tables
        for row in table.rows
    }
    assert values.get("Наставники") == "1", values
    assert values.get("Наставляемые") == "2", values
    assert values.get("Задано вопросов") == "1", values
    assert values.get("Отвечено") == "1", values
    assert values.get("Встреч проведено") == "1", values
    assert values.get("Мероприятий плана выполнено") == "1", values
    assert values.get("удовлетворённость (реакция)") == "5,0", values
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Ответили на анкеты: 5 из 6 (83%)" in text, text
    bot_process.assert_clean_log()
