"""Benchmark: questions through the real Dispatcher, and the SLA catch-up.

Feeds updates from many mentees concurrently to the real Dispatcher on a migrated
database, one kind at a time, and prints per kind: updates/s, CPU ms per update
(``time.process_time``, all threads of this process, so the aiosqlite thread counts),
SQL statements and transactions per update (SQLAlchemy events on the engine), latency.
The kinds, in this order:

- new question: each mentee's first message;
- prompt: each further message that replies to nothing (``--questions`` - 1 per mentee).
  Until issue 13 the bot asked "continue it or a new question?"; now the message goes at
  once as a continuation of the unanswered question (the row name is kept so that
  figures compare);
- follow-up: a reply to the mentee's own question message (``--follow-ups`` per mentee),
  which goes to the mentor.

Then runs the tick's SLA catch-up over all the questions once they are overdue.

By default Bot API calls are recorded, not sent. ``--http`` sends them instead through
the bot's real HTTP session and rate limiter (bot/sender.py) to the fake Bot API server
(fake_telegram), which runs in a thread of this process; its CPU time is left out.
Prints figures; asserts nothing.

    python -m bench.questions [--mentees 200] [--questions 3] [--follow-ups 1] [--http]
                              [--database-url URL | --postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram.types import Message
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.pg import throwaway_database
from bot.clock import FrozenClock
from bot.config import Settings
from models.db import create_engine, create_sessionmaker
from models.migrate import upgrade
from models.people import Role
from models.questions import sla_catch_up
from tests.support.botclient import TOKEN, BotClient, Person
from tests.support.seed import Member, seed


class SqlCounter:
    """Counts statements and transactions on an engine.

    Statements are cursor executions plus BEGIN, COMMIT and ROLLBACK, whichever way the
    driver issues them (on SQLite our ``begin`` hook runs "BEGIN" through a cursor; it is
    counted once)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.executes = 0
        self.begins = 0
        self.ends = 0
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._execute)
        event.listen(sync, "begin", self._begin)
        event.listen(sync, "commit", self._end)
        event.listen(sync, "rollback", self._end)

    def _execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.strip().upper() != "BEGIN":
            self.executes += 1

    def _begin(self, conn: Any) -> None:
        self.begins += 1

    def _end(self, conn: Any) -> None:
        self.ends += 1

    @property
    def statements(self) -> int:
        return self.executes + self.begins + self.ends


class FakeServer:
    """The fake Bot API in a thread of this process, and that thread's CPU clock."""

    def __init__(self) -> None:
        from fake_telegram import FakeTelegram

        self.fake = FakeTelegram(token=TOKEN, bot_username="mentor_test_bot").start()
        assert self.fake._thread is not None and self.fake._thread.ident is not None
        self.clock_id = time.pthread_getcpuclockid(self.fake._thread.ident)

    def cpu(self) -> float:
        return time.clock_gettime(self.clock_id)

    def message(self, who: Person, text: str, reply_to: int | None) -> Message:
        """The mentee's message, stored in the fake so that the bot may copy or reply to it."""
        raw = self.fake.user(who.id, who.first_name).send(text, reply_to=reply_to)
        return Message.model_validate(dict(raw))


@dataclass
class Phase:
    name: str
    updates: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0
    statements: int = 0
    transactions: int = 0
    latencies: list[float] = field(default_factory=list)


