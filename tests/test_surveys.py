"""Answering surveys at the dispatcher level: one question per message with its progress,
buttons (scale, single and multiple choice, skip) and free text by reply; an outdated or
forged button stores nothing; a survey never blocks the chat (a mentee in the middle of
one still asks the mentor; free text that is no answer becomes a question); reminders;
/surveys; a message no flow step takes never becomes a question; /mydata and /forget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from models import surveys as sv
from models.outbox import OutboxMessage
from models.people import Role, User
from models.personal_data import export_person, forget_person
from tests.support.botclient import BotClient, Call, Person
from tests.support.seed import World, questions, seed, to
from tests.support.surveys import (
    answers,
    asks_for_reply,
    assign,
    assignment,
    last_question,
    questions_in,
    reply_to,
)

pytestmark = pytest.mark.usefixtures("no_errors")


def _alert(client: BotClient, calls: list[Call]) -> str:
    found = client.callback_answers(calls)
    assert found, [c.name for c in calls]
    return found[-1].text or ""


async def _start(client: BotClient, w: World, survey: str = sv.QUARTERLY_MENTEE) -> int:
    """Mentee 3 gets `survey`; its first question is delivered."""
    made = await assign(client, w.org, w.mentee3, survey, program=w.program_b)
    calls = await client.tick()
    assert questions_in(calls, w.mentee3.person.id)
    return made


async def test_a_whole_survey_by_buttons_and_a_reply(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    made = await _start(client, w)
    first = last_question(client, who.id)
    assert "Квартальная" in first.text or "Вопрос 1/3" in first.text
    assert "Вопрос 1/3" in first.text
    assert [label for label, _ in first.buttons] == ["1", "2", "3", "4", "5"]
    calls = await client.press(who, client.button_data([first], "4"))
    second = questions_in(calls, who.id)[-1]
    assert "Вопрос 2/3" in second.text
    # Multiple choice: the ticks show on the buttons and «Done» takes them.
    labels = [label for label, _ in second.buttons]
    assert labels[-1] == "Готово"
    calls = await client.press(who, second.buttons[0][1])
    edited = [c for c in calls if c.name == "editMessageReplyMarkup"][-1]
    assert edited.buttons[0][0].startswith("✓ ")
    calls = await client.press(who, edited.buttons[2][1], message_id=second.result_id)
    edited = [c for c in calls if c.name == "editMessageReplyMarkup"][-1]
    assert [b for b, _ in edited.buttons if b.startswith("✓")] == [
        "✓ " + labels[0],
        "✓ " + labels[2],
    ]
    calls = await client.press(who, edited.buttons[-1][1], message_id=second.result_id)
    third = questions_in(calls, who.id)[-1]
    assert "Вопрос 3/3" in third.text and asks_for_reply(third)
    assert third.method.reply_markup.input_field_placeholder  # type: ignore[attr-defined]
    # Optional: a «Skip» button comes with it.
    assert any(c.buttons and c.buttons[0][0] == "Пропустить" for c in to(calls, w.mentee3))
    calls = await reply_to(client, who, third, "  Спасибо за помощь с журналом  ")
    assert "Спасибо! Анкета заполнена." in client.last_text(who.id)
    stored = await answers(client, made)
    assert stored["satisfaction"].score == 4
    helped = [o.key for o in sv.latest(sv.QUARTERLY_MENTEE).questions[1].options]
    assert stored["helped"].choices == [helped[0], helped[2]]
    assert stored["comment"].text == "Спасибо за помощь с журналом"
    done = await assignment(client, made)
    assert done.status == sv.AssignmentStatus.DONE and done.finished_at is not None
    assert await questions(client) == []


async def test_typed_answers_while_in_the_survey(client: BotClient, w: World) -> None:
    """The mentor's report ends with two free-text questions: after a button answer the
    next message is the answer, with no reply needed; a refused one keeps the prompt."""
    who = w.mentor_b.person
    made = await assign(client, w.org, w.mentor_b, sv.QUARTERLY_MENTOR, role="mentor")
    await client.tick()
    await client.press(who, client.button_data([last_question(client, who.id)], "5"))
    await client.press(who, last_question(client, who.id).buttons[0][1])
    calls = await client.press(who, client.button_data([last_question(client, who.id)], "3"))
    assert "Вопрос 4/5" in questions_in(calls, who.id)[-1].text
    calls = await client.send(who, "x" * 5000)
    text = client.last_text(who.id)
    assert "5000" in text and "2000" in text
    assert (await assignment(client, made)).position == 3
    calls = await client.send(who, "Трудности с оформлением документации")
    assert "Вопрос 5/5" in questions_in(calls, who.id)[-1].text
    calls = await client.send(who, "Больше открытых уроков")
    assert "Спасибо! Анкета заполнена." in client.last_text(who.id)
    stored = await answers(client, made)
    assert stored["difficulties"].text == "Трудности с оформлением документации"
    assert stored["proposals"].text == "Больше открытых уроков"
    assert await questions(client) == []


async def test_an_outdated_or_forged_button_stores_nothing(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    made = await _start(client, w)
    first = last_question(client, who.id)
    four = client.button_data([first], "4")
    two = client.button_data([first], "2")
    # Someone else presses the mentee's button: nothing is stored.
    calls = await client.press(w.mentee.person, four, message_id=first.result_id)
    assert _alert(client, calls) == "Этот вопрос уже неактуален."
    assert await answers(client, made) == {}
    # Two taps: the first answers, the second is outdated and keeps the first answer.
    await client.press(who, four, message_id=first.result_id)
    calls = await client.press(who, two, message_id=first.result_id)
    assert _alert(client, calls) == "Этот вопрос уже неактуален."
    stored = await answers(client, made)
    assert list(stored) == ["satisfaction"] and stored["satisfaction"].score == 4
    assert (await assignment(client, made)).position == 1
    # A forged value and a forged survey are refused too.
    calls = await client.press(who, f"sv:{made}:1:c:99")
    assert _alert(client, calls) == "Этот вопрос уже неактуален."
    calls = await client.press(who, "sv:999999:0:s:3")
    assert _alert(client, calls) == "Этот вопрос уже неактуален."
    # «Done» with nothing ticked says so and keeps the question.
    second = last_question(client, who.id)
    calls = await client.press(who, second.buttons[-1][1], message_id=second.result_id)
    assert _alert(client, calls) == "Выберите хотя бы один вариант."
    assert (await assignment(client, made)).position == 1


async def test_free_text_that_is_no_answer_becomes_a_question(client: BotClient, w: World) -> None:
    """At the free-text question, a message long after the last button answer (the
    survey's state has ended) and not a reply to the question is a question to the
    mentor; the survey stays where it was, and a reply to the question still answers."""
    who = w.mentee3.person
    made = await _start(client, w)
    await client.press(who, client.button_data([last_question(client, who.id)], "5"))
    second = last_question(client, who.id)
    await client.press(who, second.buttons[1][1], message_id=second.result_id)
    second_edit = [c for c in client.session.calls if c.name == "editMessageReplyMarkup"][-1]
    await client.press(who, second_edit.buttons[-1][1], message_id=second.result_id)
    prompt = last_question(client, who.id)
    assert asks_for_reply(prompt)
    client.clock.set(client.clock.now() + timedelta(hours=1))
    calls = await client.send(who, "Как оформить рабочую программу?")
    asked = await questions(client)
    assert len(asked) == 1 and asked[0].preview == "Как оформить рабочую программу?"
    assert to(calls, w.mentor_b)
    assert (await assignment(client, made)).position == 2
    await reply_to(client, who, prompt, "Всё хорошо")
    assert (await answers(client, made))["comment"].text == "Всё хорошо"
    assert len(await questions(client)) == 1


async def test_a_mentee_mid_survey_asks_the_mentor(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    made = await _start(client, w)
    calls = await client.send(who, "Где взять шаблон технологической карты?")
    assert to(calls, w.mentor_b), "the question reached the mentor"
    assert len(await questions(client)) == 1
    assert (await assignment(client, made)).position == 0
    # The survey goes on from where it was.
    calls = await client.press(who, client.button_data([last_question(client, who.id)], "3"))
    assert "Вопрос 2/3" in questions_in(calls, who.id)[-1].text


async def test_a_long_reply_is_refused_and_the_prompt_stays(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    made = await _start(client, w)
    await client.press(who, client.button_data([last_question(client, who.id)], "5"))
    second = last_question(client, who.id)
    await client.press(who, second.buttons[0][1], message_id=second.result_id)
    edit = [c for c in client.session.calls if c.name == "editMessageReplyMarkup"][-1]
    await client.press(who, edit.buttons[-1][1], message_id=second.result_id)
    prompt = last_question(client, who.id)
    await reply_to(client, who, prompt, "я" * 5000)
    text = client.last_text(who.id)
    assert "слишком длинный" in text and "5000" in text and "2000" in text
    assert (await assignment(client, made)).position == 2
    assert await questions(client) == []
    await reply_to(client, who, prompt, "Коротко: всё хорошо")
    assert (await assignment(client, made)).status == sv.AssignmentStatus.DONE


async def test_a_photo_in_a_flow_never_becomes_a_question(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    calls = await client.send(who, "/profile")
    await client.press(who, client.button_data(calls, "ФИО"))
    await client.send_photo(who, "моё фото")
    assert await questions(client) == []
    await client.send(who, "/cancel")
    # A step that takes only buttons: a message there names the flow and /cancel.
    async with seed(client.sessionmaker, client.clock.now()) as s:
        await s.member(w.org, Person(40, "Free"), Role.MENTEE, name="Свободный У")
    curator = w.curator.person
    await client.send(curator, "/pair")
    await client.send_photo(curator, "фото")
    text = client.last_text(curator.id)
    assert "формирование пары" in text and "/cancel" in text
    assert await questions(client) == []
    # The survey's free-text state is no flow to be stuck in: a photo there leaves it
    # and is a question, as outside every flow.
    made = await _start(client, w)
    await client.press(who, client.button_data([last_question(client, who.id)], "5"))
    second = last_question(client, who.id)
    await client.press(who, second.buttons[0][1], message_id=second.result_id)
    edit = [c for c in client.session.calls if c.name == "editMessageReplyMarkup"][-1]
    await client.press(who, edit.buttons[-1][1], message_id=second.result_id)
    calls = await client.send_photo(who, "вот фото журнала")
    assert len(await questions(client)) == 1 and to(calls, w.mentor_b)
    assert (await assignment(client, made)).position == 2
    await client.send(who, "И ещё вопрос")
    assert len(await questions(client)) == 1  # the question's follow-up, not an answer
    assert "comment" not in await answers(client, made)


async def test_reminders_twice_outside_quiet_hours_then_no_more(
    client: BotClient, w: World
) -> None:
    who = w.mentee3.person
    made = await _start(client, w)
    start = client.clock.now()  # 12:00 in Moscow

    async def catch_up(now: datetime) -> int:
        async with client.sessionmaker() as session, session.begin():
            return await sv.remind_catch_up(session, now)

    assert await catch_up(start + timedelta(days=1)) == 0
    # Two days later at 23:30 in Moscow (quiet hours 21:00–08:00).
    late = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
    client.clock.set(late)
    assert await catch_up(late) == 1
    assert await catch_up(late) == 0  # idempotent
    calls = await client.tick()
    assert not questions_in(calls, who.id), "nothing in quiet hours"
    morning = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # 08:00 in Moscow
    client.clock.set(morning)
    calls = await client.tick()
    reminder = questions_in(calls, who.id)
    assert len(reminder) == 1 and "Напоминание" in reminder[0].text
    assert "Вопрос 1/3" in reminder[0].text
    later = morning + timedelta(days=2)
    client.clock.set(later)
    assert await catch_up(later) == 1
    assert len(questions_in(await client.tick(), who.id)) == 1
    for days in (2, 4, 10):
        assert await catch_up(later + timedelta(days=days)) == 0
    assert (await assignment(client, made)).reminders == 2


async def test_no_reminder_after_finishing(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    made = await _start(client, w, sv.FINAL_MENTEE)
    for _ in range(7):
        await client.press(who, client.button_data([last_question(client, who.id)], "5"))
    await client.press(who, client.button_data(client.session.calls, "Пропустить"))
    assert (await assignment(client, made)).status == sv.AssignmentStatus.DONE
    async with client.sessionmaker() as session, session.begin():
        assert await sv.remind_catch_up(session, client.clock.now() + timedelta(days=9)) == 0
    client.clock.set(client.clock.now() + timedelta(days=9))
    assert not questions_in(await client.tick(), who.id)


async def test_surveys_lists_and_resumes(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    calls = await client.send(who, "/surveys")
    assert "Анкет, ждущих ответа, нет." in client.last_text(who.id)
    made = await _start(client, w)
    await client.press(who, client.button_data([last_question(client, who.id)], "2"))
    calls = await client.send(who, "/surveys")
    assert "отвечено 1 из 3" in client.last_text(who.id)
    calls = await client.press(who, client.button_data(calls, "Продолжить"))
    again = questions_in(calls, who.id)
    assert len(again) == 1 and "Вопрос 2/3" in again[0].text
    # The re-sent question answers like the first copy.
    await client.press(who, again[0].buttons[0][1], message_id=again[0].result_id)
    edit = [c for c in client.session.calls if c.name == "editMessageReplyMarkup"][-1]
    calls = await client.press(who, edit.buttons[-1][1], message_id=again[0].result_id)
    assert (await assignment(client, made)).position == 2
    # A curator without a survey is told so; a stranger gets no command.
    await client.send(w.curator.person, "/surveys")
    assert "Анкет, ждущих ответа, нет." in client.last_text(w.curator.person.id)


async def test_mydata_and_forget_cover_the_answers(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    made = await _start(client, w)
    await client.press(who, client.button_data([last_question(client, who.id)], "4"))
    second = last_question(client, who.id)
    await client.press(who, second.buttons[0][1], message_id=second.result_id)
    edit = [c for c in client.session.calls if c.name == "editMessageReplyMarkup"][-1]
    await client.press(who, edit.buttons[-1][1], message_id=second.result_id)
    await reply_to(client, who, last_question(client, who.id), "Личный комментарий")
    other = await assign(client, w.org, w.mentee3, sv.FINAL_MENTEE, program=w.program_b)
    async with client.sessionmaker() as session:
        user = await session.get(User, w.mentee3.user_id)
        assert user is not None
        exported = await export_person(session, user)
    mine = {s["id"]: s for s in exported["surveys"]}
    assert {a["question_key"]: a["text"] for a in mine[made]["answers"]}["comment"] == (
        "Личный комментарий"
    )
    async with client.sessionmaker() as session, session.begin():
        user = await session.get(User, w.mentee3.user_id)
        assert user is not None
        await forget_person(session, user, client.clock.now())
    stored = await answers(client, made)
    assert stored["comment"].text is None
    assert stored["satisfaction"].score == 4 and stored["helped"].choices
    assert (await assignment(client, other)).status == sv.AssignmentStatus.CANCELLED
    assert (await assignment(client, made)).prompt_message_id is None
    async with client.sessionmaker() as session:
        waiting = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.ref_kind == sv.REF, OutboxMessage.status == "pending"
            )
        )
        assert list(waiting) == []


async def test_a_reply_to_an_earlier_copy_answers_and_to_an_answered_one_says_so(
    client: BotClient, w: World
) -> None:
    who = w.mentee3.person
    made = await _start(client, w)
    await client.press(who, client.button_data([last_question(client, who.id)], "5"))
    second = last_question(client, who.id)
    await client.press(who, second.buttons[0][1], message_id=second.result_id)
    edit = [c for c in client.session.calls if c.name == "editMessageReplyMarkup"][-1]
    await client.press(who, edit.buttons[-1][1], message_id=second.result_id)
    earlier = last_question(client, who.id)
    # A reply to a question already answered, while the survey waits, is no answer and
    # no question.
    await reply_to(client, who, second, "Ещё про помощь")
    assert client.last_text(who.id) == "Этот вопрос уже неактуален."
    assert await questions(client) == []
    # The question is asked again (as a reminder would): the first copy still takes a reply.
    calls = await client.send(who, "/surveys")
    await client.press(who, client.button_data(calls, "Продолжить"))
    assert last_question(client, who.id).result_id != earlier.result_id
    await reply_to(client, who, earlier, "Ответ на первую копию")
    assert (await answers(client, made))["comment"].text == "Ответ на первую копию"
    # The survey is over: a reply to one of its questions is no answer, it goes on as any
    # message (a mentee's becomes a question to the mentor).
    calls = await reply_to(client, who, second, "А как заполнить журнал?")
    assert "неактуален" not in client.last_text(who.id)
    asked = await questions(client)
    assert len(asked) == 1 and asked[0].preview == "А как заполнить журнал?"
    assert to(calls, w.mentor_b)


async def test_questions_and_replies_to_their_copies_cost_no_survey_query(
    client: BotClient, w: World, engine: AsyncEngine
) -> None:
    """The hot path: a mentee's question and the mentor's reply to its copy never look at
    surveys, even while a survey is pending."""
    await _start(client, w)
    seen: list[str] = []

    def statement(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        seen.append(sql)

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    try:
        calls = await client.send(w.mentee3.person, "Как вести электронный журнал?")
        copy = [c for c in to(calls, w.mentor_b) if c.result_id is not None][-1]
        await reply_to(client, w.mentor_b.person, copy, "Вот инструкция")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", statement)
    assert "Вот инструкция" in " ".join(c.text for c in client.sent_to(w.mentee3.person.id))
    assert not [sql for sql in seen if "survey_assignments" in sql]


async def _report(
    client: BotClient, w: World, mentor: Any, program: int, subject: Any, period: str
) -> int:
    """A mentor's quarterly report on one mentee (its first question is queued)."""
    spec = sv.Assign(
        w.org,
        mentor.user_id,
        "mentor",
        sv.QUARTERLY_MENTOR,
        program_id=program,
        subject_id=subject.user_id if subject is not None else None,
        period=period,
    )
    async with client.sessionmaker() as session, session.begin():
        made = await sv.assign(session, spec, client.clock.now())
    assert made is not None
    return made


async def _show(client: BotClient, who: Person, made: int) -> None:
    """A survey waiting its turn, shown by the person's choice: «Продолжить» in /surveys."""
    assert sv.is_waiting(await assignment(client, made))
    await client.send(who, "/surveys")
    await client.press(who, f"svr:{made}")
    assert not sv.is_waiting(await assignment(client, made))


async def _to_free_text(client: BotClient, who: Person, made: int) -> None:
    """Answer the report's three button questions (the first button of each)."""
    for _ in range(3):
        mine = [
            c
            for c in questions_in(client.session.calls, who.id)
            if c.buttons and c.buttons[0][1].startswith(f"sv:{made}:")
        ]
        await client.press(who, mine[-1].buttons[0][1], message_id=mine[-1].result_id)
    assert (await assignment(client, made)).position == 3


async def test_a_survey_button_leaves_another_flow_alone(client: BotClient, w: World) -> None:
    """A mentor writing an answer to a mentee taps a survey button whose next question is
    free text: the answer they then type still goes to the mentee, not into the report;
    the report's question takes a reply to it."""
    mentor = w.mentor_b.person
    made = await _report(client, w, w.mentor_b, w.program_b, w.mentee3, "2026/27-Q2")
    await client.tick()
    await client.press(mentor, client.button_data([last_question(client, mentor.id)], "5"))
    await client.press(mentor, last_question(client, mentor.id).buttons[0][1])
    calls = await client.send(w.mentee3.person, "Как заполнить журнал?")
    copy = [c for c in to(calls, w.mentor_b) if c.buttons]
    await client.press(mentor, client.button_data(copy, "Ответить"), message_id=copy[-1].result_id)
    calls = await client.press(mentor, client.button_data([last_question(client, mentor.id)], "3"))
    prompt = questions_in(calls, mentor.id)[-1]
    assert "Вопрос 4/5" in prompt.text
    calls = await client.send(mentor, "Откройте электронный журнал и выберите класс")
    assert "Откройте электронный журнал" in " ".join(c.text for c in to(calls, w.mentee3))
    assert "difficulties" not in await answers(client, made)
    await reply_to(client, mentor, prompt, "Дисциплина в 7 классе")
    assert (await answers(client, made))["difficulties"].text == "Дисциплина в 7 классе"


async def test_a_reply_to_an_earlier_copy_answers_the_report_it_names(
    client: BotClient, w: World
) -> None:
    """A mentor reports on two mentees of a group, both waiting at the same free-text
    question. A reply to the first copy of the report on mentee 2 (asked again by
    /surveys since) goes into that report, not into the older one on mentee 1."""
    mentor = w.mentor_a.person
    first = await _report(client, w, w.mentor_a, w.program_a, w.mentee, "2026/27-Q2")
    second = await _report(client, w, w.mentor_a, w.program_a, w.mentee2, "2026/27-Q2")
    await client.tick()
    await _to_free_text(client, mentor, first)
    await _show(client, mentor, second)  # one at a time: the second waits its turn
    await _to_free_text(client, mentor, second)
    prompts = [c for c in questions_in(client.session.calls, mentor.id) if "4/5" in c.text]
    about_second = [c for c in prompts if "Второй У" in c.text]
    assert len(about_second) == 1
    calls = await client.send(mentor, "/surveys")
    await client.press(mentor, f"svr:{second}")
    assert "Второй У" in next(b for c in calls for b, d in c.buttons if d == f"svr:{second}")
    assert last_question(client, mentor.id).result_id != about_second[0].result_id
    await reply_to(client, mentor, about_second[0], "Трудности с дисциплиной")
    assert "difficulties" not in await answers(client, first)
    assert (await answers(client, second))["difficulties"].text == "Трудности с дисциплиной"


async def test_a_reply_that_names_no_single_survey_asks_for_the_latest(
    client: BotClient, w: World
) -> None:
    """Two reports alike (no mentee named) at the same question, both asked again: a
    reply to an old copy could be either, so it answers neither and says which to use."""
    mentor = w.mentor_b.person
    first = await _report(client, w, w.mentor_b, w.program_b, None, "2026/27-Q1")
    second = await _report(client, w, w.mentor_b, w.program_b, None, "2026/27-Q2")
    await client.tick()
    await _to_free_text(client, mentor, first)
    await _show(client, mentor, second)  # one at a time: the second waits its turn
    await _to_free_text(client, mentor, second)
    old = next(c for c in questions_in(client.session.calls, mentor.id) if "4/5" in c.text)
    for made in (first, second):
        await client.send(mentor, "/surveys")
        await client.press(mentor, f"svr:{made}")
    await reply_to(client, mentor, old, "Какие-то трудности")
    assert client.last_text(mentor.id) == (
        "Этот вопрос ждёт ответа в нескольких анкетах: ответьте на последнее сообщение с ним."
    )
    assert "difficulties" not in await answers(client, first)
    assert "difficulties" not in await answers(client, second)


async def _at_comment(client: BotClient, w: World) -> int:
    """Mentee 3's quarterly questionnaire, answered by buttons up to its optional
    free-text question (the survey's typed window is open)."""
    who = w.mentee3.person
    made = await _start(client, w)
    await client.press(who, client.button_data([last_question(client, who.id)], "5"))
    second = last_question(client, who.id)
    await client.press(who, second.buttons[0][1], message_id=second.result_id)
    edit = [c for c in client.session.calls if c.name == "editMessageReplyMarkup"][-1]
    await client.press(who, edit.buttons[-1][1], message_id=second.result_id)
    assert (await assignment(client, made)).position == 2
    return made


async def test_a_sticker_at_the_free_text_question_gets_a_hint(client: BotClient, w: World) -> None:
    """A sticker is no answer and no question: a hint, and the typed answer after it is
    still the answer."""
    who = w.mentee3.person
    made = await _at_comment(client, w)
    calls = await client.send_sticker(who)
    assert client.last_text(who.id) == "Ответьте на этот вопрос текстом."
    assert not to(calls, w.mentor_b) and await questions(client) == []
    await client.send(who, "Всё понравилось, спасибо")
    assert (await answers(client, made))["comment"].text == "Всё понравилось, спасибо"
    assert await questions(client) == []


async def test_a_message_minutes_after_an_optional_question_is_a_question(
    client: BotClient, w: World
) -> None:
    """An optional free-text question takes typed text for five minutes: ten minutes
    later a message is a question to the mentor, and the survey waits."""
    who = w.mentee3.person
    made = await _at_comment(client, w)
    client.clock.set(client.clock.now() + timedelta(minutes=10))
    calls = await client.send(who, "Как оформить КТП по физике?")
    assert to(calls, w.mentor_b)
    assert [q.preview for q in await questions(client)] == ["Как оформить КТП по физике?"]
    assert "comment" not in await answers(client, made)
    assert (await assignment(client, made)).position == 2


async def test_a_reminder_shows_the_question_as_formatted(client: BotClient, w: World) -> None:
    """The reminder line, then the question as first sent (no escaped markup); a
    mentee's questionnaire names the mentor."""
    who = w.mentee3.person
    made = await _start(client, w)
    first = last_question(client, who.id)
    question = sv.latest(sv.QUARTERLY_MENTEE).questions[0].text["ru"]
    assert first.text == (
        f"📋 <b>Анкета наставляемого за четверть: наставник Наставник Б</b> · Вопрос 1/3"
        f"\n\n{question}"
    )
    later = client.clock.now() + timedelta(days=2, hours=1)
    client.clock.set(later)
    async with client.sessionmaker() as session, session.begin():
        assert await sv.remind_catch_up(session, later) == 1
    reminder = questions_in(await client.tick(), who.id)
    assert [c.text for c in reminder] == ["🔔 Напоминание: анкета ждёт ответа.\n\n" + first.text]
    assert (await assignment(client, made)).reminders == 1


async def test_answering_puts_the_next_reminder_off(client: BotClient, w: World) -> None:
    """An answer just before a reminder was due: no reminder minutes later; it comes two
    days after that answer."""
    who = w.mentee3.person
    made = await _start(client, w)
    start = client.clock.now()
    client.clock.set(start + timedelta(days=2) - timedelta(minutes=5))
    await client.press(who, client.button_data([last_question(client, who.id)], "5"))
    answered = client.clock.now()

    async def catch_up(now: datetime) -> int:
        async with client.sessionmaker() as session, session.begin():
            return await sv.remind_catch_up(session, now)

    assert await catch_up(answered + timedelta(minutes=6)) == 0
    assert await catch_up(answered + timedelta(days=1)) == 0
    assert await catch_up(answered + timedelta(days=2, minutes=1)) == 1
    assert (await assignment(client, made)).reminders == 1


async def test_forget_of_a_mentee_ends_the_reports_about_them(client: BotClient, w: World) -> None:
    """/forget of a mentee of a group: the mentor's pending report about them is no
    longer asked or reminded, and the mentor's free texts about them go; the report
    about the other mentee stays."""
    mentor = w.mentor_a.person
    done = await _report(client, w, w.mentor_a, w.program_a, w.mentee, "2026/27-Q1")
    pending = await _report(client, w, w.mentor_a, w.program_a, w.mentee, "2026/27-Q2")
    other = await _report(client, w, w.mentor_a, w.program_a, w.mentee2, "2026/27-Q2")
    await client.tick()
    await _to_free_text(client, mentor, done)
    prompt = [c for c in questions_in(client.session.calls, mentor.id) if "4/5" in c.text][-1]
    await reply_to(client, mentor, prompt, "Молодой У путает журналы")
    await client.press(mentor, client.button_data(client.session.calls, "Пропустить"))
    assert (await assignment(client, done)).status == sv.AssignmentStatus.DONE
    async with client.sessionmaker() as session, session.begin():
        user = await session.get(User, w.mentee.user_id)
        assert user is not None
        await forget_person(session, user, client.clock.now())
    assert (await assignment(client, pending)).status == sv.AssignmentStatus.CANCELLED
    assert (await assignment(client, other)).status == sv.AssignmentStatus.PENDING
    stored = await answers(client, done)
    assert stored["difficulties"].text is None and stored["adaptation"].score == 1
    async with client.sessionmaker() as session:
        waiting = await session.scalars(
            select(OutboxMessage.ref_id).where(
                OutboxMessage.ref_kind == sv.REF, OutboxMessage.status == "pending"
            )
        )
        assert pending not in list(waiting)
    later = client.clock.now() + timedelta(days=3)
    async with client.sessionmaker() as session, session.begin():
        assert await sv.remind_catch_up(session, later) == 1  # the report on mentee 2 only
