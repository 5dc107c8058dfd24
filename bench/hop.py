"""Benchmark: one mentee -> mentor hop through the real bot, against a bare aiogram bot.

Starts the real ``python -m bot`` and ``bench.echo_bot`` (a bare aiogram bot that copies
each private message to the sender's mentor chat) as separate processes, each against its
own fake Bot API server (fake_telegram), in the same run. A hop is timed from the
moment the mentee's message is offered to getUpdates until the fake stores the bot's
message in the mentor's chat (``BotMessage.sent_at``).

Scenarios, per RTT setting:
- idle: hops 1 s apart, each from a mentee asking a first question; the two bots take
  turns half a second apart, so machine noise hits both alike; p50 and p90;
- bursts: N different mentees of N different mentors ask at once; the time until every
  mentor has the question (median over repeats).

``--rtt-ms`` delays every Bot API answer except getUpdates by that much (the fake's
``set_delay``), as Telegram's round trip does. The limiter is set so that it paces
nobody (like the e2e harness; and a high global rate, since the fake has no global
limit for the echo bot either). Prints figures; asserts nothing.

    python -m bench.hop [--rtt-ms 0,20] [--hops 20] [--bursts 10,50] [--repeats 3]
                        [--database-url URL | --postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from bench.pg import throwaway_database
from fake_telegram import FakeTelegram, FakeUser
from models.db import create_engine, create_sessionmaker
from models.migrate import upgrade
from models.people import Role
from tests.e2e import conftest as harness
from tests.e2e.conftest import TOKEN, BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, working hours
MENTOR_BASE = 100_000
MENTEE_BASE = 200_000
TARGET = 1.2
HOP_TIMEOUT = 60.0


class Process(BotProcess):
    """The e2e harness's BotProcess, started as another module and with extra settings."""

    def __init__(
        self,
        fake: FakeTelegram,
        database_url: str,
        workdir: Path,
        module: str,
        env: dict[str, str],
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(fake, database_url, workdir)
        self.module = module
        self.extra_env = env

    def start(self) -> None:
        real_popen = subprocess.Popen

        def popen(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
            kwargs["env"] = {**kwargs["env"], **self.extra_env}
            return real_popen([args[0], "-m", self.module], **kwargs)

        # The harness builds the environment and waits for the first poll; only the
        # command and a few settings differ here.
        with mock.patch.object(harness.subprocess, "Popen", popen):
            super().start()

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        if self.proc is None:
            return 0.0
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def problems(self) -> list[str]:
        return [
            line for line in self.log().splitlines() if " ERROR " in line or "Traceback" in line
        ]


@dataclass
class Side:
    """One bot under test: its fake server, its process and its users."""

    name: str
    fake: FakeTelegram
    process: Process
    mentees: dict[int, FakeUser] = field(default_factory=dict)
    mentors: dict[int, FakeUser] = field(default_factory=dict)
    cpu: float = 0.0  # CPU seconds spent in the burst scenarios
    burst_questions: int = 0

    def add_pairs(self, count: int) -> None:
        for index in range(count):
            self.mentors[index] = self.fake.user(MENTOR_BASE + index, f"Mentor {index}")
            self.mentees[index] = self.fake.user(MENTEE_BASE + index, f"Mentee {index}")

    def ask(self, pairs: list[int]) -> tuple[float, list[float | None]]:
        """Mentees of ``pairs`` ask at once; the seconds until each mentor has it."""
        started = time.monotonic()
        for index in pairs:
            self.mentees[index].send(f"Question from mentee {index}: how do I plan a lesson?")
        deadline = started + HOP_TIMEOUT
        arrived: list[float | None] = []
        for index in pairs:
            try:
                got = self.mentors[index].wait_for(timeout=max(0.0, deadline - time.monotonic()))
            except AssertionError:
                arrived.append(None)
            else:
                arrived.append(got.sent_at - started)
        return started, arrived

    def settle(self) -> None:
        try:
            self.fake.wait_idle(timeout=30)
        except AssertionError as exc:
            print(f"  ({self.name}: {exc})")


async def _seed(database_url: str, pairs: int) -> None:
    engine = create_engine(database_url)
    sm = create_sessionmaker(engine)
    async with seed(sm, MONDAY_NOON - timedelta(days=30)) as s:
        org = await s.org()
        await s.member(org, Person(10, "Curator"), Role.CURATOR, name="Curator")
        for index in range(pairs):
            mentor = await s.member(
                org, Person(MENTOR_BASE + index, "M"), Role.MENTOR, name=f"Mentor {index}"
            )
            mentee = await s.member(
                org, Person(MENTEE_BASE + index, "E"), Role.MENTEE, name=f"Mentee {index}"
            )
            await s.program(org, mentor, [mentee])
    await engine.dispose()


def _ms(seconds: float | None) -> str:
    return "timeout" if seconds is None else f"{seconds * 1000:.1f} ms"


def _ratio(ours: float | None, echo: float | None) -> str:
    if ours is None or echo is None or echo <= 0:
        return "-"
    return f"{ours / echo:.2f}"


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Pairs:
    """Hands out fresh mentee/mentor pairs: each pair asks exactly one question."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, count: int) -> list[int]:
        taken = list(range(self.next, self.next + count))
        self.next += count
        return taken


def run_rtt(
    sides: list[Side], pairs: Pairs, rtt_ms: float, hops: int, interval: float, bursts, repeats
) -> list[tuple[str, float | None, float | None]]:
    for side in sides:
        side.fake.set_delay(None, rtt_ms / 1000)
        side.settle()
    rows: list[tuple[str, float | None, float | None]] = []

    # Idle hops: the two bots take turns, half an interval apart.
    idle: dict[str, list[float]] = {side.name: [] for side in sides}
    lost = dict.fromkeys(idle, 0)
    for index in pairs.take(hops):
        for side in sides:
            _, (took,) = side.ask([index])
            if took is None:
                lost[side.name] += 1
            else:
                idle[side.name].append(took)
            time.sleep(max(0.0, interval / len(sides) - (took or 0.0)))
    for label, q in (("p50", 0.5), ("p90", 0.9)):
        values = [_quantile(idle[side.name], q) if idle[side.name] else None for side in sides]
        rows.append((f"idle {label} ({hops} hops)", values[0], values[1]))
    for name, count in lost.items():
        if count:
            print(f"  ({name}: {count} idle hops timed out)")

    for size in bursts:
        results: dict[str, list[float | None]] = {side.name: [] for side in sides}
        for _ in range(repeats):
            group = pairs.take(size)
            for side in sides:
                side.settle()
                cpu = side.process.cpu_seconds()
                _, arrived = side.ask(group)
                side.settle()
                side.cpu += side.process.cpu_seconds() - cpu
                side.burst_questions += size
                results[side.name].append(
                    None if None in arrived else max(a for a in arrived if a is not None)
                )
        values = []
        for side in sides:
            done = [r for r in results[side.name] if r is not None]
            values.append(statistics.median(done) if len(done) == repeats else None)
        rows.append((f"burst {size}, all arrived", values[0], values[1]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rtt-ms", default="0,20", help="comma-separated, e.g. 0,20")
    parser.add_argument("--hops", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between idle hops")
    parser.add_argument("--bursts", default="10,50", help="comma-separated burst sizes")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each burst (median)")
    parser.add_argument("--tick-seconds", default="5", help="the bot's TICK_SECONDS")
    parser.add_argument("--global-rate", default="1000", help="the bot's GLOBAL_RATE_LIMIT")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.postgres:
            args.database_url = stack.enter_context(throwaway_database())
        run(args)


def run(args: argparse.Namespace) -> None:
    rtts = [float(x) for x in args.rtt_ms.split(",") if x]
    bursts = [int(x) for x in args.bursts.split(",") if x]
    warm = 3
    total_pairs = warm + len(rtts) * (args.hops + sum(bursts) * args.repeats)

    workdir = Path(tempfile.mkdtemp(prefix="bench-hop-"))
    url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    started = time.monotonic()
    upgrade(url)
    asyncio.run(_seed(url, total_pairs))
    print(f"seeded {total_pairs} mentor/mentee pairs in {time.monotonic() - started:.1f} s")

    settings = {
        "TICK_SECONDS": args.tick_seconds,
        "GLOBAL_RATE_LIMIT": args.global_rate,
        "LOG_LEVEL": "INFO",
    }
    fakes = [FakeTelegram(token=TOKEN, bot_username="mentor_test_bot").start() for _ in range(2)]
    ours = Side("ours", fakes[0], Process(fakes[0], url, workdir / "ours", "bot", settings))
    echo_env = {**settings, "ECHO_MENTOR_OFFSET": str(MENTOR_BASE - MENTEE_BASE)}
    echo = Side(
        "echo", fakes[1], Process(fakes[1], "", workdir / "echo", "bench.echo_bot", echo_env)
    )
    sides = [ours, echo]
    try:
        for side in sides:
            side.add_pairs(total_pairs)
        ours.process.set_time(MONDAY_NOON)
        for side in sides:
            side.process.start()
        pairs = Pairs()
        for index in pairs.take(warm):  # the first updates pay for imports and caches
            for side in sides:
                side.ask([index])
        tables = []
        for rtt in rtts:
            print(f"measuring at RTT {rtt:g} ms ...", flush=True)
            rows = run_rtt(sides, pairs, rtt, args.hops, args.interval, bursts, args.repeats)
            tables.append((rtt, rows))
    finally:
        for side in sides:
            side.process.stop()
            side.fake.stop()

    print()
    print(
        f"bench.hop: real `python -m bot` vs bare aiogram echo bot ({ours_db(url)}), "
        f"TICK_SECONDS={args.tick_seconds}, GLOBAL_RATE_LIMIT={args.global_rate}"
    )
    print(f"target: every ratio <= {TARGET}")
    for rtt, rows in tables:
        print()
        print(f"RTT {rtt:g} ms per Bot API call (getUpdates answers at once)")
        print(f"| {'scenario':<26} | {'ours':>10} | {'echo':>10} | {'ratio':>5} |")
        print(f"|{'-' * 28}|{'-' * 11}:|{'-' * 11}:|{'-' * 6}:|")
        for name, value_ours, value_echo in rows:
            print(
                f"| {name:<26} | {_ms(value_ours):>10} | {_ms(value_echo):>10} "
                f"| {_ratio(value_ours, value_echo):>5} |"
            )
    print()
    for side in sides:
        if side.burst_questions:
            per = side.cpu * 1000 / side.burst_questions
            print(
                f"{side.name}: process CPU {per:.2f} ms per question in the bursts "
                f"({side.burst_questions} questions)"
            )
    for side in sides:
        problems = side.process.problems()
        if problems:
            print(f"{side.name}: {len(problems)} error lines in {side.process.log_path}")
    print(f"logs: {workdir}")


def ours_db(url: str) -> str:
    return url.split("+", 1)[0]


if __name__ == "__main__":
    main()
