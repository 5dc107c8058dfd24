"""The best-practice bank at the dispatcher level: a completed program marked from
/practices add and from its card, the list (the school's for its curator, every school's
for the admin), the refusals (not completed, another school's, marked already, an empty
or over-long summary), `bank()` for the annual report, and /forget of the summary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from models import practices as bp
from models.people import User
from models.personal_data import export_person, forget_person
from models.programs import Program, ProgramStatus
from tests.support.botclient import BotClient, Person
from tests.support.seed import World, seed

pytestmark = pytest.mark.usefixtures("no_errors")

ENDED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


async def complete(client: BotClient, program_id: int, reason: str = "completed") -> None:
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(Program)
            .where(Program.id == program_id)
            .values(status=ProgramStatus.ENDED, end_reason=reason, ended_at=ENDED)
        )


async def test_mark_from_the_command_and_list(client: BotClient, w: World) -> None:
    await complete(client, w.program_a)
    cur = w.curator.person
    await client.send(cur, "/practices")
    assert "пока пусто" in client.last_text(cur.id)
    await client.send(cur, f"/practices add #{w.program_a}")
    assert "опишите, что сработало" in client.last_text(cur.id)
    await client.send(cur, "  ")
    assert "Описание пустое" in client.last_text(cur.id)
    await client.send(cur, "x" * (bp.SUMMARY_MAX + 1))
    assert f"можно до {bp.SUMMARY_MAX}" in client.last_text(cur.id)
    await client.send(cur, "Еженедельные <разборы> уроков")
    assert "добавлена в лучшие практики" in client.last_text(cur.id)
    await client.send(cur, "/practices")
    shown = client.last_text(cur.id)
    assert f"Программа №{w.program_a}" in shown and "Школа 1" not in shown
    assert "Наставник: Наставник А" in shown
    assert "Наставляемые: Молодой У, Второй У" in shown
    assert "ситуационное" in shown and "01.11.2026 – 31.05.2027" in shown
    assert "Еженедельные &lt;разборы&gt; уроков" in shown
    # marked already: an offer to edit the summary, which works
    calls = await client.send(cur, f"/practices add {w.program_a}")
    assert "уже в лучших практиках" in client.last_text(cur.id)
    await client.press(cur, client.button_data(calls, "✏️"))
    assert "Сейчас:" in client.last_text(cur.id)
    await client.send(cur, "Разборы и взаимопосещения")
    assert "обновлено" in client.last_text(cur.id)
    async with client.sessionmaker() as s:
        [row] = await bp.bank(s, [w.org])
        assert (row.program_id, row.summary, row.org_name) == (
            w.program_a,
            "Разборы и взаимопосещения",
            "Школа 1",
        )
        assert row.mentees == ("Молодой У", "Второй У")
        assert await bp.bank(s, [w.other_org]) == []
        assert len(await bp.bank(s, None)) == 1


async def test_refusals(client: BotClient, w: World) -> None:
    cur = w.curator.person
    await client.send(cur, f"/practices add #{w.program_b}")  # still active
    assert "не завершена" in client.last_text(cur.id)
    await complete(client, w.program_b, reason="terminated")
    await client.send(cur, f"/practices add #{w.program_b}")
    assert "не завершена" in client.last_text(cur.id)
    await client.send(cur, "/practices add #999999")
    assert "не найдена" in client.last_text(cur.id)
    await client.send(cur, "/practices remove 1")
    assert "Формат:" in client.last_text(cur.id)
    # another school's curator: neither the command nor a forged button
    await complete(client, w.program_a)
    other = w.other_curator.person
    await client.send(other, f"/practices add #{w.program_a}")
    assert "не найдена" in client.last_text(other.id)
    answers = client.callback_answers(await client.press(other, f"bpm:{w.program_a}"))
    assert answers[0].show_alert
    for member in (w.mentor_a, w.mentee):
        await client.send(member.person, "/practices")
        assert "куратор" in client.last_text(member.person.id).lower()


async def test_card_button_and_the_admin_sees_every_school(client: BotClient, w: World) -> None:
    await complete(client, w.program_a)
    cur = w.curator.person
    calls = await client.send(cur, f"/program #{w.program_a}")
    calls = await client.press(cur, client.button_data(calls, "⭐"))
    await client.send(cur, "Работа в паре по ФГОС")
    assert "добавлена" in client.last_text(cur.id)
    calls = await client.send(cur, f"/program #{w.program_a}")
    client.button_data(calls, "✏️")  # marked: the card offers the summary's edit
    # not on an active program's card, and not for its mentor
    calls = await client.send(cur, f"/program #{w.program_b}")
    assert not [b for c in calls for b, _ in c.buttons if b.startswith(("⭐", "✏️ Описание"))]
    calls = await client.send(w.mentor_a.person, f"/program #{w.program_a}")
    assert not [b for c in calls for b, _ in c.buttons if b.startswith("⭐")]
    # a practice of the second school; the admin lists both, with the school's name
    async with seed(client.sessionmaker, client.clock.now()) as s:
        mentor = await s.member(w.other_org, Person(40, "M2"), "mentor", name="Наставник В")
        mentee = await s.member(w.other_org, Person(41, "T2"), "mentee", name="Наставляемый Г")
        other_program = await s.program(w.other_org, mentor, [mentee])
    await complete(client, other_program)
    async with client.sessionmaker() as s, s.begin():
        await bp.mark(s, other_program, [w.other_org], w.other_curator.user_id, "Итог", ENDED)
    admin = Person(1, "Admin")
    await client.send(admin, "/practices")
    shown = client.last_text(admin.id)
    assert "Лучшие практики</b> (2)" in shown
    assert "— Школа 1" in shown and "— Школа 2" in shown
    await client.send(cur, "/practices")
    assert "Школа 2" not in client.last_text(cur.id)


async def test_forget_erases_the_summary(client: BotClient, w: World) -> None:
    await complete(client, w.program_a)
    async with client.sessionmaker() as s, s.begin():
        await bp.mark(s, w.program_a, [w.org], w.curator.user_id, "Моё описание", ENDED)
    async with client.sessionmaker() as s, s.begin():
        curator = await s.get(User, w.curator.user_id)
        assert curator is not None
        data = await export_person(s, curator)
        assert [p["summary"] for p in data["best_practices_by_you"]] == ["Моё описание"]
        await forget_person(s, curator, ENDED)
    admin = Person(1, "Admin")
    await client.send(admin, "/practices")
    assert "описание удалено по запросу автора" in client.last_text(admin.id)
