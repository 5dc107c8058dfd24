"""A throwaway PostgreSQL database for a benchmark run (tests/support/postgres.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from tests.support.postgres import start_pg


@contextmanager
def throwaway_database(name: str = "bench") -> Iterator[str]:
    """Start a private server (or use TEST_DATABASE_URL's), create ``name``; yield its URL."""
    server = start_pg()

    async def create() -> None:
        dsn = server.url("postgres").replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {name}")
            await conn.execute(f"CREATE DATABASE {name}")
        finally:
            await conn.close()

    try:
        asyncio.run(create())
        yield server.url(name)
    finally:
        server.stop()
