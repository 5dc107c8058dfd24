"""The plan: the «Учитель–учитель» template with each deadline kind, items added, edited
and removed, completion marks (a recurring occurrence too), every refusal of bad input,
and the deadline reminders at the right local times; then /plan at the dispatcher level."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import plan_summary
from bot.app import plan_catch_up
from bot.i18n import Locales
from bot.keyboards.plan import (
    PlanAddCb,
    PlanDoneCb,
    PlanEditCb,
    PlanFieldCb,
    PlanOpenCb,
    PlanTemplateCb,
)
from bot.states import PlanForm
from bot.texts import split_text
from models import outbox
from models.audit import AuditEntry
from models.calendar import WorkSchedule, default_calendar
from models.changes import Proposal, ProposalKind, propose, vote
from models.people import Organization, Role
from models.plans import (
    AlertPolicy,
    DeadlineKind,
    MarkResult,
    PlanError,
    PlanItem,
    PlanOccurrence,
    add_item,
    apply_change,
    apply_template,
    deadline_catch_up,
    edit_item,
    mark_done,
    plan_of,
    progress,
    refit,
    remove_item,
    stage_moments,
)
from models.programs import Program, ProgramMentee, ProgramStatus
from tests.support.botclient import BotClient, Call, Person
from tests.support.plans import PlanSchool, build_plan_school, plan_rows
from tests.support.seed import seed

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def msk(day: date, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock moment (UTC+3, no DST) in UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=3)


# The program's first morning: a plan made then may have deadlines in the autumn.
START = msk(date(2026, 9, 1), 8)


@pytest.fixture
async def ps(sessionmaker: async_sessionmaker[AsyncSession]) -> PlanSchool:
    return await build_plan_school(sessionmaker, NOW)


async def _program(s: AsyncSession, program_id: int) -> Program:
    program = await s.get(Program, program_id)
    assert program is not None
    return program


async def _add(
    sm: async_sessionmaker[AsyncSession],
    program_id: int,
    actor: int,
    *,
    at: datetime = NOW,
    **fields: object,
) -> int:
    async with sm() as s, s.begin():
        item = await add_item(s, await _program(s, program_id), actor, at, **fields)  # type: ignore[arg-type]
        return item.id


async def _occurrences(sm: async_sessionmaker[AsyncSession], item_id: int) -> list[PlanOccurrence]:
    async with sm() as s:
        rows = await s.scalars(
            select(PlanOccurrence)
            .where(PlanOccurrence.item_id == item_id)
            .order_by(PlanOccurrence.seq)
        )
        return list(rows.all())


async def _catch_up(sm: async_sessionmaker[AsyncSession], now: datetime, **policy: object) -> int:
    async with sm() as s, s.begin():
        return await deadline_catch_up(s, now, **policy)  # type: ignore[arg-type]


# The template and the deadline kinds --------------------------------------------------


async def test_template_expands_each_deadline_kind(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    async with sessionmaker() as s, s.begin():
        items = await apply_template(s, await _program(s, ps.program), ps.mentor.user_id, START)
    assert len(items) == 13
    async with sessionmaker() as s:
        lines = await plan_of(s, ps.program)
        entries = (
            await s.scalars(select(AuditEntry).where(AuditEntry.program_id == ps.program))
        ).all()
    assert [line.item.position for line in lines] == list(range(1, 14))
    by_pos = {line.item.position: line for line in lines}
    dues = {
        pos: [(o.window_start, o.due_on) for o in line.occurrences] for pos, line in by_pos.items()
    }
    # "28.08" and "29.08": at the start of the program and the day after.
    assert dues[1] == [(None, date(2026, 9, 1))]
    assert dues[2] == [(None, date(2026, 9, 2))]
    # "В течение 1 четверти": the first school quarter.
    assert dues[3] == [(date(2026, 9, 1), date(2026, 10, 24))]
    # As questions arise: one mark, no day.
    assert dues[4] == [(None, None)] and dues[5] == [(None, None)] and dues[7] == [(None, None)]
    # "Раз в четверть": one mark per quarter; "Раз в полугодие": one per half-year.
    assert [due for _, due in dues[8]] == [
        date(2026, 10, 24),
        date(2026, 12, 27),
        date(2027, 3, 20),
        date(2027, 5, 26),
    ]
    assert [due for _, due in dues[9]] == [date(2026, 12, 27), date(2027, 5, 26)]
    # The final evaluation at the program's end.
    assert dues[13] == [(None, date(2027, 5, 31))]
    assert by_pos[1].item.direction == "legal"
    assert by_pos[1].item.risks and "интернет" in by_pos[1].item.risks
    assert by_pos[1].item.title == "Знакомство со школой, обязанностями и требованиями к учителю"
    assert all(line.item.template_key == "teacher_teacher" for line in lines)
    assert [e.action for e in entries].count("item-added") == 13
    # A second application is refused: the plan is no longer empty.
    async with sessionmaker() as s, s.begin():
        with pytest.raises(PlanError) as err:
            await apply_template(s, await _program(s, ps.program), ps.mentor.user_id, NOW)
    assert err.value.key == "plan-err-not-empty"


async def test_template_in_a_program_that_starts_later(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    school = await build_plan_school(sessionmaker, NOW, starts_on=date(2026, 11, 1))
    async with sessionmaker() as s, s.begin():
        await apply_template(s, await _program(s, school.program), school.mentor.user_id, NOW)
    async with sessionmaker() as s:
        by_pos = {line.item.position: line for line in await plan_of(s, school.program)}
    # The 1st quarter is over before the start: the program's first quarter stands for it.
    (first,) = by_pos[3].occurrences
    assert (first.window_start, first.due_on) == (date(2026, 11, 5), date(2026, 12, 27))
    assert [o.due_on for o in by_pos[8].occurrences] == [
        date(2026, 12, 27),
        date(2027, 3, 20),
        date(2027, 5, 26),
    ]


async def test_a_template_taken_in_a_running_program_is_due_from_that_day(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Started 01.11, the roadmap taken on 23.11 (12:00 in Moscow): its first steps are
    # due that day and the next, not on 01.11 and 02.11; nothing is overdue, and neither
    # that tick nor the next morning's tells the curator anything.
    school = await build_plan_school(sessionmaker, NOW, starts_on=date(2026, 11, 1))
    async with sessionmaker() as s, s.begin():
        await apply_template(s, await _program(s, school.program), school.mentor.user_id, NOW)
    async with sessionmaker() as s:
        by_pos = {line.item.position: line for line in await plan_of(s, school.program)}
    assert [o.due_on for o in by_pos[1].occurrences] == [date(2026, 11, 23)]
    assert [o.due_on for o in by_pos[2].occurrences] == [date(2026, 11, 24)]
    assert by_pos[1].item.deadline_spec == {"days": 22}
    dues = [o.due_on for line in by_pos.values() for o in line.occurrences if o.due_on]
    assert min(dues) == date(2026, 11, 23)
    await _catch_up(sessionmaker, NOW)
    kinds = {r.kind for r in await plan_rows(sessionmaker)}
    assert kinds == {"plan-remind-today", "plan-remind-before"}
    # The next morning item 1 is overdue to the pair only.
    await _catch_up(sessionmaker, msk(date(2026, 11, 24), 9, 5))
    kinds = {r.kind for r in await plan_rows(sessionmaker)}
    assert "plan-overdue" in kinds and "plan-overdue-summary" not in kinds
    # Left undone, item 1 reaches the curator a week after its day, as any other would:
    # the summary lists the program with that one item, 7 days overdue.
    await _catch_up(sessionmaker, msk(date(2026, 11, 30), 9, 5))
    (summary,) = await plan_rows(sessionmaker, "plan-overdue-summary")
    assert summary.args["programs"] == [[school.program, "Молодой М", "Наставник Н", 1, 7]]


async def test_a_template_taken_late_skips_the_quarters_that_are_over(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    # Started 01.09, taken on 23.11: the 1st quarter (to 24.10) is over.
    async with sessionmaker() as s, s.begin():
        await apply_template(s, await _program(s, ps.program), ps.mentor.user_id, NOW)
    async with sessionmaker() as s:
        by_pos = {line.item.position: line for line in await plan_of(s, ps.program)}
    (quarter,) = by_pos[3].occurrences
    assert (quarter.window_start, quarter.due_on) == (date(2026, 11, 5), date(2026, 12, 27))
    assert [o.due_on for o in by_pos[8].occurrences] == [
        date(2026, 12, 27),
        date(2027, 3, 20),
        date(2027, 5, 26),
    ]
    assert [o.due_on for o in by_pos[1].occurrences] == [date(2026, 11, 23)]
    async with sessionmaker() as s:
        assert (await progress(s, ps.program, date(2026, 11, 23)))[1] == 0


@pytest.mark.parametrize(
    ("kind", "spec", "key"),
    [
        (DeadlineKind.DATE, {"date": "2026-11-01"}, "plan-err-past"),
        (DeadlineKind.RELATIVE, {"days": 30}, "plan-err-past-days"),
        (DeadlineKind.QUARTER, {"quarter": 1}, "plan-err-past"),
        (DeadlineKind.SCHEDULE, {"dates": ["2026-12-01", "2026-11-20"]}, "plan-err-past"),
    ],
)
async def test_a_deadline_already_past_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession],
    ps: PlanSchool,
    kind: str,
    spec: dict[str, object],
    key: str,
) -> None:
    with pytest.raises(PlanError) as err:
        await _add(
            sessionmaker,
            ps.program,
            ps.mentor.user_id,
            title="X",
            deadline_kind=kind,
            deadline_spec=spec,
        )
    assert err.value.key == key and err.value.params["today"] == "23.11.2026"
    if kind == DeadlineKind.RELATIVE:
        assert err.value.params["date"] == "01.10.2026" and err.value.params["min"] == 83
    # Nor through an agreed proposal, nor as an item's new deadline.
    item_id = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Сегодня",
        deadline_kind=DeadlineKind.DATE,
        deadline_spec={"date": "2026-11-23"},
    )
    async with sessionmaker() as s, s.begin():
        program = await _program(s, ps.program)
        with pytest.raises(PlanError) as err:
            await apply_change(
                s,
                program,
                {"op": "add", "item": {"title": "X", "deadline_kind": kind, "deadline_spec": spec}},
                ps.mentor.user_id,
                NOW,
            )
        assert err.value.key == key
        with pytest.raises(PlanError) as err:
            await edit_item(
                s, program, item_id, ps.mentor.user_id, NOW, deadline_kind=kind, deadline_spec=spec
            )
        assert err.value.key == key
    async with sessionmaker() as s:
        (line,) = await plan_of(s, ps.program)
    assert [o.due_on for o in line.occurrences] == [date(2026, 11, 23)]
    # Due today is allowed: the pair hears «today», nobody hears «overdue».
    await _catch_up(sessionmaker, NOW)
    assert {r.kind for r in await plan_rows(sessionmaker)} == {"plan-remind-today"}


async def test_a_recurring_item_added_late_starts_with_the_current_period(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    item_id = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Отчёт",
        deadline_kind=DeadlineKind.RECURRING,
        deadline_spec={"every": "quarter"},
    )
    occs = await _occurrences(sessionmaker, item_id)
    assert [o.due_on for o in occs] == [date(2026, 12, 27), date(2027, 3, 20), date(2027, 5, 26)]
    # The program's new end keeps the periods before the day it was added out.
    async with sessionmaker() as s, s.begin():
        program = await _program(s, ps.program)
        program.ends_on = date(2027, 8, 31)
        await refit(s, program, ps.curator.user_id, NOW)
    occs = await _occurrences(sessionmaker, item_id)
    assert min(o.due_on for o in occs if o.due_on) == date(2026, 12, 27)


async def test_schedule_relative_and_quarter_items(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    sched = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Открытые уроки",
        direction="method",
        deadline_kind=DeadlineKind.SCHEDULE,
        deadline_spec={"dates": ["2027-02-10", "2026-12-01", "2026-12-01"]},
    )
    assert [o.due_on for o in await _occurrences(sessionmaker, sched)] == [
        date(2026, 12, 1),
        date(2027, 2, 10),
    ]
    rel = await _add(
        sessionmaker,
        ps.program,
        ps.mentee.user_id,
        at=START,
        title="Через месяц",
        deadline_kind=DeadlineKind.RELATIVE,
        deadline_spec={"days": 30},
    )
    assert [o.due_on for o in await _occurrences(sessionmaker, rel)] == [date(2026, 10, 1)]
    q3 = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Третья четверть",
        deadline_kind=DeadlineKind.QUARTER,
        deadline_spec={"quarter": 3},
    )
    (occ,) = await _occurrences(sessionmaker, q3)
    assert (occ.window_start, occ.due_on) == (date(2027, 1, 11), date(2027, 3, 20))


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        (DeadlineKind.DATE, {"date": "2027-06-15"}),
        (DeadlineKind.DATE, {"date": "2026-08-31"}),
        (DeadlineKind.RELATIVE, {"days": 300}),
        (DeadlineKind.SCHEDULE, {"dates": ["2026-12-01", "2027-07-01"]}),
    ],
)
async def test_deadline_outside_the_program_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession],
    ps: PlanSchool,
    kind: str,
    spec: dict[str, object],
) -> None:
    with pytest.raises(PlanError) as err:
        await _add(
            sessionmaker,
            ps.program,
            ps.mentor.user_id,
            title="X",
            deadline_kind=kind,
            deadline_spec=spec,
        )
    assert err.value.key == "plan-err-outside"
    assert err.value.params["start"] == "01.09.2026" and err.value.params["end"] == "31.05.2027"
    async with sessionmaker() as s:
        assert await plan_of(s, ps.program) == []


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("", "plan-err-title-empty"),
        ("   \n ", "plan-err-title-empty"),
        ("я" * 5000, "plan-err-title-long"),
    ],
)
async def test_bad_titles_are_refused(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool, title: str, key: str
) -> None:
    with pytest.raises(PlanError) as err:
        await _add(
            sessionmaker,
            ps.program,
            ps.mentor.user_id,
            title=title,
            deadline_kind=DeadlineKind.AS_NEEDED,
        )
    assert err.value.key == key


async def test_unknown_direction_and_payload_are_refused(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    with pytest.raises(PlanError) as err:
        await _add(
            sessionmaker,
            ps.program,
            ps.mentor.user_id,
            title="X",
            direction="astrology",
            deadline_kind=DeadlineKind.AS_NEEDED,
        )
    assert err.value.key == "plan-err-direction"
    async with sessionmaker() as s, s.begin():
        with pytest.raises(PlanError) as err:
            await apply_change(s, await _program(s, ps.program), {"op": "nuke"}, None, NOW)
    assert err.value.key == "plan-err-payload"


async def test_apply_change_add_edit_remove(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    async with sessionmaker() as s, s.begin():
        program = await _program(s, ps.program)
        item = await apply_change(
            s,
            program,
            {
                "op": "add",
                "item": {
                    "title": "Отчёт",
                    "direction": "method",
                    "deadline_kind": "date",
                    "deadline_spec": {"date": "2026-12-20"},
                },
            },
            ps.curator.user_id,
            NOW,
        )
        assert isinstance(item, PlanItem)
        item_id = item.id
    async with sessionmaker() as s, s.begin():
        program = await _program(s, ps.program)
        await apply_change(
            s,
            program,
            {
                "op": "edit",
                "item_id": item_id,
                "changes": {
                    "title": "Отчёт куратору",
                    "deadline_kind": "recurring",
                    "deadline_spec": {"every": "half_year"},
                },
            },
            ps.curator.user_id,
            NOW,
            reason="по согласованию",
        )
    occs = await _occurrences(sessionmaker, item_id)
    assert [o.due_on for o in occs] == [date(2026, 12, 27), date(2027, 5, 26)]
    async with sessionmaker() as s, s.begin():
        await apply_change(
            s, await _program(s, ps.program), {"op": "remove", "item_id": item_id}, None, NOW
        )
    async with sessionmaker() as s:
        assert await plan_of(s, ps.program) == []
        removed = await s.get(PlanItem, item_id)
        assert removed is not None and removed.removed_at is not None
        entries = (
            await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.program_id == ps.program)
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [(e.action, e.details.get("op")) for e in entries] == [
        ("item-added", None),
        ("plan-changed", "edit"),
        ("plan-changed", "remove"),
    ]
    assert entries[1].reason == "по согласованию"
    # Another program's item cannot be reached through this program.
    other = await _add(
        sessionmaker,
        ps.other_program,
        ps.other_mentor.user_id,
        title="Чужой",
        deadline_kind="as_needed",
    )
    async with sessionmaker() as s, s.begin():
        with pytest.raises(PlanError) as err:
            await edit_item(s, await _program(s, ps.program), other, None, NOW, title="Взлом")
        assert err.value.key == "plan-err-no-item"
        with pytest.raises(PlanError):
            await remove_item(s, await _program(s, ps.program), other, None, NOW)


async def test_a_new_deadline_re_expands_open_marks_and_keeps_done_ones(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    item_id = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        at=START,
        title="Отчёт",
        deadline_kind="recurring",
        deadline_spec={"every": "quarter"},
    )
    first, second, *_ = await _occurrences(sessionmaker, item_id)
    async with sessionmaker() as s, s.begin():
        result, _ = await mark_done(s, first.id, ps.mentee.user_id, "сдан", NOW)
        assert result == MarkResult.DONE
    # The second quarter's "before" reminder is waiting when the deadline changes.
    await _catch_up(sessionmaker, msk(date(2026, 12, 24), 9, 0))
    assert {r.ref_id for r in await plan_rows(sessionmaker, "plan-remind")} == {second.id}
    async with sessionmaker() as s, s.begin():
        await edit_item(
            s,
            await _program(s, ps.program),
            item_id,
            ps.mentor.user_id,
            NOW,
            deadline_kind="recurring",
            deadline_spec={"every": "half_year"},
        )
    occs = await _occurrences(sessionmaker, item_id)
    # The first half-year holds the quarter done already: only the second one is open,
    # the fourth quarter's mark (the same day) standing for it.
    assert [(o.seq, o.window_start, o.due_on, o.note) for o in occs] == [
        (1, date(2026, 9, 1), date(2026, 10, 24), "сдан"),
        (4, date(2027, 1, 11), date(2027, 5, 26), None),
    ]
    assert {r.status for r in await plan_rows(sessionmaker, "plan-remind")} == {"cancelled"}
    # A one-off item done keeps its mark and gets no new one when its date moves.
    dated = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Урок",
        deadline_kind="date",
        deadline_spec={"date": "2026-12-01"},
    )
    (occ,) = await _occurrences(sessionmaker, dated)
    async with sessionmaker() as s, s.begin():
        await mark_done(s, occ.id, ps.mentor.user_id, None, NOW)
        await edit_item(
            s,
            await _program(s, ps.program),
            dated,
            ps.mentor.user_id,
            NOW,
            deadline_spec={"date": "2027-02-01"},
        )
    occs = await _occurrences(sessionmaker, dated)
    assert [(o.due_on, o.done_at is not None) for o in occs] == [(date(2026, 12, 1), True)]


async def test_new_program_dates_refit_the_open_marks(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    async with sessionmaker() as s, s.begin():
        await apply_template(s, await _program(s, ps.program), ps.mentor.user_id, START)
    dated = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Апрельский семинар",
        deadline_kind="date",
        deadline_spec={"date": "2027-04-15"},
    )
    async with sessionmaker() as s:
        report = next(line for line in await plan_of(s, ps.program) if line.item.position == 8)
    async with sessionmaker() as s, s.begin():
        await mark_done(s, report.occurrences[0].id, ps.mentor.user_id, "Q1", NOW)

    async def dues(position: int) -> list[tuple[date | None, bool]]:
        async with sessionmaker() as s:
            lines = {line.item.position: line for line in await plan_of(s, ps.program)}
        return [(o.due_on, o.done_at is not None) for o in lines[position].occurrences]

    # Shortened to the end of February.
    async with sessionmaker() as s, s.begin():
        program = await _program(s, ps.program)
        program.ends_on = date(2027, 2, 28)
        assert await refit(s, program, ps.curator.user_id, NOW) == 5  # items 6, 8, 9, 13, 14
    assert await dues(8) == [
        (date(2026, 10, 24), True),
        (date(2026, 12, 27), False),
        (date(2027, 2, 28), False),
    ]
    assert await dues(13) == [(date(2027, 2, 28), False)]
    assert [o.due_on for o in await _occurrences(sessionmaker, dated)] == [date(2027, 2, 28)]
    # Extended to the end of August: the fourth quarter is back, the end moves with it.
    async with sessionmaker() as s, s.begin():
        program = await _program(s, ps.program)
        program.ends_on = date(2027, 8, 31)
        await refit(s, program, ps.curator.user_id, NOW)
    assert [due for due, _ in await dues(8)] == [
        date(2026, 10, 24),
        date(2026, 12, 27),
        date(2027, 3, 20),
        date(2027, 5, 26),
    ]
    assert await dues(13) == [(date(2027, 8, 31), False)]
    assert await dues(1) == [(date(2026, 9, 1), False)]  # untouched


# Completion marks --------------------------------------------------------------------


async def test_recurring_occurrence_marked_and_forged_marks_do_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    item_id = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        at=START,
        title="Отчёт раз в четверть",
        deadline_kind=DeadlineKind.RECURRING,
        deadline_spec={"every": "quarter"},
    )
    first, second, *_ = await _occurrences(sessionmaker, item_id)
    # Another pair's mentor, a mentee without a program, the curator: nothing happens.
    for stranger in (ps.other_mentor, ps.other_mentee, ps.outsider, ps.curator):
        async with sessionmaker() as s, s.begin():
            result, _ = await mark_done(s, second.id, stranger.user_id, "чужая отметка", NOW)
        assert result == MarkResult.DENIED
    async with sessionmaker() as s, s.begin():
        result, occ = await mark_done(s, second.id, ps.mentee.user_id, "  отчёт сдан  ", NOW)
    assert result == MarkResult.DONE and occ is not None
    async with sessionmaker() as s, s.begin():
        result, _ = await mark_done(s, second.id, ps.mentor.user_id, "ещё раз", NOW)
    assert result == MarkResult.ALREADY
    occs = await _occurrences(sessionmaker, item_id)
    assert [o.done_at is not None for o in occs] == [False, True, False, False]
    assert occs[1].note == "отчёт сдан" and occs[1].done_by == ps.mentee.user_id
    assert occs[1].next_alert_at is None
    async with sessionmaker() as s:
        # The 1st quarter (24.10) is overdue, the 2nd done, two ahead.
        assert await progress(s, ps.program, date(2026, 11, 23)) == (1, 1, 2)
        entry = await s.scalar(
            select(AuditEntry).where(
                AuditEntry.program_id == ps.program, AuditEntry.action == "item-done"
            )
        )
    assert entry is not None and entry.details["seq"] == 2 and entry.actor_id == ps.mentee.user_id
    # A note "-" means none.
    async with sessionmaker() as s, s.begin():
        result, occ = await mark_done(s, first.id, ps.mentor.user_id, "-", NOW)
    assert result == MarkResult.DONE and occ is not None and occ.note is None


# Reminders -----------------------------------------------------------------------------

DUE = date(2026, 12, 10)


async def _due_item(sm: async_sessionmaker[AsyncSession], ps: PlanSchool, due: date = DUE) -> int:
    item_id = await _add(
        sm,
        ps.program,
        ps.mentor.user_id,
        title="Открытый урок",
        deadline_kind=DeadlineKind.DATE,
        deadline_spec={"date": due.isoformat()},
    )
    (occ,) = await _occurrences(sm, item_id)
    return occ.id


def _who(rows: list[outbox.OutboxMessage]) -> list[tuple[str, int | None]]:
    return [(r.kind, r.user_id) for r in rows]


async def test_reminder_stages_at_local_nine(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    occ = await _due_item(sessionmaker, ps)
    pair = [ps.mentor.user_id, ps.mentee.user_id]
    # Three days before, 08:59 in Moscow: nothing; 09:00: the pair is reminded.
    await _catch_up(sessionmaker, msk(date(2026, 12, 7), 8, 59))
    assert await plan_rows(sessionmaker) == []
    await _catch_up(sessionmaker, msk(date(2026, 12, 7), 9, 0))
    rows = await plan_rows(sessionmaker)
    assert _who(rows) == [("plan-remind-before", u) for u in pair]
    assert rows[0].due_at == msk(date(2026, 12, 7), 9, 0)
    assert rows[0].expires_at == msk(DUE, 9, 0)
    assert rows[0].ref_kind == "plan" and rows[0].ref_id == occ
    assert rows[0].args["title"] == "Открытый урок" and rows[0].args["due"] == "10.12.2026"
    # Running again says nothing twice.
    assert await _catch_up(sessionmaker, msk(date(2026, 12, 8), 12, 0)) == 0
    # On the day at 09:00; overdue to the pair the next day; to the curator 7 days after.
    await _catch_up(sessionmaker, msk(DUE, 9, 0))
    await _catch_up(sessionmaker, msk(DUE + timedelta(days=1), 8, 59))
    await _catch_up(sessionmaker, msk(DUE + timedelta(days=1), 9, 0))
    await _catch_up(sessionmaker, msk(DUE + timedelta(days=6), 9, 0))
    await _catch_up(sessionmaker, msk(DUE + timedelta(days=7), 9, 0))
    rows = await plan_rows(sessionmaker)
    assert _who(rows) == [
        *[("plan-remind-before", u) for u in pair],
        *[("plan-remind-today", u) for u in pair],
        *[("plan-overdue", u) for u in pair],
        ("plan-overdue-summary", ps.curator.user_id),
    ]
    # The curator's summary names the program, its pair, one item, 7 days overdue.
    assert rows[-1].args["programs"] == [[ps.program, "Молодой М", "Наставник Н", 1, 7]]
    assert "mentees" not in rows[0].args  # the pair's own reminders carry no names
    async with sessionmaker() as s:
        done = await s.get(PlanOccurrence, occ)
    assert done is not None and done.alert_stage == 4 and done.next_alert_at is None


async def test_curators_get_one_summary_a_day_for_all_overdue_programs(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    """Three programs with 3, 2 and 1 overdue items: each of the school's two curators gets
    one row listing each program once (most overdue first), not a row per item; a second
    run that day and the next days send them nothing more. The pair's flags stay per item."""
    async with seed(sessionmaker, NOW) as s:
        second = await s.member(ps.org, Person(40, "Cur2"), Role.CURATOR, name="Куратор Два")
        third_mentor = await s.member(ps.org, Person(22, "Men3"), Role.MENTOR, name="Третий Н")
        third = await s.program(ps.org, third_mentor, [ps.outsider])
        await s.session.execute(
            update(Program)
            .where(Program.id == third)
            .values(starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31), form="teacher_teacher")
        )
    mentors = {ps.program: ps.mentor, ps.other_program: ps.other_mentor, third: third_mentor}
    dues = {
        ps.program: [DUE, DUE, DUE + timedelta(days=1)],
        ps.other_program: [DUE - timedelta(days=2), DUE],
        third: [DUE],
    }
    for program_id, days in dues.items():
        for n, day in enumerate(days):
            await _add(
                sessionmaker,
                program_id,
                mentors[program_id].user_id,
                title=f"Пункт {n}",
                deadline_kind=DeadlineKind.DATE,
                deadline_spec={"date": day.isoformat()},
            )
    # A bot down since before the first deadline wakes up on 18.12 at 09:00: every item
    # is past the curators' stage at once (the 11.12 one is 7 days overdue that morning).
    moment = msk(date(2026, 12, 18), 9, 0)
    await _catch_up(sessionmaker, moment)
    rows = await plan_rows(sessionmaker, "plan-overdue-summary")
    assert sorted(r.user_id for r in rows) == sorted([ps.curator.user_id, second.user_id])
    for row in rows:
        assert row.args["programs"] == [
            [ps.other_program, "Другой Молодой", "Другой Наставник", 2, 10],
            [ps.program, "Молодой М", "Наставник Н", 3, 8],
            [third, "Без Пары", "Третий Н", 1, 8],
        ]
        assert row.args["count"] == 3 and row.args["items"] == 6
        assert row.dedupe_key == f"plan-overdue:{row.user_id}:2026-12-18"
    # Again the same day, and on later days: nothing new for anyone.
    assert await _catch_up(sessionmaker, moment + timedelta(minutes=1)) == 0
    assert await _catch_up(sessionmaker, moment + timedelta(days=3)) == 0
    assert len(await plan_rows(sessionmaker, "plan-overdue-summary")) == 2


