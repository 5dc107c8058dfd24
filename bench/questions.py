"""Benchmark: questions through the real Dispatcher, and the SLA catch-up.

Feeds questions from many mentees concurrently to the real Dispatcher (Bot API calls are
recorded, not sent) on a migrated database, then runs the tick's SLA catch-up over all
of them once they are overdue. Prints throughput and latency; asserts nothing.

    python -m bench.questions [--mentees 200] [--questions 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FrozenClock
from bot.config import Settings
from bot.keyboards.questions import escalation_buttons
from models.db import create_engine, create_sessionmaker
from models.migrate import upgrade
from models.people import Role
from models.questions import sla_catch_up
from tests.support.botclient import TOKEN, BotClient, Person
from tests.support.world import make_member, make_org, make_program


async def run(mentees: int, per_mentee: int, database_url: str) -> None:
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    clock = FrozenClock(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    settings = Settings(bot_token=TOKEN, _env_file=None)  # type: ignore[call-arg]
    client = BotClient(sessionmaker=sessionmaker, clock=clock, settings=settings)
    now = clock.now()
    org = await make_org(sessionmaker, now)
    await make_member(sessionmaker, org, Person(5, "c"), Role.CURATOR, now, name="Curator")
    people = []
    for index in range(mentees // 10 or 1):
        mentor = await make_member(
            sessionmaker, org, Person(1000 + index, "m"), Role.MENTOR, now, name=f"Mentor {index}"
        )
        group = []
        for j in range(10):
            pid = 100_000 + index * 10 + j
            group.append(
                await make_member(
                    sessionmaker, org, Person(pid, "e"), Role.MENTEE, now, name=f"Mentee {pid}"
                )
            )
        await make_program(sessionmaker, org, mentor, group, now)
        people.extend(group)

    # Warm-up: the first updates pay for building pydantic models and SQL compilation.
    warm = people.pop()
    for k in range(3):
        await client.send(warm.person, f"warm-up {k}")
    latencies: list[float] = []

    async def ask(member_person: Person, n: int) -> None:
        for k in range(n):
            started = time.perf_counter()
            if k == 0:
                await client.send(member_person, f"Question {k} from {member_person.id}")
            else:
                reply = client.make_message(member_person, "x")
                await client.send(member_person, f"More {k}", reply_to_message=reply)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(ask(m.person, per_mentee) for m in people))
    elapsed = time.perf_counter() - started
    total = len(latencies)
    latencies.sort()
    print(f"database: {engine.dialect.name}")
    print(f"updates: {total} from {len(people)} mentees in {elapsed:.2f} s")
    print(f"throughput: {total / elapsed:.0f} updates/s")
    print(
        f"latency: p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {latencies[int(total * 0.95) - 1] * 1000:.1f} ms"
    )
    clock.set(clock.now() + timedelta(days=4))
    started = time.perf_counter()
    async with sessionmaker() as session, session.begin():
        made = await sla_catch_up(session, clock.now(), escalation_buttons)
    print(f"sla catch-up: {made} outbox rows in {time.perf_counter() - started:.2f} s")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentees", type=int, default=200)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url
    if url is None:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    asyncio.run(run(args.mentees, args.questions, url))


if __name__ == "__main__":
    main()
