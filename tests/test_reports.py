"""/report figures equal hand-computed values; who may see which report (issue 15, item 3).

The World school (tests/support/seed.py) on 23.11.2026, in school quarter 2026/27-Q2
(05.11–27.12), with the questions, meetings, plan occurrences and survey answers that
tests/support/reports.py `add_report_data` writes; its docstring lists the hand counts.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text, update

from bot.i18n import Locales
from bot.report_text import chart_input
from models.meetings import Meeting
from models.migrate import downgrade, upgrade
from models.people import Organization, Role, User, add_role
from models.personal_data import forget_person
from models.plans import PlanItem, PlanOccurrence
from models.programs import Program
from models.questions import Question
from models.reports import (
    RiskItem,
    Scope,
    ScopeError,
    annual,
    chart_series,
    rollup,
    scope_for,
    summary,
)
from models.surveys import SurveyAnswer, SurveyAssignment
from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Person
from tests.support.reports import ReportData, add_report_data
from tests.support.seed import World, seed

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
async def data(client: BotClient, w: World) -> ReportData:
    return await add_report_data(client, w)


async def _summary(client: BotClient, w: World, arg: str = "", program: int | None = None):
    async with client.sessionmaker() as session:
        scope = scope_for((w.org,), None, arg, NOW, program_id=program)
        return await summary(session, scope, NOW)


async def test_quarter_figures_equal_hand_counts(
    client: BotClient, w: World, data: ReportData
) -> None:
    s = await _summary(client, w)
    assert s.label == "2026/27-Q2"
    assert s.participants == {"curator": 1, "mentor": 2, "mentee": 4}
    assert (s.pairs, s.groups) == ({"situational": 1}, {"situational": 1})
    # q1..q4 asked in Q2 (the merged one and the Q1 one and the other school's do not count)
    assert (s.asked, s.answered) == (4, 3)
    # working minutes 150, 180, 360 → median 180 min = 3.0 working hours
    assert s.median_response_hours == 3.0
    assert (s.sla_breaches, s.escalations) == (2, 1)
    assert (s.meetings_planned, s.meetings_held) == (3, 1)
    assert (s.plan_due, s.plan_done, s.plan_overdue) == (4, 2, 1)
    assert s.surveys == {"quarterly_mentor": (1, 2), "quarterly_mentee": (2, 3)}
    assert (s.survey_done, s.survey_all) == (3, 5)
    assert s.averages == {"satisfaction": 4.5, "knowledge": 3.0}
    assert s.silent.count == 1
    assert s.silent.items == [RiskItem("Наставник Б", program=w.program_b, mentees=["Третий У"])]
    assert s.overdue.count == 1
    assert s.overdue.items == [
        RiskItem("Наставник А", program=w.program_a, mentees=["Второй У", "Молодой У"], overdue=2)
    ]
    # mentee3 is in program B only (programs C and D, where they were too, have ended)
    assert s.unreachable.items == [RiskItem("Третий У", roles=["mentee"], programs=[w.program_b])]
    assert s.unmatched.items == [RiskItem("Без Наставника")]


async def test_response_minutes_are_set_at_the_first_answer(
    client: BotClient, w: World, data: ReportData
) -> None:
    async with client.sessionmaker() as session:
        rows = await session.execute(text("SELECT preview, response_minutes FROM questions"))
        minutes = {preview: value for preview, value in rows.all()}
    assert minutes["q1"] == 150  # 12:00–14:30 on a Monday
    assert minutes["q2"] == 180  # Friday 17:00–18:00, then Monday 08:00–10:00
    assert minutes["q3"] == 360
    assert minutes["q4"] is None  # not answered


async def test_all_time_and_another_quarter(client: BotClient, w: World, data: ReportData) -> None:
    everything = await _summary(client, w, "all")
    assert (everything.asked, everything.answered) == (5, 4)
    # 60, 150, 180, 360 → (150 + 180) / 2 = 165 min
    assert everything.median_response_hours == round(165 / 60, 1)
    assert (everything.meetings_planned, everything.meetings_held) == (4, 2)
    assert everything.averages["satisfaction"] == pytest.approx((5 + 4 + 1) / 3, abs=0.01)
    first = await _summary(client, w, "2026/27-Q1")
    assert (first.asked, first.answered, first.plan_due, first.plan_overdue) == (1, 1, 1, 1)
    assert first.surveys == {"quarterly_mentee": (1, 1)}
    with pytest.raises(ScopeError):
        await _summary(client, w, "2026/27-Q7")


async def test_program_scope(client: BotClient, w: World, data: ReportData) -> None:
    s = await _summary(client, w, "all", program=w.program_a)
    assert s.participants == {"mentor": 1, "mentee": 2}
    assert (s.pairs, s.groups) == ({}, {"situational": 1})
    assert (s.asked, s.meetings_held, s.plan_overdue) == (5, 2, 2)
    assert s.silent.count == 0 and s.unmatched.count == 0


async def test_rollup_one_line_per_school(client: BotClient, w: World, data: ReportData) -> None:
    async with client.sessionmaker() as session:
        result = await rollup(session, NOW, scope_for(None, None, "", NOW))
    by_id = {line.org_id: line for line in result.lines}
    assert set(by_id) == {w.org, w.other_org}
    assert (by_id[w.org].asked, by_id[w.org].answered, by_id[w.org].mentees) == (4, 3, 4)
    assert by_id[w.other_org].asked == 1
    assert result.total.asked == 5 and result.total.mentors == 2


async def test_chart_series(client: BotClient, w: World, data: ReportData) -> None:
    async with client.sessionmaker() as session:
        chart = await chart_series(session, scope_for((w.org,), None, "", NOW), NOW)
    assert chart.quarters == ["2026/27-Q1", "2026/27-Q2"]
    assert chart.averages["satisfaction"] == [1.0, 4.5]
    assert chart.averages["behaviour"] == [None, None]
    # weeks named by their Monday: 02.11 (Q2 starts on Thursday 05.11) to 23.11 (today)
    assert chart.weeks[0] == date(2026, 11, 2) and chart.weeks[-1] == date(2026, 11, 23)
    # q1 (W46), q2 (W46), q3 and q4 (W47)
    assert chart.questions == [0, 2, 2, 0]


async def test_annual_figures(client: BotClient, w: World, data: ReportData) -> None:
    async with client.sessionmaker() as session:
        scope = Scope((w.org,), None, date(2026, 9, 1), date(2027, 8, 31), "2026/27")
        result = await annual(session, scope, NOW)
    # The year's programs' people: the mentee with no program is not in the forms.
    assert (result.mentors, result.mentees, result.young_specialists) == (2, 3, 0)
    assert (result.completed, result.extended, result.terminated) == (1, 1, 1)
    assert result.end_reasons == {"mentee-initiative": 1}
    assert result.summary.asked == 5


# Through the bot -------------------------------------------------------------------------


def _texts(calls: list) -> str:
    return "\n".join(c.text for c in BotClient.replies(calls))


async def test_curator_gets_the_report_and_the_chart(
    client: BotClient, w: World, data: ReportData
) -> None:
    calls = BotClient.replies(await client.send(w.curator.person, "/report"))
    assert [c.name for c in calls] == ["sendMessage", "sendPhoto"]
    report = calls[0].text
    assert "2026/27-Q2" in report and "Школа 1" in report
    assert "задано 4, из них отвечено 3" in report
    assert "3,0 раб. ч" in report
    assert "Школа 2" not in report
    assert calls[1].method.photo.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("who", ["mentor_a", "mentee"])
async def test_mentor_and_mentee_are_refused(client: BotClient, w: World, who: str) -> None:
    calls = await client.send(getattr(w, who).person, "/report")
    assert [c.name for c in BotClient.replies(calls)] == ["sendMessage"]
    assert "куратор" in _texts(calls)


async def test_school_a_never_sees_school_b(client: BotClient, w: World, data: ReportData) -> None:
    calls = await client.send(w.other_curator.person, "/report all")
    text = BotClient.replies(calls)[0].text
    assert "Школа 2" in text and "Школа 1" not in text
    assert "задано 1," in text  # only its own question
    foreign = await client.send(w.other_curator.person, f"/report #{w.program_a}")
    missing = await client.send(w.other_curator.person, "/report #999999")
    assert _texts(foreign) == _texts(missing) == "Программа не найдена."


async def test_a_curator_of_two_schools_sees_both_together(
    client: BotClient, w: World, data: ReportData
) -> None:
    async with seed(client.sessionmaker, NOW) as s:
        await add_role(s.session, w.curator.user_id, w.other_org, Role.CURATOR, NOW)
    text = BotClient.replies(await client.send(w.curator.person, "/report"))[0].text
    assert "2 школы: Школа 1, Школа 2" in text
    assert "задано 5, из них отвечено 3" in text


async def test_bad_period_is_refused_with_the_expected_shape(client: BotClient, w: World) -> None:
    calls = await client.send(w.curator.person, "/report 2026/27-Q7")
    text = _texts(calls)
    assert "2026/27-Q7" in text and "/report 2026/27-Q2" in text
    assert [c.name for c in BotClient.replies(calls)] == ["sendMessage"]


async def test_program_report(client: BotClient, w: World, data: ReportData) -> None:
    calls = BotClient.replies(await client.send(w.curator.person, f"/report #{w.program_a}"))
    assert f"#{w.program_a}" in calls[0].text and "за всё время" in calls[0].text


async def test_admin_gets_the_rollup(client: BotClient, w: World, data: ReportData) -> None:
    calls = BotClient.replies(await client.send(ADMIN, "/report"))
    text = calls[0].text
    assert "Школа 1" in text and "Школа 2" in text and "Итого по 2 организациям" in text
    assert calls[-1].name == "sendPhoto"


async def test_a_long_report_goes_as_a_file(client: BotClient, w: World) -> None:
    await add_report_data(client, w, schools=120)
    calls = BotClient.replies(await client.send(ADMIN, "/report all"))
    # no question and no score anywhere: the text says so, and no empty chart comes
    assert [c.name for c in calls] == ["sendDocument"]
    body = calls[0].method.document.data.decode("utf-8")
    assert "Школа 1" in body and "Школа доп 119" in body and "<b>" not in body


# The backfill of migration 0006 ------------------------------------------------------------


def test_migration_backfills_response_minutes(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"

    def run(step, *args) -> None:  # alembic's env runs its own loop: keep it off ours
        with ThreadPoolExecutor(1) as pool:
            pool.submit(step, url, *args).result()

    run(upgrade, "0005")
    import sqlite3

    db = sqlite3.connect(tmp_path / "m.db")
    db.execute(
        "INSERT INTO organizations (id, name, timezone, work_days, work_start, work_end,"
        " quiet_start, quiet_end, calendar, question_seq, created_at) VALUES"
        " (1, 'S', 'Europe/Moscow', '1,2,3,4,5', '08:00', '18:00', '21:00', '08:00', '{}', 0,"
        " '2026-11-01 00:00:00')"
    )
    db.execute(
        "INSERT INTO users (id, tg_id, reachable, created_at) VALUES (1, 5, 1, '2026-11-01')"
    )
    for qid, asked, answered in (
        (1, "2026-11-13 14:00:00", "2026-11-16 07:00:00"),
        (2, "2026-11-13 14:00:00", None),
    ):
        db.execute(
            "INSERT INTO questions (id, org_id, number, mentee_id, status, kind, started_by_mentor,"
            " created_at, asked_at, first_answer_at) VALUES (?, 1, ?, 1, 'answered', 'text', 0,"
            " ?, ?, ?)",
            (qid, qid, asked, asked, answered),
        )
    db.commit()
    db.close()
    run(upgrade, "head")
    db = sqlite3.connect(tmp_path / "m.db")
    rows = dict(db.execute("SELECT id, response_minutes FROM questions").fetchall())
    db.close()
    assert rows == {1: 180, 2: None}
    run(downgrade, "0005")


# Review fixes ------------------------------------------------------------------------------


def _question(w: World, preview: str, asked: datetime, number: int) -> Question:
    return Question(
        org_id=w.org,
        number=900 + number,
        mentee_id=w.mentee.user_id,
        program_id=w.program_a,
        mentor_id=w.mentor_a.user_id,
        owner_id=w.mentor_a.user_id,
        status="open",
        kind="text",
        preview=preview,
        created_at=asked,
        asked_at=asked,
    )


async def _org_summary(client: BotClient, w: World, arg: str, now: datetime = NOW):
    async with client.sessionmaker() as session:
        org = await session.get(Organization, w.org)
        return await summary(session, scope_for((w.org,), org, arg, now), now)


async def test_days_between_quarters_count_in_the_quarter_that_ended(
    client: BotClient, w: World
) -> None:
    async with seed(client.sessionmaker, NOW) as s:  # the autumn break: 25.10–04.11
        s.session.add(_question(w, "break", datetime(2026, 10, 28, 9, tzinfo=UTC), 1))
    first, second = (
        await _org_summary(client, w, "2026/27-Q1"),
        await _org_summary(client, w, "2026/27-Q2"),
    )
    everything = await _org_summary(client, w, "all")
    assert (first.asked, second.asked, everything.asked) == (1, 0, 1)
    # a plain /report during the break: the quarter that just ended, today included
    during = datetime(2026, 10, 30, 9, tzinfo=UTC)
    text = BotClient.replies(await client.send(w.curator.person, "/report"))[0].text
    assert "2026/27-Q2" in text  # NOW is in Q2
    client.clock.set(during)
    text = BotClient.replies(await client.send(w.curator.person, "/report"))[0].text
    assert "2026/27-Q1 (01.08.2026 — 04.11.2026)" in text
    assert "задано 1," in text


VLADIVOSTOK_EDGE = datetime(2026, 11, 4, 15, tzinfo=UTC)  # 05.11 01:00 there: Q2 already
CUSTOM_CALENDAR = {
    "year": "2026/27",
    "quarters": [
        {"start": "2026-09-01", "end": "2026-10-30"},
        {"start": "2026-11-09", "end": "2026-12-29"},
        {"start": "2027-01-12", "end": "2027-03-20"},
        {"start": "2027-03-30", "end": "2027-05-30"},
    ],
    "breaks": [],
    "holidays": [],
}


@pytest.mark.parametrize(
    ("values", "asked"),
    [
        ({"timezone": "Asia/Vladivostok"}, VLADIVOSTOK_EDGE),  # Q2 there, still Q1 in Moscow
        ({"calendar": CUSTOM_CALENDAR}, datetime(2026, 11, 6, 9, tzinfo=UTC)),  # its Q1
    ],
    ids=["vladivostok", "custom-calendar"],
)
async def test_rollup_line_equals_the_schools_own_report(
    client: BotClient, w: World, values: dict, asked: datetime
) -> None:
    async with seed(client.sessionmaker, NOW) as s:
        await s.session.execute(
            update(Organization).where(Organization.id == w.org).values(**values)
        )
        s.session.add(_question(w, "edge", asked, 1))
    for arg in ("2026/27-Q1", "2026/27-Q2"):
        own = await _org_summary(client, w, arg)
        async with client.sessionmaker() as session:
            result = await rollup(session, NOW, scope_for(None, None, arg, NOW))
        line = {line.org_id: line for line in result.lines}[w.org]
        assert (line.asked, line.answered) == (own.asked, own.answered), arg
    q2 = await _org_summary(client, w, "2026/27-Q2")
    assert q2.asked == (1 if "timezone" in values else 0)


async def test_annual_report_counts_only_the_years_surveys(
    client: BotClient, w: World, data: ReportData
) -> None:
    scope = Scope((w.org,), None, date(2026, 9, 1), date(2027, 8, 31), "2026/27")
    async with seed(client.sessionmaker, NOW) as s:
        old = SurveyAssignment(
            org_id=w.org,
            user_id=w.mentee.user_id,
            role="mentee",
            survey="final_mentee",
            version=1,
            program_id=w.program_a,
            period="2024/25-Q4",
            status="done",
            position=0,
            reminders=0,
            dedupe_key="old",
            created_at=datetime(2025, 5, 20, tzinfo=UTC),
        )
        s.session.add(old)
        await s.session.flush()
        s.session.add(
            SurveyAnswer(
                assignment_id=old.id,
                question_key="k",
                topic="knowledge",
                score=1,
                skipped=False,
                answered_at=datetime(2025, 5, 20, tzinfo=UTC),
            )
        )
    async with client.sessionmaker() as session:
        result = await annual(session, scope, NOW)
    assert result.averages["knowledge"] == 3.0  # the 2024/25 answer of 1 is not in it
    assert "final_mentee" not in result.summary.surveys
    assert result.summary.surveys == {"quarterly_mentor": (1, 2), "quarterly_mentee": (3, 4)}


async def test_an_ended_programs_open_items_are_not_overdue(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, NOW) as s:
        program = await s.session.get(Program, w.program_b)
        assert program is not None
        program.status = "ended"
        program.ended_at = datetime(2026, 11, 16, tzinfo=UTC)
        program.end_reason = "mentee-initiative"
        item = PlanItem(program_id=w.program_b, title="x", deadline_kind="date", created_at=NOW)
        s.session.add(item)
        await s.session.flush()
        s.session.add(
            PlanOccurrence(
                item_id=item.id, program_id=w.program_b, seq=1, due_on=date(2026, 11, 15)
            )
        )
    s2 = await _summary(client, w)
    assert (s2.plan_due, s2.plan_done, s2.plan_overdue, s2.overdue.count) == (1, 0, 0, 0)
    async with client.sessionmaker() as session:
        result = await rollup(session, NOW, scope_for(None, None, "", NOW))
    assert {line.org_id: line for line in result.lines}[w.org].plan_overdue == 0


async def test_a_meeting_that_did_not_happen_keeps_the_pair_silent(
    client: BotClient, w: World
) -> None:
    when = datetime(2026, 11, 20, 12, tzinfo=UTC)
    async with seed(client.sessionmaker, NOW) as s:
        for program in (w.program_a, w.program_b):
            row = await s.session.get(Program, program)
            assert row is not None
            row.starts_on = date(2026, 9, 1)

        def meeting(program: int, status: str, held: bool | None) -> Meeting:
            return Meeting(
                program_id=program,
                org_id=w.org,
                starts_at=when,
                mode="offline",
                status=status,
                held=held,
                created_at=NOW,
            )

        s.session.add(meeting(w.program_b, "confirmed", False))  # marked not held
        s.session.add(meeting(w.program_a, "proposed", None))  # never confirmed
    s2 = await _summary(client, w)
    assert s2.silent.count == 2
    async with seed(client.sessionmaker, NOW) as s:
        s.session.add(meeting(w.program_a, "confirmed", None))  # confirmed, not marked yet
    s3 = await _summary(client, w)
    assert [item.program for item in s3.silent.items] == [w.program_b]


async def test_a_past_quarter_counts_the_people_of_its_programs(
    client: BotClient, w: World, data: ReportData
) -> None:
    later = datetime(2027, 1, 20, 9, tzinfo=UTC)  # Q3: Q2 is over
    before = await _summary_at(client, w, "2026/27-Q2", later)
    # mentors A, B (programs A, B, C, D); mentees of A and B (C and D: mentee3 again)
    assert before.participants == {"mentor": 2, "mentee": 3, "curator": 1}
    async with seed(client.sessionmaker, NOW) as s:
        await s.member(w.org, Person(41, "New"), Role.MENTOR, name="Новый Наставник")
        mentee2 = await s.session.get(User, w.mentee2.user_id)
        assert mentee2 is not None
        await forget_person(s.session, mentee2, NOW)
    after = await _summary_at(client, w, "2026/27-Q2", later)
    # /forget removes the person from program A (ProgramMentee): one mentee fewer; the
    # mentor who joined later does not count in Q2
    assert after.participants == {"mentor": 2, "mentee": 2, "curator": 1}
    async with client.sessionmaker() as session:
        result = await rollup(session, later, scope_for(None, None, "2026/27-Q2", later))
    line = {line.org_id: line for line in result.lines}[w.org]
    assert (line.mentors, line.mentees) == (2, 2)  # the admin's line says the same
    current = await _summary(client, w)
    assert current.participants["mentor"] == 3  # today's members for the current quarter


async def _summary_at(client: BotClient, w: World, arg: str, now: datetime):
    async with client.sessionmaker() as session:
        return await summary(session, scope_for((w.org,), None, arg, now), now)


async def test_risk_lists_say_who_to_call_and_fit_one_screen(
    client: BotClient, w: World, data: ReportData
) -> None:
    async with seed(client.sessionmaker, NOW) as s:
        await s.member(w.org, Person(59, "Em"), Role.MENTEE, name="Эм & Ко")
    text = BotClient.replies(await client.send(w.curator.person, "/report"))[0].text
    assert f"• #{w.program_b} Наставник Б — Третий У" in text
    assert f"• #{w.program_a} Наставник А — Второй У, Молодой У: просрочено 2" in text
    assert f"• Третий У (наставляемый, #{w.program_b})" in text
    assert "• Без Наставника" in text
    assert "• Эм &amp; Ко" in text  # a name is escaped once
    async with seed(client.sessionmaker, NOW) as s:
        for n in range(8):
            await s.member(w.org, Person(60 + n, f"L{n}"), Role.MENTEE, name=f"Один {n}")
    text = BotClient.replies(await client.send(w.curator.person, "/report"))[0].text
    assert "Наставляемые без наставника: 10" in text
    assert text.count("• Один ") + text.count("• Без Наставника") == 5
    assert "…и ещё 5" in text


async def test_report_of_a_program_with_more_arguments_is_not_understood(
    client: BotClient, w: World
) -> None:
    for arg in (f"#{w.program_a} 2026/27-Q2", "#abc"):
        text = _texts(await client.send(w.curator.person, f"/report {arg}"))
        assert f"Не понял «{arg}»" in text and "/report 2026/27-Q2" in text
        assert "не найдена" not in text


async def test_the_lending_school_sees_its_lent_mentors_program(
    client: BotClient, w: World
) -> None:
    async with seed(client.sessionmaker, NOW) as s:
        lent = Program(
            org_id=w.other_org,
            mentor_id=w.mentor_a.user_id,
            form="situational",
            mode="mixed",
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 5, 31),
            status="active",
            created_at=NOW,
        )
        s.session.add(lent)
        await s.session.flush()
        lent_id = lent.id
    text = _texts(await client.send(w.curator.person, f"/report #{lent_id}"))
    assert f"программа #{lent_id} (Школа 2)" in text
    # the borrowing school's curator sees it too; another school's own program stays hidden
    assert f"#{lent_id}" in _texts(await client.send(w.other_curator.person, f"/report #{lent_id}"))
    hidden = _texts(await client.send(w.other_curator.person, f"/report #{w.program_a}"))
    assert hidden == "Программа не найдена."


async def test_averages_are_of_finished_questionnaires(
    client: BotClient, w: World, data: ReportData
) -> None:
    async with seed(client.sessionmaker, NOW) as s:
        half = (
            await s.session.scalars(
                select(SurveyAssignment).where(
                    SurveyAssignment.user_id == w.mentee3.user_id,
                    SurveyAssignment.status == "pending",
                )
            )
        ).one()
        s.session.add(
            SurveyAnswer(
                assignment_id=half.id,
                question_key="satisfaction",
                topic="satisfaction",
                score=1,
                skipped=False,
                answered_at=NOW,
            )
        )
    s2 = await _summary(client, w)
    assert s2.averages == {"satisfaction": 4.5, "knowledge": 3.0}
    async with client.sessionmaker() as session:
        chart = await chart_series(session, scope_for((w.org,), None, "", NOW), NOW)
    assert chart.averages["satisfaction"] == [1.0, 4.5]


async def test_a_group_form_program_with_one_mentee_is_a_group(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, NOW) as s:
        await s.session.execute(
            update(Program).where(Program.id == w.program_b).values(form="group")
        )
    s2 = await _summary(client, w)
    assert s2.groups.get("group") == 1 and "group" not in s2.pairs
    text = BotClient.replies(await client.send(w.curator.person, "/report"))[0].text
    assert "наставничество в группе: групп 1" in text


async def test_chart_weeks_are_named_by_their_monday_and_no_data_sends_no_chart(
    client: BotClient, w: World
) -> None:
    calls = BotClient.replies(await client.send(w.curator.person, "/report"))
    assert [c.name for c in calls] == ["sendMessage"]
    assert "Оценок по анкетам пока нет" in calls[0].text
    async with client.sessionmaker() as session:
        chart = await chart_series(session, scope_for((w.org,), None, "", NOW), NOW)
    labels = chart_input(Locales().get("ru"), chart).weeks
    assert labels == ["02.11", "09.11", "16.11", "23.11"]


async def test_a_program_report_has_no_participants_by_role(
    client: BotClient, w: World, data: ReportData
) -> None:
    text = BotClient.replies(await client.send(w.curator.person, f"/report #{w.program_a}"))[0]
    assert "кураторов" not in text.text and "Участники" not in text.text


async def test_rollup_of_schools_in_many_zones(client: BotClient, w: World) -> None:
    zones = [f"Etc/GMT-{n}" for n in range(1, 13)]  # UTC+1 … UTC+12: twelve bounds
    asked = datetime(2026, 11, 10, 6, tzinfo=UTC)
    async with seed(client.sessionmaker, NOW) as s:
        ids = []
        for n, zone in enumerate(zones):
            org = Organization(name=f"Зона {n:02d}", timezone=zone, calendar={}, created_at=NOW)
            s.session.add(org)
            await s.session.flush()
            ids.append(org.id)
            question = _question(w, f"z{n}", asked, n + 1)
            question.org_id, question.program_id = org.id, None
            s.session.add(question)
    async with client.sessionmaker() as session:
        result = await rollup(session, NOW, scope_for(None, None, "2026/27-Q2", NOW))
    by_id = {line.org_id: line for line in result.lines}
    assert [by_id[org_id].asked for org_id in ids] == [1] * len(zones)
    assert result.total.asked == len(zones)