async def test_a_later_tick_the_same_day_adds_only_the_new_programs(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    """The day's summary is written; an item that reaches the curators later that day
    (here: an earlier remind-at setting then the usual one) comes in an addendum listing
    only it, with a key of its own."""
    await _due_item(sessionmaker, ps)
    await _add(
        sessionmaker,
        ps.other_program,
        ps.other_mentor.user_id,
        title="Другой",
        deadline_kind=DeadlineKind.DATE,
        deadline_spec={"date": DUE.isoformat()},
    )
    day = DUE + timedelta(days=7)
    async with sessionmaker() as s, s.begin():
        await s.execute(
            update(PlanOccurrence)
            .where(PlanOccurrence.program_id == ps.other_program)
            .values(next_alert_at=msk(day, 12, 0), alert_stage=3)
        )
    await _catch_up(sessionmaker, msk(day, 9, 0))
    await _catch_up(sessionmaker, msk(day, 12, 0))
    first, addendum = await plan_rows(sessionmaker, "plan-overdue-summary")
    assert [p[0] for p in first.args["programs"]] == [ps.program]
    assert [p[0] for p in addendum.args["programs"]] == [ps.other_program]
    assert first.dedupe_key == f"plan-overdue:{ps.curator.user_id}:2026-12-17"
    assert addendum.dedupe_key.startswith(f"{first.dedupe_key}:")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_summary_text_fits_one_message(language: str) -> None:
    t = Locales().get(language)
    few = [[12, "Иванова А.", "Петров П.", 2, 7], [15, "Сидоров С.", "Петров П.", 1, 7]]
    text, markup = plan_summary.render(t, {"programs": few})
    assert ("№12 Иванова А." if language == "ru" else "#12 Иванова А.") in text
    assert "/plan #" not in text  # a button for each
    assert markup is not None
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == [
        PlanOpenCb(program_id=12).pack(),
        PlanOpenCb(program_id=15).pack(),
    ]
    # 300 programs with long names: one message, «and K more», /plan named, a few buttons.
    many = [[n, "Очень Длинная Фамилия " * 5, "Наставник " * 5, 3, 9] for n in range(1, 301)]
    text, markup = plan_summary.render(t, {"programs": many})
    assert len(split_text(text)) == 1
    assert ("…и ещё" if language == "ru" else "more programs") in text
    assert "/plan #1" in text
    assert markup is not None and len(markup.inline_keyboard) == plan_summary.BUTTONS


async def test_no_stale_stage_after_downtime(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    await _due_item(sessionmaker, ps)
    # The stage-1 row is written, then the bot is down until the day after the deadline.
    await _catch_up(sessionmaker, msk(date(2026, 12, 7), 9, 0))
    async with sessionmaker() as s, s.begin():
        assert await outbox.drop_expired(s, msk(DUE + timedelta(days=2), 10, 0)) == 2
    await _catch_up(sessionmaker, msk(DUE + timedelta(days=2), 10, 0))
    rows = await plan_rows(sessionmaker)
    kinds = [(r.kind, r.status) for r in rows]
    # "3 days before" is dropped unsent, "today" is never written: only the overdue flag.
    assert kinds == [
        ("plan-remind-before", "dropped"),
        ("plan-remind-before", "dropped"),
        ("plan-overdue", "pending"),
        ("plan-overdue", "pending"),
    ]
    # Down for a week more: straight to the curator, nothing for the pair again.
    await _catch_up(sessionmaker, msk(DUE + timedelta(days=20), 10, 0))
    assert [r.kind for r in await plan_rows(sessionmaker)][4:] == ["plan-overdue-summary"]


async def test_reminders_wait_for_the_end_of_quiet_hours(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    await _due_item(sessionmaker, ps)
    # Reminders set for 07:00, but the school is quiet until 08:00.
    await _catch_up(sessionmaker, msk(date(2026, 12, 7), 7, 0), remind_at=time(7, 0))
    rows = await plan_rows(sessionmaker)
    assert [r.due_at for r in rows] == [msk(date(2026, 12, 7), 8, 0)] * 2
    # With 07:00 set, a "today" reminder caught up in the quiet evening would only get
    # out after the overdue flag replaced it (07:00 < 08:00): it is not written at all.
    await _catch_up(sessionmaker, msk(DUE, 22, 30), remind_at=time(7, 0))
    assert [r.kind for r in await plan_rows(sessionmaker)] == ["plan-remind-before"] * 2


async def test_a_late_evening_catch_up_waits_for_the_morning(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    await _due_item(sessionmaker, ps)
    # First looked at 22:30 on the day (quiet from 21:00): the "today" reminder waits for
    # 08:00 and goes before the overdue flag takes over at 09:00.
    await _catch_up(sessionmaker, msk(DUE, 22, 30))
    rows = await plan_rows(sessionmaker)
    assert [r.kind for r in rows] == ["plan-remind-today"] * 2
    assert {r.due_at for r in rows} == {msk(DUE + timedelta(days=1), 8, 0)}
    assert {r.expires_at for r in rows} == {msk(DUE + timedelta(days=1), 9, 0)}


async def test_done_removed_and_ended_get_no_reminders(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    done = await _due_item(sessionmaker, ps)
    removed_item = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Убрать",
        deadline_kind="date",
        deadline_spec={"date": DUE.isoformat()},
    )
    ended = await _add(
        sessionmaker,
        ps.other_program,
        ps.other_mentor.user_id,
        title="Закончилась",
        deadline_kind="date",
        deadline_spec={"date": DUE.isoformat()},
    )
    await _catch_up(sessionmaker, msk(date(2026, 12, 7), 9, 0))
    assert (
        len(
            await plan_rows(sessionmaker, "plan-remind")
            + await plan_rows(sessionmaker, "plan-overdue")
        )
        == 6
    )
    async with sessionmaker() as s, s.begin():
        assert (await mark_done(s, done, ps.mentee.user_id, None, NOW))[0] == MarkResult.DONE
        await remove_item(s, await _program(s, ps.program), removed_item, None, NOW)
        (await _program(s, ps.other_program)).status = ProgramStatus.ENDED
    # The waiting reminders of the marked and the removed ones are cancelled.
    statuses = {(r.ref_id, r.status) for r in await plan_rows(sessionmaker)}
    assert (done, "cancelled") in statuses
    # The other side hears of the mark.
    (notice,) = await plan_rows(sessionmaker, "plan-done")
    assert notice.user_id == ps.mentor.user_id and notice.args["who"] == "Молодой М"
    await _catch_up(sessionmaker, msk(DUE, 9, 0))
    await _catch_up(sessionmaker, msk(DUE + timedelta(days=9), 9, 0))
    assert (
        len(
            await plan_rows(sessionmaker, "plan-remind")
            + await plan_rows(sessionmaker, "plan-overdue")
        )
        == 6
    )
    for occ in await _occurrences(sessionmaker, ended):
        assert occ.next_alert_at is None


async def test_each_school_at_its_own_nine(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    far = await build_plan_school(sessionmaker, NOW, timezone="Asia/Vladivostok", base=100)
    await _due_item(sessionmaker, ps)
    await _due_item(sessionmaker, far)
    # 09:00 in Vladivostok (UTC+10) is 23:00 UTC the evening before.
    vl_nine = datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    await _catch_up(sessionmaker, vl_nine - timedelta(minutes=1))
    assert await plan_rows(sessionmaker) == []
    await _catch_up(sessionmaker, vl_nine)
    rows = await plan_rows(sessionmaker)
    assert {r.user_id for r in rows} == {far.mentor.user_id, far.mentee.user_id}
    assert {r.due_at for r in rows} == {vl_nine}
    await _catch_up(sessionmaker, msk(date(2026, 12, 7), 8, 59))
    assert len(await plan_rows(sessionmaker)) == 2
    await _catch_up(sessionmaker, msk(date(2026, 12, 7), 9, 0))
    moscow = (await plan_rows(sessionmaker))[2:]
    assert {r.user_id for r in moscow} == {ps.mentor.user_id, ps.mentee.user_id}


async def _kinds_after(
    sm: async_sessionmaker[AsyncSession], moment: datetime, **policy: object
) -> list[str]:
    """The plan rows written by a catch-up at `moment`, one kind per row (the pair's two
    rows, or the curator's one)."""
    before = len(await plan_rows(sm))
    await _catch_up(sm, moment, **policy)
    return [r.kind for r in (await plan_rows(sm))[before:]]


async def test_a_deadline_on_a_sunday_is_reminded_on_working_days(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    sunday = date(2026, 12, 13)
    await _due_item(sessionmaker, ps, sunday)
    # One day before is a Saturday: the reminder goes on Friday at 09:00, and it is the
    # only one before the day: nothing on the weekend.
    assert await _kinds_after(sessionmaker, msk(date(2026, 12, 11), 8, 59), days_before=1) == []
    rows = await _kinds_after(sessionmaker, msk(date(2026, 12, 11), 9, 0), days_before=1)
    assert rows == ["plan-remind-before"] * 2
    last = (await plan_rows(sessionmaker))[-1]
    # It stays until Monday's overdue flag takes over (no "today" on the Sunday).
    assert last.expires_at == msk(date(2026, 12, 14), 9, 0)
    assert last.args["days"] == 2
    for day in (date(2026, 12, 12), sunday):
        assert await _kinds_after(sessionmaker, msk(day, 9, 0), days_before=1) == []
    # Overdue to the pair the next day, a Monday.
    rows = await _kinds_after(sessionmaker, msk(date(2026, 12, 14), 9, 0), days_before=1)
    assert rows == ["plan-overdue"] * 2
    # Seven days after is Sunday 20.12: the curator hears on Monday 21.12.
    assert await _kinds_after(sessionmaker, msk(date(2026, 12, 20), 9, 0), days_before=1) == []
    rows = await _kinds_after(sessionmaker, msk(date(2026, 12, 21), 9, 0), days_before=1)
    assert rows == ["plan-overdue-summary"]


async def test_a_deadline_on_a_school_holiday_is_reminded_on_working_days(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    calendar = default_calendar(2026)
    # The school's own days off: Monday 07.12 and Thursday 10.12 (the deadline), and
    # 17–18.12 (then the weekend).
    calendar["holidays"] = sorted([*calendar["holidays"], "2026-12-07", "2026-12-10"])
    calendar["days_off"] = [{"start": "2026-12-17", "end": "2026-12-18"}]
    async with sessionmaker() as s, s.begin():
        await s.execute(
            update(Organization).where(Organization.id == ps.org).values(calendar=calendar)
        )
    await _due_item(sessionmaker, ps)  # due Thursday 10.12
    # Three days before is the holiday 07.12: the reminder goes on Friday 04.12.
    assert await _kinds_after(sessionmaker, msk(date(2026, 12, 4), 8, 59)) == []
    rows = await _kinds_after(sessionmaker, msk(date(2026, 12, 4), 9, 0))
    assert rows == ["plan-remind-before"] * 2
    # Nothing on the holiday itself: the day's reminder is folded into Friday's.
    for day in (date(2026, 12, 7), DUE):
        assert await _kinds_after(sessionmaker, msk(day, 9, 0)) == []
    rows = await _kinds_after(sessionmaker, msk(date(2026, 12, 11), 9, 0))
    assert rows == ["plan-overdue"] * 2
    # The curator's day 17.12 is a day off, 18.12 too, then the weekend: Monday 21.12.
    for day in (date(2026, 12, 17), date(2026, 12, 18), date(2026, 12, 20)):
        assert await _kinds_after(sessionmaker, msk(day, 9, 0)) == []
    assert await _kinds_after(sessionmaker, msk(date(2026, 12, 21), 9, 0)) == [
        "plan-overdue-summary"
    ]


async def test_a_reminder_two_weeks_ahead_moves_back_over_the_new_year_holidays(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    await _due_item(sessionmaker, ps, date(2027, 1, 19))
    # 14 days before is 05.01, inside the New Year holidays (01–08.01): the reminder goes on
    # the last working day before them, Thursday 31.12, at 09:00, not on a holiday.
    assert await _kinds_after(sessionmaker, msk(date(2026, 12, 30), 9, 0), days_before=14) == []
    rows = await _kinds_after(sessionmaker, msk(date(2026, 12, 31), 9, 0), days_before=14)
    assert rows == ["plan-remind-before"] * 2
    assert (await plan_rows(sessionmaker))[-1].due_at == msk(date(2026, 12, 31), 9, 0)
    assert await _kinds_after(sessionmaker, msk(date(2027, 1, 5), 9, 0), days_before=14) == []


def test_stage_moments_follow_the_working_days() -> None:
    class Org:
        timezone = "Europe/Moscow"
        work_days = "1,2,3,4,5"
        work_start, work_end, quiet_start, quiet_end = "09:00", "18:00", "21:00", "08:00"
        calendar = default_calendar(2026)

    schedule = WorkSchedule.of(Org())
    policy = AlertPolicy(days_before=0)
    # A working day with no "before" reminder: the day, the next day, a week after.
    assert stage_moments(DUE, schedule, policy) == {
        2: msk(DUE, 9, 0),
        3: msk(date(2026, 12, 11), 9, 0),
        4: msk(date(2026, 12, 17), 9, 0),
    }
    # A Saturday with none either: the day's reminder is on Friday instead.
    assert stage_moments(date(2026, 12, 12), schedule, policy) == {
        1: msk(date(2026, 12, 11), 9, 0),
        3: msk(date(2026, 12, 14), 9, 0),
        4: msk(date(2026, 12, 21), 9, 0),
    }
    # A Friday with the curator told after 2 days: Monday is the pair's, Tuesday theirs.
    assert stage_moments(DUE + timedelta(days=1), schedule, AlertPolicy(0, time(9), 2)) == {
        2: msk(date(2026, 12, 11), 9, 0),
        3: msk(date(2026, 12, 14), 9, 0),
        4: msk(date(2026, 12, 15), 9, 0),
    }


# /plan at the dispatcher level -------------------------------------------------------


@pytest.fixture
async def school(client: BotClient) -> PlanSchool:
    return await build_plan_school(client.sessionmaker, client.clock.now())


def _exact(calls: list[Call], label: str) -> str:
    for call in reversed(calls):
        for text, data in call.buttons:
            if text == label:
                return data
    raise AssertionError(f"no button {label!r} in {[c.buttons for c in calls]}")


def _alert(client: BotClient, calls: list[Call]) -> str:
    answers = client.callback_answers(calls)
    assert answers, [c.name for c in calls]
    return answers[-1].text or ""


def _text(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.text)


async def _plan_occurrences(client: BotClient, program_id: int) -> list[PlanOccurrence]:
    async with client.sessionmaker() as s:
        rows = await s.scalars(
            select(PlanOccurrence)
            .where(PlanOccurrence.program_id == program_id)
            .order_by(PlanOccurrence.id)
        )
        return list(rows.all())


async def test_template_applied_and_items_marked_with_notes(
    client: BotClient, school: PlanSchool
) -> None:
    mentor, mentee = school.mentor.person, school.mentee.person
    calls = await client.send(mentor, "/plan")
    assert "План пока пуст" in _text(calls)
    calls = await client.press(mentor, client.button_data(calls, "📋 Дорожная карта"))
    assert "13 мероприятий" in _text(calls)
    calls = await client.send(mentee, "/plan")
    text = _text(calls)
    assert "Знакомство со школой" in text and "Оценка качества" in text
    # Taken on 23.11 in a program that began on 01.09: its first steps are due today,
    # nothing is overdue.
    assert "просрочено: 0" in text and "❗" not in text
    first = "требованиями к учителю <i>(Нормативно-правовое)</i> ⏳ до 23.11.2026"
    assert first in text
    assert "🔁 по мере необходимости" in text
    # The mentee marks item 1 with a note.
    calls = await client.press(mentee, _exact(calls, "✅ 1"))
    assert "Отметка о выполнении" in _text(calls)
    calls = await client.send(mentee, "Провели экскурсию по школе")
    assert "✅ Отмечено" in _text(calls)
    # The mentor hears of it.
    calls = await client.tick()
    assert "Провели экскурсию по школе" in client.last_text(mentor.id)
    # The mentor marks the second quarter's report of item 8 (recurring: the quarters
    # from the one under way), no note.
    calls = await client.send(mentor, "/plan")
    assert "8.1" in [text.removeprefix("✅ ") for c in calls for text, _ in c.buttons]
    calls = await client.press(mentor, _exact(calls, "✅ 8.1"))
    calls = await client.send(mentor, "-")
    assert "✅ Отмечено" in _text(calls)
    occs = await _plan_occurrences(client, school.program)
    done = [o for o in occs if o.done_at is not None]
    assert [(o.seq, o.note) for o in done] == [(1, "Провели экскурсию по школе"), (1, None)]
    assert [o.due_on for o in done] == [date(2026, 11, 23), date(2026, 12, 27)]
    calls = await client.send(mentee, "/plan")
    text = _text(calls)
    assert "Выполнено: 2" in text
    assert "✅ выполнено 23.11.2026: «Провели экскурсию по школе»" in text
    # The same button again: already done.
    calls = await client.press(mentor, _exact(client.sent_to(mentor.id), "✅ 8.1"))
    assert "уже отмечен" in _alert(client, calls)


async def test_plan_by_an_outsider_and_forged_buttons(
    client: BotClient, school: PlanSchool
) -> None:
    stranger = Person(999, "Stranger")
    calls = await client.send(stranger, "/plan")
    assert "План" not in _text(calls) and calls
    calls = await client.send(school.outsider.person, "/plan")
    assert "нет действующих программ" in _text(calls)
    # Someone else's program by number: the same answer as an unknown one.
    for who in (school.outsider.person, school.other_mentor.person):
        calls = await client.send(who, f"/plan #{school.program}")
        assert "не найдена" in _text(calls)
    async with client.sessionmaker() as s, s.begin():
        program = await s.get(Program, school.program)
        assert program is not None
        await apply_template(s, program, school.mentor.user_id, client.clock.now())
    occ = (await _plan_occurrences(client, school.program))[0]
    # Another pair's mentor forges the «done» button and the add and template buttons.
    forged = [
        PlanDoneCb(occ=occ.id).pack(),
        PlanAddCb(program_id=school.program).pack(),
        PlanTemplateCb(program_id=school.program).pack(),
    ]
    for data in forged:
        calls = await client.press(school.other_mentor.person, data)
        assert _alert(client, calls) == client.locales.get("ru")("not-allowed")
    # Even with a note step forged into its state, the mark is refused and nothing changes.
    key = StorageKey(bot_id=client.bot.id, chat_id=21, user_id=21)
    await client.dp.storage.set_state(key, PlanForm.note)
    await client.dp.storage.set_data(key, {"occ": occ.id})
    calls = await client.send(school.other_mentor.person, "сделано")
    assert "нельзя" in _text(calls)
    assert all(o.done_at is None for o in await _plan_occurrences(client, school.program))
    # The school's curator sees the plan, read-only.
    calls = await client.send(school.curator.person, f"/plan #{school.program}")
    assert "Знакомство со школой" in _text(calls)
    assert not [b for c in calls for b in c.buttons]


async def test_add_item_flow_refuses_bad_input(client: BotClient, school: PlanSchool) -> None:
    mentor = school.mentor.person
    calls = await client.send(mentor, "/plan")
    calls = await client.press(mentor, client.button_data(calls, "➕ Добавить пункт"))
    assert "Как он называется" in _text(calls)
    calls = await client.send(mentor, "   ")
    assert "Название пункта пустое" in _text(calls)
    calls = await client.send(mentor, "я" * 5000)
    assert "5000 символов, можно до 300" in _text(calls)
    calls = await client.send(mentor, "Открытый урок по теме «Дроби»")
    calls = await client.press(mentor, client.button_data(calls, "Методическое"))
    # The form of activity: too long is refused, then a good one.
    assert "Форма деятельности пункта" in _text(calls)
    calls = await client.send(mentor, "я" * 2001)
    assert "2001 символов, можно до 2000" in _text(calls)
    calls = await client.send(mentor, "Открытый урок, анализ урока")
    calls = await client.press(mentor, client.button_data(calls, "📅 К дате"))
    assert "Введите дату" in _text(calls)
    calls = await client.send(mentor, "31.02")
    assert "31.02" in _text(calls)
    calls = await client.send(mentor, "15.06.2027")
    assert "вне дат программы (01.09.2026 – 31.05.2027)" in _text(calls)
    # A day already past is refused (today is 23.11.2026), and asked again.
    calls = await client.send(mentor, "01.11.2026")
    assert "01.11.2026 уже прошло" in _text(calls)
    calls = await client.send(mentor, "15.12")
    assert "добавлен в план" in _text(calls)
    async with client.sessionmaker() as s:
        (line,) = await plan_of(s, school.program)
    assert line.item.title == "Открытый урок по теме «Дроби»" and line.item.direction == "method"
    assert line.item.activity_form == "Открытый урок, анализ урока"
    assert [o.due_on for o in line.occurrences] == [date(2026, 12, 15)]
    # A recurring item needs nothing typed.
    calls = await client.send(mentor, "/plan")
    calls = await client.press(mentor, client.button_data(calls, "➕ Добавить пункт"))
    calls = await client.send(mentor, "Отчёт куратору")
    calls = await client.press(mentor, client.button_data(calls, "Без направления"))
    calls = await client.send(mentor, "-")  # no form of activity
    calls = await client.press(mentor, client.button_data(calls, "🔁 Раз в полугодие"))
    assert "добавлен в план" in _text(calls)
    async with client.sessionmaker() as s:
        lines = await plan_of(s, school.program)
    assert lines[1].item.activity_form is None
    assert [o.due_on for o in lines[1].occurrences] == [date(2026, 12, 27), date(2027, 5, 26)]
    # «30 days after the start» of a program that began on 01.09 is past: refused, asked again.
    calls = await client.send(mentor, "/plan")
    calls = await client.press(mentor, client.button_data(calls, "➕ Добавить пункт"))
    calls = await client.send(mentor, "Беседа")
    calls = await client.press(mentor, client.button_data(calls, "Без направления"))
    calls = await client.send(mentor, "-")
    calls = await client.press(mentor, client.button_data(calls, "⏱ Через N дней"))
    calls = await client.send(mentor, "30")
    assert "30 дн. после начала программы — это 01.10.2026" in _text(calls)
    assert "Укажите не меньше 83 дн." in _text(calls)
    calls = await client.send(mentor, "90")
    assert "добавлен в план" in _text(calls)
    async with client.sessionmaker() as s:
        lines = await plan_of(s, school.program)
    assert [o.due_on for o in lines[2].occurrences] == [date(2026, 11, 30)]


async def test_reminder_button_marks_the_occurrence(client: BotClient, school: PlanSchool) -> None:
    async with client.sessionmaker() as s, s.begin():
        program = await s.get(Program, school.program)
        assert program is not None
        await add_item(
            s,
            program,
            school.mentor.user_id,
            client.clock.now(),
            title="Открытый урок",
            deadline_kind="date",
            deadline_spec={"date": "2026-12-10"},
        )
    catch_up = plan_catch_up(client.sessionmaker, client.clock, client.settings)
    client.clock.set(msk(date(2026, 12, 7), 9, 0))
    await catch_up()
    await client.tick()
    mentee = school.mentee.person
    assert "Через 3 дн. (10.12.2026)" in client.last_text(mentee.id)
    calls = await client.press(mentee, _exact(client.sent_to(mentee.id), "✅ Выполнено"))
    calls = await client.send(mentee, "Провела")
    assert "✅ Отмечено" in _text(calls)
    # Nothing more for it: the day comes and goes.
    client.clock.set(msk(date(2026, 12, 18), 9, 0))
    await catch_up()
    await client.tick()
    assert not [r for r in await plan_rows(client.sessionmaker, "plan-overdue")]


async def test_a_plan_change_after_acknowledgement_is_a_proposal(
    client: BotClient, school: PlanSchool
) -> None:
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(ProgramMentee)
            .where(ProgramMentee.program_id == school.program)
            .values(acknowledged_at=client.clock.now())
        )
    mentor = school.mentor.person
    calls = await client.send(mentor, "/plan")
    calls = await client.press(mentor, client.button_data(calls, "➕ Добавить пункт"))
    calls = await client.send(mentor, "Мастер-класс")
    calls = await client.press(mentor, client.button_data(calls, "ИКТ"))
    calls = await client.send(mentor, "Мастер-класс для коллег")
    calls = await client.press(mentor, client.button_data(calls, "📅 К дате"))
    # A deadline that does not fit is refused before anything is proposed.
    calls = await client.send(mentor, "01.08.2027")
    assert "вне дат программы" in _text(calls)
    calls = await client.send(mentor, "20.12")
    assert "нужно согласовать" in _text(calls)
    calls = await client.send(mentor, "Наставляемый попросил")
    assert "предложено" in _text(calls)
    async with client.sessionmaker() as s:
        assert await plan_of(s, school.program) == []
        proposal = await s.scalar(select(Proposal).where(Proposal.program_id == school.program))
    assert proposal is not None and proposal.reason == "Наставляемый попросил"
    assert proposal.payload["op"] == "add"
    # Everyone who must agree agrees: the item is in the plan.
    for voter in (school.mentee, school.curator):
        async with client.sessionmaker() as s, s.begin():
            await vote(s, proposal.id, voter.user_id, True, client.clock.now())
    async with client.sessionmaker() as s:
        (line,) = await plan_of(s, school.program)
    assert line.item.title == "Мастер-класс" and line.item.direction == "ict"
    assert line.item.activity_form == "Мастер-класс для коллег"
    assert [o.due_on for o in line.occurrences] == [date(2026, 12, 20)]


async def test_remove_an_item_by_its_number(client: BotClient, school: PlanSchool) -> None:
    async with client.sessionmaker() as s, s.begin():
        program = await s.get(Program, school.program)
        assert program is not None
        await apply_template(s, program, school.mentor.user_id, client.clock.now())
    mentee = school.mentee.person
    calls = await client.send(mentee, "/plan")
    calls = await client.press(mentee, client.button_data(calls, "🗑 Убрать пункт"))
    assert "Напишите его номер" in _text(calls)
    assert "✖️ Отмена" in [text for c in calls for text, _ in c.buttons]
    calls = await client.send(mentee, "42")
    assert "нет пункта с номером «42»" in _text(calls)
    assert "✖️ Отмена" in [text for c in calls for text, _ in c.buttons]
    # A number names the item and asks first: «Оставить» keeps it.
    calls = await client.send(mentee, "1")
    assert "Убрать пункт 1 «" in _text(calls)
    calls = await client.press(mentee, _exact(calls, "Оставить"))
    assert "остаётся в плане" in _text(calls)
    calls = await client.send(mentee, "/plan")
    calls = await client.press(mentee, client.button_data(calls, "🗑 Убрать пункт"))
    calls = await client.send(mentee, "12")
    assert "Убрать пункт 12 «Участие в аттестации наставляемого»" in _text(calls)
    calls = await client.press(mentee, _exact(calls, "🗑 Убрать"))
    assert "«Участие в аттестации наставляемого» убран" in _text(calls)
    # The number prompts' «Отмена» ends the flow, nothing removed.
    calls = await client.send(mentee, "/plan")
    calls = await client.press(mentee, client.button_data(calls, "🗑 Убрать пункт"))
    calls = await client.press(mentee, _exact(calls, "✖️ Отмена"))
    assert "Отменено" in _text(calls)
    calls = await client.send(mentee, "/plan")
    calls = await client.press(mentee, client.button_data(calls, "✏️ Изменить пункт"))
    calls = await client.press(mentee, _exact(calls, "✖️ Отмена"))
    assert "Отменено" in _text(calls)
    async with client.sessionmaker() as s:
        positions = [line.item.position for line in await plan_of(s, school.program)]
    assert 12 not in positions and len(positions) == 12
    # Another pair's mentor forging «Убрать» for an item of this plan: refused.
    from bot.keyboards.plan import PlanDropCb

    first = (await _plan_occurrences(client, school.program))[0].item_id
    forged = PlanDropCb(item=first, confirm=True).pack()
    calls = await client.press(school.other_mentor.person, forged)
    assert _alert(client, calls) == client.locales.get("ru")("not-allowed")
    async with client.sessionmaker() as s:
        assert len(await plan_of(s, school.program)) == 12
    # Once «ознакомлен» is confirmed, removing is a proposal with a reason.
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(ProgramMentee)
            .where(ProgramMentee.program_id == school.program)
            .values(acknowledged_at=client.clock.now())
        )
    calls = await client.send(mentee, "/plan")
    calls = await client.press(mentee, client.button_data(calls, "🗑 Убрать пункт"))
    calls = await client.send(mentee, "11")
    calls = await client.press(mentee, _exact(calls, "🗑 Убрать"))
    assert "нужно согласовать" in _text(calls)
    calls = await client.send(mentee, "Курсы перенесли на следующий год")
    assert "предложено" in _text(calls)
    async with client.sessionmaker() as s:
        proposal = await s.scalar(select(Proposal).where(Proposal.program_id == school.program))
        assert len(await plan_of(s, school.program)) == 12
    assert proposal is not None and proposal.payload["op"] == "remove"


async def test_a_curators_plan_offers_the_schools_programs(
    client: BotClient, school: PlanSchool
) -> None:
    calls = await client.send(school.curator.person, "/plan")
    labels = [text for c in calls for text, _ in c.buttons]
    assert f"Молодой М. · Наставник · #{school.program}" in labels
    calls = await client.press(
        school.curator.person, PlanOpenCb(program_id=school.other_program).pack()
    )
    assert f"План программы №{school.other_program}" in _text(calls)
    # Another school's curator: none of these.
    other = await build_plan_school(client.sessionmaker, client.clock.now(), base=100)
    calls = await client.send(other.curator.person, "/plan")
    assert not any(f"#{school.program}" in t for c in calls for t, _ in c.buttons)
    calls = await client.press(other.curator.person, PlanOpenCb(program_id=school.program).pack())
    assert _alert(client, calls) == client.locales.get("ru")("not-allowed")


async def test_an_agreed_extension_refits_the_plan(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    async with sessionmaker() as s, s.begin():
        await apply_template(s, await _program(s, ps.program), ps.mentor.user_id, NOW)
    async with sessionmaker() as s, s.begin():
        proposal = await propose(
            s,
            program_id=ps.program,
            kind=ProposalKind.EXTEND,
            proposer_id=ps.curator.user_id,
            reason="Летняя практика",
            payload={"ends_on": "2027-08-31"},
            now=NOW,
        )
    for voter in (ps.mentor, ps.mentee):
        async with sessionmaker() as s, s.begin():
            await vote(s, proposal.id, voter.user_id, True, NOW)
    async with sessionmaker() as s:
        program = await _program(s, ps.program)
        lines = {line.item.position: line for line in await plan_of(s, ps.program)}
    assert program.ends_on == date(2027, 8, 31)
    # The final evaluation moved with the end.
    assert [o.due_on for o in lines[13].occurrences] == [date(2027, 8, 31)]


async def _dated_item(client: BotClient, school: PlanSchool, due: str = "2026-12-10") -> int:
    async with client.sessionmaker() as s, s.begin():
        program = await s.get(Program, school.program)
        assert program is not None
        item = await add_item(
            s,
            program,
            school.mentor.user_id,
            client.clock.now(),
            title="Открытый урок",
            deadline_kind="date",
            deadline_spec={"date": due},
        )
        return item.id


async def _start_edit(client: BotClient, who: Person, number: str, field: str) -> list[Call]:
    calls = await client.send(who, "/plan")
    calls = await client.press(who, client.button_data(calls, "✏️ Изменить пункт"))
    calls = await client.send(who, number)
    return await client.press(who, client.button_data(calls, field))


async def _item(client: BotClient, item_id: int) -> PlanItem:
    async with client.sessionmaker() as s:
        item = await s.get(PlanItem, item_id)
        assert item is not None
        return item


async def test_edit_an_item_field_by_field(client: BotClient, school: PlanSchool) -> None:
    item_id = await _dated_item(client, school)
    mentor, mentee = school.mentor.person, school.mentee.person
    calls = await client.send(mentor, "/plan")
    calls = await client.press(mentor, client.button_data(calls, "✏️ Изменить пункт"))
    assert "Какой пункт плана программы" in _text(calls)
    calls = await client.send(mentor, "7")
    assert "нет пункта с номером «7»" in _text(calls)
    calls = await client.send(mentor, "1")
    assert "Пункт 1: «Открытый урок». Что изменить?" in _text(calls)
    assert [text for c in calls for text, _ in c.buttons] == [
        "Название",
        "Направление",
        "Форма деятельности",
        "Срок",
        "Ожидаемый результат",
        "Критерии",
    ]
    # The title: empty and 5,000 characters are refused, then a good one applies.
    calls = await client.press(mentor, client.button_data(calls, "Название"))
    assert "вместо «Открытый урок»" in _text(calls)
    calls = await client.send(mentor, "   ")
    assert "Название пункта пустое" in _text(calls)
    calls = await client.send(mentor, "я" * 5000)
    assert "5000 символов, можно до 300" in _text(calls)
    calls = await client.send(mentor, "Открытый урок по дробям")
    assert "Пункт 1 «Открытый урок по дробям»" in _text(calls) and "изменён" in _text(calls)
    # The deadline: outside the program is refused, then it moves; reminders follow it.
    calls = await _start_edit(client, mentee, "1", "Срок")
    calls = await client.press(mentee, client.button_data(calls, "📅 К дате"))
    calls = await client.send(mentee, "15.06.2027")
    assert "вне дат программы (01.09.2026 – 31.05.2027)" in _text(calls)
    calls = await client.send(mentee, "17.12")
    assert "изменён" in _text(calls)
    occs = await _plan_occurrences(client, school.program)
    assert [(o.due_on, o.done_at) for o in occs] == [(date(2026, 12, 17), None)]
    # The direction, the expected result and the criteria.
    calls = await _start_edit(client, mentor, "1", "Направление")
    assert "без направления" in _text(calls)
    calls = await client.press(mentor, client.button_data(calls, "Методическое"))
    assert "изменён" in _text(calls)
    calls = await _start_edit(client, mentor, "1", "Ожидаемый результат")
    assert "сейчас: не задано" in _text(calls)
    await client.send(mentor, "Урок проведён и разобран")
    await _start_edit(client, mentor, "1", "Критерии")
    await client.send(mentor, "Отзывы коллег")
    calls = await _start_edit(client, mentor, "1", "Форма деятельности")
    assert "Форма деятельности сейчас: не задано" in _text(calls)
    calls = await client.send(mentor, "Открытый урок и его анализ")
    assert "изменён" in _text(calls)
    item = await _item(client, item_id)
    assert (item.title, item.direction, item.expected_result, item.criteria) == (
        "Открытый урок по дробям",
        "method",
        "Урок проведён и разобран",
        "Отзывы коллег",
    )
    assert item.activity_form == "Открытый урок и его анализ"
    # "-" clears a text; /cancel leaves without a change.
    await _start_edit(client, mentor, "1", "Критерии")
    await client.send(mentor, "-")
    await _start_edit(client, mentor, "1", "Название")
    calls = await client.send(mentor, "/cancel")
    assert "Отменено" in _text(calls)
    await client.send(mentor, "Другое название")
    item = await _item(client, item_id)
    assert item.criteria is None and item.title == "Открытый урок по дробям"
    async with client.sessionmaker() as s:
        logged = (
            await s.scalars(
                select(AuditEntry).where(
                    AuditEntry.program_id == school.program, AuditEntry.action == "plan-changed"
                )
            )
        ).all()
    assert len(logged) == 7


async def test_forged_edit_buttons_do_nothing(client: BotClient, school: PlanSchool) -> None:
    item_id = await _dated_item(client, school)
    other = school.other_mentor.person
    deny = client.locales.get("ru")("not-allowed")
    for data in (
        PlanEditCb(program_id=school.program).pack(),
        PlanFieldCb(item=item_id, field="title").pack(),
        PlanFieldCb(item=item_id, field="deadline").pack(),
    ):
        calls = await client.press(other, data)
        assert _alert(client, calls) == deny
    # A field that does not exist, pressed by the pair itself.
    calls = await client.press(
        school.mentor.person, PlanFieldCb(item=item_id, field="risks").pack()
    )
    assert _alert(client, calls) == deny
    # An edit step forged into another mentor's state changes nothing.
    key = StorageKey(bot_id=client.bot.id, chat_id=21, user_id=21)
    await client.dp.storage.set_state(key, PlanForm.edit_text)
    await client.dp.storage.set_data(
        key, {"program": school.program, "edit": item_id, "field": "title"}
    )
    calls = await client.send(other, "Чужое название")
    assert _text(calls) == deny
    assert (await _item(client, item_id)).title == "Открытый урок"
    # A removed item's field button: refused.
    async with client.sessionmaker() as s, s.begin():
        program = await s.get(Program, school.program)
        assert program is not None
        await remove_item(s, program, item_id, school.mentor.user_id, client.clock.now())
    calls = await client.press(
        school.mentor.person, PlanFieldCb(item=item_id, field="title").pack()
    )
    assert _alert(client, calls) == deny


async def test_an_edit_after_acknowledgement_is_a_proposal(
    client: BotClient, school: PlanSchool
) -> None:
    item_id = await _dated_item(client, school)
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(ProgramMentee)
            .where(ProgramMentee.program_id == school.program)
            .values(acknowledged_at=client.clock.now())
        )
    mentor = school.mentor.person
    calls = await _start_edit(client, mentor, "1", "Срок")
    calls = await client.press(mentor, client.button_data(calls, "📅 К дате"))
    calls = await client.send(mentor, "01.08.2027")
    assert "вне дат программы" in _text(calls)
    calls = await client.send(mentor, "20.12")
    assert "нужно согласовать" in _text(calls)
    calls = await client.send(mentor, "Урок перенесли")
    assert "предложено" in _text(calls)
    async with client.sessionmaker() as s:
        proposal = await s.scalar(select(Proposal).where(Proposal.program_id == school.program))
    assert proposal is not None and proposal.reason == "Урок перенесли"
    assert proposal.payload["op"] == "edit" and proposal.payload["item_id"] == item_id
    assert proposal.payload["summary"] == "пункт 1 «Открытый урок», новый срок: 20.12.2026"
    # Nothing changes until everyone agrees; the mentee is asked with the summary.
    occs = await _plan_occurrences(client, school.program)
    assert [o.due_on for o in occs] == [date(2026, 12, 10)]
    await client.tick()
    assert "новый срок: 20.12.2026" in client.last_text(school.mentee.person.id)
    for voter in (school.mentee, school.curator):
        async with client.sessionmaker() as s, s.begin():
            await vote(s, proposal.id, voter.user_id, True, client.clock.now())
    occs = await _plan_occurrences(client, school.program)
    assert [o.due_on for o in occs if o.done_at is None] == [date(2026, 12, 20)]
    # A title edit the same way, refused up front when empty.
    calls = await _start_edit(client, mentor, "1", "Название")
    calls = await client.send(mentor, "я" * 5000)
    assert "5000 символов" in _text(calls)
    calls = await client.send(mentor, "Урок по дробям")
    assert "нужно согласовать" in _text(calls)
    assert (await _item(client, item_id)).title == "Открытый урок"
    # The form of activity the same way: the proposal names it.
    await client.send(mentor, "/cancel")
    await _start_edit(client, mentor, "1", "Форма деятельности")
    calls = await client.send(mentor, "Беседа")
    assert "нужно согласовать" in _text(calls)
    calls = await client.send(mentor, "Так удобнее")
    assert "предложено" in _text(calls)
    async with client.sessionmaker() as s:
        last = await s.scalar(
            select(Proposal)
            .where(Proposal.program_id == school.program)
            .order_by(Proposal.id.desc())
        )
    assert last is not None and last.payload["changes"] == {"activity_form": "Беседа"}
    assert last.payload["summary"] == "пункт 1 «Открытый урок», новая форма деятельности: Беседа"
    assert (await _item(client, item_id)).activity_form is None


# Review findings 10 and 15b: short button labels, one set of direction names -------------


async def test_plan_buttons_are_short_and_directions_read_as_in_the_profile(
    client: BotClient, school: PlanSchool
) -> None:
    from models.people import User

    mentor = school.mentor.person
    calls = await client.send(mentor, "/plan")
    labels = [text for c in calls for text, _ in c.buttons]
    assert "📋 Дорожная карта" in labels
    calls = await client.press(mentor, client.button_data(calls, "➕ Добавить пункт"))
    calls = await client.send(mentor, "Классный час")
    labels = [text for c in calls for text, _ in c.buttons]
    assert "Воспитательная работа" in labels
    assert max(len(label) for label in labels) <= 25, labels
    calls = await client.press(mentor, _exact(calls, "Воспитательная работа"))
    calls = await client.send(mentor, "-")
    labels = [text for c in calls for text, _ in c.buttons]
    assert "💬 По мере вопросов" in labels
    assert max(len(label) for label in labels) <= 25, labels
    calls = await client.press(mentor, _exact(calls, "💬 По мере вопросов"))
    # The list names the direction in full, as /profile does.
    calls = await client.send(mentor, "/plan")
    assert "Классный час <i>(Внеурочная и воспитательная работа)</i>" in _text(calls)
    # In English too: the names of /profile, not a raw value.
    async with client.sessionmaker() as s, s.begin():
        await s.execute(update(User).where(User.id == school.mentor.user_id).values(language="en"))
        program = await s.get(Program, school.program)
        assert program is not None
        await add_item(
            s,
            program,
            school.mentor.user_id,
            client.clock.now(),
            title="The law on education",
            direction="legal",
            deadline_kind="as_needed",
            deadline_spec={},
        )
    calls = await client.send(mentor, "/plan")
    text = _text(calls)
    assert "The law on education <i>(Normative and legal)</i>" in text
    assert "normative-legal" not in text
    calls = await client.press(mentor, client.button_data(calls, "➕ Add an item"))
    calls = await client.send(mentor, "Class hour")
    labels = [text for c in calls for text, _ in c.buttons]
    assert "Upbringing work" in labels and "Normative and legal" in labels


# New program dates and the marks already reminded of ------------------------------------


async def _set_end(
    sm: async_sessionmaker[AsyncSession], program_id: int, ends_on: date, at: datetime
) -> int:
    async with sm() as s, s.begin():
        program = await _program(s, program_id)
        program.ends_on = ends_on
        await s.flush()
        return await refit(s, program, None, at)


async def test_new_dates_do_not_repeat_what_an_open_mark_was_told(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # A quarterly report, the 1st quarter (to 24.10) left undone: the pair is told on
    # Monday 26.10 it is overdue. Extended to the end of June the same morning, the
    # 4th quarter grows; the 1st quarter's mark stays as it was and nobody hears of it
    # again the next morning.
    school = await build_plan_school(sessionmaker, NOW, ends_on=date(2027, 4, 30))
    item_id = await _add(
        sessionmaker,
        school.program,
        school.mentor.user_id,
        at=START,
        title="Отчёт",
        deadline_kind="recurring",
        deadline_spec={"every": "quarter"},
    )
    before = await _occurrences(sessionmaker, item_id)
    await _catch_up(sessionmaker, msk(date(2026, 10, 26), 9, 5))
    told = await plan_rows(sessionmaker, "plan-overdue")
    assert [(r.ref_id, r.user_id) for r in told] == [
        (before[0].id, school.mentor.user_id),
        (before[0].id, school.mentee.user_id),
    ]
    assert await _set_end(sessionmaker, school.program, date(2027, 6, 30), NOW) == 1
    await _catch_up(sessionmaker, msk(date(2026, 10, 27), 9, 5))
    rows = await plan_rows(sessionmaker, "plan-overdue")
    assert [(r.ref_id, r.user_id, r.status) for r in rows] == [
        (r.ref_id, r.user_id, r.status) for r in told
    ]
    after = await _occurrences(sessionmaker, item_id)
    assert [(o.id, o.seq) for o in after[:3]] == [(o.id, o.seq) for o in before[:3]]
    assert (after[-1].window_start, after[-1].due_on) == (date(2027, 3, 30), date(2027, 5, 26))
    assert after[-1].id != before[-1].id
    # Shortened again to the end of April: the 4th quarter's mark goes, the rest stay.
    await _set_end(sessionmaker, school.program, date(2027, 4, 30), NOW)
    again = await _occurrences(sessionmaker, item_id)
    assert [o.id for o in again[:3]] == [o.id for o in before[:3]]
    assert [o.due_on for o in again] == [o.due_on for o in before]


async def test_shortening_keeps_a_half_year_already_done(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    item_id = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        at=START,
        title="Отчёт за полугодие",
        deadline_kind="recurring",
        deadline_spec={"every": "half_year"},
    )
    first, second = await _occurrences(sessionmaker, item_id)
    async with sessionmaker() as s, s.begin():
        result, _ = await mark_done(s, second.id, ps.mentee.user_id, "сдан", NOW)
    assert result == MarkResult.DONE
    # The program now ends on 15.05, before the half-year's 26.05: the half-year is done.
    assert await _set_end(sessionmaker, ps.program, date(2027, 5, 15), NOW) == 0
    occs = await _occurrences(sessionmaker, item_id)
    assert [(o.id, o.due_on, o.done_at is not None) for o in occs] == [
        (first.id, date(2026, 12, 27), False),
        (second.id, date(2027, 5, 26), True),
    ]
    async with sessionmaker() as s:
        assert (await progress(s, ps.program, date(2026, 11, 23)))[0:2] == (1, 0)


async def test_shortening_drops_the_scheduled_days_outside_the_program(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    item_id = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Семинары",
        deadline_kind="schedule",
        deadline_spec={"dates": ["2026-12-01", "2027-03-01", "2027-05-01"]},
    )
    late = await _add(
        sessionmaker,
        ps.program,
        ps.mentor.user_id,
        title="Весенние семинары",
        deadline_kind="schedule",
        deadline_spec={"dates": ["2027-03-01", "2027-05-01"]},
    )
    (first, *_) = await _occurrences(sessionmaker, item_id)
    # Ended on 01.02: one mark on 01.12, none piled onto 01.02; a schedule with no day
    # left inside gets one mark at the new end.
    await _set_end(sessionmaker, ps.program, date(2027, 2, 1), NOW)
    occs = await _occurrences(sessionmaker, item_id)
    assert [(o.id, o.due_on) for o in occs] == [(first.id, date(2026, 12, 1))]
    assert [o.due_on for o in await _occurrences(sessionmaker, late)] == [date(2027, 2, 1)]
    # Extended again: the days of the schedule come back.
    await _set_end(sessionmaker, ps.program, date(2027, 5, 31), NOW)
    occs = await _occurrences(sessionmaker, item_id)
    assert [o.due_on for o in occs] == [date(2026, 12, 1), date(2027, 3, 1), date(2027, 5, 1)]
    assert occs[0].id == first.id
    assert [o.due_on for o in await _occurrences(sessionmaker, late)] == [
        date(2027, 3, 1),
        date(2027, 5, 1),
    ]


async def test_the_templates_first_quarter_is_the_one_running(
    sessionmaker: async_sessionmaker[AsyncSession], ps: PlanSchool
) -> None:
    # A program of 20.12.2026–19.12.2027 taken on 21.12: the 2nd quarter (to 27.12) is
    # running, not the 1st quarter of the next school year.
    school = await build_plan_school(
        sessionmaker, NOW, starts_on=date(2026, 12, 20), ends_on=date(2027, 12, 19), base=100
    )
    taken = msk(date(2026, 12, 21), 12)
    async with sessionmaker() as s, s.begin():
        await apply_template(s, await _program(s, school.program), school.mentor.user_id, taken)
    async with sessionmaker() as s:
        by_pos = {line.item.position: line for line in await plan_of(s, school.program)}
    (quarter,) = by_pos[3].occurrences
    assert (quarter.window_start, quarter.due_on) == (date(2026, 12, 20), date(2026, 12, 27))
    assert by_pos[3].item.deadline_spec == {"quarter": 2, "year": 2026}
    # A program from 01.09 names the year of its 1st quarter: an extension past the next
    # September does not move it there.
    async with sessionmaker() as s, s.begin():
        await apply_template(s, await _program(s, ps.program), ps.mentor.user_id, START)
    async with sessionmaker() as s:
        by_pos = {line.item.position: line for line in await plan_of(s, ps.program)}
    assert by_pos[3].item.deadline_spec == {"quarter": 1, "year": 2026}


# Review finding 16b: a program that has ended ------------------------------------------


async def test_an_ended_programs_plan_is_read_only_and_says_so(
    client: BotClient, school: PlanSchool
) -> None:
    mentor, mentee = school.mentor.person, school.mentee.person
    async with client.sessionmaker() as s, s.begin():
        program = await s.get(Program, school.program)
        assert program is not None
        await apply_template(s, program, school.mentor.user_id, client.clock.now())
    calls = await client.send(mentee, "/plan")
    mark = _exact(calls, "✅ 1")
    add = client.button_data(calls, "➕ Добавить пункт")
    calls = await client.press(mentee, mark)
    assert "Отметка о выполнении" in _text(calls)
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(Program).where(Program.id == school.program).values(status=ProgramStatus.ENDED)
        )
    # The program ended while the note was being written.
    calls = await client.send(mentee, "Провели экскурсию")
    assert _text(calls) == "Программа завершена."
    # The old buttons under the plan: the program has ended, not «not allowed».
    for who, data in ((mentee, mark), (mentor, add)):
        calls = await client.press(who, data)
        assert _alert(client, calls) == "Программа завершена."
    # Someone else still gets the plain refusal.
    calls = await client.press(school.other_mentor.person, mark)
    assert _alert(client, calls) == client.locales.get("ru")("not-allowed")
    # /plan shows the plan of the ended program, read-only.
    calls = await client.send(mentee, "/plan")
    text = _text(calls)
    assert f"План программы №{school.program}" in text
    assert "план только для просмотра" in text and "Знакомство со школой" in text
    assert "плана пока нет" not in text
    assert not [b for c in calls for b in c.buttons]
