"""One sandbox: the stand-in, the real bot beside it, the clock, the cast and their chats."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.clock import FileClock, parse_instant
from bot.config import Settings
from bot.i18n import Locales
from fake_telegram import FakeTelegram, FakeUser
from models.db import create_engine
from models.people import Organization
from sandbox import demo
from sandbox.botproc import BotProcess, bot_environment
from sandbox.guard import SANDBOX_TOKEN, sqlite_url
from sandbox.personas import ADMIN, CAST, FIRST_ADDED_ID, ROLES, Persona
from sandbox.travel import first_instant, travel

log = logging.getLogger(__name__)

BOT_USERNAME = "mentorbot_sandbox_bot"
# The zone of a new school of the sandbox's bot (it runs with the default settings).
DEFAULT_ZONE: str = Settings.model_fields["default_timezone"].default
LANGUAGES = ("ru", "en")
_STATE_VERSION = 1
_READY_TIMEOUT = 90.0


async def _in_daemon_thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run blocking ``function`` in a daemon thread: Ctrl-C never waits for it to finish."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(error: BaseException | None, result: Any) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            result, error = function(*args, **kwargs), None
        except BaseException as exc:
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
            loop.call_soon_threadsafe(settle, error, result)

    threading.Thread(target=run, name="sandbox-demo", daemon=True).start()
    return await future


class SandboxError(Exception):
    """A visitor's request that cannot be done now; the text is for the page (a locale key)."""


@dataclass
class Busy:
    what: str  # "demo" or "reset"
    step: int = 0
    steps: int = 0
    label: str = ""


@dataclass
class Paths:
    data: Path

    @property
    def database(self) -> Path:
        return self.data / "sandbox.db"

    @property
    def clock(self) -> Path:
        return self.data / "sandbox.clock"

    @property
    def chats(self) -> Path:
        return self.data / "sandbox-chats.pickle"

    @property
    def log(self) -> Path:
        return self.data / "sandbox-bot.log"


