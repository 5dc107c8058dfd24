"""Everything outgoing passes one rate limiter; outbox rows are delivered here.

The limiter is a request middleware on the bot's session, so direct replies and outbox
rows share the same budget: a global rate, a per-chat token bucket that allows short
bursts, and a per-minute budget for groups. A 429 pauses the chat; 429s on several
chats at once lower the global rate for a while. Network errors and 5xx are retried
with backoff. An outbox delivery never waits out a 429: its row is due again when the
pause ends, and the chat's other rows wait with it while every other chat goes on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import notices
from bot.clock import Clock
from bot.delivery import Sent
from bot.i18n import Locales
from models import outbox
from models.calendar import WorkSchedule
from models.db import write_gate
from models.outbox import OutboxMessage, OutboxStatus
from models.people import Organization, User

log = logging.getLogger(__name__)

LIMITED_PREFIXES = ("send", "copy", "forward", "edit")
MAX_DIRECT_WAIT = 15.0
NETWORK_RETRIES = 3
MAX_OUTBOX_ATTEMPTS = 8
# Transient failures (network, 5xx) are tried again at most this far apart, forever.
MAX_BACKOFF = 300.0
# How long a school's schedule (quiet hours) is used before it is read again.
SCHEDULE_TTL = 60.0
# How often one outcome's write is tried before it is given up.
RECORD_TRIES = 5
# A claim older than this, held by no worker of this process, is released.
STALE_CLAIM = timedelta(minutes=10)
# Set while an outbox row is being sent: a 429 is then raised at once, not waited out.
OUTBOX_SEND: ContextVar[bool] = ContextVar("outbox_send", default=False)


class TokenBucket:
    """A bucket that hands out reservations: each caller learns how long to wait."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = float("-inf")

    def reserve(self, now: float) -> float:
        if self.updated == float("-inf"):
            self.updated = now
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class RateLimiter:
    def __init__(
        self,
        global_rate: float,
        chat_rate: float,
        chat_burst: int,
        group_per_minute: int,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timer = timer
        self.base_global_rate = global_rate
        self.global_bucket = TokenBucket(global_rate, max(1.0, global_rate))
        self.chat_rate = chat_rate
        self.chat_burst = chat_burst
        self.group_rate = group_per_minute / 60.0
        self.group_burst = min(3, group_per_minute)
        self.chats: dict[int, TokenBucket] = {}
        self.paused_until: dict[int, float] = {}
        self.recent_429: deque[tuple[float, int]] = deque()
        self.slow_until = 0.0

    def _bucket(self, chat_id: int) -> TokenBucket:
        bucket = self.chats.get(chat_id)
        if bucket is None:
            if chat_id < 0:
                bucket = TokenBucket(self.group_rate, self.group_burst)
            else:
                bucket = TokenBucket(self.chat_rate, self.chat_burst)
            self.chats[chat_id] = bucket
            if len(self.chats) > 50_000:
                self._forget_idle()
        return bucket

    def _forget_idle(self) -> None:
        now = self.timer()
        for chat_id in [c for c, b in self.chats.items() if now - b.updated > 60]:
            del self.chats[chat_id]

    def paused_chats(self) -> list[int]:
        now = self.timer()
        return [chat for chat, until in self.paused_until.items() if until > now]

    def paused_for(self, chat_id: int) -> float:
        """Seconds until Telegram lets us write to this chat again."""
        return max(0.0, self.paused_until.get(chat_id, 0.0) - self.timer())

    def delay_for(self, chat_id: int | None) -> float:
        now = self.timer()
        if self.slow_until and now > self.slow_until:
            self.global_bucket.rate = self.base_global_rate
            self.slow_until = 0.0
        delay = self.global_bucket.reserve(now)
        if chat_id is not None:
            delay = max(delay, self._bucket(chat_id).reserve(now))
            delay = max(delay, self.paused_until.get(chat_id, 0.0) - now)
        return delay

    async def acquire(self, chat_id: int | None) -> None:
        delay = self.delay_for(chat_id)
        if delay > 0:
            await asyncio.sleep(delay)

    def pause(self, chat_id: int | None, seconds: float) -> None:
        now = self.timer()
        if chat_id is not None:
            self.paused_until[chat_id] = max(self.paused_until.get(chat_id, 0.0), now + seconds)
        self.recent_429.append((now, chat_id or 0))
        while self.recent_429 and now - self.recent_429[0][0] > 10:
            self.recent_429.popleft()
        if len({chat for _, chat in self.recent_429}) >= 3:
            self.global_bucket.rate = max(1.0, self.base_global_rate / 2)
            self.slow_until = now + 60


def _chat_of(method: TelegramMethod[Any]) -> int | None:
    chat_id = getattr(method, "chat_id", None)
    return chat_id if isinstance(chat_id, int) else None


class RateLimitMiddleware(BaseRequestMiddleware):
    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        if not name.startswith(LIMITED_PREFIXES):
            return await make_request(bot, method)
        chat_id = _chat_of(method)
        max_wait = 0.0 if OUTBOX_SEND.get() else MAX_DIRECT_WAIT
        if chat_id is not None and self.limiter.paused_for(chat_id) > max_wait:
            raise TelegramRetryAfter(
                method=method,
                message="Too Many Requests: this chat is paused",
                retry_after=int(self.limiter.paused_for(chat_id)) + 1,
            )
        network_failures = 0
        waited = 0.0
        while True:
            await self.limiter.acquire(chat_id)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.limiter.pause(chat_id, exc.retry_after)
                log.warning("429 on %s chat=%s retry_after=%s", name, chat_id, exc.retry_after)
                waited += exc.retry_after
                if waited > max_wait:
                    raise
            except (TelegramNetworkError, TelegramServerError) as exc:
                network_failures += 1
                kind = type(exc).__name__
                log.warning("%s failed (%s), attempt %s", name, kind, network_failures)
                if network_failures >= NETWORK_RETRIES:
                    raise
                await asyncio.sleep(0.5 * 2 ** (network_failures - 1))


class OutboxSender:
    """Delivers outbox rows, one worker per chat, so one chat's backlog or pause holds no
    other chat and never the tick. A row is marked sent only after Telegram accepted it,
    in a short transaction that also records what the delivery yielded.

    Rows reach it two ways: `submit` right after a handler's commit (the rows it wrote
    were born claimed by this process), and `drain`, which the tick calls for rows due
    later or left behind by a process that died.
    """

    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        locales: Locales,
        clock: Clock,
        limiter: RateLimiter | None = None,
        batch: int = 200,
        concurrency: int = 32,
    ) -> None:
        self.limiter = limiter
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.locales = locales
        self.clock = clock
        self.batch = batch
        self.claimer = f"{socket.gethostname()[:20]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._slots = asyncio.Semaphore(concurrency)
        self._gate = write_gate(sessionmaker)
        self._queues: dict[int, deque[OutboxMessage]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._held: set[int] = set()  # claimed by us and queued or being sent here
        self._tried: dict[int, asyncio.Event] = {}
        self._outcomes: OrderedDict[int, str] = OrderedDict()  # row id → sent/queued/failed
        self._records: list[_Record] = []
        self._recorder: asyncio.Task[None] | None = None
        # Chats whose rows wait for a moment (a 429, a failed try): every row of the chat
        # is due at that same moment, so the chat's messages keep their order.
        self._chat_due: dict[int, datetime] = {}
        self._schedules: dict[int, tuple[float, WorkSchedule]] = {}  # org id → (read at, …)

    # Taking rows ---------------------------------------------------------------------
    async def recover(self) -> int:
        """At start-up of the only sending process: whatever a previous process had
        claimed and not finished goes back to pending and is sent again."""
        async with self._gate.hold(), self.sessionmaker() as session, session.begin():
            return await outbox.release_claims(session, self.clock.now())

    def submit(self, rows: list[OutboxMessage]) -> None:
        """Deliver rows this process claimed, in order per chat, starting now."""
        for row in rows:
            if row.id in self._held:
                continue
            self._held.add(row.id)
            self._tried.setdefault(row.id, asyncio.Event())
            self._queues.setdefault(row.chat_id, deque()).append(row)
            if row.chat_id not in self._workers:
                task = asyncio.get_running_loop().create_task(self._work(row.chat_id))
                self._workers[row.chat_id] = task

    async def drain(self) -> int:
        """Claim the rows that are due and hand them to the workers; returns how many.
        It does not wait for them to be sent."""
        now = self.clock.now()
        # A chat Telegram paused waits; a chat with rows queued here gets no more until
        # they are through, so one slow chat cannot take every claim.
        busy = set(self.limiter.paused_chats()) if self.limiter else set()
        busy |= set(self._queues)
        for chat_id in [c for c, due in self._chat_due.items() if due <= now]:
            del self._chat_due[chat_id]
        async with self._gate.hold(), self.sessionmaker() as session, session.begin():
            await outbox.drop_expired(session, now)
            await outbox.release_claims(
                session,
                now,
                older_than=STALE_CLAIM,
                keep=self.claimer,
                keep_ids=frozenset(self._held),
            )
            rows = await outbox.claim_due(session, now, self.batch, self.claimer, frozenset(busy))
        self.submit(rows)
        return len(rows)

    async def settle(self) -> None:
        """Returns when every row handed over so far has been tried."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    async def attempted(self, ids: list[int]) -> None:
        """Waits until each of these rows had its first try here (rows not held by this
        process are not waited for)."""
        events = [self._tried[i] for i in ids if i in self._tried]
        for event in events:
            await event.wait()

    async def outcome(self, ids: list[int], wait: float) -> str:
        """After their first try (waited for at most `wait` seconds): "sent" when every
        row went through, "queued" when one waits for another try, else "failed"."""
        try:
            async with asyncio.timeout(wait):
                await self.attempted(ids)
        except TimeoutError:
            pass
        results = [self._outcomes.pop(i, "queued") for i in ids]
        if "queued" in results:
            return "queued"
        return "sent" if all(r == "sent" for r in results) else "failed"

    # Working a chat ------------------------------------------------------------------
    async def _work(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue:
                row = queue.popleft()
                try:
                    async with self._slots:
                        await self._deliver(row)
                except Exception as exc:  # a bug in a renderer must not kill the worker
                    log.exception("outbox row %s (%s) failed", row.id, row.kind)
                    try:
                        await self._failed_attempt(row, f"{type(exc).__name__}: {exc}")
                    except Exception:
                        # Not even the failure could be written: the row stays claimed,
                        # and the drain releases it once the claim is stale.
                        log.exception("outbox row %s: outcome not recorded", row.id)
                finally:
                    self._release(row)
        finally:
            self._workers.pop(chat_id, None)
            if not queue:
                self._queues.pop(chat_id, None)

    async def _quiet(self, org_id: int | None) -> bool:
        """Whether the school is in its quiet hours now. Schedules are read at most once
        a minute per school: a change in /settings takes effect within that."""
        if org_id is None:
            return False
        read_at, schedule = self._schedules.get(org_id, (float("-inf"), None))
        if schedule is None or time.monotonic() - read_at > SCHEDULE_TTL:
            async with self.sessionmaker() as session:
                org = await session.get(Organization, org_id)
            if org is None:
                return False
            schedule = WorkSchedule.of(org)
            self._schedules[org_id] = (time.monotonic(), schedule)
        return schedule.is_quiet(self.clock.now())

    async def _reader_language(self, row: OutboxMessage) -> tuple[bool, str | None]:
        """(reachable, language) of the row's reader. A row born claimed carries what
        the handler knew a moment ago; a row from the drain asks the database."""
        if row.reader_language is not None:
            return True, row.reader_language
        if row.user_id is None:
            return True, None
        async with self.sessionmaker() as session:
            user = await session.get(User, row.user_id)
        if user is None:
            return True, None
        return user.reachable and user.tg_id is not None, user.language

    async def _deliver(self, row: OutboxMessage) -> None:
        reachable, language = await self._reader_language(row)
        if not reachable:
            await self._finish(row, OutboxStatus.CANCELLED, "recipient unreachable")
            return
        waiting = self._chat_due.get(row.chat_id)
        if waiting is not None and waiting <= self.clock.now():
            del self._chat_due[row.chat_id]
            waiting = None
        if waiting is not None:
            # An earlier message of this chat waits: this one goes after it.
            await self._retry(row, 0, "behind an earlier message", False)
            return
        if self.limiter is not None and self.limiter.paused_for(row.chat_id) > 0:
            # Telegram asked us to wait for this chat: come back then.
            await self._retry(row, self.limiter.paused_for(row.chat_id), "chat paused", False)
            return
        if not row.silent and await self._quiet(row.org_id):
            row.silent = True  # the reader's school is in its quiet hours: no sound
        t = self.locales.get(language)
        render = notices.renderer(row.kind, t)
        if render is None:
            log.error("outbox row %s has an unknown kind %s", row.id, row.kind)
            await self._finish(row, OutboxStatus.FAILED, f"unknown kind {row.kind}")
            return
        delivery = notices.Delivery(self.bot, row, t, self.sessionmaker)
        token = OUTBOX_SEND.set(True)
        try:
            sent = await render(delivery)
        # A try that fails part way (the header went, its copy did not) keeps what went:
        # it is linked to the question, and the next try goes on from there.
        except TelegramRetryAfter as exc:
            await self._retry(row, exc.retry_after, "retry after", False, delivery.progress)
            return
        except TelegramForbiddenError as exc:
            await self._finish(
                row, OutboxStatus.FAILED, exc.message, blocked=True, partial=delivery.progress
            )
            return
        except TelegramBadRequest as exc:
            log.error("outbox row %s (%s) refused: %s", row.id, row.kind, exc.message)
            await self._finish(row, OutboxStatus.FAILED, exc.message, partial=delivery.progress)
            return
        except (TelegramNetworkError, TelegramServerError) as exc:
            # Telegram or the network is down: try again, for as long as it takes.
            backoff = min(MAX_BACKOFF, 5.0 * 2 ** min(row.attempts, 8))
            await self._retry(row, backoff, str(exc), True, delivery.progress)
            return
        finally:
            OUTBOX_SEND.reset(token)
        await self._finish(row, OutboxStatus.SENT, None, sent=sent)

    # Recording the outcome -----------------------------------------------------------
    # Outcomes are written by one recorder task: what several workers finished meanwhile
    # goes in one short transaction. A worker waits for its record before the chat's
    # next row (an album's next part replies to the message the first one recorded).

    async def _finish(
        self,
        row: OutboxMessage,
        status: OutboxStatus,
        error: str | None,
        *,
        sent: list[Sent] | None = None,
        blocked: bool = False,
        partial: list[Sent] | None = None,
    ) -> None:
        self._remember(row.id, "sent" if status == OutboxStatus.SENT else "failed")
        record = _Record(row, status, error, sent=sent, blocked=blocked, partial=partial or [])
        await self._record(record)

    async def _failed_attempt(self, row: OutboxMessage, error: str) -> None:
        """An unexpected error: another try, with backoff, until the attempts run out."""
        if row.attempts + 1 >= MAX_OUTBOX_ATTEMPTS:
            log.error("outbox row %s (%s) given up: %s", row.id, row.kind, error)
            await self._finish(row, OutboxStatus.FAILED, error)
        else:
            await self._retry(row, min(600.0, 5.0 * 2**row.attempts), error, True)

    async def _retry(
        self,
        row: OutboxMessage,
        seconds: float,
        error: str,
        count: bool,
        partial: list[Sent] | None = None,
    ) -> None:
        """The row is due again later, and so is every row of its chat queued here."""
        self._remember(row.id, "queued")
        due = self.clock.now() + timedelta(seconds=seconds)
        due = max(due, self._chat_due.get(row.chat_id, due))
        self._chat_due[row.chat_id] = due
        records = [_Record(row, None, error, retry_at=due, count=count, partial=partial or [])]
        queue = self._queues.get(row.chat_id)
        while queue:
            later = queue.popleft()
            self._remember(later.id, "queued")
            records.append(
                _Record(later, None, "behind an earlier message", retry_at=due, count=False)
            )
            self._release(later)
        for record in records:
            self._records.append(record)
        self._wake_recorder()
        for record in records:
            await record.done

    def _release(self, row: OutboxMessage) -> None:
        """This process is done with the row (sent, finished, or due again later)."""
        self._held.discard(row.id)
        event = self._tried.pop(row.id, None)
        if event is not None:
            event.set()

    def _remember(self, row_id: int, outcome: str) -> None:
        self._outcomes[row_id] = outcome
        while len(self._outcomes) > 10_000:
            self._outcomes.popitem(last=False)

    async def _record(self, record: _Record) -> None:
        self._records.append(record)
        self._wake_recorder()
        await record.done

    def _wake_recorder(self) -> None:
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.get_running_loop().create_task(self._write_records())

    async def _write_records(self) -> None:
        """Write outcomes until none wait. A failed write is tried again (never the send
        it records); after a failure each record goes alone, and one that keeps failing
        is given up with an error line (its row is released once its claim is stale)."""
        await asyncio.sleep(0)  # let the workers that finish in this turn join in
        pause = 0.2
        while self._records:
            batch, self._records = self._records, []
            if any(r.failures for r in batch):
                self._records, batch = batch[1:], batch[:1]
            try:
                claimed = await self._write(batch)
            except Exception:
                log.exception("recording %s outbox outcomes failed", len(batch))
                for record in batch:
                    record.failures += 1
                keep = [r for r in batch if r.failures < RECORD_TRIES]
                for record in batch:
                    if record.failures >= RECORD_TRIES and not record.done.done():
                        log.error("outbox row %s: outcome given up", record.row.id)
                        record.done.set_result(None)
                self._records = keep + self._records
                await asyncio.sleep(pause)
                pause = min(5.0, pause * 2)
                continue
            pause = 0.2
            for record in batch:
                if not record.done.done():
                    record.done.set_result(None)
            self.submit(claimed)

    async def _write(self, batch: list[_Record]) -> list[OutboxMessage]:
        now = self.clock.now()
        async with self._gate.hold(), self.sessionmaker() as session:
            # What an outcome makes necessary (a blocked reader: the curators told) is
            # born claimed here and goes out right away, like a handler's rows.
            session.info[outbox.CLAIMER] = self.claimer
            async with session.begin():
                # A row cancelled while it was being sent (/forget, a blocked reader) stays
                # cancelled, and its copy joins no thread.
                sent = [r for r in batch if r.status == OutboxStatus.SENT]
                marked = await outbox.finish_sent(session, [r.row.id for r in sent], now)
                sent = [r for r in sent if r.row.id in marked]
                await notices.record_deliveries(
                    session,
                    [(r.row, r.sent) for r in sent if r.sent],
                    [
                        (r.row, r.partial)
                        for r in batch
                        if r.partial and r.status != OutboxStatus.SENT
                    ],
                    now,
                )
                for record in batch:
                    row = record.row
                    if record.status == OutboxStatus.SENT:
                        continue
                    if record.status is None:
                        assert record.retry_at is not None
                        resumed = notices.resumed_args(row, record.partial)
                        await outbox.retry_later(
                            session,
                            row.id,
                            record.retry_at,
                            record.error or "",
                            count=record.count,
                            args=resumed if record.partial else None,
                        )
                        continue
                    await outbox.finish(session, row.id, record.status, now, record.error)
                    if record.blocked:
                        await notices.undeliverable(session, row, now)
        return list(session.info.get(outbox.CLAIMED, []))


@dataclass(eq=False)
class _Record:
    """One row's outcome, waiting to be written: finished (status) or due again."""

    row: OutboxMessage
    status: OutboxStatus | None
    error: str | None
    sent: list[Sent] | None = None
    blocked: bool = False
    retry_at: datetime | None = None
    count: bool = True
    failures: int = 0
    partial: list[Sent] = field(default_factory=list)  # sent before the try failed
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
