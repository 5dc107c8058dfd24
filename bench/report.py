"""Benchmark: /report figures over 500 schools, 20,000 teachers and 200,000 past questions.

The dataset (``build_dataset``) is written with bulk inserts into a migrated database:
per school one curator and the rest mentors and mentees (about 1 : 2), programs of one
or two mentees (a few groups, a few mentees left without a mentor), questions spread over
15 months (1 Sep 2025 → today, 23 Nov 2026; 2 % merged, 10 % reminded, 3 % escalated,
90 % answered with their working minutes), 10 meetings, 8 plan items with 16 occurrences
per program, and quarterly surveys of every program's mentor and mentees for five
quarters (70 % answered, two or three scored characteristics each). On SQLite the file is
cached as ``bench/.data/report-<schools>-<teachers>-<questions>-v<DATASET_VERSION>.db``
(delete it, or pass ``--rebuild``, after changing the generator or the schema).

Then it times, on the app's own engine (models/db.py: aiosqlite and its pragmas):
- one school's ``summary`` (the current quarter: the curator's plain ``/report``), over
  ``--runs`` different schools, median and p90;
- the admin's ``rollup`` (every school, the current quarter);
- ``chart_series`` of one school;
each beside one hand-written SQL aggregate over the same data (the count of that school's
questions in the quarter; the count of questions per school in the quarter), with the
ratio and the number of SQL statements. Asserts nothing.

    python -m bench.report [--schools 500] [--teachers 20000] [--questions 200000]
                           [--runs 20] [--rebuild] [--database-url URL | --postgres]

For helper D (/export timing): ``build_dataset(url, schools, teachers, questions)`` writes
the dataset into a migrated database at ``url`` and returns a ``Dataset`` (org ids,
counts); ``dataset_file(schools, teachers, questions)`` returns the cached SQLite file,
building it when missing; ``NOW`` is the dataset's "today".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.pg import throwaway_database
from bench.questions import SqlCounter
from models.calendar import default_calendar
from models.db import create_engine, create_sessionmaker
from models.meetings import Meeting
from models.migrate import upgrade
from models.people import Membership, Organization, Profile, Role, User
from models.plans import PlanItem, PlanOccurrence
from models.programs import Program, ProgramMentee
from models.questions import Question
from models.reports import chart_series, rollup, scope_for, summary
from models.surveys import CHARACTERISTICS, SurveyAnswer, SurveyAssignment

DATASET_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / ".data"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday, 12:00 in Moscow; 2026/27-Q2
FIRST_DAY = datetime(2025, 9, 1, 5, 0, tzinfo=UTC)
PERIODS = ["2025/26-Q1", "2025/26-Q2", "2025/26-Q3", "2025/26-Q4", "2026/27-Q1"]
ZONES = ["Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Novosibirsk"]
CHUNK = 2000


@dataclass
class Dataset:
    org_ids: list[int]
    counts: dict[str, int] = field(default_factory=dict)


async def _bulk(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    table = model.__table__
    ids: list[int] = []
    for first in range(0, len(rows), CHUNK):
        chunk = rows[first : first + CHUNK]
        if "id" in table.c and "id" not in chunk[0]:
            result = await session.execute(insert(table).returning(table.c.id), chunk)
            ids.extend(result.scalars().all())
        else:
            await session.execute(insert(table), chunk)
    return ids


async def build_dataset(
    database_url: str, schools: int = 500, teachers: int = 20_000, questions: int = 200_000
) -> Dataset:
    """Write the dataset into the migrated database at `database_url`."""
    rng = random.Random(15)
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    per_school = max(teachers // schools, 4)
    created = FIRST_DAY - timedelta(days=30)
    counts: dict[str, int] = {}
    async with sessionmaker() as session, session.begin():
        org_ids = await _bulk(
            session,
            Organization,
            [
                {
                    "name": f"Школа №{n + 1}",
                    "timezone": ZONES[n % len(ZONES)],
                    "calendar": default_calendar(2026),
                    "created_at": created,
                }
                for n in range(schools)
            ],
        )
        user_ids = await _bulk(
            session,
            User,
            [
                {
                    "tg_id": 50_000_000 + n,
                    "full_name": f"Учитель {n}",
                    "language": "ru",
                    "reachable": rng.random() > 0.01,
                    "created_at": created,
                }
                for n in range(schools * per_school)
            ],
        )
        await _bulk(
            session,
            Profile,
            [
                {"user_id": u, "experience_years": rng.randrange(0, 30), "updated_at": created}
                for u in user_ids
            ],
        )
        memberships: list[dict[str, Any]] = []
        programs: list[dict[str, Any]] = []
        program_people: list[tuple[int, int, list[int]]] = []  # org, mentor, mentees
        for s, org_id in enumerate(org_ids):
            people = user_ids[s * per_school : (s + 1) * per_school]
            curator, rest = people[0], people[1:]
            mentors = rest[: len(rest) // 3]
            mentees = rest[len(rest) // 3 :]
            memberships.append(
                {"user_id": curator, "org_id": org_id, "role": Role.CURATOR, "created_at": created}
            )
            memberships += [
                {"user_id": u, "org_id": org_id, "role": Role.MENTOR, "created_at": created}
                for u in mentors
            ]
            memberships += [
                {"user_id": u, "org_id": org_id, "role": Role.MENTEE, "created_at": created}
                for u in mentees
            ]
            queue = list(mentees[: len(mentees) - 2])  # two mentees per school have no mentor
            for m, mentor in enumerate(mentors):
                take = 3 if m % 6 == 0 else 2 if m % 2 else 1
                group, queue = queue[:take], queue[take:]
                if not group:
                    break
                start = date(2025, 9, 1) + timedelta(days=rng.randrange(400))
                ended = m % 7 == 0
                programs.append(
                    {
                        "org_id": org_id,
                        "mentor_id": mentor,
                        "form": "traditional" if m % 3 else "situational",
                        "mode": "mixed",
                        "starts_on": start,
                        "ends_on": start + timedelta(days=365),
                        "status": "ended" if ended else "active",
                        "created_by": curator,
                        "created_at": created,
                        "decided_at": created,
                        "ended_at": NOW - timedelta(days=rng.randrange(1, 60)) if ended else None,
                        "end_reason": ("completed" if m % 2 else "agreement") if ended else None,
                    }
                )
                program_people.append((org_id, mentor, group))
        await _bulk(session, Membership, memberships)
        program_ids = await _bulk(session, Program, programs)
        await _bulk(
            session,
            ProgramMentee,
            [
                {"program_id": pid, "mentee_id": u, "acknowledged_at": created}
                for pid, (_, _, group) in zip(program_ids, program_people, strict=True)
                for u in group
            ],
        )
        counts.update(
            organizations=len(org_ids),
            users=len(user_ids),
            programs=len(program_ids),
        )

        span = (NOW - FIRST_DAY).total_seconds()
        question_rows: list[dict[str, Any]] = []
        numbers: dict[int, int] = {}
        for n in range(questions):
            p = rng.randrange(len(program_ids))
            org_id, mentor, group = program_people[p]
            numbers[org_id] = numbers.get(org_id, 0) + 1
            asked = FIRST_DAY + timedelta(seconds=rng.random() * span)
            answered = rng.random() < 0.9 and asked < NOW - timedelta(hours=6)
            minutes = rng.randrange(5, 1500)
            roll = rng.random()
            question_rows.append(
                {
                    "org_id": org_id,
                    "number": numbers[org_id],
                    "mentee_id": group[n % len(group)],
                    "program_id": program_ids[p],
                    "mentor_id": mentor,
                    "owner_id": mentor,
                    "status": "merged" if roll < 0.02 else "answered" if answered else "open",
                    "kind": "text",
                    "preview": None,
                    "created_at": asked,
                    "asked_at": asked,
                    "first_answer_at": asked + timedelta(minutes=minutes) if answered else None,
                    "response_minutes": minutes if answered else None,
                    "reminded_at": asked + timedelta(hours=4) if roll < 0.12 else None,
                    "escalated_at": asked + timedelta(hours=24) if roll < 0.05 else None,
                }
            )
        await _bulk(session, Question, question_rows)
        counts["questions"] = len(question_rows)
        del question_rows

        meetings, items = [], []
        for pid, (org_id, mentor, _) in zip(program_ids, program_people, strict=True):
            for k in range(10):
                starts = FIRST_DAY + timedelta(days=rng.randrange(450), hours=rng.randrange(8))
                past = starts < NOW
                meetings.append(
                    {
                        "program_id": pid,
                        "org_id": org_id,
                        "proposed_by": mentor,
                        "starts_at": starts,
                        "mode": "offline",
                        "status": "cancelled" if k == 9 else "confirmed",
                        "held": (rng.random() < 0.8) if past and k != 9 else None,
                        "created_at": created,
                    }
                )
            for position in range(8):
                items.append(
                    {
                        "program_id": pid,
                        "position": position,
                        "title": f"Мероприятие {position + 1}",
                        "deadline_kind": "schedule",
                        "deadline_spec": {},
                        "created_at": created,
                    }
                )
        await _bulk(session, Meeting, meetings)
        item_ids = await _bulk(session, PlanItem, items)
        occurrences = []
        for n, item_id in enumerate(item_ids):
            for seq in (1, 2):
                due = FIRST_DAY.date() + timedelta(days=rng.randrange(450))
                done = rng.random() < (0.8 if due < NOW.date() else 0.1)
                occurrences.append(
                    {
                        "item_id": item_id,
                        "program_id": program_ids[n // 8],
                        "seq": seq,
                        "due_on": due,
                        "done_at": datetime.combine(due, datetime.min.time(), UTC)
                        if done
                        else None,
                        "alert_stage": 0,
                    }
                )
        await _bulk(session, PlanOccurrence, occurrences)
        counts.update(meetings=len(meetings), plan_occurrences=len(occurrences))

        assignments, scores = [], []
        for pid, (org_id, mentor, group) in zip(program_ids, program_people, strict=True):
            for period in PERIODS:
                for user, survey in [(mentor, "quarterly_mentor")] + [
                    (u, "quarterly_mentee") for u in group
                ]:
                    done = rng.random() < 0.7
                    assignments.append(
                        {
                            "org_id": org_id,
                            "user_id": user,
                            "role": "mentor" if survey == "quarterly_mentor" else "mentee",
                            "survey": survey,
                            "version": 1,
                            "program_id": pid,
                            "period": period,
                            "status": "done" if done else "pending",
                            "position": 0,
                            "reminders": 0,
                            "dedupe_key": f"{survey}:{pid}:0:{user}:{period}",
                            "created_at": created,
                        }
                    )
                    scores.append(
                        [(c, rng.randint(2, 5)) for c in rng.sample(CHARACTERISTICS, 3)]
                        if done
                        else []
                    )
        assignment_ids = await _bulk(session, SurveyAssignment, assignments)
        answers = [
            {
                "assignment_id": aid,
                "question_key": topic,
                "topic": topic,
                "score": score,
                "skipped": False,
                "answered_at": created,
            }
            for aid, pairs in zip(assignment_ids, scores, strict=True)
            for topic, score in pairs
        ]
        await _bulk(session, SurveyAnswer, answers)
        counts.update(survey_assignments=len(assignments), survey_answers=len(answers))
    if engine.dialect.name == "sqlite":
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
    else:
        async with engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            await conn.execute(text("ANALYZE"))
    await engine.dispose()
    return Dataset(org_ids, counts)


def dataset_file(
    schools: int = 500, teachers: int = 20_000, questions: int = 200_000, rebuild: bool = False
) -> Path:
    """The cached SQLite file of the dataset, built when missing."""
    path = DATA_DIR / f"report-{schools}-{teachers}-{questions}-v{DATASET_VERSION}.db"
    if path.exists() and not rebuild:
        return path
    DATA_DIR.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{partial}"
    upgrade(url)
    started = time.perf_counter()
    dataset = asyncio.run(build_dataset(url, schools, teachers, questions))
    print(f"built {partial.name} in {time.perf_counter() - started:.1f} s: {dataset.counts}")
    partial.replace(path)
    return path


async def _timed(job: Callable[[], Awaitable[Any]], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await job()
        times.append(time.perf_counter() - started)
    return times


def _ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.1f}"


async def run(database_url: str, runs: int) -> None:
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    counter = SqlCounter(engine)
    async with sessionmaker() as session:
        org_ids = list(
            (await session.scalars(select(Organization.id).order_by(Organization.id))).all()
        )
        questions = await session.scalar(select(func.count()).select_from(Question))
    print(f"database: {database_url.split(':')[0]}; {len(org_ids)} schools, {questions} questions")
    picked = random.Random(3).sample(org_ids, min(runs, len(org_ids)))
    rows: list[tuple[str, list[float], int, str, list[float]]] = []

    async def school_scope(session: AsyncSession, org_id: int) -> Any:
        org = await session.get(Organization, org_id)
        return scope_for((org_id,), org, "", NOW)

    # One school's /report (the first run, on another school, fills the compile caches).
    async with sessionmaker() as session:
        await summary(session, await school_scope(session, org_ids[-1]), NOW)
        await chart_series(session, await school_scope(session, org_ids[-1]), NOW)
    ours, hand, statements = [], [], 0
    for org_id in picked:
        async with sessionmaker() as session:
            scope = await school_scope(session, org_id)
            before = counter.executes
            ours += await _timed(lambda scope=scope: summary(session, scope, NOW), 1)
            statements = counter.executes - before
            hand_sql = select(func.count()).where(
                Question.org_id == org_id,
                Question.status != "merged",
                Question.asked_at >= scope.since,
                Question.asked_at < scope.until,
            )
            hand += await _timed(lambda hand_sql=hand_sql: session.scalar(hand_sql), 1)
    rows.append(
        (
            "one school's summary (current quarter)",
            ours,
            statements,
            "count of its questions in the quarter",
            hand,
        )
    )

    # The admin's rollup.
    async with sessionmaker() as session:
        scope = scope_for(None, None, "", NOW)
        before = counter.executes
        await rollup(session, NOW, scope)  # warm
        statements = counter.executes - before
        ours = await _timed(lambda: rollup(session, NOW, scope), max(3, runs // 4))
        hand_sql = (
            select(Question.org_id, func.count())
            .where(
                Question.status != "merged",
                Question.asked_at >= scope.since,
                Question.asked_at < scope.until,
            )
            .group_by(Question.org_id)
        )
        hand = await _timed(lambda: session.execute(hand_sql), max(3, runs // 4))
    rows.append(
        (
            "admin rollup (every school, current quarter)",
            ours,
            statements,
            "questions per school in the quarter (GROUP BY)",
            hand,
        )
    )

    # One school's chart data.
    ours, hand = [], []
    for org_id in picked:
        async with sessionmaker() as session:
            scope = await school_scope(session, org_id)
            before = counter.executes
            ours += await _timed(lambda scope=scope: chart_series(session, scope, NOW), 1)
            statements = counter.executes - before
            hand_sql = (
                select(SurveyAssignment.period, func.avg(SurveyAnswer.score))
                .join(SurveyAssignment, SurveyAssignment.id == SurveyAnswer.assignment_id)
                .where(SurveyAssignment.org_id == org_id)
                .group_by(SurveyAssignment.period)
            )
            hand += await _timed(lambda hand_sql=hand_sql: session.execute(hand_sql), 1)
    rows.append(
        ("one school's chart data", ours, statements, "its average score per quarter", hand)
    )

    print()
    print("| figure | ms (median) | p90 | SQL statements | hand-written aggregate | ms | ratio |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for name, mine, stmts, hand_name, theirs in rows:
        p90 = sorted(mine)[int(len(mine) * 0.9) - 1 if len(mine) > 1 else 0] * 1000
        ratio = statistics.median(mine) / max(statistics.median(theirs), 1e-9)
        print(
            f"| {name} | {_ms(mine)} | {p90:.1f} | {stmts} | {hand_name} | {_ms(theirs)} "
            f"| {ratio:.1f}× |"
        )
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--teachers", type=int, default=20_000)
    parser.add_argument("--questions", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20, help="schools timed (one run each)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached SQLite file")
    parser.add_argument("--database-url", help="a migrated, empty database to fill")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.database_url
        if args.postgres:
            url = stack.enter_context(throwaway_database("bench_report"))
        if url is None:
            path = dataset_file(args.schools, args.teachers, args.questions, args.rebuild)
            url = f"sqlite+aiosqlite:///{path}"
        else:
            upgrade(url)
            started = time.perf_counter()
            built = asyncio.run(build_dataset(url, args.schools, args.teachers, args.questions))
            print(f"built in {time.perf_counter() - started:.1f} s: {built.counts}")
        asyncio.run(run(url, args.runs))


if __name__ == "__main__":
    main()
