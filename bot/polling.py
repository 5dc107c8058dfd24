"""Long polling that confirms an update only after its handling has finished.

aiogram's own polling confirms a batch (the next getUpdates carries the last id + 1) while
the batch's handlers still run, so a crash lost updates whose transactions had not
committed. Here every update runs as its own task, and the offset sent to Telegram is the
smallest id still running: only the finished prefix is ever confirmed. Telegram keeps
returning the updates still running; they are not fed twice, because the ids running or
finished above the confirmed offset are remembered (at most one getUpdates batch of them).
Across a crash, the `processed_updates` row written in the handler's transaction makes a
redelivered update a no-op.

On stop (SIGTERM, SIGINT) polling ends, every update already received finishes, including
those waiting on the per-user event isolation lock, and `confirm()` then tells Telegram
with one getUpdates(offset, limit=1, timeout=0); an update that call returns is not taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Coroutine
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update, User

log = logging.getLogger(__name__)

POLL_TIMEOUT = 25
BATCH = 100
# While updates are running, Telegram answers at once with them: ask again after this
# long to see new ones (at most 20 short polls a second, however busy).
REPOLL_SECONDS = 0.05
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
FAILURE_LOG_SECONDS = 60.0
STARTUP_TIMEOUT = 15
# Safety net only: ids kept are pruned below the confirmed offset, so about one batch.
MAX_REMEMBERED = 10 * BATCH


class _GetRawUpdates(GetUpdates):
    """getUpdates whose answer stays JSON: the updates still running come back on every
    poll, and only the new ones are worth turning into Update objects."""

    __returning__ = list[dict[str, Any]]


class StartupError(Exception):
    """The bot cannot start; the message is one line for the operator."""


async def check_bot(bot: Bot, api_base: str) -> User:
    """getMe, turning the usual failures into one clear line."""
    try:
        return await bot.get_me(request_timeout=STARTUP_TIMEOUT)
    except TelegramUnauthorizedError:
        raise StartupError("BOT_TOKEN was rejected by Telegram (401)") from None
    except TelegramNetworkError:
        raise StartupError(
            f"cannot reach the Telegram Bot API at {api_base}: "
            "check the network or TELEGRAM_API_BASE"
        ) from None
    except TelegramAPIError as exc:
        raise StartupError(
            f"the Telegram Bot API at {api_base} refused getMe: {exc.message}"
        ) from None
    except Exception as exc:  # not a Bot API at all (an HTML page, a proxy's error)
        raise StartupError(
            f"the Telegram Bot API at {api_base} gave no usable answer to getMe "
            f"({type(exc).__name__}): check TELEGRAM_API_BASE"
        ) from None


class _Failures:
    """Backoff 1 s doubling to 30 s; a warning at most once a minute, not per attempt."""

    def __init__(self, first: float, most: float) -> None:
        self.first = first
        self.most = most
        self.count = 0
        self.delay = first
        self.logged_at = -FAILURE_LOG_SECONDS

    def failed(self, exc: BaseException) -> float:
        self.count += 1
        now = time.monotonic()
        if now - self.logged_at >= FAILURE_LOG_SECONDS:
            self.logged_at = now
            log.warning(
                "getUpdates failed (%s: %s); retrying with backoff, %d failed so far",
                type(exc).__name__,
                exc,
                self.count,
            )
        delay, self.delay = self.delay, min(self.delay * 2, self.most)
        if isinstance(exc, TelegramRetryAfter):
            delay = max(delay, float(exc.retry_after))
        return delay

    def recovered(self) -> None:
        if self.count:
            log.info("getUpdates works again after %d failed attempts", self.count)
        self.count = 0
        self.delay = self.first
        self.logged_at = -FAILURE_LOG_SECONDS


class Poller:
    """Feeds updates from getUpdates to the Dispatcher; see the module docstring."""

    def __init__(
        self,
        bot: Bot,
        dp: Dispatcher,
        *,
        concurrency: int,
        allowed_updates: list[str] | None = None,
        timeout: int = POLL_TIMEOUT,
        backoff: tuple[float, float] = (BACKOFF_FIRST, BACKOFF_MAX),
        **kwargs: Any,
    ) -> None:
        self.bot = bot
        self.dp = dp
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.backoff = backoff
        # What aiogram's start_polling gives handlers besides the dispatcher's own data.
        self.workflow_data: dict[str, Any] = {"bots": (bot,), **kwargs}
        self._slots = asyncio.Semaphore(concurrency)
        self._running: dict[int, asyncio.Task[None]] = {}
        self._finished: set[int] = set()  # finished, at or above the offset sent last
        self._highest: int | None = None
        self._sent_offset = 0
        self._final_offset: int | None = None
        self._stop = asyncio.Event()
        self._idle = asyncio.Event()  # set when the last running update finishes

    # ----------------------------------------------------------------- state

    @property
    def offset(self) -> int:
        """The next offset to confirm: everything below it has finished."""
        if self._running:
            return min(self._running)
        if self._highest is None:
            return self._sent_offset
        return self._highest + 1

    def stop(self) -> None:
        if not self._stop.is_set():
            log.info("stopping: no new updates; waiting for %d running", len(self._running))
        self._stop.set()

    def handle_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, self.stop)

    # ----------------------------------------------------------------- polling

    async def run(self, grace: float | None = None) -> None:
        """Poll until stop(); then wait (up to `grace` seconds) for every update taken."""
        stopped = asyncio.ensure_future(self._stop.wait())
        try:
            await self._poll(stopped)
        finally:
            stopped.cancel()
            await self._drain(grace)

    async def _poll(self, stopped: asyncio.Future[Any]) -> None:
        failures = _Failures(*self.backoff)
        request_timeout = int(self.bot.session.timeout + self.timeout)
        while not self._stop.is_set():
            method = _GetRawUpdates(
                offset=self.offset or None,
                limit=BATCH,
                timeout=self.timeout,
                allowed_updates=self.allowed_updates,
            )
            try:
                updates = await self._unless_stopped(
                    self.bot(method, request_timeout=request_timeout), stopped
                )
            except Exception as exc:
                await self._sleep(failures.failed(exc))
                continue
            if updates is None:
                return
            failures.recovered()
            self._confirmed(method.offset or 0)
            fresh = [raw for raw in updates if not self._known(raw["update_id"])]
            for raw in fresh:
                update = self._parse(raw)
                if update is not None:
                    await self._slots.acquire()
                    self._start(update)
            if not fresh and self._running:
                # What Telegram returned is still running here. Ask again soon for new
                # updates, or at once when nothing runs any more (a long poll then).
                self._idle.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._idle.wait(), REPOLL_SECONDS)

    async def _unless_stopped(
        self, request: Coroutine[Any, Any, list[dict[str, Any]]], stopped: asyncio.Future[Any]
    ) -> list[dict[str, Any]] | None:
        task = asyncio.ensure_future(request)
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        # Updates this request would have returned stay unconfirmed: Telegram resends them.
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        return None

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    def _known(self, update_id: int) -> bool:
        return (
            update_id < self._sent_offset
            or update_id in self._running
            or update_id in self._finished
        )

    def _confirmed(self, offset: int) -> None:
        """Telegram has dropped every update below `offset`: forget their ids."""
        if offset > self._sent_offset:
            self._sent_offset = offset
            self._finished = {i for i in self._finished if i >= offset}
        if len(self._finished) > MAX_REMEMBERED:  # cannot happen with Telegram's batches
            self._finished = set(sorted(self._finished)[-MAX_REMEMBERED // 2 :])

    # ----------------------------------------------------------------- handling

    def _parse(self, raw: dict[str, Any]) -> Update | None:
        update_id = int(raw["update_id"])
        if self._highest is None or update_id > self._highest:
            self._highest = update_id
        try:
            return Update.model_validate(raw, context={"bot": self.bot})
        except ValueError:
            # It would fail the same way every time: pass over it rather than stall.
            log.error("update %s cannot be read; skipped", update_id)
            self._finished.add(update_id)
            return None

    def _start(self, update: Update) -> None:
        update_id = update.update_id
        task = asyncio.create_task(self._handle(update), name=f"update-{update_id}")
        self._running[update_id] = task

    async def _handle(self, update: Update) -> None:
        """What aiogram's _process_update does: feed, then send a returned method."""
        finished = False
        try:
            response = await self.dp.feed_update(self.bot, update, **self.workflow_data)
            if isinstance(response, TelegramMethod):
                await self.dp.silent_call_request(self.bot, response)
            finished = True
        except asyncio.CancelledError:
            raise
        except Exception:
            # The error handler has had its say; a second try would fail the same way.
            log.exception("update %s failed", update.update_id)
            finished = True
        finally:
            self._slots.release()
            self._running.pop(update.update_id, None)
            if finished:
                self._finished.add(update.update_id)
            if not self._running:
                self._idle.set()

    async def _drain(self, grace: float | None) -> None:
        tasks = list(self._running.values())
        pending: set[asyncio.Task[None]] = set()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
        # Fixed before anything is cancelled: a cancelled update was not handled.
        self._final_offset = self.offset
        if pending:
            log.warning(
                "stopping: %d updates still running after %ss; Telegram will resend them",
                len(pending),
                grace,
            )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def confirm(self) -> None:
        """Confirm the finished updates to Telegram before exit.

        getUpdates with the offset confirms every update below it; limit=1 and timeout=0
        keep the call short, and an update it returns is not taken, so stays pending.
        """
        offset = self._final_offset if self._final_offset is not None else self.offset
        if offset <= self._sent_offset:
            return
        try:
            await self.bot(GetUpdates(offset=offset, limit=1, timeout=0), request_timeout=10)
        except Exception as exc:
            log.warning(
                "could not confirm updates below %s (%s); on restart they are skipped as handled",
                offset,
                type(exc).__name__,
            )
            return
        self._sent_offset = offset
