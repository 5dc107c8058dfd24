"""bot/polling.py against the fake Bot API, with a bare Dispatcher: the offset sent to
Telegram never passes an update still running, nothing is fed twice, stop waits for what
was received, and polling errors back off quietly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import Message

from bot.polling import Poller
from fake_telegram import FakeTelegram

TOKEN = "123456:TEST-TOKEN"
FIRST_UPDATE_ID = 100_001  # the fake numbers updates from here


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    client = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)))
    yield client
    await client.session.close()


class Recorder:
    """A Dispatcher (with aiogram's per-user lock) whose handler records texts; "slow"
    waits until released."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.release = asyncio.Event()
        self.dp = Dispatcher(events_isolation=SimpleEventIsolation())
        self.dp.message.register(self.on_message)

    async def on_message(self, message: Message) -> None:
        self.seen.append(message.text or "")
        if message.text == "slow":
            await self.release.wait()


async def until(condition: Callable[[], bool], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - the fake's state, not an event of ours
            await asyncio.sleep(0.01)


def offsets(fake: FakeTelegram) -> list[int]:
    return [int(call.get("offset") or 0) for call in fake.calls_of("getUpdates")]


async def test_offset_waits_for_the_unfinished_update(fake: FakeTelegram, bot: Bot) -> None:
    rec = Recorder()
    poller = Poller(bot, rec.dp, concurrency=8, timeout=1)
    running = asyncio.create_task(poller.run())
    fake.user(30, "Анна").send("slow")
    await until(lambda: "slow" in rec.seen)
    other = fake.user(31, "Борис")
    other.send("a")
    other.send("b")
    await until(lambda: {"a", "b"} <= set(rec.seen))
    await asyncio.sleep(0.3)
    # Telegram keeps returning the running update and those after it: polls keep asking
    # from its id, and none goes past it; yet each update was fed once.
    assert max(offsets(fake)) == FIRST_UPDATE_ID
    assert offsets(fake).count(FIRST_UPDATE_ID) >= 2
    assert sorted(rec.seen) == ["a", "b", "slow"]

    rec.release.set()
    await until(lambda: max(offsets(fake)) == FIRST_UPDATE_ID + 3)
    assert sorted(rec.seen) == ["a", "b", "slow"]
    poller.stop()
    await running


async def test_stop_finishes_what_was_received_and_confirms_only_that(
    fake: FakeTelegram, bot: Bot
) -> None:
    rec = Recorder()
    poller = Poller(bot, rec.dp, concurrency=8, timeout=1)
    running = asyncio.create_task(poller.run())
    user = fake.user(30, "Анна")
    user.send("slow")
    user.send("waits for the per-user lock")
    await until(lambda: "slow" in rec.seen)

    poller.stop()
    await asyncio.sleep(0.2)
    assert not running.done()  # still waiting for the running update
    user.send("late")  # arrives after the stop: not taken
    rec.release.set()
    await running
    await poller.confirm()

    assert rec.seen == ["slow", "waits for the per-user lock"]
    last = fake.calls_of("getUpdates")[-1]
    assert int(last["offset"]) == FIRST_UPDATE_ID + 2 and int(last["limit"]) == 1
    assert int(last.get("timeout") or 0) == 0
    assert fake.pending_updates == 1  # "late" waits for the next start


async def test_polling_errors_back_off_and_are_logged_once(
    fake: FakeTelegram, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.polling")
    rec = Recorder()
    poller = Poller(bot, rec.dp, concurrency=8, timeout=1, backoff=(0.01, 0.04))
    fake.fail_next("getUpdates", code=409, times=4)
    fake.fail_next("getUpdates", code=502, times=4)
    running = asyncio.create_task(poller.run())
    fake.user(30, "Анна").send("after the outage")
    await until(lambda: rec.seen == ["after the outage"])
    poller.stop()
    await running

    failed = [r for r in caplog.records if "getUpdates failed" in r.getMessage()]
    assert len(failed) == 1, [r.getMessage() for r in failed]
    assert any("works again after 8 failed" in r.getMessage() for r in caplog.records)
