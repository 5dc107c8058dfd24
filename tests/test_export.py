"""/export (issue 15, item 4): the personal-data warning first, then an .xlsx with the
bank of participants, programs, plan, meetings, questions and survey answers; Russian
headers, local dates, widths, a frozen header row; a school's curator sees only it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from bot import files
from bot.files import EXPORT
from models import export
from models.outbox import OutboxMessage, enqueue
from models.surveys import FINAL_MENTEE, POLL, QUARTERLY_MENTOR, SurveyAnswer, SurveyAssignment
from tests.conftest import ADMIN
from tests.support.botclient import BotClient
from tests.support.documents import (
    answer_question,
    answered,
    documents,
    fill_plan,
    other_school,
    poll,
)
from tests.support.seed import World, seed

pytestmark = pytest.mark.usefixtures("no_errors")

SHEETS = ["Участники", "Программы", "План", "Встречи", "Вопросы", "Анкеты"]


def _rows(book: openpyxl.Workbook, sheet: str) -> list[list[object]]:
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def _texts(calls: list) -> list[str]:
    return [c.text for c in calls if c.text]


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
    assert plan[0][5:7] == ["Возможные риски", "Способы предотвращения"]
    assert item[5:7] == ["Нехватка времени", "Гибкий график встреч"]
    assert item[9] == datetime(2026, 12, 1) and item[10] == datetime(2026, 11, 23, 14, 0)
    # Long texts wrap in their column; every sheet has a filter on its header row.
    row_number = plan.index(item) + 1
    assert book["План"].cell(row=row_number, column=3).alignment.wrap_text
    assert book["План"].auto_filter.ref == f"A1:M{len(plan)}"

    questions = _rows(book, "Вопросы")
    asked = next(r for r in questions if r[5] == "Как вести журнал?")
    assert asked[4] == "открыт"
    assert asked[6] == datetime(2026, 11, 23, 12, 0) and asked[8] == 30

    answers = _rows(book, "Анкеты")
    assert answers[0][0] == "Анкета"
    assert any(r[3] == "Молодой У" and r[7] == 5 for r in answers[1:])

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


async def test_poll_answers_and_survey_questions_are_readable(client: BotClient, w: World) -> None:
    """A quick poll's answers show its questions and options as the curator typed them;
    a survey's free-text question loses the chat's «reply to this message»; the period
    reads «2 четверть 2026/27»."""
    poll_id = await poll(client, w.org, w.curator.user_id)
    await answered(
        client,
        w.org,
        w.mentee.user_id,
        POLL,
        [("q1", 4, None, None), ("q2", None, ["o2"], None), ("q3", None, None, "Оценивание")],
        poll_id=poll_id,
        period=None,
    )
    await answered(
        client,
        w.org,
        w.mentee2.user_id,
        FINAL_MENTEE,
        [("comment", None, None, "Совместные уроки")],
        program_id=w.program_a,
    )
    _, book = await _export(client, w.curator.person)
    assert book is not None
    rows = _rows(book, "Анкеты")[1:]
    by_question = {r[6]: r for r in rows}
    assert by_question["Насколько полезен семинар?"][7] == 4
    assert by_question["Когда удобнее встречаться?"][8] == "После уроков"
    assert by_question["Какую тему разобрать?"][9] == "Оценивание"
    assert by_question["Насколько полезен семинар?"][0] == f"Быстрый опрос №{poll_id}"
    final = by_question["Что было самым полезным и что стоит изменить?"]
    assert final[9] == "Совместные уроки" and final[1] == "2 четверть 2026/27"
    cells = set(_all_text(book).split("\n"))
    assert not cells & {"q1", "q2", "q3", "o2", "comment", "2026/27-Q2"}
    assert "Напишите ответом" not in _all_text(book)


async def test_a_forgotten_person_is_not_in_the_export(client: BotClient, w: World) -> None:
    """After /forget the person's name appears nowhere in the workbook: not in the bank,
    not beside their questions, answers or programs."""
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        await s.question(w.org, w.mentee3, w.mentor_b, "Как проверять тетради?")
    await answered(
        client,
        w.org,
        w.mentee3.user_id,
        FINAL_MENTEE,
        [("sat_overall", 5, None, None)],
        program_id=w.program_b,
    )
    await client.send(w.mentee3.person, "/forget")
    await client.press(w.mentee3.person, "fg:1")
    _, book = await _export(client, w.curator.person)
    assert book is not None
    text = _all_text(book)
    assert "Молодой У" in text  # the others are still there
    assert "Третий У" not in text and "Tee3" not in text
    assert "Третий У" not in [r[0] for r in _rows(book, "Участники")]


async def test_a_failed_build_is_answered_once_not_retried(
    client: BotClient, w: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug while making the file: the person is told, the row is finished (no second
    build on the next tick), the log names the row but not the person's data."""
    builds = []

    def broken(c: object, row: export.Participant) -> list[object]:
        builds.append(row.name)
        raise ValueError(f"cannot convert {row.name}")

    monkeypatch.setattr(files.wb, "participant_row", broken)
    calls, book = await _export(client, w.curator.person)
    assert book is None
    assert "Не удалось подготовить файл. Повторите /export позже." in _texts(calls)
    tried = len(builds)
    client.clock.set(client.clock.now() + timedelta(minutes=30))
    assert documents(await client.tick(), w.curator.person.id) == []
    assert len(builds) == tried  # not built again
    [row] = [n for n in await client.notices() if n.kind == EXPORT]
    assert row.status == "sent"
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(logged) == 1 and "ValueError" in logged[0]
    assert "Молодой У" not in logged[0]
    caplog.clear()  # the error was meant (no_errors)


