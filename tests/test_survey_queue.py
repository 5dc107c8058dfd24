"""One questionnaire at a time per person: a survey assigned while another is shown
waits its turn (listed in /surveys, never reminded); finishing or cancelling the shown
one shows the next, oldest first, with its own reminder clock from then."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models import lifecycle
from models import surveys as sv
from models.people import User
from models.personal_data import forget_person
from tests.support.botclient import BotClient, Call, Person
from tests.support.seed import World
from tests.support.surveys import assign, assignment, last_question, questions_in, reply_to

pytestmark = pytest.mark.usefixtures("no_errors")


async def _report(client: BotClient, w: World, subject: Any) -> int:
    """Mentor A's quarterly report on one mentee of their group."""
    spec = sv.Assign(
        w.org,
        w.mentor_a.user_id,
        "mentor",
        sv.QUARTERLY_MENTOR,
        program_id=w.program_a,
        subject_id=subject.user_id,
        period="2026/27-Q2",
    )
    async with client.sessionmaker() as session, session.begin():
        made = await sv.assign(session, spec, client.clock.now())
    assert made is not None
    return made


def _of(calls: list[Call], who: Person, made: int) -> list[Call]:
    """Questions of survey `made` among these calls."""
    return [
        c
        for c in questions_in(calls, who.id)
        if any(d.startswith(f"sv:{made}:") for _, d in c.buttons)
    ]


async def _finish_report(client: BotClient, who: Person, made: int) -> list[Call]:
    """Three button questions, the free-text one by reply, the optional one skipped."""
    for _ in range(3):
        mine = _of(client.session.calls, who, made)
        await client.press(who, mine[-1].buttons[0][1], message_id=mine[-1].result_id)
    prompt = [c for c in questions_in(client.session.calls, who.id) if "4/5" in c.text][-1]
    await reply_to(client, who, prompt, "Трудности с дисциплиной")
    calls = await client.press(who, client.button_data(client.session.calls, "Пропустить"))
    assert (await assignment(client, made)).status == sv.AssignmentStatus.DONE
    return calls


async def _remind(client: BotClient, days: int) -> int:
    async with client.sessionmaker() as session, session.begin():
        return await sv.remind_catch_up(session, client.clock.now() + timedelta(days=days))


async def test_the_second_report_comes_after_the_first_is_finished(
    client: BotClient, w: World
) -> None:
    mentor = w.mentor_a.person
    first = await _report(client, w, w.mentee)
    second = await _report(client, w, w.mentee2)
    calls = await client.tick()
    asked = questions_in(calls, mentor.id)
    assert len(asked) == 1 and _of(asked, mentor, first) and "Вопрос 1/5" in asked[0].text
    assert sv.is_waiting(await assignment(client, second))
    # /surveys lists both: the one under way, and the one waiting its turn.
    await client.press(mentor, client.button_data([last_question(client, mentor.id)], "4"))
    await client.send(mentor, "/surveys")
    listed = client.last_text(mentor.id)
    assert "Анкеты, которые ждут ответа (2)" in listed
    assert "отвечено 1 из 5" in listed and "ждёт своей очереди, вопросов: 5" in listed
    assert "Второй У" in listed
    assert not _of(client.session.calls, mentor, second)
    # Finishing the first: thanks naming the next, and the next one's first question.
    client.clock.set(client.clock.now() + timedelta(hours=1))
    calls = await _finish_report(client, mentor, first)
    calls += await client.tick()
    thanks = [c.text for c in calls if c.chat_id == mentor.id and "Спасибо" in c.text]
    assert thanks and "Следующая анкета" in thanks[0] and "Второй У" in thanks[0]
    nxt = _of(calls, mentor, second)
    assert len(nxt) == 1 and "Вопрос 1/5" in nxt[0].text
    shown = await assignment(client, second)
    assert shown.next_remind_at == client.clock.now() + sv.REMIND_AFTER
    # The last one done: the plain thanks.
    calls = await _finish_report(client, mentor, second)
    assert "Спасибо! Анкета заполнена." in [c.text for c in calls if c.chat_id == mentor.id]


