"""The tick: one fixed APScheduler interval job that catches up on time-driven work.

Each run (1) creates what has come due since the last run, idempotently by dedupe key,
and (2) hands due outbox rows to the sender. A nudge runs it at once, for example right
after a handler queued a message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

TICK_JOB_ID = "tick"

CatchUp = Callable[[], Awaitable[int]]


class Tick:
    def __init__(self, catch_ups: list[CatchUp], drain: Callable[[], Awaitable[int]]) -> None:
        self.catch_ups = catch_ups
        self.drain = drain
        self._lock = asyncio.Lock()
        self._again = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def run_once(self) -> None:
        if self._lock.locked():
            self._again = True
            return
        async with self._lock:
            while True:
                self._again = False
                for catch_up in self.catch_ups:
                    try:
                        await catch_up()
                    except Exception:
                        log.exception("catch-up %s failed", getattr(catch_up, "__name__", "?"))
                try:
                    await self.drain()
                except Exception:
                    log.exception("outbox drain failed")
                if not self._again:
                    return

    def nudge(self) -> None:
        task = asyncio.get_running_loop().create_task(self.run_once())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_tasks(self) -> None:
        """Wait for nudged runs and for a run in progress to finish."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        async with self._lock:
            return


def start_scheduler(tick: Tick, seconds: float) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        tick.run_once,
        "interval",
        seconds=seconds,
        id=TICK_JOB_ID,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler
