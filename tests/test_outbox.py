"""The outbox drain and the rate-limited sender, against a scripted Bot API session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.i18n import Locales
from bot.sender import OutboxSender, RateLimiter, RateLimitMiddleware
from models.outbox import OutboxMessage, enqueue
from models.people import Role, User
from tests.support.botclient import TOKEN, Person, RecordingSession
from tests.support.world import make_member, make_org


class ScriptedSession(RecordingSession):
    """Fails the next calls to a chat as told, then behaves like the recorder."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: dict[int, list[Exception]] = {}

    def fail(self, chat_id: int, *errors: Exception) -> None:
        self.failures.setdefault(chat_id, []).extend(errors)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        chat_id = getattr(method, "chat_id", None)
        queue = self.failures.get(chat_id) if isinstance(chat_id, int) else None
        if queue:
            self.calls_failed = getattr(self, "calls_failed", 0) + 1
            raise queue.pop(0)
        return await super().make_request(bot, method, timeout)


def _sender(sessionmaker, clock: FrozenClock) -> tuple[OutboxSender, ScriptedSession]:
    session = ScriptedSession()
    limiter = RateLimiter(1000, 1000, 1000, 1000, timer=lambda: clock.now().timestamp())
    session.middleware(RateLimitMiddleware(limiter))
    bot = Bot(TOKEN, session=session)
    return OutboxSender(bot, sessionmaker, Locales(), clock, limiter), session


async def _row(
    sessionmaker, chat_id: int, user_id: int | None, clock: FrozenClock, **kw: Any
) -> None:
    async with sessionmaker() as s, s.begin():
        await enqueue(
            s,
            chat_id=chat_id,
            user_id=user_id,
            kind="t",
            key="question-remind",
            args={"number": 1, "mentee": "X"},
            now=clock.now(),
            **kw,
        )


async def _rows(sessionmaker) -> list[OutboxMessage]:
    async with sessionmaker() as s:
        return list(await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _method_error(exc_type: type, **kw: Any) -> Exception:
    from aiogram.methods import SendMessage

    return exc_type(method=SendMessage(chat_id=0, text="x"), message="error", **kw)


async def test_due_row_is_sent_once_and_marked(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    await _row(sessionmaker, 500, None, clock, dedupe_key="k1")
    await _row(sessionmaker, 500, None, clock, dedupe_key="k1")
    assert await sender.drain() == 1
    assert await sender.drain() == 0
    rows = await _rows(sessionmaker)
    assert [r.status for r in rows] == ["sent"]
    assert [c.chat_id for c in session.calls] == [500]
    assert "вопрос №1" in session.calls[0].text


async def test_future_and_expired_rows(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    await _row(sessionmaker, 501, None, clock, due_at=clock.now() + timedelta(hours=1))
    await _row(sessionmaker, 502, None, clock, expires_at=clock.now() - timedelta(seconds=1))
    assert await sender.drain() == 0
    assert [r.status for r in await _rows(sessionmaker)] == ["pending", "dropped"]
    clock.set(clock.now() + timedelta(hours=1))
    assert await sender.drain() == 1
    assert [c.chat_id for c in session.calls] == [501]


async def test_retry_after_delivers_later_exactly_once(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    session.fail(503, _method_error(TelegramRetryAfter, retry_after=60))
    await _row(sessionmaker, 503, None, clock)
    assert await sender.drain() == 0
    row = (await _rows(sessionmaker))[0]
    assert row.status == "pending" and row.due_at == clock.now() + timedelta(seconds=60)
    assert await sender.drain() == 0
    clock.set(clock.now() + timedelta(seconds=61))
    assert await sender.drain() == 1
    assert [c.chat_id for c in session.calls] == [503]
    assert (await _rows(sessionmaker))[0].status == "sent"


async def test_server_errors_are_retried_with_backoff(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    errors = [_method_error(TelegramServerError) for _ in range(3)]
    session.fail(504, *errors)
    await _row(sessionmaker, 504, None, clock)
    assert await sender.drain() == 0
    row = (await _rows(sessionmaker))[0]
    assert row.status == "pending" and row.attempts == 1 and row.due_at > clock.now()
    clock.set(row.due_at)
    assert await sender.drain() == 1


async def test_blocked_recipient_is_marked_and_curator_told_once(
    sessionmaker, clock: FrozenClock
) -> None:
    now = clock.now()
    org = await make_org(sessionmaker, now)
    curator = await make_member(sessionmaker, org, Person(10, "c"), Role.CURATOR, now, name="Кур")
    mentor = await make_member(sessionmaker, org, Person(20, "m"), Role.MENTOR, now, name="Нас")
    sender, session = _sender(sessionmaker, clock)
    session.fail(20, _method_error(TelegramForbiddenError), _method_error(TelegramForbiddenError))
    await _row(sessionmaker, 20, mentor.user_id, clock)
    later = clock.now() + timedelta(minutes=5)
    await _row(sessionmaker, 20, mentor.user_id, clock, due_at=later)
    await sender.drain()
    clock.set(later)
    await sender.drain()
    async with sessionmaker() as s:
        assert (await s.get(User, mentor.user_id)).reachable is False
    rows = await _rows(sessionmaker)
    notices = [r for r in rows if r.key == "notice-unreachable"]
    assert len(notices) == 1 and notices[0].chat_id == 10 and notices[0].status == "sent"
    assert sorted(r.status for r in rows if r.chat_id == 20) == ["cancelled", "failed"]
    assert curator.user_id == notices[0].user_id
