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
from sqlalchemy import select, update

from bot.clock import FrozenClock
from bot.i18n import Locales
from bot.sender import (
    MAX_OUTBOX_ATTEMPTS,
    STALE_CLAIM,
    OutboxSender,
    RateLimiter,
    RateLimitMiddleware,
)
from models import outbox as outbox_module
from models.outbox import (
    CLAIMER,
    OutboxMessage,
    cancel_by_ref,
    enqueue,
    forget_author,
    forget_bodies,
)
from models.people import Role, User
from tests.support.botclient import TOKEN, Person, RecordingSession
from tests.support.seed import seed


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
) -> int | None:
    kw.setdefault("kind", "question-remind")
    kw.setdefault("args", {"number": 1, "mentee": "X"})
    async with sessionmaker() as s, s.begin():
        return await enqueue(s, chat_id=chat_id, user_id=user_id, now=clock.now(), **kw)


async def _run(sender: OutboxSender, session: ScriptedSession) -> int:
    """One tick's drain, waited out; how many messages Telegram accepted."""
    before = len(session.calls)
    await sender.drain()
    await sender.settle()
    return len(session.calls) - before


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
    assert await _run(sender, session) == 1
    assert await _run(sender, session) == 0
    rows = await _rows(sessionmaker)
    assert [r.status for r in rows] == ["sent"]
    assert [c.chat_id for c in session.calls] == [500]
    assert "вопрос №1" in session.calls[0].text


