"""Benchmark: one tick's catch-up over 10,000 plan items and 2,000 meetings in 200 schools.

Writes a school year of data with bulk inserts into a migrated database (a fresh SQLite
file by default): 200 schools in twelve zones from Kaliningrad to Kamchatka, each with a
curator, 5 mentors and 10 mentees in 5 programs; 10 plan items per program (single dates,
a relative deadline, two quarters, a recurring quarterly item and a monthly schedule, so
about 21 occurrences), and 2 meetings per program (one past, one ahead) whose reminders
are outbox rows queued ahead, as models/meetings.py queues them. Past occurrences are
mostly done; some are overdue. A few programs (``--ending``) end around the measured days;
``--ending 300`` is like the end of a school year, when many end on one day.

Then it builds the app as ``python -m bot`` does (bot/app.py ``build_app``, so every
catch-up wired into the Tick runs, whichever exist) and runs the tick with the outbox
drain's transaction in place of the drain: drop_expired, release_claims and claim_due with
a claimer id and the sender's batch, without sending (the rows claimed are then marked
sent, outside the measurement). Three moments:

- backlog: the first tick after the data is written, when every occurrence that woke up
  since it was planned is looked at once;
- due: the next day at 10:05 Moscow (09:05 Kaliningrad, 19:05 Kamchatka), when that day's
  reminders, overdue flags and meeting reminders have come due in every zone;
- steady: a minute later, when nothing new is due.

Prints per moment and per catch-up: ms, SQL statements (SQLAlchemy events on the engine),
and what it returned. Asserts nothing.

    python -m bench.catchup [--schools 200] [--ending 10] [--database-url URL | --postgres]
                            [--profile MOMENT [--profile-all]]
"""

from __future__ import annotations

import argparse
import asyncio
import calendar as pycalendar
import contextlib
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import bot.app
from bench.pg import throwaway_database
from bench.questions import SqlCounter
from bot.clock import FrozenClock
from bot.config import Settings
from models import outbox, plans
from models.db import create_engine, create_sessionmaker, write_gate
from models.meetings import Meeting
from models.migrate import upgrade
from models.people import Membership, Organization, Role, User
from models.plans import PlanItem, PlanOccurrence
from models.programs import Program, ProgramMentee
from tests.support.botclient import TOKEN

ZONES = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
]
MENTORS_PER_SCHOOL = 5
MENTEES_PER_PROGRAM = 2
ITEMS_PER_PROGRAM = 10
PLANNED_AT = datetime(2026, 9, 1, 5, 0, tzinfo=UTC)
BACKLOG = datetime(2026, 12, 1, 7, 5, tzinfo=UTC)
DUE = BACKLOG + timedelta(days=1)  # 10:05 in Moscow on 02.12
STEADY = DUE + timedelta(minutes=1)
REMINDERS = (timedelta(hours=24), timedelta(hours=1))
HELD_ASK_TTL = timedelta(days=7)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def wake_at(due_on: date, zone: str) -> datetime:
    """When the catch-up first looks at an occurrence planned at PLANNED_AT: the model's
    own rule (models/plans.py wake_at, its WAKE_DAYS and WAKE_SLACK_DAYS), one source."""
    first_look = plans.wake_at(due_on, zone, PLANNED_AT)
    assert first_look is not None
    return first_look


QUARTERS = [
    (date(2026, 9, 1), date(2026, 10, 24)),
    (date(2026, 11, 5), date(2026, 12, 27)),
    (date(2027, 1, 11), date(2027, 3, 20)),
    (date(2027, 3, 30), date(2027, 5, 26)),
]


def occurrences_of(position: int, start: date, end: date, rng: random.Random) -> tuple:
    """(kind, spec, [(window_start, due_on)]) of the item at `position` in a program."""
    span = (end - start).days
    if position < 5:
        due = start + timedelta(days=rng.randrange(span + 1))
        return "date", {"date": due.isoformat()}, [(None, due)]
    if position == 5:
        days = rng.randrange(min(span, 60) + 1)
        return "relative", {"days": days}, [(None, start + timedelta(days=days))]
    inside = [(max(a, start), min(b, end)) for a, b in QUARTERS if b >= start and a <= end]
    if position in (6, 7):
        window = inside[(position - 6) % len(inside)] if inside else (None, end)
        return "quarter", {"quarter": position - 5}, [window]
    if position == 8:
        return "recurring", {"every": "quarter"}, inside or [(None, end)]
    dates, day = [], start + timedelta(days=rng.randrange(28))
    while day <= end:
        dates.append(day)
        day = add_months(day, 1)
    return "schedule", {"dates": [d.isoformat() for d in dates]}, [(None, d) for d in dates]