class Sandbox:
    def __init__(self, data_dir: Path, start_at: datetime | None = None) -> None:
        self.paths = Paths(data_dir.resolve())
        self.start_at = start_at
        self.clock = FileClock(self.paths.clock)
        self.fake: FakeTelegram | None = None
        self.bot: BotProcess | None = None
        self.cast: list[Persona] = list(CAST)
        self.language = "ru"
        self.locales = Locales()
        self.bot_state = "stopped"
        self.bot_detail = ""
        self.busy: Busy | None = None
        self.epoch = 0  # a new stand-in (after a reset) starts its revisions anew
        self.seen: dict[int, int] = {}  # persona → bot messages read
        self.toasts_read: dict[int, int] = {}  # persona → callback answers shown
        self._engine: Any = None
        self._waiters = ThreadPoolExecutor(16, thread_name_prefix="sandbox-wait")
        self._watch: asyncio.Task[None] | None = None
        self.alert: dict[str, Any] | None = None  # the last failure of a background job
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self.paths.data.mkdir(parents=True, exist_ok=True)
        saved = self._load_saved()
        # Only a clean stop leaves chats to take up again: after a kill
        # they would be older than the database, and the bot would skip the reused update ids.
        self.paths.chats.unlink(missing_ok=True)
        if saved is not None:
            try:
                self._new_fake(saved)
            except Exception as exc:  # saved by another version of the stand-in
                log.warning("the sandbox's saved chats do not fit (%s): starting over", exc)
                saved = None
        if saved is None:
            self._forget_files()
            self._set_first_clock()
        elif self.start_at is not None:
            self._set_clock(self.start_at)
        else:  # on from the instant it stopped at (close wrote it), not from the file's age
            self._set_clock(saved["clock"])
        if saved is None:
            self._new_fake()
        await self._start_bot()
        if saved is None:
            self.background(asyncio.create_task(self._greet_when_ready()))

    async def _greet(self) -> None:
        """A fresh sandbox opens with the admin's /start: the answer lists what they can do,
        and it gives them their menu."""
        fake = self.fake
        await self.wait_ready()
        if fake is not None and self.fake is fake:  # not a stand-in a reset has replaced
            self._user(fake, ADMIN).send("/start")

    async def _greet_when_ready(self) -> None:
        with contextlib.suppress(SandboxError):  # a bot that failed says so in the state
            await self._greet()

    async def close(self) -> None:
        """Stop the bot (it confirms what it handled), keep the chats and the clock's
        instant, stop the stand-in. A demo or reset cut short is not kept: the next start
        begins anew."""
        interrupted = self.busy is not None
        for task in list(self._tasks):
            task.cancel()
        await self._stop_bot()
        if self.fake is not None and not interrupted and self.paths.database.exists():
            self._set_clock(self.now())  # the clock stands still while the sandbox is off
            self._save()
        await self._stop_all()
        self._waiters.shutdown(wait=False, cancel_futures=True)

    def _new_fake(self, saved: dict[str, Any] | None = None) -> None:
        fake = FakeTelegram(
            token=SANDBOX_TOKEN,
            bot_username=BOT_USERNAME,
            bot_first_name="Наставничество (песочница)",
            now=lambda: self.clock.now().timestamp(),
            keep_calls=1000,
        ).start()
        if saved is not None:
            try:
                fake.import_state(saved["fake"])
                self.cast = [Persona(**p) for p in saved["cast"]]
            except Exception:
                fake.stop()
                raise
            self.language = saved.get("language", "ru")
        else:
            self.cast = list(CAST)
        for persona in self.cast:
            self._user(fake, persona)
        self.seen, self.toasts_read = {}, {}
        self.epoch += 1
        self.fake = fake

    def _user(self, fake: FakeTelegram, persona: Persona) -> FakeUser:
        user = fake.user(persona.id, persona.first_name, language_code=self.language)
        user.language_code = self.language
        return user

    async def _start_bot(self) -> None:
        assert self.fake is not None
        env = bot_environment(
            {
                "BOT_TOKEN": SANDBOX_TOKEN,
                "TELEGRAM_API_BASE": self.fake.base_url,
                "DATABASE_URL": sqlite_url(self.paths.database),
                "ADMIN_IDS": str(ADMIN.id),
                "APP_ENV": "sandbox",
                "TEST_CLOCK_FILE": str(self.paths.clock),
                "TICK_SECONDS": "1",
                # One person plays everyone, fast: a deep per-chat burst keeps the pacing
                # for real chats from slowing the demo school down.
                "CHAT_BURST": "20",
                "FLOOD_MESSAGES_PER_SECOND": "50",
                # The tick runs every second: INFO would log it twice a second.
                "LOG_LEVEL": "WARNING",
            }
        )
        polls_before = self.fake.polls
        self.bot = BotProcess(self.paths.data, env, self.paths.log)
        self._set_bot("starting", "")
        self.bot.start()
        self._watch = asyncio.create_task(self._watch_bot(self.bot, self.fake, polls_before))

    async def _watch_bot(self, bot: BotProcess, fake: FakeTelegram, polls_before: int) -> None:
        deadline = time.monotonic() + _READY_TIMEOUT
        while self.bot is bot:
            code = bot.exit_code
            if code is not None:
                self._set_bot("failed", bot.last_error() or f"exit code {code}")
                return
            if self.bot_state == "starting":
                if fake.polls > polls_before:
                    self._set_bot("running", "")
                elif time.monotonic() > deadline:
                    self._set_bot("failed", bot.last_error() or "the bot did not start")
            await asyncio.sleep(0.2)

    def _set_bot(self, state: str, detail: str) -> None:
        self.bot_state, self.bot_detail = state, detail
        if state == "failed":
            log.error("the sandbox's bot stopped: %s (log: %s)", detail, self.paths.log)
        self._touch()

    async def wait_ready(self, within: float = _READY_TIMEOUT) -> None:
        deadline = time.monotonic() + within
        while self.bot_state != "running":
            if self.bot_state == "failed" or time.monotonic() > deadline:
                raise SandboxError("error-bot-failed")
            await asyncio.sleep(0.1)

    async def _stop_bot(self) -> None:
        """The bot first: it confirms what it has handled while the stand-in still listens."""
        if self._watch is not None:
            self._watch.cancel()
        if self.bot is not None:
            bot, self.bot = self.bot, None
            await bot.stop()

    async def _stop_all(self) -> None:
        await self._stop_bot()
        if self.fake is not None:
            fake, self.fake = self.fake, None
            fake.touch()
            fake.stop()
        await self._dispose_engine()

    # ------------------------------------------------------------------ saved chats

    def _load_saved(self) -> dict[str, Any] | None:
        """The chats of the last run, when they belong to the database that is there."""
        if not (self.paths.database.exists() and self.paths.chats.exists()):
            return None
        try:
            with self.paths.chats.open("rb") as file:
                saved = pickle.load(file)  # our own file, written by _save
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as exc:
            log.warning("the sandbox's saved chats are unreadable (%s): starting over", exc)
            return None
        if not isinstance(saved, dict) or saved.get("version") != _STATE_VERSION:
            return None
        try:
            saved["clock"] = parse_instant(self.paths.clock.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return saved

    def _save(self) -> None:
        assert self.fake is not None
        saved = {
            "version": _STATE_VERSION,
            "fake": self.fake.export_state(),
            "cast": [vars(p) for p in self.cast],
            "language": self.language,
        }
        tmp = self.paths.chats.with_suffix(".tmp")
        with tmp.open("wb") as file:
            pickle.dump(saved, file)
        os.replace(tmp, self.paths.chats)

    def _forget_files(self) -> None:
        for path in (
            self.paths.database,
            self.paths.database.with_name("sandbox.db-wal"),
            self.paths.database.with_name("sandbox.db-shm"),
            self.paths.chats,
            self.paths.clock,
        ):
            path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ the clock

    def _set_clock(self, instant: datetime) -> None:
        tmp = self.paths.clock.with_suffix(".tmp")
        tmp.write_text(instant.isoformat(), encoding="utf-8")
        os.replace(tmp, self.paths.clock)
        self._touch()

    def _set_first_clock(self) -> None:
        self._set_clock(first_instant(self.start_at or datetime.now().astimezone(), DEFAULT_ZONE))

    def now(self) -> datetime:
        return self.clock.now()

    async def school(self) -> tuple[str, dict[str, Any] | None]:
        """The time zone and calendar of the sandbox's first school (the default before one)."""
        if not self.paths.database.exists() or self.bot_state != "running" or self.busy:
            return DEFAULT_ZONE, None  # a reset or a demo: the file may go or be new
        if self._engine is None:
            self._engine = create_engine(sqlite_url(self.paths.database))
        try:
            async with self._engine.connect() as conn:
                row = (
                    await conn.execute(
                        select(Organization.timezone, Organization.calendar)
                        .order_by(Organization.id)
                        .limit(1)
                    )
                ).first()
        except Exception as exc:  # the bot may be migrating a fresh file this very moment
            log.debug("school settings not readable yet: %s", exc)
            return DEFAULT_ZONE, None
        return (row[0], row[1]) if row is not None else (DEFAULT_ZONE, None)

    async def _dispose_engine(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            await engine.dispose()

    async def travel(self, step: str) -> datetime:
        self._check_idle()
        zone, calendar = await self.school()
        target = travel(step, self.now(), zone, calendar)
        self._set_clock(target)
        return target

    # ------------------------------------------------------------------ reset and demo

    def _check_idle(self) -> None:
        if self.busy is not None:
            raise SandboxError("error-busy")

    def claim(self, what: str) -> None:
        """Mark the sandbox busy with a reset or the demo, at once: a second press while the
        first is starting is told to wait."""
        self._check_idle()
        self.busy = Busy(what)
        self._touch()

    async def reset(self) -> None:
        """Start over empty (after ``claim("reset")``)."""
        try:
            await self._fresh()
        finally:
            self._release()

    async def fill_demo(self) -> None:
        """Start over, then play a demo school through the bot's own commands (after
        ``claim("demo")``)."""
        try:
            await self._fresh()
            assert self.fake is not None
            await _in_daemon_thread(
                demo.fill,
                self.fake,
                self.cast,
                self.now(),
                DEFAULT_ZONE,  # a fresh sandbox: the school is made in the bot's default zone
                self._progress,
                t=self.text,
            )
        finally:
            self._release()

    def _release(self) -> None:
        self.busy = None
        self._touch()

    async def _fresh(self) -> None:
        await self._stop_all()
        self._forget_files()
        self._set_first_clock()
        self._new_fake()
        await self._start_bot()
        await self._greet()

    def _progress(self, step: int, steps: int, label: str) -> None:
        if self.busy is not None:
            self.busy.step, self.busy.steps, self.busy.label = step, steps, label
        self._touch()

    # ------------------------------------------------------------------ people

    def persona(self, persona_id: int) -> Persona:
        for persona in self.cast:
            if persona.id == persona_id:
                return persona
        raise SandboxError("error-unknown-persona")

    def user(self, persona_id: int) -> FakeUser:
        self._check_idle()
        persona = self.persona(persona_id)
        assert self.fake is not None
        return self._user(self.fake, persona)

    def add_persona(self, name: str, role: str) -> Persona:
        self._check_idle()  # a reset or the demo would drop them
        name = " ".join(name.split())
        if not 1 <= len(name) <= 40:
            raise SandboxError("error-persona-name")
        if role not in ROLES or role == "admin":
            raise SandboxError("error-persona-role")
        next_id = max([FIRST_ADDED_ID - 1, *(p.id for p in self.cast)]) + 1
        persona = Persona(next_id, role, name, name)
        self.cast.append(persona)
        assert self.fake is not None
        self._user(self.fake, persona)
        self._touch()
        return persona

    def set_language(self, language: str) -> None:
        self._check_idle()  # the demo plays in Russian: it would fail half-way
        if language not in LANGUAGES:
            raise SandboxError("error-language")
        self.language = language
        if self.fake is not None:
            for persona in self.cast:
                self._user(self.fake, persona)
        self._touch()

    # ------------------------------------------------------------------ watching

    def text(self, key: str, **args: Any) -> str:
        """A text of locales/ in the page's language."""
        return self.locales.get(self.language).plain(key, **args)

    def raise_alert(self, text: str) -> None:
        # Unique over restarts too: a page still open from an earlier run shows it.
        self.alert = {"n": time.time_ns(), "text": text}
        self._touch()

    def background(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _touch(self) -> None:
        if self.fake is not None:
            self.fake.touch()

    def revision(self) -> str:
        fake = self.fake
        return f"{self.epoch}.{fake.revision if fake is not None else 0}"

    async def wait_change(self, since: str, within: float) -> None:
        """Return when the revision is not ``since`` any more, or after ``within`` seconds."""
        deadline = time.monotonic() + within
        loop = asyncio.get_running_loop()
        while True:
            fake = self.fake
            if fake is None:  # between two stand-ins (a reset): the next one comes soon
                if time.monotonic() >= deadline:
                    return
                await asyncio.sleep(0.2)
                continue
            revision = fake.revision
            remaining = deadline - time.monotonic()
            if f"{self.epoch}.{revision}" != since or remaining <= 0:
                return
            if not fake.running:  # stopping: its waits would return at once
                await asyncio.sleep(0.2)
                continue
            try:
                await loop.run_in_executor(
                    self._waiters, fake.wait_change, revision, min(remaining, 2.0)
                )
            except RuntimeError:  # the pool is shut down: the sandbox is closing
                return
