"""Benchmark: the tick's quarterly survey catch-up (models/survey_rounds.py) over 500
schools with 40 pairs each (20,000 active programs, 40,000 teachers) in twelve zones.

Three moments:

- steady: a tick in the middle of the quarter, after the first tick has set every
  school's `quarter_check_at` (nothing has ended): the common case, every few seconds;
- quarter end: the ticks from the moment Q2 is over in every zone, until they make
  nothing more (ORGS_PER_TICK schools a tick: 40,000 assignments and their first
  questions in all);
- after: a tick once it is all done.

Prints per moment: ticks, ms per tick (the slowest too), SQL statements, assignments.
Asserts nothing.

    python -m bench.survey_rounds [--schools 500] [--pairs 40] [--database-url URL | --postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bench.catchup import bulk
from bench.pg import throwaway_database
from bench.questions import SqlCounter
from models.calendar import default_calendar
from models.db import create_engine, create_sessionmaker
from models.migrate import upgrade
from models.people import Organization, User
from models.programs import Program, ProgramMentee
from models.survey_rounds import ORGS_PER_TICK, quarter_catch_up

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
MID_QUARTER = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
QUARTER_OVER = datetime(2026, 12, 28, 0, 0, tzinfo=UTC)  # past midnight in every zone


async def build(engine: AsyncEngine, schools: int, pairs: int) -> None:
    sm = create_sessionmaker(engine)
    now = MID_QUARTER - timedelta(days=60)
    async with sm() as s, s.begin():
        orgs = await bulk(
            s,
            Organization,
            [
                dict(
                    name=f"Школа {n}",
                    timezone=ZONES[n % len(ZONES)],
                    calendar=default_calendar(2026),
                    created_at=now,
                )
                for n in range(schools)
            ],
        )
        users = await bulk(
            s,
            User,
            [
                dict(tg_id=10_000 + n, full_name=f"Учитель {n}", created_at=now)
                for n in range(schools * pairs * 2)
            ],
        )
        programs = await bulk(
            s,
            Program,
            [
                dict(
                    org_id=org,
                    mentor_id=users[2 * (i * pairs + k)],
                    form="traditional",
                    mode="mixed",
                    starts_on=date(2026, 9, 1),
                    ends_on=date(2027, 5, 31),
                    status="active",
                    created_at=now,
                    decided_at=now,
                )
                for i, org in enumerate(orgs)
                for k in range(pairs)
            ],
        )
        await bulk(
            s,
            ProgramMentee,
            [
                dict(program_id=p, mentee_id=users[2 * n + 1], live_form="traditional")
                for n, p in enumerate(programs)
            ],
        )


async def moment(
    name: str, engine: AsyncEngine, counter: SqlCounter, now: datetime, fixed: int = 0
) -> None:
    """Ticks at `now`: `fixed` of them, or until one makes nothing."""
    sm = create_sessionmaker(engine)
    ticks, made, slowest, total = 0, 0, 0.0, 0.0
    statements = counter.executes
    while True:
        started = time.perf_counter()
        async with sm() as s, s.begin():
            got = await quarter_catch_up(s, now)
        spent = (time.perf_counter() - started) * 1000
        ticks += 1
        total += spent
        slowest = max(slowest, spent)
        made += got
        if (ticks >= fixed if fixed else got == 0) or ticks > 1000:
            break
    print(
        f"{name:12} {ticks:4} ticks  {total / ticks:8.1f} ms/tick  slowest {slowest:8.1f} ms"
        f"  {(counter.executes - statements) / ticks:6.1f} statements/tick  {made} assignments"
    )


async def run(url: str, schools: int, pairs: int) -> None:
    engine = create_engine(url)
    started = time.perf_counter()
    await build(engine, schools, pairs)
    print(
        f"{url.split(':')[0]}: {schools} schools × {pairs} pairs, built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    counter = SqlCounter(engine)
    first = -(-schools // ORGS_PER_TICK)
    await moment("first look", engine, counter, MID_QUARTER, fixed=first)
    await moment("steady", engine, counter, MID_QUARTER + timedelta(minutes=1))
    await moment("quarter end", engine, counter, QUARTER_OVER)
    await moment("after", engine, counter, QUARTER_OVER + timedelta(minutes=1))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.database_url
        if args.postgres:
            url = stack.enter_context(throwaway_database("bench_rounds"))
        if url is None:
            url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        upgrade(url)
        asyncio.run(run(url, args.schools, args.pairs))


if __name__ == "__main__":
    main()
