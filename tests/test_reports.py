"""/report figures equal hand-computed values; who may see which report (issue 15, item 3).

The World school (tests/support/seed.py) on 23.11.2026, in school quarter 2026/27-Q2
(05.11–27.12), with the questions, meetings, plan occurrences and survey answers that
tests/support/reports.py `add_report_data` writes; its docstring lists the hand counts.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from models.migrate import downgrade, upgrade
from models.people import Role, add_role
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
from tests.conftest import ADMIN
from tests.support.botclient import BotClient
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
    assert (result.mentors, result.mentees, result.young_specialists) == (2, 4, 1)
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
