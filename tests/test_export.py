"""/export (issue 15, item 4): the personal-data warning first, then an .xlsx with the
bank of participants, programs, plan, meetings, questions and survey answers; Russian
headers, local dates, widths, a frozen header row; a school's curator sees only it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from bot.files import EXPORT
from models.outbox import OutboxMessage
from models.surveys import SurveyAnswer, SurveyAssignment
from tests.conftest import ADMIN
from tests.support.botclient import BotClient
from tests.support.documents import answer_question, documents, fill_plan, other_school
from tests.support.seed import World, seed

pytestmark = pytest.mark.usefixtures("no_errors")

SHEETS = ["Участники", "Программы", "План", "Встречи", "Вопросы", "Анкеты"]


def _rows(book: openpyxl.Workbook, sheet: str) -> list[list[object]]:
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def _all_text(book: openpyxl.Workbook) -> str:
    return "\n".join(
        str(value)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


async def _export(client: BotClient, who: object) -> tuple[list, openpyxl.Workbook | None]:
    calls = await client.send(who, "/export")  # type: ignore[arg-type]
    warning = client.button_data(calls, "Выгрузить")
    message_id = client.message_with(who.id, warning)  # type: ignore[attr-defined]
    pressed = await client.press(who, warning, message_id)  # type: ignore[arg-type]
    files = documents(pressed, who.id)  # type: ignore[attr-defined]
    if not files:
        return pressed, None
    return pressed, openpyxl.load_workbook(io.BytesIO(files[0][1]))


async def test_warning_first_and_cancel_sends_nothing(client: BotClient, w: World) -> None:
    calls = await client.send(w.curator.person, "/export")
    assert "персональные данные" in client.last_text(w.curator.person.id)
    assert "152-ФЗ" in client.last_text(w.curator.person.id)
    assert documents(calls, w.curator.person.id) == []
    cancel = client.button_data(calls, "Отмена")
    pressed = await client.press(
        w.curator.person, cancel, client.message_with(w.curator.person.id, cancel)
    )
    assert documents(pressed, w.curator.person.id) == []
    assert "отменена" in client.last_text(w.curator.person.id)
    assert [n for n in await client.notices() if n.kind == EXPORT] == []


async def test_curator_workbook(client: BotClient, w: World) -> None:
    other = await other_school(client, w)
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        question = await s.question(w.org, w.mentee, w.mentor_a, "Как вести журнал?")
    await answer_question(client, question, now + timedelta(minutes=30))
    await fill_plan(client, w.program_a, now + timedelta(hours=2))
    async with client.sessionmaker() as session, session.begin():
        assignment = SurveyAssignment(
            org_id=w.org,
            user_id=w.mentee.user_id,
            role="mentee",
            survey="final_mentee",
            version=1,
            program_id=w.program_a,
            period="2026/27-Q2",
            status="done",
            dedupe_key="t:1",
            created_at=now,
        )
        session.add(assignment)
        await session.flush()
        session.add(
            SurveyAnswer(
                assignment_id=assignment.id,
                question_key="k1",
                topic="satisfaction",
                score=5,
                answered_at=now,
            )
        )

    calls, book = await _export(client, w.curator.person)
    assert book is not None
    assert "Готовлю файл" in " ".join(c.text for c in calls if c.text)
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width >= 8
    people = _rows(book, "Участники")
    assert people[0][:4] == ["ФИО", "Роли", "Должность", "Предмет"]
    mentee = next(r for r in people if r[0] == "Молодой У")
    assert mentee[1] == "наставляемый"
    assert mentee[3] == "математика"
    assert mentee[7] == datetime(2026, 11, 23, 12, 0)  # 09:00 UTC in Moscow
    assert book["Участники"].cell(row=people.index(mentee) + 1, column=8).number_format == (
        "DD.MM.YYYY HH:MM"
    )
    assert book["Участники"].column_dimensions["A"].width == 30

    programs = _rows(book, "Программы")
    assert programs[0][0] == "Программа №"
    row = next(r for r in programs if r[0] == w.program_a)
    assert row[1] == "Наставник А" and row[2] == "Молодой У, Второй У"
    assert row[3] == "ситуационное" and row[5] == "действует"

    plan = _rows(book, "План")
    assert plan[0][2] == "Мероприятие"
    item = next(r for r in plan if r[2] == "Знакомство со школой и правилами распорядка")
    assert item[3] == "Нормативно-правовое"
    assert item[7] == datetime(2026, 12, 1) and item[8] == datetime(2026, 11, 23, 14, 0)

    questions = _rows(book, "Вопросы")
    asked = next(r for r in questions if r[5] == "Как вести журнал?")
    assert asked[4] == "открыт"
    assert asked[6] == datetime(2026, 11, 23, 12, 0) and asked[8] == 30

    answers = _rows(book, "Анкеты")
    assert answers[0][0] == "Анкета"
    assert any(r[3] == "Молодой У" and r[6] == 5 for r in answers[1:])

    text = _all_text(book)
    for name in ("Чужой Наставник", "Чужой Наставляемый", "чужой вопрос", "Чужой Куратор"):
        assert name not in text
    assert "Школа 2" not in text
    assert other.program not in [r[0] for r in programs[1:]]


async def test_admin_export_covers_every_school(client: BotClient, w: World) -> None:
    await other_school(client, w)
    await client.send(ADMIN, "/export")
    assert "всех организаций" in client.last_text(ADMIN.id)
    _, book = await _export(client, ADMIN)
    assert book is not None
    people = _rows(book, "Участники")
    assert people[0][:2] == ["Школа", "ФИО"]
    assert ["Школа 2", "Чужой Наставник"] in [r[:2] for r in people]
    assert ["Школа 1", "Молодой У"] in [r[:2] for r in people]


@pytest.mark.parametrize("who", ["mentor_a", "mentee"])
async def test_mentor_and_mentee_get_no_export(client: BotClient, w: World, who: str) -> None:
    person = getattr(w, who).person
    calls = await client.send(person, "/export")
    assert documents(calls, person.id) == []
    assert not any(text.startswith("Выгрузить") for c in calls for text, _ in c.buttons)


async def test_press_rechecks_the_role(client: BotClient, w: World) -> None:
    calls = await client.send(w.curator.person, "/export")
    go = client.button_data(calls, "Выгрузить")
    message_id = client.message_with(w.curator.person.id, go)
    async with client.sessionmaker() as session, session.begin():
        from models.people import Membership

        member = await session.scalar(
            select(Membership).where(Membership.user_id == w.curator.user_id)
        )
        assert member is not None
        member.removed_at = client.clock.now()
    pressed = await client.press(w.curator.person, go, message_id)
    assert documents(pressed, w.curator.person.id) == []
    async with client.sessionmaker() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == EXPORT))
        assert rows.all() == []