async def measure(
    name: str,
    counter: SqlCounter,
    server: FakeServer | None,
    jobs: list[Callable[[], Awaitable[None]]],
) -> Phase:
    """Run ``jobs`` concurrently; each feeds one update and is timed on its own."""
    phase = Phase(name, updates=len(jobs))

    async def timed(job: Callable[[], Awaitable[None]]) -> None:
        started = time.perf_counter()
        await job()
        phase.latencies.append(time.perf_counter() - started)

    statements, transactions = counter.statements, counter.begins
    fake_cpu = server.cpu() if server else 0.0
    cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(timed(job) for job in jobs))
    phase.elapsed = time.perf_counter() - started
    phase.cpu = time.process_time() - cpu - ((server.cpu() - fake_cpu) if server else 0.0)
    phase.statements = counter.statements - statements
    phase.transactions = counter.begins - transactions
    return phase


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def print_table(phases: list[Phase]) -> None:
    total = Phase(
        "all",
        updates=sum(p.updates for p in phases),
        elapsed=sum(p.elapsed for p in phases),
        cpu=sum(p.cpu for p in phases),
        statements=sum(p.statements for p in phases),
        transactions=sum(p.transactions for p in phases),
        latencies=[x for p in phases for x in p.latencies],
    )
    header = (
        "| update kind  | updates | updates/s | CPU ms/update | SQL statements/update "
        "| transactions/update | p50 ms | p95 ms |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for phase in [*phases, total]:
        if not phase.updates:
            continue
        n = phase.updates
        print(
            f"| {phase.name:<12} | {n:>7} | {n / phase.elapsed:>9.0f} "
            f"| {phase.cpu * 1000 / n:>13.2f} | {phase.statements / n:>21.1f} "
            f"| {phase.transactions / n:>19.1f} "
            f"| {statistics.median(phase.latencies) * 1000:>6.1f} "
            f"| {_quantile(phase.latencies, 0.95) * 1000:>6.1f} |"
        )


async def run(args: argparse.Namespace, database_url: str) -> None:
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    clock = FrozenClock(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    server: FakeServer | None = None
    if args.http:
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        from bot.sender import RateLimiter, RateLimitMiddleware

        server = FakeServer()
        settings = Settings(
            bot_token=TOKEN,
            telegram_api_base=server.fake.base_url,
            chat_burst=args.chat_burst,
            global_rate_limit=args.global_rate,
            _env_file=None,  # type: ignore[call-arg]
        )
        limiter = RateLimiter(
            settings.global_rate_limit,
            settings.chat_rate_limit,
            settings.chat_burst,
            settings.group_rate_per_minute,
        )
        http = AiohttpSession(api=TelegramAPIServer.from_base(server.fake.base_url))
        http.calls = []  # type: ignore[attr-defined]  # BotClient.feed slices it
        client = BotClient(
            sessionmaker=sessionmaker,
            clock=clock,
            settings=settings,
            session=http,  # type: ignore[arg-type]
        )
        # The limiter goes after whatever request middlewares BotClient installs, as in the
        # app's own session.
        http.middleware(RateLimitMiddleware(limiter))
    else:
        settings = Settings(bot_token=TOKEN, _env_file=None)  # type: ignore[call-arg]
        client = BotClient(sessionmaker=sessionmaker, clock=clock, settings=settings)
    now = clock.now()
    people: list[Member] = []
    async with seed(sessionmaker, now) as s:
        org = await s.org()
        await s.member(org, Person(5, "c"), Role.CURATOR, name="Curator")
        for index in range(args.mentees // 10 or 1):
            mentor = await s.member(
                org, Person(1000 + index, "m"), Role.MENTOR, name=f"Mentor {index}"
            )
            group = []
            for j in range(10):
                pid = 100_000 + index * 10 + j
                group.append(
                    await s.member(org, Person(pid, "e"), Role.MENTEE, name=f"Mentee {pid}")
                )
            await s.program(org, mentor, group)
            people.extend(group)
    if server is not None:
        server.fake.user(5, "c")
        for index in range(args.mentees // 10 or 1):
            server.fake.user(1000 + index, "m")

    def message(who: Person, text: str, reply_to: int | None = None) -> Message:
        if server is not None:
            return server.message(who, text, reply_to)
        extra: dict[str, Any] = {}
        if reply_to is not None:
            extra["reply_to_message"] = Message(
                message_id=reply_to, date=clock.now(), chat=who.chat, text="(own question)"
            )
        return client.make_message(who, text, **extra)

    async def feed(sent: Message) -> None:
        # BotClient.feed: the update as the bot handles it, what follows its commit included.
        await client.send_message(sent)

    own: dict[int, int] = {}  # mentee -> the message id of their question

    def ask(who: Person, text: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            sent = message(who, text)
            own[who.id] = sent.message_id
            await feed(sent)

        return job

    def prompt(who: Person, text: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            await feed(message(who, text))

        return job

    def follow_up(who: Person, text: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            await feed(message(who, text, reply_to=own[who.id]))

        return job

    # Warm-up: the first updates pay for building pydantic models and SQL compilation.
    warm = people.pop().person
    await ask(warm, "warm-up question")()
    await prompt(warm, "warm-up prompt")()
    await follow_up(warm, "warm-up follow-up")()

    counter = SqlCounter(engine)
    persons = [m.person for m in people]
    phases = [
        await measure(
            "new question", counter, server, [ask(p, f"Question from {p.id}") for p in persons]
        )
    ]
    prompts = [
        prompt(p, f"More {k} from {p.id}") for k in range(1, args.questions) for p in persons
    ]
    phases.append(await measure("prompt", counter, server, prompts))
    follow_ups = [
        follow_up(p, f"Follow-up {k} from {p.id}") for k in range(args.follow_ups) for p in persons
    ]
    phases.append(await measure("follow-up", counter, server, follow_ups))

    mode = "HTTP to the fake Bot API, through the rate limiter" if server else "recorded"
    print(f"database: {engine.dialect.name}; Bot API calls: {mode}")
    print(f"mentees: {len(persons)} in groups of 10 per mentor, asking concurrently")
    print_table(phases)
    if server is not None:
        fake = server.fake
        stored = sum(len(fake.chats[1000 + i].bot_messages) for i in range(args.mentees // 10 or 1))
        print(
            f"the fake stored {stored} messages in mentors' chats; errors: {fake.internal_errors}"
        )

    clock.set(clock.now() + timedelta(days=4))
    started = time.perf_counter()
    async with sessionmaker() as session, session.begin():
        made = await sla_catch_up(session, clock.now())
    print(f"sla catch-up: {made} outbox rows in {time.perf_counter() - started:.2f} s")
    await engine.dispose()
    if server is not None:
        await client.bot.session.close()
        server.fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentees", type=int, default=200)
    parser.add_argument(
        "--questions", type=int, default=3, help="messages per mentee: 1 question, then prompts"
    )
    parser.add_argument("--follow-ups", type=int, default=1, help="follow-ups per mentee")
    parser.add_argument("--http", action="store_true", help="send through HTTP to the fake")
    parser.add_argument("--chat-burst", type=int, default=50, help="--http: CHAT_BURST")
    parser.add_argument("--global-rate", type=float, default=1000, help="--http: GLOBAL_RATE_LIMIT")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.database_url
        if args.postgres:
            url = stack.enter_context(throwaway_database())
        if url is None:
            url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        upgrade(url)
        asyncio.run(run(args, url))


if __name__ == "__main__":
    main()