async def test_future_and_expired_rows(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    await _row(sessionmaker, 501, None, clock, due_at=clock.now() + timedelta(hours=1))
    await _row(sessionmaker, 502, None, clock, expires_at=clock.now() - timedelta(seconds=1))
    assert await _run(sender, session) == 0
    assert [r.status for r in await _rows(sessionmaker)] == ["pending", "dropped"]
    clock.set(clock.now() + timedelta(hours=1))
    assert await _run(sender, session) == 1
    assert [c.chat_id for c in session.calls] == [501]


async def test_retry_after_delivers_later_exactly_once(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    session.fail(503, _method_error(TelegramRetryAfter, retry_after=60))
    await _row(sessionmaker, 503, None, clock)
    assert await _run(sender, session) == 0
    row = (await _rows(sessionmaker))[0]
    assert row.status == "pending" and row.due_at == clock.now() + timedelta(seconds=60)
    assert await _run(sender, session) == 0
    clock.set(clock.now() + timedelta(seconds=61))
    assert await _run(sender, session) == 1
    assert [c.chat_id for c in session.calls] == [503]
    assert (await _rows(sessionmaker))[0].status == "sent"


async def test_server_errors_are_retried_with_backoff(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    errors = [_method_error(TelegramServerError) for _ in range(3)]
    session.fail(504, *errors)
    await _row(sessionmaker, 504, None, clock)
    assert await _run(sender, session) == 0
    row = (await _rows(sessionmaker))[0]
    assert row.status == "pending" and row.attempts == 1 and row.due_at > clock.now()
    clock.set(row.due_at)
    assert await _run(sender, session) == 1


async def test_blocked_recipient_is_marked_and_curator_told_once(
    sessionmaker, clock: FrozenClock
) -> None:
    now = clock.now()
    async with seed(sessionmaker, now) as s:
        org = await s.org()
        curator = await s.member(org, Person(10, "c"), Role.CURATOR, name="Кур")
        mentor = await s.member(org, Person(20, "m"), Role.MENTOR, name="Нас")
    sender, session = _sender(sessionmaker, clock)
    session.fail(20, _method_error(TelegramForbiddenError), _method_error(TelegramForbiddenError))
    await _row(sessionmaker, 20, mentor.user_id, clock)
    later = clock.now() + timedelta(minutes=5)
    await _row(sessionmaker, 20, mentor.user_id, clock, due_at=later)
    await _run(sender, session)
    clock.set(later)
    await _run(sender, session)
    async with sessionmaker() as s:
        assert (await s.get(User, mentor.user_id)).reachable is False
    rows = await _rows(sessionmaker)
    notices = [r for r in rows if r.kind == "notice-unreachable"]
    assert len(notices) == 1 and notices[0].chat_id == 10 and notices[0].status == "sent"
    assert sorted(r.status for r in rows if r.chat_id == 20) == ["cancelled", "failed"]
    assert curator.user_id == notices[0].user_id


# Fair and finite ------------------------------------------------------------------------


async def test_a_paused_chat_holds_no_other_chat(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    assert sender.limiter is not None
    sender.limiter.pause(600, 30)  # Telegram asked us to leave chat 600 alone for 30 s
    for _ in range(3):
        await _row(sessionmaker, 600, None, clock)
    await _row(sessionmaker, 601, None, clock)
    assert await _run(sender, session) == 1
    assert [c.chat_id for c in session.calls] == [601]
    rows = await _rows(sessionmaker)
    assert [(r.chat_id, r.status) for r in rows] == [(600, "pending")] * 3 + [(601, "sent")]
    assert all(r.attempts == 0 for r in rows if r.chat_id == 600)  # a pause is no attempt


async def test_an_unexpected_error_ends_failed_after_bounded_attempts(
    sessionmaker, clock: FrozenClock
) -> None:
    sender, session = _sender(sessionmaker, clock)
    # the arguments the notice needs are missing: rendering raises every time
    await _row(sessionmaker, 700, None, clock, kind="reassign-pick", args={"number": 1})
    await _row(sessionmaker, 701, None, clock)
    for _ in range(MAX_OUTBOX_ATTEMPTS + 2):
        await _run(sender, session)
        clock.set(clock.now() + timedelta(hours=1))
    broken, fine = await _rows(sessionmaker)
    assert (broken.status, broken.attempts) == ("failed", MAX_OUTBOX_ATTEMPTS)
    assert broken.last_error and "KeyError" in broken.last_error
    assert fine.status == "sent"
    assert [c.chat_id for c in session.calls] == [701]


async def test_a_row_of_an_unknown_kind_fails_with_its_reason(
    sessionmaker, clock: FrozenClock
) -> None:
    sender, session = _sender(sessionmaker, clock)
    await _row(sessionmaker, 702, None, clock, kind="no-such-notice")
    assert await _run(sender, session) == 0
    [row] = await _rows(sessionmaker)
    assert row.status == "failed" and row.last_error == "unknown kind no-such-notice"


async def test_stuck_claims_are_released_and_live_ones_kept(
    sessionmaker, clock: FrozenClock
) -> None:
    sender, session = _sender(sessionmaker, clock)
    stuck = await _row(sessionmaker, 800, None, clock)
    live = await _row(sessionmaker, 801, None, clock)
    async with sessionmaker() as s, s.begin():
        claimed_long_ago = clock.now() - STALE_CLAIM - timedelta(seconds=1)
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == stuck)
            .values(status="sending", claimed_by="dead:1", claimed_at=claimed_long_ago)
        )
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == live)
            .values(status="sending", claimed_by="alive:2", claimed_at=clock.now())
        )
    assert await _run(sender, session) == 1
    assert [c.chat_id for c in session.calls] == [800]
    assert [r.status for r in await _rows(sessionmaker)] == ["sent", "sending"]


async def test_restart_takes_up_what_a_killed_process_had_claimed(
    sessionmaker, clock: FrozenClock
) -> None:
    dead, _ = _sender(sessionmaker, clock)
    async with sessionmaker() as s:
        s.info[CLAIMER] = dead.claimer  # as a handler's session in the killed process
        async with s.begin():
            await enqueue(
                s,
                chat_id=900,
                user_id=None,
                kind="question-remind",
                now=clock.now(),
                args={"number": 7, "mentee": "X"},
            )
    assert [r.status for r in await _rows(sessionmaker)] == ["sending"]
    sender, session = _sender(sessionmaker, clock)
    assert await _run(sender, session) == 0  # a fresh claim of another process is left
    assert await sender.recover() == 1
    assert await _run(sender, session) == 1
    assert "вопрос №7" in session.calls[0].text


# Data ------------------------------------------------------------------------------------


