"""Polling end to end: no update is confirmed before its commit, a crash or a stop in the
middle of work loses nothing, and a bad start says so in one line."""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select

from bot.sender import OutboxSender
from fake_telegram import FakeTelegram
from models.db import create_engine, create_sessionmaker
from models.people import Role
from models.questions import Question, QuestionMessage
from tests.e2e.conftest import ROOT, TOKEN, BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PAIRS = 50
# README, "Deployment at scale": a crash repeats only the deliveries in flight at that
# moment, at most one duplicate each, and the sender runs at most this many at once.
MAX_DUPLICATES = inspect.signature(OutboxSender).parameters["concurrency"].default
MENTOR, MENTEE = 1000, 2000  # Telegram ids: MENTOR + i is the mentor of MENTEE + i

T = TypeVar("T")


def run_async(work: Callable[[Any], Awaitable[T]], database_url: str) -> T:
    """Run `work(sessionmaker)` on a private loop: the test itself is synchronous."""

    async def run() -> T:
        engine = create_engine(database_url)
        try:
            return await work(create_sessionmaker(engine))
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def seed_pairs(database_url: str, pairs: int) -> None:
    async def populate(sm: Any) -> None:
        async with seed(sm, MONDAY_NOON - timedelta(days=30)) as s:
            org = await s.org("Школа №9")
            for i in range(pairs):
                mentor = await s.member(
                    org, Person(MENTOR + i, "m"), Role.MENTOR, name=f"Наставник {i}"
                )
                mentee = await s.member(
                    org, Person(MENTEE + i, "e"), Role.MENTEE, name=f"Молодой {i}"
                )
                await s.program(org, mentor, [mentee])

    run_async(populate, database_url)


def kill(bot: BotProcess) -> None:
    """SIGKILL: no shutdown work at all, as after a power cut or the OOM killer."""
    assert bot.proc is not None
    bot.proc.kill()
    bot.proc.wait()
    bot.proc = None
    bot._log_file.close()
    bot._log_file = None


def test_kill_during_a_burst_loses_no_question(fake: FakeTelegram, bot_process: BotProcess) -> None:
    seed_pairs(bot_process.database_url, PAIRS)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    mentees = [fake.user(MENTEE + i, f"Учитель {i}") for i in range(PAIRS)]
    mentors = [fake.user(MENTOR + i, f"Наставник {i}") for i in range(PAIRS)]

    for i, mentee in enumerate(mentees):
        mentee.send(f"Как провести урок номер {i}?")
    deadline = time.monotonic() + 15
    while not any(m.messages for m in mentors) and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)  # 50 ms into the deliveries: some done, some running, most not begun
    kill(bot_process)
    bot_process.start()

    for i, mentor in enumerate(mentors):
        mentor.wait_for(f"урок номер {i}?", timeout=30)
    fake.wait_idle(timeout=15)
    copies = [
        sum(1 for m in mentor.messages if f"урок номер {i}?" in m.text)
        for i, mentor in enumerate(mentors)
    ]
    duplicates = sum(copies) - PAIRS
    assert max(copies) <= 2, copies
    assert duplicates <= MAX_DUPLICATES, copies


def test_sigterm_during_an_album_finishes_it(fake: FakeTelegram, bot_process: BotProcess) -> None:
    seed_pairs(bot_process.database_url, 1)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    mentee, mentor = fake.user(MENTEE, "Анна"), fake.user(MENTOR, "Андрей")

    fake.set_delay(None, 0.15)  # a slow network: the parts queue up behind each other
    mentee.send_album(10, caption="Доска после урока")
    mentor.wait_for("Доска после урока")  # the first part is through; the rest are not
    assert bot_process.stop() == 0
    fake.set_delay(None, 0)
    bot_process.start()

    fake.wait_idle(timeout=15)
    for _ in range(9):
        mentor.wait_for(predicate=lambda m: m.kind == "photo")
    fake.wait_idle(timeout=5)
    assert sum(1 for m in mentor.messages if m.kind == "photo") == 10

    async def stored(sm: Any) -> tuple[int, int]:
        async with sm() as s:
            asked = await s.scalar(select(func.count()).select_from(Question))
            parts = await s.scalar(
                select(func.count())
                .select_from(QuestionMessage)
                .where(QuestionMessage.chat_id == MENTEE)
            )
            return asked or 0, parts or 0

    assert run_async(stored, bot_process.database_url) == (1, 10)


def start(env: dict[str, str], workdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_bad_start_says_why_in_one_line(
    fake: FakeTelegram, tmp_path: Path, sqlite_template: Path
) -> None:
    database = {}
    for name in ("wrong", "unreachable"):
        (tmp_path / name).mkdir()
        shutil.copyfile(sqlite_template, tmp_path / name / "bot.db")  # migrated already
        database[name] = f"sqlite+aiosqlite:///{tmp_path / name / 'bot.db'}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    wrong = start(
        {
            "DATABASE_URL": database["wrong"],
            "BOT_TOKEN": "999:WRONG-TOKEN",
            "TELEGRAM_API_BASE": fake.base_url,
        },
        tmp_path / "wrong",
    )
    unreachable = start(
        {"DATABASE_URL": database["unreachable"], "BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": closed},
        tmp_path / "unreachable",
    )
    wrong_out, wrong_err = wrong.communicate(timeout=60)
    out, err = unreachable.communicate(timeout=60)

    assert wrong.returncode != 0
    assert wrong_err.splitlines() == ["mentorbot: BOT_TOKEN was rejected by Telegram (401)"]
    assert unreachable.returncode != 0
    assert len(err.splitlines()) == 1 and closed in err, err
    assert "Traceback" not in wrong_out + out
