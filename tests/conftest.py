"""Shared fixtures: a migrated database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import FrozenClock
from bot.config import Settings
from models.db import create_engine, create_sessionmaker
from models.invites import create_invite
from models.migrate import upgrade
from models.people import Role
from tests.support.botclient import TOKEN, BotClient, Person
from tests.support.postgres import PgServer, start_pg
from tests.support.seed import Member, PairSchool, World, build_pair_school, build_world, seed

BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    try:
        server = start_pg()
    except Exception as exc:  # the server could not start
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        yield None
        return
    yield server
    server.stop()


def _pg_exec(server: PgServer, sql: str) -> None:
    """Run one admin statement, on a private loop in a thread: fixtures here are sync."""

    async def run() -> None:
        dsn = server.url("postgres").replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    with ThreadPoolExecutor(1) as pool:
        pool.submit(upgrade, f"sqlite+aiosqlite:///{path}").result()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer | None) -> str | None:
    if pg_server is None:
        return None
    name = f"tmpl_{_worker()}"
    _pg_exec(pg_server, f"DROP DATABASE IF EXISTS {name}")
    _pg_exec(pg_server, f"CREATE DATABASE {name}")
    with ThreadPoolExecutor(1) as pool:
        pool.submit(upgrade, pg_server.url(name)).result()
    return name


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    pg_server: PgServer | None,
    pg_template: str | None,
) -> Iterator[str]:
    """A fresh copy of the migrated template database for this test."""
    if backend == "sqlite":
        target = tmp_path / "bot.db"
        shutil.copyfile(sqlite_template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    if pg_server is None or pg_template is None:
        pytest.skip("PostgreSQL is not available here (set TEST_DATABASE_URL or install it)")
    name = f"t_{_worker()}_{next(_counter)}"
    _pg_exec(pg_server, f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    yield pg_server.url(name)
    _pg_exec(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


ADMIN = Person(1, "Admin")
CURATOR = Person(10, "Cur")
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, 12:00 in Moscow


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def settings() -> Settings:
    return Settings(bot_token=TOKEN, admin_ids=frozenset({ADMIN.id}), _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def client(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock, settings: Settings
) -> AsyncIterator[BotClient]:
    client = BotClient(sessionmaker=sessionmaker, clock=clock, settings=settings)
    yield client
    await client.dp.storage.close()


@pytest.fixture
def no_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails the test when anything is logged at ERROR; a module turns it on for all its
    tests with `pytestmark = pytest.mark.usefixtures("no_errors")`."""
    caplog.set_level(logging.WARNING)
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    errors = [f"{r.name}: {r.getMessage()}" for r in records if r.levelno >= logging.ERROR]
    assert not errors, errors


@pytest.fixture
async def w(client: BotClient) -> World:
    """The school of the question tests (tests/support/seed.py `World`)."""
    return await build_world(client)


@pytest.fixture
async def pair_school(client: BotClient) -> PairSchool:
    """The school of the /pair tests (tests/support/seed.py `PairSchool`)."""
    return await build_pair_school(client)


@pytest.fixture
async def school5(client: BotClient) -> tuple[int, Member]:
    """«Школа 5» with its curator CURATOR, «Петрова Ольга»: (the school's id, the curator)."""
    async with seed(client.sessionmaker, client.clock.now()) as s:
        org = await s.org("Школа 5")
        return org, await s.member(org, CURATOR, Role.CURATOR, name="Петрова Ольга")


@pytest.fixture
async def new_school(client: BotClient) -> Person:
    """«Школа 5» as /neworg leaves it: its first curator CURATOR, «Куратор Первая», who has
    joined, and one unused curator link. Returns the curator."""
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        org = await s.org("Школа 5")
        await s.member(org, CURATOR, Role.CURATOR, name="Куратор Первая")
        await create_invite(s.session, org, Role.CURATOR, None, now, timedelta(days=14), 1)
    return CURATOR
