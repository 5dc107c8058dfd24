"""End-to-end harness: the real `python -m bot` process against the fake Bot API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from fake_telegram import FakeTelegram
from tests.e2e.school import MONDAY_NOON, School, populate

TOKEN = "123456:TEST-TOKEN"
ADMIN_ID = 1
ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    def __init__(self, fake: FakeTelegram, database_url: str, workdir: Path) -> None:
        self.fake = fake
        self.database_url = database_url
        self.workdir = workdir
        self.clock_file = workdir / "clock"
        self.log_path = workdir / "bot.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        # Settings a test adds or overrides for the bot's process (merged last in `start`).
        self.extra_env: dict[str, str] = {}

    def set_time(self, instant: datetime) -> None:
        """Jump the bot's clock; it runs on from there at the normal pace."""
        tmp = self.clock_file.with_suffix(".tmp")
        tmp.write_text(instant.isoformat(), encoding="utf-8")
        os.replace(tmp, self.clock_file)

    def start(self) -> None:
        env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": self.fake.base_url,
            "DATABASE_URL": self.database_url,
            "ADMIN_IDS": str(ADMIN_ID),
            "APP_ENV": "test",
            "TEST_CLOCK_FILE": str(self.clock_file),
            "TICK_SECONDS": "0.3",
            # Test users answer instantly, faster than any person; a deep burst keeps the
            # per-chat limiter from pacing every step of a flow.
            "CHAT_BURST": "50",
            "FLOOD_MESSAGES_PER_SECOND": "50",
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT),
            **self.extra_env,
        }
        polls_before = len(self.fake.calls_of("getUpdates"))
        self._log_file = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=self.workdir,
            env=env,
            stdout=self._log_file,
            stderr=self._log_file,
        )
        deadline = time.monotonic() + 90
        while len(self.fake.calls_of("getUpdates")) <= polls_before:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited early:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start polling:\n{self.log()}")
            time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM, as a service manager would; returns the exit code."""
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return code

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def assert_clean_log(self) -> None:
        text = self.log()
        problems = [line for line in text.splitlines() if " ERROR " in line or "Traceback" in line]
        assert not problems, text


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, bot_username="mentor_test_bot") as server:
        yield server


@pytest.fixture
def bot_process(fake: FakeTelegram, database_url: str, tmp_path: Path) -> Iterator[BotProcess]:
    """The bot, not started yet: a test can prepare the database and the clock first."""
    process = BotProcess(fake, database_url, tmp_path)
    yield process
    process.stop()
    process.assert_clean_log()


@pytest.fixture
def bot(bot_process: BotProcess) -> BotProcess:
    bot_process.start()
    return bot_process


@pytest.fixture
def school(fake: FakeTelegram, bot_process: BotProcess) -> School:
    populate(bot_process.database_url)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    return School(
        curator=fake.user(10, "Ольга"),
        mentor_a=fake.user(20, "Андрей"),
        mentor_b=fake.user(21, "Белла"),
        anna=fake.user(30, "Анна"),
        boris=fake.user(31, "Борис"),
        vera=fake.user(32, "Вера"),
        galina=fake.user(33, "Галина"),
    )
