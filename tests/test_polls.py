"""/poll at the dispatcher level: the flow (audience, 1–3 questions of each type, preview,
confirm) makes one poll and one survey assignment per recipient of that role of that
school only; the results count answers, averages and options in SQL; bad input gets a
clear answer; mentors and mentees are refused; /forget erases the questions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine

from bot.i18n import Locales
from handlers import polls as poll_handlers
from models import polls
from models import surveys as sv
from models.outbox import OutboxMessage
from models.people import User
from models.personal_data import export_person, forget_person
from tests.support.botclient import BotClient, Call, Person
from tests.support.seed import World, seed

pytestmark = pytest.mark.usefixtures("no_errors")


async def _start(client: BotClient, cur: Person, audience_label: str) -> list[Call]:
    calls = await client.send(cur, "/poll")
    if any(label.startswith("➕") for c in calls for label, _ in c.buttons):
        calls = await client.press(cur, client.button_data(calls, "➕"))
    return await client.press(cur, client.button_data(calls, audience_label))


async def make_poll(
    client: BotClient, w: World, audience_label: str = "Наставляемые", count: int = 3
) -> int:
    """Three questions: a scale, a choice, a free text; sent. Returns the poll's id."""
    cur = w.curator.person
    await _start(client, cur, audience_label)
    calls = await client.send(cur, "Насколько полезны встречи?")
    calls = await client.press(cur, client.button_data(calls, "Шкала"))
    calls = await client.press(cur, client.button_data(calls, "➕"))
    calls = await client.send(cur, "Когда удобнее?")
    calls = await client.press(cur, client.button_data(calls, "Выбор"))
    calls = await client.send(cur, "Утром\n\nДнём\nВечером")
    calls = await client.press(cur, client.button_data(calls, "➕"))
    calls = await client.send(cur, "Что улучшить?")
    calls = await client.press(cur, client.button_data(calls, "Свободный"))
    assert not [label for c in calls for label, _ in c.buttons if label.startswith("➕")]
    calls = await client.press(cur, client.button_data(calls, "▶️"))
    preview = client.last_text(cur.id)
    assert f"адресатов: {count}" in preview and "• Днём" in preview and "шкала 1–5" in preview
    await client.press(cur, client.button_data(calls, "✅"))
    assert f"отправляется {count} адресатам" in client.last_text(cur.id)
    async with client.sessionmaker() as s:
        return int(await s.scalar(select(sv.Poll.id).order_by(sv.Poll.id.desc()).limit(1)))


async def test_a_poll_reaches_that_role_of_that_school_only(client: BotClient, w: World) -> None:
    poll_id = await make_poll(client, w)
    async with client.sessionmaker() as s:
        poll = await s.get(sv.Poll, poll_id)
        assert poll is not None and poll.org_id == w.org and poll.audience == "mentee"
        assert [q["type"] for q in poll.questions] == ["scale", "single", "text"]
        assert [o["text"]["ru"] for o in poll.questions[1]["options"]] == [
            "Утром",
            "Днём",
            "Вечером",
        ]
        assigned = list(await s.scalars(select(sv.SurveyAssignment)))
        first = list(await s.scalars(select(OutboxMessage).where(OutboxMessage.ref_kind == sv.REF)))
    mentees = {w.mentee.user_id, w.mentee2.user_id, w.mentee3.user_id}
    assert {a.user_id for a in assigned} == mentees
    assert {(a.survey, a.role, a.poll_id) for a in assigned} == {(sv.POLL, "mentee", poll_id)}
    assert {r.user_id for r in first} == mentees  # the engine queued each first question
    async with client.sessionmaker() as s:
        definition = await sv.definition_of(s, assigned[0])
    assert [q.key for q in definition.questions] == ["q1", "q2", "q3"]