async def test_cancel_by_reference_and_forgetting(sessionmaker, clock: FrozenClock) -> None:
    now = clock.now()
    async with seed(sessionmaker, now) as s:
        org = await s.org()
        mentee = await s.member(org, Person(40, "e"), Role.MENTEE, name="Анна")
    await _row(sessionmaker, 41, None, clock, ref=("question", 5), due_at=now + timedelta(hours=1))
    await _row(sessionmaker, 42, None, clock, ref=("question", 6), due_at=now + timedelta(hours=1))
    await _row(
        sessionmaker,
        43,
        None,
        clock,
        author_id=mentee.user_id,
        args={"name": "Анна"},
        kind="notice-joined",
        due_at=now + timedelta(hours=1),
    )
    await _row(sessionmaker, 44, None, clock, args={"number": 1, "mentee": "Анна"})
    sender, session = _sender(sessionmaker, clock)
    assert await _run(sender, session) == 1
    async with sessionmaker() as s, s.begin():
        assert await cancel_by_ref(s, "question", 5) == 1
        assert await forget_author(s, mentee.user_id) == 1
        # the finished rows (sent, cancelled) lose their bodies; 43's is gone already
        assert await forget_bodies(s, now + timedelta(seconds=1)) == 2
    rows = await _rows(sessionmaker)
    assert [(r.chat_id, r.status) for r in rows] == [
        (41, "cancelled"),
        (42, "pending"),
        (43, "cancelled"),
        (44, "sent"),
    ]
    assert [r.args == {} for r in rows] == [True, False, True, True]  # no name is kept


async def test_telegram_being_down_never_ends_a_row_failed(
    sessionmaker, clock: FrozenClock
) -> None:
    sender, session = _sender(sessionmaker, clock)
    # Each try goes through the limiter's own 3 attempts: 40 errors outlast 8 tries.
    session.fail(505, *[_method_error(TelegramServerError) for _ in range(40)])
    await _row(sessionmaker, 505, None, clock)
    for _ in range(14):
        await _run(sender, session)
        clock.set(clock.now() + timedelta(minutes=6))
    [row] = await _rows(sessionmaker)
    assert row.status == "sent" and row.attempts > MAX_OUTBOX_ATTEMPTS
    assert [c.chat_id for c in session.calls] == [505]


async def test_a_chat_keeps_its_order_through_a_pause(sessionmaker, clock: FrozenClock) -> None:
    sender, session = _sender(sessionmaker, clock)
    session.fail(506, _method_error(TelegramRetryAfter, retry_after=30))
    for number in (1, 2, 3):
        await _row(sessionmaker, 506, None, clock, args={"number": number, "mentee": "X"})
    assert await _run(sender, session) == 0
    rows = await _rows(sessionmaker)
    assert {r.status for r in rows} == {"pending"} and len({r.due_at for r in rows}) == 1
    await _row(sessionmaker, 506, None, clock, args={"number": 4, "mentee": "X"})
    clock.set(clock.now() + timedelta(seconds=31))
    assert sender.limiter is not None
    sender.limiter.paused_until.clear()  # the limiter's own clock has moved on too
    assert await _run(sender, session) == 4
    assert [c.text.split("№")[1].split()[0] for c in session.calls] == ["1", "2", "3", "4"]


async def test_a_failed_record_is_written_again_not_sent_again(
    sessionmaker, clock: FrozenClock, monkeypatch
) -> None:
    sender, session = _sender(sessionmaker, clock)
    real = outbox_module.finish_sent
    failures = [RuntimeError("database went away")]

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return await real(*args, **kwargs)

    monkeypatch.setattr(outbox_module, "finish_sent", flaky)
    await _row(sessionmaker, 507, None, clock)
    assert await _run(sender, session) == 1
    [row] = await _rows(sessionmaker)
    assert row.status == "sent" and len(session.calls) == 1


async def test_a_row_cancelled_while_being_sent_stays_cancelled(
    sessionmaker, clock: FrozenClock
) -> None:
    row_id = await _row(sessionmaker, 508, None, clock)
    assert row_id is not None
    async with sessionmaker() as s, s.begin():
        await s.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id).values(status="cancelled")
        )
        assert await outbox_module.finish_sent(s, [row_id], clock.now()) == set()
    assert [r.status for r in await _rows(sessionmaker)] == ["cancelled"]