async def test_a_waiting_survey_gets_no_reminder(client: BotClient, w: World) -> None:
    mentor = w.mentor_a.person
    first = await _report(client, w, w.mentee)
    second = await _report(client, w, w.mentee2)
    await client.tick()
    assert await _remind(client, 3) == 1
    client.clock.set(client.clock.now() + timedelta(days=3))
    calls = await client.tick()
    reminded = questions_in(calls, mentor.id)
    assert len(reminded) == 1 and "Напоминание" in reminded[0].text
    assert _of(reminded, mentor, first)
    assert (await assignment(client, second)).reminders == 0
    assert await _remind(client, 10) == 1  # the first one's second and last reminder
    assert (await assignment(client, second)).reminders == 0
    assert sv.is_waiting(await assignment(client, second))


async def test_a_survey_left_unanswered_is_set_aside_after_its_last_reminder(
    client: BotClient, w: World
) -> None:
    """A mentor who never answers the report on one mentee still gets the next one: two
    days after the last reminder the ignored report is set aside (it stays in /surveys)
    and the waiting one is shown, with its own reminders."""
    mentor = w.mentor_a.person
    first = await _report(client, w, w.mentee)
    second = await _report(client, w, w.mentee2)
    await client.tick()

    async def days_later(days: int) -> list[Call]:
        client.clock.set(client.clock.now() + timedelta(days=days))
        await _remind(client, 0)
        return await client.tick()

    await days_later(3)
    await days_later(3)  # the first report's second and last reminder
    assert (await assignment(client, first)).reminders == sv.MAX_REMINDERS
    assert sv.is_waiting(await assignment(client, second))
    calls = await days_later(3)
    asked = questions_in(calls, mentor.id)
    assert len(asked) == 1 and _of(asked, mentor, second), asked
    assert "Напоминание" not in asked[0].text
    assert (await assignment(client, first)).status == sv.AssignmentStatus.PENDING
    await client.send(mentor, "/surveys")
    assert "Анкеты, которые ждут ответа (2)" in client.last_text(mentor.id)
    # No third reminder of the ignored one; the shown one is reminded in its turn.
    reminded = questions_in(await days_later(3), mentor.id)
    assert len(reminded) == 1 and _of(reminded, mentor, second)
    assert "Напоминание" in reminded[0].text


async def test_a_cancelled_shown_report_releases_the_next(client: BotClient, w: World) -> None:
    """/forget of the mentee the shown report is about: the report on the other mentee
    is shown at once, and reminded in its turn."""
    mentor = w.mentor_a.person
    first = await _report(client, w, w.mentee)
    second = await _report(client, w, w.mentee2)
    await client.tick()
    await client.press(mentor, client.button_data([last_question(client, mentor.id)], "3"))
    async with client.sessionmaker() as session, session.begin():
        user = await session.get(User, w.mentee.user_id)
        assert user is not None
        await forget_person(session, user, client.clock.now())
    assert (await assignment(client, first)).status == sv.AssignmentStatus.CANCELLED
    assert not sv.is_waiting(await assignment(client, second))
    nxt = _of(await client.tick(), mentor, second)
    assert len(nxt) == 1 and "Вопрос 1/5" in nxt[0].text
    assert await _remind(client, 3) == 1


async def test_a_program_end_releases_the_waiting_survey_before_the_final_one(
    client: BotClient, w: World
) -> None:
    """Mentee 3 answers the quarterly questionnaire of program B, an entry one waits. The
    program ends: the quarterly one is cancelled, the entry one is shown, and the final
    questionnaire waits its turn."""
    who = w.mentee3.person
    quarterly = await assign(client, w.org, w.mentee3, sv.QUARTERLY_MENTEE, program=w.program_b)
    entry = await assign(client, w.org, w.mentee3, sv.ENTRY)
    assert _of(await client.tick(), who, quarterly)
    assert sv.is_waiting(await assignment(client, entry))
    async with client.sessionmaker() as session, session.begin():
        assert await lifecycle.end_program(
            session, w.program_b, end_reason="completed", actor_id=None, now=client.clock.now()
        )
    assert (await assignment(client, quarterly)).status == sv.AssignmentStatus.CANCELLED
    assert not sv.is_waiting(await assignment(client, entry))
    async with client.sessionmaker() as session:
        final = [a for a in await sv.pending_of(session, w.mentee3.user_id) if a.id != entry]
    assert [a.survey for a in final] == [sv.FINAL_MENTEE] and sv.is_waiting(final[0])
    calls = await client.tick()
    assert _of(calls, who, entry) and not _of(calls, who, final[0].id)