async def test_results_count_in_sql(client: BotClient, w: World) -> None:
    poll_id = await make_poll(client, w)
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        by_user = {
            a.user_id: a.id
            for a in await s.scalars(
                select(sv.SurveyAssignment).where(sv.SurveyAssignment.poll_id == poll_id)
            )
        }
        a1, a2, a3 = (by_user[m.user_id] for m in (w.mentee, w.mentee2, w.mentee3))
        await sv.answer(s, a1, 0, now, score=5)
        await sv.answer(s, a1, 1, now, choices=["o2"])
        await sv.answer(s, a1, 2, now, text="Больше <практики>")
        await sv.answer(s, a2, 0, now, score=2)
        await sv.answer(s, a2, 1, now, choices=["o2"])
        await sv.answer(s, a3, 0, now, score=4)
    async with client.sessionmaker() as s:
        found = await polls.results(s, poll_id)
    assert found is not None and (found.recipients, found.finished) == (3, 1)
    scale, choice, text = found.questions
    assert scale.answered == 3 and scale.average == pytest.approx(11 / 3)
    assert scale.scale == {5: 1, 2: 1, 4: 1}
    assert choice.answered == 2 and choice.options == [("Утром", 0), ("Днём", 2), ("Вечером", 0)]
    assert text.answered == 1 and text.texts == ["Больше <практики>"]
    # the curator was not told of each answer
    assert not [c for c in client.sent_to(w.curator.person.id) if c.outbox]
    cur = w.curator.person
    calls = await client.send(cur, "/poll")
    assert "ответили полностью 1 из 3" in client.last_text(cur.id)
    await client.press(cur, client.button_data(calls, "Результаты"))
    shown = client.last_text(cur.id)
    assert "Ответили: 3 из 3" in shown and "Среднее: 3.7 из 5" in shown
    assert "Днём — 2" in shown and "1) Больше &lt;практики&gt;" in shown


