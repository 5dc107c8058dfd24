"""SQLite runs on the event loop (models/db.py InlineSqlite). A locked database must not
stall the loop or fail the update: the statement waits, with the loop free, until the lock
is released, whether another process or this one holds it."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import FrozenClock
from bot.config import Settings
from models.db import InlineSqlite, create_engine, create_sessionmaker
from models.people import Role
from tests.support.botclient import BotClient, Person
from tests.support.seed import seed

CURATOR = Person(10, "Cur")


@pytest.fixture
def db_file(tmp_path: Path, sqlite_template: Path) -> Path:
    target = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, target)
    return target


@pytest.fixture
async def on_loop(db_file: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{db_file}")
    yield engine
    await engine.dispose()


async def test_the_default_engine_runs_sqlite_on_the_loop(on_loop: AsyncEngine) -> None:
    async with on_loop.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.driver_connection, InlineSqlite)
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 0


async def test_an_update_waits_for_another_process_lock_with_the_loop_free(
    on_loop: AsyncEngine, db_file: Path, clock: FrozenClock, settings: Settings
) -> None:
    sessionmaker = create_sessionmaker(on_loop)
    client = BotClient(sessionmaker=sessionmaker, clock=clock, settings=settings)
    async with seed(sessionmaker, clock.now()) as s:
        await s.member(await s.org(), CURATOR, Role.CURATOR, name="Cur")

    other = sqlite3.connect(db_file, isolation_level=None)  # another process, in effect
    other.execute("BEGIN IMMEDIATE")
    other.execute("DELETE FROM processed_updates WHERE update_id < 0")
    try:
        update = asyncio.create_task(client.send(CURATOR, "/help"))
        ticks = 0
        for _ in range(30):
            await asyncio.sleep(0.005)
            ticks += 1
        assert not update.done()  # waiting for the lock, not failed
        assert ticks == 30  # and the loop kept running meanwhile
    finally:
        other.execute("COMMIT")
        other.close()
    calls = await update
    assert calls and calls[-1].chat_id == CURATOR.id


async def test_two_writers_of_this_process_take_turns(on_loop: AsyncEngine) -> None:
    # Writers outside the write gate: with a busy handler sleeping on the loop, the
    # second would hold the loop while the first could never commit.
    sessionmaker = create_sessionmaker(on_loop)
    first_wrote = asyncio.Event()

    async def first() -> None:
        async with sessionmaker() as s, s.begin():
            await s.execute(text("INSERT INTO processed_updates VALUES (-1, '2026-01-01')"))
            first_wrote.set()
            await asyncio.sleep(0.05)

    async def second() -> None:
        await first_wrote.wait()
        async with sessionmaker() as s, s.begin():
            await s.execute(text("INSERT INTO processed_updates VALUES (-2, '2026-01-01')"))

    await asyncio.gather(first(), second())
    async with sessionmaker() as s:
        ids = await s.scalars(
            text("SELECT update_id FROM processed_updates WHERE update_id < 0 ORDER BY 1")
        )
        assert list(ids) == [-2, -1]


async def test_the_thread_fallback_still_works(db_file: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{db_file}", sqlite_on_loop=False)
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert not isinstance(raw.driver_connection, InlineSqlite)
            assert (await conn.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()


def file_size(path: Path) -> int:
    return path.stat().st_size


async def test_the_wal_is_checkpointed_off_the_loop(on_loop: AsyncEngine, db_file: Path) -> None:
    # Automatic checkpoints are off on the loop's connections; a worker thread moves a
    # grown WAL back into the database file instead.
    sessionmaker = create_sessionmaker(on_loop)
    async with sessionmaker() as s, s.begin():
        await s.execute(text("CREATE TABLE big (b BLOB)"))
    before = file_size(db_file)
    for _ in range(64 * 2):
        async with sessionmaker() as s, s.begin():
            await s.execute(text("INSERT INTO big VALUES (randomblob(65536))"))
    for _ in range(500):  # the checkpoint runs in a thread; give it up to 5 s
        if file_size(db_file) > before + 4 * 1024 * 1024:
            break
        await asyncio.sleep(0.01)
    assert file_size(db_file) > before + 4 * 1024 * 1024
