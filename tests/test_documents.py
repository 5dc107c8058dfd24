"""/program_doc and /annual_report (issue 15, item 6): Word documents opened with
python-docx and their contents checked; who may have them; bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.programs import Program
from tests.conftest import ADMIN
from tests.support.botclient import BotClient
from tests.support.documents import documents, docx_text, fill_plan, other_school
from tests.support.seed import World

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