async def test_many_free_texts_go_in_a_file(
    client: BotClient, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(poll_handlers, "TEXTS_SHOWN", 2)
    cur = w.curator.person
    await _start(client, cur, "Наставляемые")
    calls = await client.send(cur, "Ваше мнение?")
    calls = await client.press(cur, client.button_data(calls, "Свободный"))
    calls = await client.press(cur, client.button_data(calls, "▶️"))
    await client.press(cur, client.button_data(calls, "✅"))
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        poll_id = int(await s.scalar(select(sv.Poll.id)))
        ids = list(await s.scalars(select(sv.SurveyAssignment.id)))
        assert len(ids) == 3
        for n, assignment_id in enumerate(ids):
            await sv.answer(s, assignment_id, 0, now, text=f"Мнение {n}")
    calls = await client.send(cur, "/poll")
    calls = await client.press(cur, client.button_data(calls, f"Результаты №{poll_id}"))
    shown = client.last_text(cur.id)
    assert "2) Мнение 1" in shown and "Мнение 2" not in shown
    assert "Ответов: 3, полный список — в файле" in shown
    [document] = [c for c in calls if c.name == "sendDocument"]
    assert document.method.document.filename == f"опрос-{poll_id}.txt"
    assert "3) Мнение 2" in document.method.document.data.decode()


async def test_bad_input(client: BotClient, w: World) -> None:
    cur = w.curator.person
    await _start(client, cur, "Все")
    await client.send(cur, "  ")
    assert "Текст пустой" in client.last_text(cur.id)
    await client.send(cur, "?" * (polls.TEXT_MAX + 1))
    assert f"можно до {polls.TEXT_MAX}" in client.last_text(cur.id)
    await client.send_sticker(cur)
    assert "Нужен текст" in client.last_text(cur.id)
    calls = await client.send(cur, "Выберите день")
    calls = await client.press(cur, client.button_data(calls, "Выбор"))
    await client.send(cur, "Один вариант")
    assert "хотя бы 2 варианта" in client.last_text(cur.id)
    await client.send(cur, "\n".join(f"Вариант {n}" for n in range(11)))
    assert "больше 10" in client.last_text(cur.id)
    await client.send(cur, "Да\nда")
    assert "повторяются" in client.last_text(cur.id)
    calls = await client.send(cur, "Пн\nВт")
    assert "Вопрос 1 добавлен" in client.last_text(cur.id)
    # a stale type button now does nothing but say so
    answers = client.callback_answers(await client.press(cur, "bck:scale"))
    assert answers and answers[0].show_alert
    for n in (2, 3):
        calls = await client.press(cur, client.button_data(calls, "➕"))
        calls = await client.send(cur, f"Вопрос {n}")
        calls = await client.press(cur, client.button_data(calls, "Шкала"))
    # a fourth question is refused (the button is gone; a forged press says why)
    answers = client.callback_answers(await client.press(cur, "bcm:1"))
    assert "не больше 3 вопросов" in answers[0].text
    calls = await client.press(cur, client.button_data(calls, "▶️"))
    await client.press(cur, client.button_data(calls, "✖️"))
    assert "Опрос отменён" in client.last_text(cur.id)
    async with client.sessionmaker() as s:
        assert await s.scalar(select(sv.Poll.id)) is None
    # the model refuses too
    with pytest.raises(polls.PollError):
        polls.check_questions([polls.question(n, "scale", "Q") for n in range(4)])


async def test_mentor_and_mentee_refused_other_school_never(client: BotClient, w: World) -> None:
    for member in (w.mentor_a, w.mentee):
        await client.send(member.person, "/poll")
        assert "куратор" in client.last_text(member.person.id).lower()
    poll_id = await make_poll(client, w, "Все", count=5)
    async with client.sessionmaker() as s:
        users = set(await s.scalars(select(sv.SurveyAssignment.user_id)))
    assert w.other_curator.user_id not in users and w.curator.user_id not in users
    assert len(users) == 5
    other = w.other_curator.person
    answers = client.callback_answers(await client.press(other, f"bcr:{poll_id}"))
    assert answers[0].show_alert
    answers = client.callback_answers(await client.press(other, f"bca:poll:{w.org}:all"))
    assert answers[0].show_alert


async def test_admin_picks_the_school(client: BotClient, w: World) -> None:
    admin = Person(1, "Admin")
    calls = await client.send(admin, "/poll")
    assert "Для какой организации" in client.last_text(admin.id)
    calls = await client.press(admin, client.button_data(calls, "Школа 2"))
    calls = await client.press(admin, client.button_data(calls, "Кураторы"))
    calls = await client.send(admin, "Как дела?")
    calls = await client.press(admin, client.button_data(calls, "Шкала"))
    calls = await client.press(admin, client.button_data(calls, "▶️"))
    await client.press(admin, client.button_data(calls, "✅"))
    async with client.sessionmaker() as s:
        assert list(await s.scalars(select(sv.SurveyAssignment.user_id))) == [
            w.other_curator.user_id
        ]


async def test_forget_erases_the_questions_and_stops_asking(client: BotClient, w: World) -> None:
    poll_id = await make_poll(client, w)
    async with client.sessionmaker() as s, s.begin():
        [a1] = await s.scalars(
            select(sv.SurveyAssignment.id).where(sv.SurveyAssignment.user_id == w.mentee.user_id)
        )
        await sv.answer(s, a1, 0, client.clock.now(), score=4)
    async with client.sessionmaker() as s, s.begin():
        curator = await s.get(User, w.curator.user_id)
        assert curator is not None
        data = await export_person(s, curator)
        assert "Что улучшить?" in str(data["polls_by_you"])
        await forget_person(s, curator, datetime(2026, 11, 24, tzinfo=UTC))
    async with client.sessionmaker() as s:
        found = await polls.results(s, poll_id)
        statuses = set(await s.scalars(select(sv.SurveyAssignment.status)))
        waiting = list(
            await s.scalars(
                select(OutboxMessage.status).where(
                    OutboxMessage.ref_kind == sv.REF, OutboxMessage.status == "pending"
                )
            )
        )
    assert found is not None
    assert [q.text for q in found.questions] == [polls.ERASED] * 3
    assert found.questions[0].scale == {4: 1}  # the counts stay
    assert statuses == {"cancelled"} and not waiting


async def test_forged_ids_out_of_the_databases_range_say_the_button_is_not_valid(
    client: BotClient, w: World
) -> None:
    cur = w.curator.person
    huge = 99_999_999_999  # above 2^31: PostgreSQL refuses it as an integer
    for data in (f"bcr:{huge}", f"bpm:{huge}", f"sri:{huge}:legal", f"plo:{huge}"):
        calls = await client.press(cur, data)
        answers = client.callback_answers(calls)
        assert answers and answers[0].show_alert, data
        assert not any("Что-то пошло не так" in (c.text or "") for c in calls), data


async def test_answers_of_a_cancelled_questionnaire_never_exceed_the_total(
    client: BotClient, w: World
) -> None:
    poll_id = await make_poll(client, w)
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        by_user = {
            a.user_id: a
            for a in await s.scalars(
                select(sv.SurveyAssignment).where(sv.SurveyAssignment.poll_id == poll_id)
            )
        }
        a1, a2, a3 = (by_user[m.user_id] for m in (w.mentee, w.mentee2, w.mentee3))
        await sv.answer(s, a1.id, 0, now, score=5)
        await sv.answer(s, a2.id, 0, now, score=3)
        # one answered and was then cancelled, one was cancelled without answering
        a1.status = a3.status = sv.AssignmentStatus.CANCELLED
    async with client.sessionmaker() as s:
        found = await polls.results(s, poll_id)
        [(_, total, _)] = await polls.recent(s, [w.org])
    assert found is not None and found.recipients == 2 and total == 2
    assert found.questions[0].answered == 2
    cur = w.curator.person
    calls = await client.send(cur, "/poll")
    await client.press(cur, client.button_data(calls, "Результаты"))
    assert "Ответили: 2 из 2" in client.last_text(cur.id)


async def test_the_recent_list_counts_only_the_polls_it_shows(client: BotClient, w: World) -> None:
    poll_id = await make_poll(client, w)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        async with client.sessionmaker() as s:
            [(poll, total, done)] = await polls.recent(s, [w.org])
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert (poll.id, total, done) == (poll_id, 3, 0)
    counting = [q for q in statements if "count(" in q.lower() and "survey_assignments" in q]
    assert counting and all("poll_id IN" in q for q in counting), counting


async def test_the_poll_preview_and_confirmation_name_who_blocked_the_bot(
    client: BotClient, w: World
) -> None:
    async with client.sessionmaker() as s, s.begin():
        await s.execute(update(User).where(User.id == w.mentor_b.user_id).values(reachable=False))
    cur = w.curator.person
    await _start(client, cur, "Наставники")
    calls = await client.send(cur, "Как дела?")
    calls = await client.press(cur, client.button_data(calls, "Шкала"))
    calls = await client.press(cur, client.button_data(calls, "▶️"))
    preview = client.last_text(cur.id)
    assert "адресатов: 1)" in preview
    assert "Недоступны (заблокировали бота): 1 — Наставник Б" in preview
    await client.press(cur, client.button_data(calls, "✅"))
    sent = client.last_text(cur.id)
    assert "отправляется 1 адресату." in sent
    assert "Недоступны (заблокировали бота): 1 — Наставник Б" in sent


def test_english_poll_texts_plural_and_quotes() -> None:
    en = Locales().get("en")
    assert "going out to 1 recipient." in en("poll-sent", id=1, count=1)
    assert "going out to 3 recipients." in en("poll-sent", id=1, count=3)
    text = en("poll-err-no-recipients", org="School", audience="mentors")
    assert "“School”" in text and "«" not in text


async def test_the_admins_school_picker_comes_in_pages(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        for n in range(1, 24):
            await s.org(f"Район {n:02d}")
    admin = Person(1, "Admin")
    for command in ("/poll", "/announce", "/people", "/settings"):
        calls = await client.send(admin, command)
        seen: list[str] = []
        for _ in range(5):
            labels = [label for c in calls for label, _ in c.buttons]
            assert len(labels) <= 12, (command, labels)  # ten schools, ◀️ ▶️
            seen.extend(label for label in labels if label not in ("◀️", "▶️"))
            if "▶️" not in labels:
                break
            calls = await client.press(admin, client.button_data(calls, "▶️"))
        assert len(seen) == 25 and len(set(seen)) == 25, (command, seen)
    # A school of the last page is picked as any other.
    calls = await client.send(admin, "/poll")
    for _ in range(2):
        calls = await client.press(admin, client.button_data(calls, "▶️"))
    await client.press(admin, client.button_data(calls, "Район 23"))
    assert "Кому его отправить" in client.last_text(admin.id)
