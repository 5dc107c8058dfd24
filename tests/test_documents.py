"""/program_doc and /annual_report (issue 15, item 6): Word documents opened with
python-docx and their contents checked; who may have them; bad input."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from docx.shared import Cm, RGBColor
from sqlalchemy import select

from bot import files
from models.meetings import Meeting
from models.people import Membership, Profile, Role
from models.practices import BestPractice
from models.programs import Program, ProgramStatus
from models.surveys import SurveyAnswer, SurveyAssignment
from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Person
from tests.support.documents import (
    OtherSchool,
    documents,
    docx_text,
    fill_plan,
    other_school,
)
from tests.support.seed import World, seed

pytestmark = pytest.mark.usefixtures("no_errors")

PLAN_HEADER = [
    "№",
    "Мероприятия",
    "Виды, форма деятельности",
    "Этапы деятельности, направления деятельности",
    "Возможные риски при реализации программы",
    "Способы предотвращения",
    "Ожидаемые результаты",
    "Критерии оценивания эффективности мер",
    "Отметка о выполнении",
]


async def _note(client: BotClient, program_id: int) -> None:
    async with client.sessionmaker() as session, session.begin():
        program = await session.get(Program, program_id)
        assert program is not None
        program.problem = "Трудности с дисциплиной на уроках"
        program.goals = "Успешная адаптация молодого специалиста"
        program.results_final = "Самостоятельное ведение уроков"


async def test_program_doc(client: BotClient, w: World) -> None:
    await _note(client, w.program_a)
    await fill_plan(client, w.program_a, client.clock.now() + timedelta(hours=1))
    calls = await client.send(w.curator.person, f"/program_doc #{w.program_a}")
    files = documents(calls, w.curator.person.id)
    assert [name for name, _ in files] == [f"program-{w.program_a}.docx"]
    text, tables = docx_text(files[0][1])
    assert f"Персонализированная программа наставничества #{w.program_a}" in text
    assert "Пояснительная записка" in text
    assert "Трудности с дисциплиной на уроках" in text
    assert "Успешная адаптация молодого специалиста" in text
    assert "Самостоятельное ведение уроков" in text
    assert "Режим работы: смешанный" in text
    assert "ситуационное" in text
    assert "с 01.11.2026 по 31.05.2027" in text
    assert "Наставник А" in text and "Молодой У" in text and "Второй У" in text
    assert text.index("Пояснительная записка") < text.index("План мероприятий")
    [plan] = tables
    assert plan[0] == PLAN_HEADER
    first = plan[1]
    assert first[:4] == [
        "1",
        "Знакомство со школой и правилами распорядка",
        "Беседа, экскурсия",
        "Нормативно-правовое",
    ]
    assert first[4:8] == [
        "Нехватка времени",
        "Гибкий график встреч",
        "Адаптация в коллективе",
        "Знает правила и документы",
    ]
    assert "выполнено 23.11.2026" in first[8]
    assert "по мере необходимости" in plan[2][8]


async def test_program_doc_bad_input(client: BotClient, w: World) -> None:
    other = await other_school(client, w)
    cur = w.curator.person
    for text in ("/program_doc", "/program_doc abc"):
        calls = await client.send(cur, text)
        assert "/program_doc #12" in client.last_text(cur.id)
        assert documents(calls, cur.id) == []
    calls = await client.send(cur, "/program_doc #999999")
    unknown = client.last_text(cur.id)
    assert "не найдена" in unknown and documents(calls, cur.id) == []
    calls = await client.send(cur, f"/program_doc #{other.program}")
    assert documents(calls, cur.id) == []
    foreign = client.last_text(cur.id)
    assert foreign == unknown.replace("999999", str(other.program))
    assert "Чужой" not in foreign


async def test_program_doc_of_the_admin_and_not_of_a_mentor(client: BotClient, w: World) -> None:
    other = await other_school(client, w)
    calls = await client.send(ADMIN, f"/program_doc #{other.program}")
    [(_, data)] = documents(calls, ADMIN.id)
    text, _ = docx_text(data)
    assert "Чужой Наставник" in text and "Пунктов плана пока нет" in text
    mentor = w.mentor_a.person
    calls = await client.send(mentor, f"/program_doc #{w.program_a}")
    assert documents(calls, mentor.id) == []


async def _year(client: BotClient, w: World, other: OtherSchool) -> None:
    """School A: program B completed yesterday and marked a best practice, one young
    mentee, two survey scores; school B: its own scores and practice."""
    now = client.clock.now()
    async with client.sessionmaker() as session, session.begin():
        program = await session.get(Program, w.program_b)
        assert program is not None
        program.status, program.end_reason = ProgramStatus.ENDED, "completed"
        program.ended_at = now - timedelta(days=1)
        profile = await session.get(Profile, w.mentee.user_id)
        assert profile is not None
        profile.experience_years = 1
        foreign = await session.get(Program, other.program)
        assert foreign is not None
        foreign.status, foreign.end_reason = ProgramStatus.ENDED, "completed"
        foreign.ended_at = now - timedelta(days=1)
        session.add_all(
            [
                BestPractice(
                    org_id=w.org,
                    program_id=w.program_b,
                    summary="Совместные уроки и взаимопосещения",
                    created_at=now,
                ),
                BestPractice(
                    org_id=w.other_org,
                    program_id=other.program,
                    summary="Чужая практика",
                    created_at=now,
                ),
            ]
        )
        for n, (org, user, program_id, score) in enumerate(
            [
                (w.org, w.mentee3.user_id, w.program_b, 4),
                (w.org, w.mentee.user_id, w.program_a, 5),
                (w.other_org, other.mentee.user_id, other.program, 1),
            ]
        ):
            assignment = SurveyAssignment(
                org_id=org,
                user_id=user,
                role="mentee",
                survey="final_mentee",
                version=1,
                program_id=program_id,
                period="2026/27-Q2",
                status="done",
                dedupe_key=f"annual:{n}",
                created_at=now,
                finished_at=now,
            )
            session.add(assignment)
            await session.flush()
            session.add(
                SurveyAnswer(
                    assignment_id=assignment.id,
                    question_key="satisfaction",
                    topic="satisfaction",
                    score=score,
                    answered_at=now,
                )
            )


async def test_annual_report(client: BotClient, w: World) -> None:
    other = await other_school(client, w)
    await _year(client, w, other)
    calls = await client.send(w.curator.person, "/annual_report")
    [(name, data)] = documents(calls, w.curator.person.id)
    assert name == "annual-report-2026-27.docx"
    text, tables = docx_text(data)
    assert "Итоговый аналитический отчёт" in text and "2026/27" in text
    assert "Школа 1" in text
    counts = {}
    for table in tables:
        counts.update({row[0]: row[1] for row in table[1:] if len(row) == 2})
    assert counts["Наставники"] == "2"
    assert counts["Наставляемые"] == "3"
    assert counts["из них молодые специалисты (стаж до 3 лет)"] == "1"
    assert counts["Пары — ситуационное"] == "1"
    assert counts["Группы — ситуационное"] == "1"
    assert counts["Завершены (план выполнен)"] == "1"
    assert counts["Прекращены досрочно"] == "0"
    assert counts["удовлетворённость (реакция)"] == "4,5"
    assert "Совместные уроки и взаимопосещения" in text
    assert f"Программа #{w.program_b}" in text
    assert len(Document(io.BytesIO(data)).inline_shapes) == 1  # the chart
    for foreign in ("Чужая практика", "Чужой Наставник", "Школа 2"):
        assert foreign not in text


async def test_annual_report_access_and_bad_year(client: BotClient, w: World) -> None:
    other = await other_school(client, w)
    await _year(client, w, other)
    calls = await client.send(ADMIN, "/annual_report 2026/27")
    [(_, data)] = documents(calls, ADMIN.id)
    text, _ = docx_text(data)
    assert "все организации (2)" in text and "Чужая практика" in text
    calls = await client.send(w.curator.person, "/annual_report 2026/28")
    assert "/annual_report 2025/26" in client.last_text(w.curator.person.id)
    assert documents(calls, w.curator.person.id) == []
    for member in (w.mentor_a, w.mentee):
        calls = await client.send(member.person, "/annual_report")
        assert documents(calls, member.person.id) == []


async def test_program_doc_for_the_school_that_lent_the_mentor(client: BotClient, w: World) -> None:
    """A program of school A with a mentor lent by school B: both curators get it."""
    other = await other_school(client, w)
    async with seed(client.sessionmaker, client.clock.now()) as s:
        mentee = await s.member(w.org, Person(50, "New"), Role.MENTEE, name="Новая У")
        program = await s.program(w.org, other.mentor, [mentee])
    for curator in (w.curator.person, w.other_curator.person):
        calls = await client.send(curator, f"/program_doc #{program}")
        [(_, data)] = documents(calls, curator.id)
        text, _ = docx_text(data)
        assert "Чужой Наставник" in text and "Школа 2" in text and "Новая У" in text


def _cm(length: int | None) -> float:
    return round((length or 0) / Cm(1), 1)


async def test_program_doc_fits_an_a4_page_and_reads_as_a_document(
    client: BotClient, w: World
) -> None:
    """A4 landscape (not US Letter); the 9-column plan spans the usable width, its widths
    in the grid and in every cell, autofit off; marks without the chat's emoji; the
    meetings in sentences of their own; headings in black Times New Roman."""
    now = client.clock.now()
    await fill_plan(client, w.program_a, now + timedelta(hours=1))
    async with client.sessionmaker() as session, session.begin():
        session.add(
            Meeting(
                program_id=w.program_a,
                org_id=w.org,
                starts_at=now + timedelta(days=2, hours=2),
                mode="offline",
                status="confirmed",
                created_at=now,
            )
        )
    calls = await client.send(w.curator.person, f"/program_doc #{w.program_a}")
    [(_, data)] = documents(calls, w.curator.person.id)
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert (_cm(section.page_width), _cm(section.page_height)) == (29.7, 21.0)
    usable = section.page_width - section.left_margin - section.right_margin
    [plan] = document.tables
    assert not plan.autofit
    grid = [column.width for column in plan.columns]
    assert len(grid) == 9 and abs(sum(grid) - usable) < Cm(0.05)
    for row in plan.rows:
        assert [cell.width for cell in row.cells] == grid
    marks = [row.cells[8].text for row in plan.rows[1:]]
    assert marks == ["выполнено 23.11.2026", "по мере необходимости"]
    text, _ = docx_text(data)
    assert "Запланированы встречи: 25.11.2026 14:00. Проведено встреч: 0." in text
    for style in ("Title", "Heading 1"):
        font = document.styles[style].font
        assert font.name == "Times New Roman" and font.color.rgb == RGBColor(0, 0, 0)


async def test_annual_report_is_a4_portrait(client: BotClient, w: World) -> None:
    calls = await client.send(w.curator.person, "/annual_report")
    [(_, data)] = documents(calls, w.curator.person.id)
    section = Document(io.BytesIO(data)).sections[0]
    assert (_cm(section.page_width), _cm(section.page_height)) == (21.0, 29.7)


async def test_annual_report_of_a_past_year(client: BotClient, w: World) -> None:
    """2025/26, before any program of this school started: no participants, outcomes,
    scores or practices of 2026/27 in it; a year not begun is refused."""
    other = await other_school(client, w)
    await _year(client, w, other)
    calls = await client.send(w.curator.person, "/annual_report 2025/26")
    [(name, data)] = documents(calls, w.curator.person.id)
    assert name == "annual-report-2025-26.docx"
    text, tables = docx_text(data)
    assert "2025/26" in text and "с 01.09.2025 по 31.08.2026" in text
    counts = {}
    for table in tables:
        counts.update({row[0]: row[1] for row in table[1:] if len(row) == 2})
    assert counts["Наставники"] == "0" and counts["Наставляемые"] == "0"
    assert counts["Завершены (план выполнен)"] == "0"
    assert "Оценок по анкетам пока нет" in text
    assert "Совместные уроки и взаимопосещения" not in text
    assert "Лучшие практики пока не отмечены" in text
    calls = await client.send(w.curator.person, "/annual_report 2027/28")
    assert documents(calls, w.curator.person.id) == []
    assert "2027/28 учебный год ещё не начался" in client.last_text(w.curator.person.id)


@pytest.mark.parametrize("command", ["program_doc", "annual_report"])
async def test_a_document_that_cannot_be_made_is_answered(
    client: BotClient,
    w: World,
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(doc: object) -> bytes:
        raise RuntimeError("no room")

    monkeypatch.setattr(files.docs, "build", broken)
    text = f"/{command} #{w.program_a}" if command == "program_doc" else f"/{command}"
    calls = await client.send(w.curator.person, text)
    assert documents(calls, w.curator.person.id) == []
    said = [c.text for c in calls if c.text]
    assert f"Не удалось подготовить файл. Повторите /{command} позже." in said
    assert [r.levelname for r in caplog.records].count("ERROR") == 1
    caplog.clear()  # the error was meant (no_errors)


async def test_annual_counts_the_programs_of_the_year(client: BotClient, w: World) -> None:
    """The statistical forms count the people and programs of the year, not today's
    members: a mentee who has since left still counts in the year her program ran; a
    past year before any program counts no one, no young specialist, no pair."""
    other = await other_school(client, w)
    await _year(client, w, other)
    async with client.sessionmaker() as session, session.begin():
        left = await session.scalar(
            select(Membership).where(Membership.user_id == w.mentee2.user_id)
        )
        assert left is not None
        left.removed_at = client.clock.now()

    def counts_of(data: bytes) -> dict[str, str]:
        counts: dict[str, str] = {}
        for table in docx_text(data)[1]:
            counts.update({row[0]: row[1] for row in table[1:] if len(row) == 2})
        return counts

    calls = await client.send(w.curator.person, "/annual_report")
    [(_, data)] = documents(calls, w.curator.person.id)
    counts = counts_of(data)
    assert (counts["Наставники"], counts["Наставляемые"]) == ("2", "3")
    assert counts["из них молодые специалисты (стаж до 3 лет)"] == "1"
    calls = await client.send(w.curator.person, "/annual_report 2025/26")
    [(_, data)] = documents(calls, w.curator.person.id)
    counts = counts_of(data)
    assert (counts["Наставники"], counts["Наставляемые"]) == ("0", "0")
    assert counts["из них молодые специалисты (стаж до 3 лет)"] == "0"
    assert not [k for k in counts if k.startswith(("Пары", "Группы"))]
