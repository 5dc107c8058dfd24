"""The schema: every migration goes up and down, the models match the migrations, and
every column that can hold personal data is registered."""

from __future__ import annotations

import asyncio
import importlib
import itertools
import os
import pkgutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, BigInteger, Date, String, Text, inspect

import models
from models.db import Base, create_engine
from models.migrate import alembic_config, downgrade, upgrade
from models.personal_data import NOT_PERSONAL, PERSONAL
from tests.conftest import _pg_exec
from tests.support.postgres import PgServer

_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path, pg_server: PgServer | None
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}"
        return
    if pg_server is None:
        pytest.skip("PostgreSQL is not available here")
    name = f"schema_{os.getpid()}_{next(_names)}"
    _pg_exec(pg_server, f"CREATE DATABASE {name}")
    yield pg_server.url(name)
    _pg_exec(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _sync(fn: Any, *args: Any) -> Any:
    """Alembic's env runs its own event loop: keep it off the test's thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def _on_db(url: str, work: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(work)
        finally:
            await engine.dispose()

    return _sync(asyncio.run, run())


def _tables(url: str) -> set[str]:
    return set(_on_db(url, lambda conn: inspect(conn).get_table_names())) - {"alembic_version"}


def test_migration_stairway(empty_database: str) -> None:
    url = empty_database
    script = ScriptDirectory.from_config(alembic_config(url))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    _sync(upgrade, url, "head")
    assert _tables(url) == set(Base.metadata.tables)
    _sync(downgrade, url, "base")
    assert _tables(url) == set()
    _sync(upgrade, url, "head")
    _sync(downgrade, url, "base")
    previous = "base"
    for revision in revisions:
        _sync(upgrade, url, revision)
        _sync(downgrade, url, previous)
        _sync(upgrade, url, revision)
        previous = revision
    assert _tables(url) == set(Base.metadata.tables)


def test_models_match_the_migrations(empty_database: str) -> None:
    _sync(upgrade, empty_database, "head")

    def diff(conn: Any) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    assert _on_db(empty_database, diff) == []


PERSONAL_TYPES = (String, Text, JSON, BigInteger, Date)


def test_importing_the_package_registers_every_table() -> None:
    """Alembic's env and the registry see the tables `import models` brings in."""
    registered = set(Base.metadata.tables)
    for module in pkgutil.iter_modules(models.__path__):
        importlib.import_module(f"models.{module.name}")
    assert set(Base.metadata.tables) == registered


def test_every_column_that_can_hold_personal_data_is_registered() -> None:
    unregistered = []
    for table in Base.metadata.sorted_tables:
        personal = set(PERSONAL.get(table.name, ("", ()))[1])
        plain = set(NOT_PERSONAL.get(table.name, ()))
        for column in table.columns:
            if isinstance(column.type, PERSONAL_TYPES) and column.name not in personal | plain:
                unregistered.append(f"{table.name}.{column.name} ({type(column.type).__name__})")
    assert not unregistered, (
        "register each column in models/personal_data.py, in PERSONAL (exported by /mydata, "
        f"erased by /forget) or in NOT_PERSONAL: {unregistered}"
    )


def test_the_registry_names_real_columns() -> None:
    stale = []
    for table_name, (owner, columns) in PERSONAL.items():
        table = Base.metadata.tables.get(table_name)
        if table is None:
            stale.append(table_name)
            continue
        stale += [f"{table_name}.{c}" for c in (owner, *columns) if c not in table.columns]
    for table_name, columns in NOT_PERSONAL.items():
        table = Base.metadata.tables.get(table_name)
        if table is None:
            stale.append(table_name)
            continue
        stale += [f"{table_name}.{c}" for c in columns if c not in table.columns]
    assert not stale, f"the registry names columns that do not exist: {stale}"
    both = [
        f"{name}.{c}"
        for name, (_, columns) in PERSONAL.items()
        for c in columns
        if c in NOT_PERSONAL.get(name, ())
    ]
    assert not both, f"registered as personal and as not personal: {both}"
