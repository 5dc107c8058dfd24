"""The tick: one fixed APScheduler interval job that catches up on time-driven work.

Each run (1) creates what has come due since the last run, idempotently by dedupe key,
and (2) hands due outbox rows to the sender. What a handler queues for now does not wait
for it: the sender takes those rows right after the handler's commit.
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

    async def run_once(self) -> None:
        if self._lock.locked():
            return  # a run is under way; the next interval catches up
        async with self._lock:
            for catch_up in self.catch_ups:
                try:
                    await catch_up()
                except Exception:
                    log.exception("catch-up %s failed", getattr(catch_up, "__name__", "?"))
            try:
                await self.drain()
            except Exception:
                log.exception("outbox drain failed")

    async def wait_tasks(self) -> None:
        """Wait for a run in progress to finish."""
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
