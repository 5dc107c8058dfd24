"""FSM state through the whole update path: it commits with the handler or not at all, it
is read back by the next update and after a restart, and reading it costs no statement."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest
from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import FrozenClock
from bot.config import Settings
from bot.storage import CURRENT_SESSION, DbStorage
from models.db import create_engine, create_sessionmaker
from models.runtime import FsmState, forget_fsm_states
from tests.support.botclient import BotClient, Person

ME = Person(501, "Me")
KEY = StorageKey(bot_id=42, chat_id=ME.id, user_id=ME.id)


class Boom(Exception):
    pass


def probe(client: BotClient) -> None:
    """Test-only commands on the dispatcher itself, tried before every router."""

    async def set_then_fail(message: Message, state: FSMContext) -> None:
        await state.set_state("Probe:doomed")
        await state.update_data(doomed=True)
        raise Boom

    async def set_state(message: Message, state: FSMContext) -> None:
        await state.set_state("Probe:kept")
        await state.update_data(n=1)
        await message.answer("set")

    async def report(message: Message, state: FSMContext, raw_state: str | None) -> None:
        data = await state.get_data()
        await message.answer(f"state={raw_state} data={sorted(data.items())}")

    async def clear(message: Message, state: FSMContext) -> None:
        await state.clear()
        await message.answer("cleared")

    client.dp.message.register(set_then_fail, F.text == "fail")
    client.dp.message.register(set_state, F.text == "set")
    client.dp.message.register(report, F.text == "state?")
    client.dp.message.register(clear, F.text == "clear")


async def ask_state(client: BotClient) -> str:
    return (await client.send(ME, "state?"))[-1].text


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def rows(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, str | None]]:
    async with sessionmaker() as s:
        return [(r.key, r.state) for r in await s.scalars(select(FsmState))]


@pytest.fixture
async def probed(client: BotClient) -> AsyncIterator[BotClient]:
    probe(client)
    yield client


async def test_state_set_by_a_failing_handler_is_never_seen(probed: BotClient) -> None:
    await probed.send(ME, "fail")
    assert await ask_state(probed) == "state=None data=[]"
    assert await rows(probed.sessionmaker) == []


async def test_state_is_read_by_the_next_update_and_after_a_restart(
    probed: BotClient, database_url: str, clock: FrozenClock, settings: Settings
) -> None:
    await probed.send(ME, "set")
    assert await ask_state(probed) == "state=Probe:kept data=[('n', 1)]"
    await probed.send(ME, "fail")  # rolled back: the committed state stays
    assert await ask_state(probed) == "state=Probe:kept data=[('n', 1)]"

    # Another process on the same database (here: its own engine) reads the table.
    engine = create_engine(database_url)
    try:
        restarted = BotClient(
            sessionmaker=create_sessionmaker(engine),
            clock=clock,
            settings=settings,
            update_ids=itertools.count(1000),  # the first process handled the lower ones
        )
        probe(restarted)
        assert await ask_state(restarted) == "state=Probe:kept data=[('n', 1)]"
        await restarted.send(ME, "clear")
        assert await ask_state(restarted) == "state=None data=[]"
        assert await rows(restarted.sessionmaker) == []
    finally:
        await engine.dispose()


async def test_reading_state_costs_no_statement_and_clear_costs_one(
    probed: BotClient, engine: AsyncEngine
) -> None:
    await probed.send(ME, "set")
    with statements(engine) as seen:
        await ask_state(probed)
    assert not [s for s in seen if "fsm_states" in s]
    with statements(engine) as seen:
        await probed.send(ME, "clear")
    assert len([s for s in seen if "fsm_states" in s]) == 1
    with statements(engine) as seen:
        await probed.send(ME, "clear")  # nothing to clear: nothing written
    assert not [s for s in seen if "fsm_states" in s]


async def test_forgetting_a_person_forgets_their_state(
    probed: BotClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await probed.send(ME, "set")
    async with sessionmaker() as s, s.begin():
        await forget_fsm_states(s, ME.id)
    assert await ask_state(probed) == "state=None data=[]"
    assert await rows(sessionmaker) == []


@pytest.mark.parametrize("cached", [True, False])
async def test_storage_outside_an_update_and_uncached(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock, cached: bool
) -> None:
    storage = DbStorage(sessionmaker, clock, cached=cached)
    await storage.set_state(KEY, "A:b")
    await storage.update_data(KEY, {"x": [1, 2]})
    assert await storage.get_state(KEY) == "A:b"
    assert await storage.get_data(KEY) == {"x": [1, 2]}

    # Inside an update: its own changes are visible to it, and gone when it rolls back.
    async with sessionmaker() as session:
        token = CURRENT_SESSION.set(session)
        try:
            await storage.set_state(KEY, None)
            assert await storage.get_state(KEY) is None
            assert await storage.get_data(KEY) == {"x": [1, 2]}
            await session.rollback()
        finally:
            CURRENT_SESSION.reset(token)
    assert await storage.get_state(KEY) == "A:b"

    data = await storage.get_data(KEY)
    data["x"].append(3)  # a reader's copy: changing it changes nothing stored
    assert await storage.get_data(KEY) == {"x": [1, 2]}

    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await rows(sessionmaker) == []
