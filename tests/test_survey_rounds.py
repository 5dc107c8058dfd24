"""Survey rounds: the entry questionnaire at a program's start, shown in /plan with its
high-need directions offered as plan items; the quarterly ones when a school quarter
ends in the school's own zone and calendar, once; the final ones when a program that ran
ends, none after a /forget; pending ones of a program that ends or changes mentor."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from bot.i18n import Locales
from handlers.survey_rounds import entry_text
from models import lifecycle, pairing
from models import surveys as sv
from models.calendar import default_calendar
from models.outbox import OutboxMessage, OutboxStatus
from models.people import Membership, Organization, Role, User
from models.personal_data import end_programs_of
from models.plans import DeadlineKind, PlanItem
from models.programs import Program, ProgramMentee, ProgramStatus
from models.survey_rounds import EntryAnswers, quarter_catch_up
from tests.support.botclient import BotClient, Person
from tests.support.seed import Member, World, seed

# Q2 of the default calendar ends on Sunday 27 December 2026: in Moscow (UTC+3) the
# 28th begins at 21:00 UTC on the 27th.
MSK_Q2_OVER = datetime(2026, 12, 27, 21, 0, tzinfo=UTC)


async def _assignments(client: BotClient, survey: str | None = None) -> list[sv.SurveyAssignment]:
    async with client.sessionmaker() as s:
        query = select(sv.SurveyAssignment).order_by(sv.SurveyAssignment.id)
        if survey is not None:
            query = query.where(sv.SurveyAssignment.survey == survey)
        return list(await s.scalars(query))


def _who(rows: list[sv.SurveyAssignment]) -> set[tuple[str, int, int | None, str]]:
    return {(r.survey, r.user_id, r.subject_id, r.status) for r in rows}


async def _catch_up(client: BotClient, now: datetime) -> int:
    async with client.sessionmaker() as s, s.begin():
        return await quarter_catch_up(s, now)


# Entry -------------------------------------------------------------------------------


async def _proposed(client: BotClient) -> tuple[int, Member, Member, Member, int]:
    """A school with a curator, a mentor and a mentee, and a program the mentor has not
    accepted yet: (org, curator, mentor, mentee, program)."""
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        org = await s.org()
        curator = await s.member(org, Person(10, "Cur"), Role.CURATOR, name="Куратор К")
        mentor = await s.member(org, Person(20, "Men"), Role.MENTOR, name="Наставник А")
        mentee = await s.member(org, Person(30, "Tee"), Role.MENTEE, name="Молодой У")
        program = Program(
            org_id=org,
            mentor_id=mentor.user_id,
            form="situational",
            mode="mixed",
            starts_on=date(2026, 11, 23),
            ends_on=date(2027, 5, 31),
            status=ProgramStatus.PROPOSED,
            created_at=now,
        )
        s.session.add(program)
        await s.session.flush()
        s.session.add(
            ProgramMentee(program_id=program.id, mentee_id=mentee.user_id, live_form="situational")
        )
        return org, curator, mentor, mentee, program.id


async def _answer_entry(client: BotClient, assignment_id: int) -> None:
    """Legal 5, methods 4, the rest 2; methodical help and parents; a worry."""
    now = client.clock.now()
    high = {"need_legal": 5, "need_method": 4}
    definition = sv.latest(sv.ENTRY)
    async with client.sessionmaker() as s, s.begin():
        for position, q in enumerate(definition.questions):
            if q.type == sv.QuestionType.SCALE:
                await sv.answer(s, assignment_id, position, now, score=high.get(q.key, 2))
            elif q.type == sv.QuestionType.MULTI:
                await sv.answer(s, assignment_id, position, now, choices=["methodical", "parents"])
            else:
                await sv.answer(s, assignment_id, position, now, text="Боюсь открытых уроков")


async def test_the_entry_survey_at_acceptance_shows_in_the_plan_and_offers_items(
    client: BotClient,
) -> None:
    _, curator, mentor, mentee, program_id = await _proposed(client)
    async with client.sessionmaker() as s, s.begin():
        assert await pairing.accept_program(s, program_id, mentor.user_id, client.clock.now())
    (entry,) = await _assignments(client, sv.ENTRY)
    assert (entry.user_id, entry.program_id, entry.period) == (
        mentee.user_id,
        program_id,
        "2026/27-Q2",
    )
    asked = [n for n in await client.notices() if n.kind == sv.QUESTION_NOTICE]
    assert [(n.user_id, n.ref_id) for n in asked] == [(mentee.user_id, entry.id)]

    # Nothing answered yet: the plan has no entry block.
    calls = await client.send(mentor.person, "/plan")
    assert not any("Входная анкета" in c.text for c in calls)

    await _answer_entry(client, entry.id)
    calls = await client.send(mentor.person, "/plan")
    block = next(c for c in calls if "Входная анкета" in c.text)
    assert "Нормативно-правовое (5 из 5)" in block.text and "Методическое (4 из 5)" in block.text
    assert "Предметно" not in block.text
    assert "Методическая, Работа с родителями" in block.text
    assert "Боюсь открытых уроков" in block.text
    labels = [label for label, _ in block.buttons]
    assert labels == ["Добавить в план: Нормативно-правовое", "Добавить в план: Методическое"]

    data = client.button_data([block], "Добавить в план: Нормативно-правовое")
    calls = await client.press(mentor.person, data)
    assert "добавлен в план программы" in client.last_text(mentor.person.id)
    async with client.sessionmaker() as s:
        (item,) = list(await s.scalars(select(PlanItem)))
    assert item.direction == "legal" and item.deadline_kind == DeadlineKind.AS_NEEDED
    assert "нормативно-правовым" in item.title
    # Pressed again: that direction is covered now, nothing is added twice.
    calls = await client.press(mentor.person, data)
    assert any("уже есть в плане" in str(a.text) for a in client.callback_answers(calls))
    calls = await client.send(mentor.person, "/plan")
    block = next(c for c in calls if "Входная анкета" in c.text)
    assert [label for label, _ in block.buttons] == ["Добавить в план: Методическое"]

    # The curator reads the block without buttons; the mentee does not get it.
    calls = await client.send(curator.person, f"/plan #{program_id}")
    block = next(c for c in calls if "Входная анкета" in c.text)
    assert block.buttons == []
    calls = await client.send(mentee.person, "/plan")
    assert not any("Входная анкета" in c.text for c in calls)
    # A forged press by the mentee adds nothing.
    method = client.button_data(
        [next(c for c in client.sent_to(mentor.person.id) if c.buttons and "Входная" in c.text)],
        "Добавить в план: Методическое",
    )
    calls = await client.press(mentee.person, method)
    async with client.sessionmaker() as s:
        assert len(list(await s.scalars(select(PlanItem)))) == 1


async def test_an_unfinished_entry_survey_says_how_far_and_a_confirmed_plan_folds_it(
    client: BotClient,
) -> None:
    _, curator, mentor, mentee, program_id = await _proposed(client)
    async with client.sessionmaker() as s, s.begin():
        assert await pairing.accept_program(s, program_id, mentor.user_id, client.clock.now())
    (entry,) = await _assignments(client, sv.ENTRY)
    total = len(sv.latest(sv.ENTRY).questions)
    async with client.sessionmaker() as s, s.begin():
        await sv.answer(s, entry.id, 0, client.clock.now(), score=2)
    calls = await client.send(mentor.person, "/plan")
    block = next(c for c in calls if "Входная анкета" in c.text)
    assert f"заполнена не до конца: 1 из {total}" in block.text
    assert "не отмечено" not in block.text

    # Once the mentee confirmed «ознакомлен»: one line per mentee, the block a button away.
    await _answer_entry(client, entry.id)
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(ProgramMentee)
            .where(ProgramMentee.program_id == program_id)
            .values(acknowledged_at=client.clock.now())
        )
    calls = await client.send(mentor.person, "/plan")
    assert not any("Входная анкета" in c.text for c in calls)
    folded = next(c for c in calls if "Входные анкеты" in c.text)
    assert "• Молодой У" in folded.text and "Боюсь" not in folded.text
    data = client.button_data([folded], "📝 Анкета: Молодой У")
    for reader in (mentor, curator):
        await client.press(reader.person, data)
        shown = client.last_text(reader.person.id)
        assert "Входная анкета" in shown and "Боюсь открытых уроков" in shown
    # The mentee (their own answers) and a stranger get no block from a forged press.
    for other in (mentee.person, Person(99, "Stranger")):
        answers = client.callback_answers(await client.press(other, data))
        assert answers and answers[0].show_alert


async def test_the_lending_schools_curator_does_not_read_the_entry_survey(
    client: BotClient,
) -> None:
    org, _, mentor, _, program_id = await _proposed(client)
    async with client.sessionmaker() as s, s.begin():
        assert await pairing.accept_program(s, program_id, mentor.user_id, client.clock.now())
    (entry,) = await _assignments(client, sv.ENTRY)
    await _answer_entry(client, entry.id)
    # The mentor now works for another school that lends them to this one.
    async with seed(client.sessionmaker, client.clock.now()) as s:
        lender_org = await s.org("Районная школа")
        lender = await s.member(lender_org, Person(50, "Lend"), Role.CURATOR, name="Куратор Р")
        await s.member(lender_org, mentor.person, Role.MENTOR, name="Наставник А")
        await s.session.execute(
            update(Membership)
            .where(Membership.org_id == org, Membership.user_id == mentor.user_id)
            .values(removed_at=client.clock.now())
        )
    calls = await client.send(lender.person, f"/plan #{program_id}")
    assert any(f"№{program_id}" in c.text for c in calls)  # the plan itself is readable
    assert not any("Входная анкета" in c.text or "Беспокоит" in c.text for c in calls)


# Quarterly ---------------------------------------------------------------------------


async def test_quarterly_surveys_go_out_when_the_quarter_ends_in_each_schools_zone(
    client: BotClient, w: World
) -> None:
    # School 2 is in Vladivostok (UTC+10) with its own calendar: Q2 ends on the 25th.
    calendar = default_calendar(2026)
    calendar["quarters"][1]["end"] = "2026-12-25"
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        mentor2 = await s.member(w.other_org, Person(40, "Men2"), Role.MENTOR, name="Н Два")
        mentee4 = await s.member(w.other_org, Person(41, "Tee4"), Role.MENTEE, name="У Четыре")
        program_c = await s.program(w.other_org, mentor2, [mentee4])
        # A program of school 1 that starts after Q2: not asked about it.
        late = await s.program(
            w.org,
            w.mentor_b,
            [await s.member(w.org, Person(42, "Tee5"), Role.MENTEE, name="У Пять")],
        )
        await s.session.execute(
            update(Organization)
            .where(Organization.id == w.other_org)
            .values(timezone="Asia/Vladivostok", calendar=calendar)
        )
        await s.session.execute(
            update(Program).where(Program.id == late).values(starts_on=date(2027, 1, 11))
        )

    # The steady state: nothing has ended.
    assert await _catch_up(client, now) == 0
    assert await _catch_up(client, now + timedelta(minutes=1)) == 0
    # Midnight of the 26th in Vladivostok: school 2 only.
    vlad = datetime(2026, 12, 25, 14, 0, tzinfo=UTC)
    assert await _catch_up(client, vlad - timedelta(minutes=1)) == 0
    assert await _catch_up(client, vlad) == 2
    rows = await _assignments(client)
    assert _who(rows) == {
        (sv.QUARTERLY_MENTOR, mentor2.user_id, mentee4.user_id, "pending"),
        (sv.QUARTERLY_MENTEE, mentee4.user_id, None, "pending"),
    }
    assert {r.program_id for r in rows} == {program_c} and {r.period for r in rows} == {
        "2026/27-Q2"
    }
    # Midnight of the 28th in Moscow: school 1, each pair once, none for the late program.
    assert await _catch_up(client, MSK_Q2_OVER - timedelta(minutes=1)) == 0
    assert await _catch_up(client, MSK_Q2_OVER) == 6
    school1 = [r for r in await _assignments(client) if r.org_id == w.org]
    assert _who(school1) == {
        (sv.QUARTERLY_MENTOR, w.mentor_a.user_id, w.mentee.user_id, "pending"),
        (sv.QUARTERLY_MENTOR, w.mentor_a.user_id, w.mentee2.user_id, "pending"),
        (sv.QUARTERLY_MENTOR, w.mentor_b.user_id, w.mentee3.user_id, "pending"),
        (sv.QUARTERLY_MENTEE, w.mentee.user_id, None, "pending"),
        (sv.QUARTERLY_MENTEE, w.mentee2.user_id, None, "pending"),
        (sv.QUARTERLY_MENTEE, w.mentee3.user_id, None, "pending"),
    }
    assert late not in {r.program_id for r in school1}
    # Ticks after, and the daily re-look at the calendar: nothing again.
    for later in (timedelta(minutes=1), timedelta(days=1), timedelta(days=2, hours=1)):
        assert await _catch_up(client, MSK_Q2_OVER + later) == 0
    assert len(await _assignments(client)) == 8
    # Each first question waits for the end of the quiet hours (08:00 in the school). One
    # questionnaire at a time: mentor A's second report waits until the first is done.
    asked = [n for n in await client.notices() if n.kind == sv.QUESTION_NOTICE]
    assert len(asked) == 7 and len({n.user_id for n in asked}) == 7
    waiting = [r for r in await _assignments(client) if sv.is_waiting(r)]
    assert [(r.user_id, r.subject_id) for r in waiting] == [(w.mentor_a.user_id, w.mentee2.user_id)]
    moscow = [n for n in asked if n.org_id == w.org]
    assert {n.due_at for n in moscow} == {datetime(2026, 12, 28, 5, 0, tzinfo=UTC)}


async def test_a_quarter_long_gone_is_not_surveyed_after_a_long_downtime(
    client: BotClient, w: World
) -> None:
    # Down from before the end of Q2 until February: 35 days after it, nothing for Q2.
    assert await _catch_up(client, datetime(2027, 1, 31, 9, 0, tzinfo=UTC)) == 0
    assert await _assignments(client) == []
    # Back within the month: that quarter's surveys go once.
    async with client.sessionmaker() as s, s.begin():
        await s.execute(update(Organization).values(quarter_check_at=None))
    assert await _catch_up(client, datetime(2027, 1, 20, 9, 0, tzinfo=UTC)) == 6


# Final -------------------------------------------------------------------------------


async def test_final_surveys_on_completion_cancel_the_open_quarterly_ones(
    client: BotClient, w: World
) -> None:
    assert await _catch_up(client, MSK_Q2_OVER) == 6
    end = MSK_Q2_OVER + timedelta(days=3)
    async with client.sessionmaker() as s, s.begin():
        assert await lifecycle.end_program(
            s, w.program_a, end_reason="completed", actor_id=None, now=end
        )
    rows = [r for r in await _assignments(client) if r.program_id == w.program_a]
    assert _who(rows) == {
        (sv.QUARTERLY_MENTOR, w.mentor_a.user_id, w.mentee.user_id, "cancelled"),
        (sv.QUARTERLY_MENTOR, w.mentor_a.user_id, w.mentee2.user_id, "cancelled"),
        (sv.QUARTERLY_MENTEE, w.mentee.user_id, None, "cancelled"),
        (sv.QUARTERLY_MENTEE, w.mentee2.user_id, None, "cancelled"),
        (sv.FINAL_MENTOR, w.mentor_a.user_id, w.mentee.user_id, "pending"),
        (sv.FINAL_MENTOR, w.mentor_a.user_id, w.mentee2.user_id, "pending"),
        (sv.FINAL_MENTEE, w.mentee.user_id, None, "pending"),
        (sv.FINAL_MENTEE, w.mentee2.user_id, None, "pending"),
    }
    assert {r.period for r in rows if r.survey.startswith("final")} == {"2026/27-Q2"}
    async with client.sessionmaker() as s:
        box = list(await s.scalars(select(OutboxMessage).where(OutboxMessage.ref_kind == sv.REF)))
    quarterly = {r.id for r in rows if r.survey.startswith("quarterly")}
    assert {b.status for b in box if b.ref_id in quarterly} == {OutboxStatus.CANCELLED}
    assert {b.status for b in box if b.ref_id not in quarterly} == {OutboxStatus.PENDING}
    # Program B's quarterly surveys are untouched.
    other = [r for r in await _assignments(client) if r.program_id == w.program_b]
    assert {r.status for r in other} == {"pending"}


async def test_final_surveys_on_termination_and_none_for_a_program_never_accepted(
    client: BotClient, w: World
) -> None:
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        await lifecycle.end_program(
            s, w.program_b, end_reason="agreement", actor_id=w.curator.user_id, now=now
        )
    assert _who(await _assignments(client)) == {
        (sv.FINAL_MENTOR, w.mentor_b.user_id, w.mentee3.user_id, "pending"),
        (sv.FINAL_MENTEE, w.mentee3.user_id, None, "pending"),
    }
    proposed = await _proposed_in(client, w)
    async with client.sessionmaker() as s, s.begin():
        await lifecycle.end_program(s, proposed, end_reason="agreement", actor_id=None, now=now)
    assert {r.program_id for r in await _assignments(client)} == {w.program_b}


async def _proposed_in(client: BotClient, w: World) -> int:
    """A program of mentor B with mentee 3 that B has not accepted."""
    async with client.sessionmaker() as s, s.begin():
        program = Program(
            org_id=w.org,
            mentor_id=w.mentor_b.user_id,
            form="traditional",
            mode="mixed",
            starts_on=date(2026, 11, 23),
            ends_on=date(2027, 5, 31),
            status=ProgramStatus.PROPOSED,
            created_at=client.clock.now(),
        )
        s.add(program)
        await s.flush()
        s.add(ProgramMentee(program_id=program.id, mentee_id=w.mentee3.user_id))
        return program.id


async def test_no_final_survey_after_forget_and_pending_ones_are_cancelled(
    client: BotClient, w: World
) -> None:
    assert await _catch_up(client, MSK_Q2_OVER) == 6
    later = MSK_Q2_OVER + timedelta(days=1)
    async with client.sessionmaker() as s, s.begin():
        user = await s.get(User, w.mentor_b.user_id)
        assert user is not None
        await end_programs_of(s, user, later)
    rows = [r for r in await _assignments(client) if r.program_id == w.program_b]
    assert _who(rows) == {
        (sv.QUARTERLY_MENTOR, w.mentor_b.user_id, w.mentee3.user_id, "cancelled"),
        (sv.QUARTERLY_MENTEE, w.mentee3.user_id, None, "cancelled"),
    }


async def test_a_change_of_mentor_cancels_the_old_mentors_quarterly_reports(
    client: BotClient, w: World
) -> None:
    assert await _catch_up(client, MSK_Q2_OVER) == 6
    later = MSK_Q2_OVER + timedelta(days=1)
    async with client.sessionmaker() as s, s.begin():
        assert await lifecycle.change_mentor(
            s, w.program_b, w.mentor_a.user_id, actor_id=None, now=later, hours=(4, 24)
        )
    rows = [r for r in await _assignments(client) if r.program_id == w.program_b]
    assert _who(rows) == {
        (sv.QUARTERLY_MENTOR, w.mentor_b.user_id, w.mentee3.user_id, "cancelled"),
        (sv.QUARTERLY_MENTEE, w.mentee3.user_id, None, "pending"),
    }


async def test_forget_by_dispatcher_sends_no_final_survey_to_anyone(
    client: BotClient, w: World
) -> None:
    await client.send(w.mentee3.person, "/forget")
    await client.press(w.mentee3.person, "fg:1")
    async with client.sessionmaker() as s:
        program = await s.get(Program, w.program_b)
        assert program is not None and program.end_reason == "consent-withdrawn"
    assert await _assignments(client) == []
    assert not [n for n in await client.notices() if n.kind == sv.QUESTION_NOTICE]
    # The mentor still gets the quarterly ones for the group program A, not for B.
    assert await _catch_up(client, MSK_Q2_OVER) == 4
    assert w.program_b not in {r.program_id for r in await _assignments(client)}


def test_the_entry_block_cuts_a_long_free_text_and_reads_in_english() -> None:
    entry = EntryAnswers(1, "Anna", 1, [("legal", 5)], ["methodical"], "Я " * 1000)
    text = entry_text(Locales().get("ru"), entry)
    assert len(text) < 600 and text.endswith("…»")
    english = entry_text(Locales().get("en"), entry)
    assert "Entry questionnaire" in english and "Methodical" in english


async def test_a_school_batched_with_an_eastern_one_keeps_its_own_midnight(
    client: BotClient, w: World
) -> None:
    # School 2 is in Vladivostok; both are looked at in one tick after a downtime.
    # Program B was accepted at 22:00 in Moscow on the quarter's last day: it ran in Q2.
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(Organization)
            .where(Organization.id == w.other_org)
            .values(timezone="Asia/Vladivostok")
        )
        await s.execute(
            update(Program)
            .where(Program.id == w.program_b)
            .values(decided_at=datetime(2026, 12, 27, 19, 0, tzinfo=UTC))
        )
    assert await _catch_up(client, MSK_Q2_OVER + timedelta(hours=1)) == 6
    assert w.program_b in {r.program_id for r in await _assignments(client)}


async def test_no_quarterly_round_for_a_program_ending_soon_after_the_quarter(
    client: BotClient, w: World
) -> None:
    # Program B ends 14 days after Q2 (27 Dec): its final survey covers the quarter.
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(Program).where(Program.id == w.program_b).values(ends_on=date(2027, 1, 10))
        )
    assert await _catch_up(client, MSK_Q2_OVER) == 4
    assert {r.program_id for r in await _assignments(client)} == {w.program_a}
    # The usual end of the year: Q4 ends 26 May, the program 31 May: no Q4 round.
    q4_over = datetime(2027, 5, 26, 21, 0, tzinfo=UTC)
    async with client.sessionmaker() as s, s.begin():
        await s.execute(update(Organization).values(quarter_check_at=None))
    assert await _catch_up(client, q4_over) == 0