async def bulk(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in chunks; their ids, in order."""
    table = model.__table__
    ids: list[int] = []
    for first in range(0, len(rows), 500):
        chunk = rows[first : first + 500]
        if "id" in table.c and "id" not in chunk[0]:
            result = await session.execute(insert(table).returning(table.c.id), chunk)
            ids.extend(result.scalars().all())
        else:
            await session.execute(insert(table), chunk)
    return ids


async def build(
    sessionmaker: async_sessionmaker[AsyncSession], schools: int, ending: int
) -> dict[str, int]:
    rng = random.Random(14)
    total = schools * MENTORS_PER_SCHOOL
    ending_programs = set(random.Random(15).sample(range(total), min(ending, total)))
    created = PLANNED_AT - timedelta(days=10)
    counts: dict[str, int] = {}
    async with sessionmaker() as session, session.begin():
        org_ids = await bulk(
            session,
            Organization,
            [
                {"name": f"School {n}", "timezone": ZONES[n % len(ZONES)], "created_at": created}
                for n in range(schools)
            ],
        )
        zone_of = {org_id: ZONES[n % len(ZONES)] for n, org_id in enumerate(org_ids)}
        per_school = 1 + MENTORS_PER_SCHOOL * (1 + MENTEES_PER_PROGRAM)
        user_ids = await bulk(
            session,
            User,
            [
                {
                    "tg_id": 10_000_000 + n,
                    "full_name": f"Person {n}",
                    "language": "ru",
                    "created_at": created,
                }
                for n in range(schools * per_school)
            ],
        )
        tg_of = {uid: 10_000_000 + n for n, uid in enumerate(user_ids)}
        memberships, programs, staff = [], [], []
        for s, org_id in enumerate(org_ids):
            people = user_ids[s * per_school : (s + 1) * per_school]
            curator, rest = people[0], people[1:]
            memberships.append(
                {"user_id": curator, "org_id": org_id, "role": Role.CURATOR, "created_at": created}
            )
            for m in range(MENTORS_PER_SCHOOL):
                group = rest[m * (1 + MENTEES_PER_PROGRAM) : (m + 1) * (1 + MENTEES_PER_PROGRAM)]
                mentor, mentees = group[0], group[1:]
                memberships.append(
                    {
                        "user_id": mentor,
                        "org_id": org_id,
                        "role": Role.MENTOR,
                        "created_at": created,
                    }
                )
                memberships.extend(
                    {"user_id": u, "org_id": org_id, "role": Role.MENTEE, "created_at": created}
                    for u in mentees
                )
                start = date(2026, 6, 1) + timedelta(days=rng.randrange(100))
                end = add_months(start, rng.randrange(3, 13)) - timedelta(days=1)
                number = s * MENTORS_PER_SCHOOL + m
                if number in ending_programs:  # programs that end around the measured days
                    end = BACKLOG.date() + timedelta(days=number % 3 - 1)
                    start = add_months(end + timedelta(days=1), -6)
                ended = end < BACKLOG.date() - timedelta(days=1)
                programs.append(
                    {
                        "org_id": org_id,
                        "mentor_id": mentor,
                        "form": "situational",
                        "mode": "mixed",
                        "starts_on": start,
                        "ends_on": end,
                        "status": "ended" if ended else "active",
                        "created_by": curator,
                        "created_at": created,
                        "decided_at": created,
                        "ended_at": datetime.combine(end, dtime(12), UTC) if ended else None,
                        "end_reason": "completed" if ended else None,
                    }
                )
                staff.append((org_id, curator, mentor, mentees))
        await bulk(session, Membership, memberships)
        program_ids = await bulk(session, Program, programs)
        await bulk(
            session,
            ProgramMentee,
            [
                {
                    "program_id": pid,
                    "mentee_id": u,
                    "live_form": None if row["status"] == "ended" else "situational",
                    "acknowledged_at": created,
                }
                for pid, row, (_, _, _, mentees) in zip(program_ids, programs, staff, strict=True)
                for u in mentees
            ],
        )
        items, item_occurrences = [], []
        for pid, row in zip(program_ids, programs, strict=True):
            for position in range(ITEMS_PER_PROGRAM):
                kind, spec, windows = occurrences_of(
                    position, row["starts_on"], row["ends_on"], rng
                )
                items.append(
                    {
                        "program_id": pid,
                        "position": position,
                        "title": f"Activity {position + 1} of program {pid}",
                        "direction": "methodology",
                        "deadline_kind": kind,
                        "deadline_spec": spec,
                        "created_by": row["mentor_id"],
                        "created_at": PLANNED_AT,
                    }
                )
                item_occurrences.append((pid, row, windows))
        item_ids = await bulk(session, PlanItem, items)
        occurrences = []
        for item_id, (pid, row, windows) in zip(item_ids, item_occurrences, strict=True):
            zone = zone_of[row["org_id"]]
            for seq, (window_start, due) in enumerate(windows, start=1):
                past = due < BACKLOG.date()
                done = row["status"] == "ended" or (past and rng.random() < 0.85)
                occurrences.append(
                    {
                        "item_id": item_id,
                        "program_id": pid,
                        "seq": seq,
                        "window_start": window_start,
                        "due_on": due,
                        "done_at": datetime.combine(due, dtime(12), UTC) if done else None,
                        "done_by": row["mentor_id"] if done else None,
                        "note": "Done" if done else None,
                        "alert_stage": 0,
                        "next_alert_at": None if done else wake_at(due, zone),
                    }
                )
        await bulk(session, PlanOccurrence, occurrences)
        meetings, meeting_people = [], []
        for pid, (org_id, _, mentor, mentees) in zip(program_ids, staff, strict=True):
            zone = ZoneInfo(zone_of[org_id])
            for offset in (-rng.randrange(1, 45), rng.randrange(0, 60)):
                day = BACKLOG.date() + timedelta(days=offset)
                local = datetime.combine(day, dtime(14 + rng.randrange(4), 0), zone)
                starts = local.astimezone(UTC)
                meetings.append(
                    {
                        "program_id": pid,
                        "org_id": org_id,
                        "proposed_by": mentor,
                        "starts_at": starts,
                        "duration_min": 60,
                        "sequence": 0,
                        "mode": "offline",
                        "place": "Room 12",
                        "topic": "The lesson plan",
                        "status": "confirmed",
                        "confirmed_by": mentees[0],
                        "confirmed_at": starts - timedelta(days=6),
                        "held": True if offset < 0 else None,
                        "held_marked_at": starts + timedelta(hours=2) if offset < 0 else None,
                        "created_at": starts - timedelta(days=7),
                    }
                )
                meeting_people.append((org_id, mentor, [mentor, *mentees]))
        meeting_ids = await bulk(session, Meeting, meetings)
        rows = []
        for mid, meeting, (org_id, mentor, people) in zip(
            meeting_ids, meetings, meeting_people, strict=True
        ):
            start, made = meeting["starts_at"], meeting["created_at"]
            stamp = int(start.timestamp())
            args = {"meeting": mid, "when": "", "mode": "offline", "place": "Room 12"}
            planned = [
                (u, "meeting-reminder", start - o, start, f"remind:{int(o.total_seconds())}")
                for o in REMINDERS
                for u in people
            ]
            end = start + timedelta(hours=1)
            planned.append((mentor, "meeting-held-ask", end, end + HELD_ASK_TTL, "held"))
            for uid, kind, due, expires, key in planned:
                sent = due <= BACKLOG
                rows.append(
                    {
                        "chat_id": tg_of[uid],
                        "user_id": uid,
                        "org_id": org_id,
                        "kind": kind,
                        "ref_kind": "meeting",
                        "ref_id": mid,
                        "author_id": mentor,
                        "args": args,
                        "silent": False,
                        "due_at": due,
                        "expires_at": expires,
                        "status": "sent" if sent else "pending",
                        "attempts": 1 if sent else 0,
                        "dedupe_key": f"meeting:{mid}:{key}:{stamp}:{uid}",
                        "created_at": made,
                        "sent_at": due if sent else None,
                    }
                )
        await bulk(session, outbox.OutboxMessage, rows)
        counts = {
            "schools": len(org_ids),
            "people": len(user_ids),
            "programs": len(program_ids),
            "plan items": len(item_ids),
            "occurrences": len(occurrences),
            "open occurrences": sum(1 for o in occurrences if o["done_at"] is None),
            "meetings": len(meeting_ids),
            "outbox rows": len(rows),
        }
    return counts


class Timed:
    """A catch-up wrapped to record its time, statements and result."""

    def __init__(self, name: str, job: Callable[[], Awaitable[int]], counter: SqlCounter) -> None:
        self.name, self.job, self.counter = name, job, counter
        self.__name__ = name
        self.last: tuple[float, int, int] = (0.0, 0, 0)

    async def __call__(self) -> int:
        statements = self.counter.statements
        started = time.perf_counter()
        result = await self.job()
        elapsed = time.perf_counter() - started
        self.last = (elapsed, self.counter.statements - statements, result)
        return result


async def run(args: argparse.Namespace, database_url: str) -> None:
    clock = FrozenClock(BACKLOG)
    settings = Settings(
        bot_token=TOKEN,
        database_url=database_url,
        _env_file=None,  # type: ignore[call-arg]
    )
    build_engine = create_engine(database_url)
    started = time.perf_counter()
    counts = await build(create_sessionmaker(build_engine), args.schools, args.ending)
    await build_engine.dispose()
    print(f"database: {database_url.split(':')[0]}; built in {time.perf_counter() - started:.1f} s")
    print(", ".join(f"{v} {k}" for k, v in counts.items()))

    # The app as python -m bot builds it, on the benchmark's clock.
    bot.app.make_clock = lambda *_: clock  # type: ignore[assignment]
    app = bot.app.build_app(settings)
    counter = SqlCounter(app.engine)
    sender = app.sender

    async def claim() -> int:
        now = clock.now()
        async with write_gate(app.sessionmaker).hold(), app.sessionmaker() as s, s.begin():
            await outbox.drop_expired(s, now)
            await outbox.release_claims(
                s, now, older_than=timedelta(minutes=5), keep=sender.claimer
            )
            rows = await outbox.claim_due(s, now, sender.batch, sender.claimer)
        return len(rows)

    catch_ups = [
        Timed(getattr(c, "__name__", f"catch-up {n}"), c, counter)
        for n, c in enumerate(app.tick.catch_ups)
    ]
    drain = Timed("outbox claim", claim, counter)
    app.tick.catch_ups = list(catch_ups)
    app.tick.drain = drain

    async def pending_due() -> int:
        async with app.sessionmaker() as s:
            return int(
                await s.scalar(
                    select(func.count())
                    .select_from(outbox.OutboxMessage)
                    .where(
                        outbox.OutboxMessage.status == outbox.OutboxStatus.PENDING,
                        outbox.OutboxMessage.due_at <= clock.now(),
                    )
                )
                or 0
            )

    async def delivered() -> None:
        """What the sender and the next ticks' drains do with the rows due, outside the
        measurement: every due row is claimed and sent."""
        while True:
            async with app.sessionmaker() as s, s.begin():
                await s.execute(
                    update(outbox.OutboxMessage)
                    .where(outbox.OutboxMessage.status == outbox.OutboxStatus.SENDING)
                    .values(status=outbox.OutboxStatus.SENT, sent_at=clock.now(), attempts=1)
                )
                if not await outbox.claim_due(s, clock.now(), 10_000, sender.claimer):
                    return

    header = "| moment | step | ms | SQL statements | returned |"
    print()
    print(header)
    print("|---|---|---:|---:|---:|")
    profiler = None
    for name, moment in (("backlog", BACKLOG), ("due", DUE), ("steady", STEADY)):
        clock.set(moment)
        if args.profile and name == args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="enabled")
            profiler.start()
        statements = counter.statements
        started = time.perf_counter()
        await app.tick.run_once()
        elapsed = time.perf_counter() - started
        if profiler is not None and profiler.is_running:
            profiler.stop()
        waiting = await pending_due()
        for step in [*catch_ups, drain]:
            ms, stmts, result = step.last
            print(f"| {name} | {step.name} | {ms * 1000:.0f} | {stmts} | {result} |")
        print(
            f"| {name} | **whole tick** | **{elapsed * 1000:.0f}** "
            f"| {counter.statements - statements} | {waiting} due rows left to later drains |"
        )
        await delivered()
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=bool(args.profile_all)))
    await app.bot.session.close()
    await app.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument(
        "--ending", type=int, default=10, help="programs ending on 30.11, 01.12 or 02.12"
    )
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    parser.add_argument(
        "--profile", choices=["backlog", "due", "steady"], help="pyinstrument over one tick"
    )
    parser.add_argument("--profile-all", action="store_true", help="--profile: every frame")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.database_url
        if args.postgres:
            url = stack.enter_context(throwaway_database("bench_catchup"))
        if url is None:
            url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        upgrade(url)
        asyncio.run(run(args, url))


if __name__ == "__main__":
    main()