async def test_a_file_over_50_mb_is_not_sent(
    client: BotClient, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram takes at most 50 MB from a bot: a larger region export is not uploaded
    (and retried until it expires); the admin is told to export school by school, and
    `/export #<school>` gives that school only."""
    await other_school(client, w)
    monkeypatch.setattr(files, "MAX_UPLOAD", 1000)
    calls, book = await _export(client, ADMIN)
    assert book is None
    [told] = [text for text in _texts(calls) if "50 МБ" in text]
    assert "Файл больше 50 МБ" in told and "/export #" in told
    [row] = [n for n in await client.notices() if n.kind == EXPORT]
    assert row.status == "sent"
    monkeypatch.setattr(files, "MAX_UPLOAD", 50 * 1024 * 1024)
    calls = await client.send(ADMIN, f"/export #{w.other_org}")
    assert "всех организаций" not in client.last_text(ADMIN.id)
    go = client.button_data(calls, "Выгрузить")
    pressed = await client.press(ADMIN, go, client.message_with(ADMIN.id, go))
    [(_, data)] = documents(pressed, ADMIN.id)
    text = _all_text(openpyxl.load_workbook(io.BytesIO(data)))
    assert "Чужой Наставник" in text and "Молодой У" not in text


async def test_export_of_one_school_bad_input(client: BotClient, w: World) -> None:
    """`/export #<school>`: a curator only for their own school; junk explains the form."""
    cur = w.curator.person
    await client.send(cur, f"/export #{w.other_org}")
    assert "не найдена" in client.last_text(cur.id)
    await client.send(cur, "/export школа")
    assert "/export #" in client.last_text(cur.id)
    calls = await client.send(cur, f"/export #{w.org}")
    assert "Выгрузить" in [text for c in calls for text, _ in c.buttons]


async def test_a_new_request_replaces_the_waiting_one(client: BotClient, w: World) -> None:
    """Pressing «Выгрузить» again (on this warning or an old one) while an earlier export
    still waits builds one file, not two."""
    now = client.clock.now()
    cur = w.curator
    async with client.sessionmaker() as session, session.begin():
        await enqueue(
            session,
            chat_id=cur.person.id,
            user_id=cur.user_id,
            kind=EXPORT,
            now=now,
            args={"orgs": [w.org]},
            ref=(files.REF, cur.user_id),
            due_at=now + timedelta(minutes=5),
            expires_at=now + timedelta(hours=1),
            dedupe_key="export:old",
        )
    _, book = await _export(client, cur.person)
    assert book is not None
    client.clock.set(client.clock.now() + timedelta(minutes=10))
    assert documents(await client.tick(), cur.person.id) == []
    statuses = sorted(n.status for n in await client.notices() if n.kind == EXPORT)
    assert statuses == ["cancelled", "sent"]


async def test_a_mentors_reports_name_the_mentee_they_are_about(
    client: BotClient, w: World
) -> None:
    """A mentor of a group reports on each mentee: the «Анкеты» sheet says about whom, so
    the two reports' scores can be told apart."""
    for subject, score in ((w.mentee, 4), (w.mentee2, 2)):
        await answered(
            client,
            w.org,
            w.mentor_a.user_id,
            QUARTERLY_MENTOR,
            [("adaptation", score, None, None)],
            role="mentor",
            program_id=w.program_a,
            subject_id=subject.user_id,
        )
    _, book = await _export(client, w.curator.person)
    assert book is not None
    header, *rows = _rows(book, "Анкеты")
    assert header[5] == "О ком (отчёт наставника)"
    reports = {(r[3], r[5], r[7]) for r in rows}
    assert ("Наставник А", "Молодой У", 4) in reports
    assert ("Наставник А", "Второй У", 2) in reports
