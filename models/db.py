"""Engine, sessions and column types shared by every aggregate."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    SQLite stores no offset and hands back naive values; this type refuses naive input,
    stores UTC and always returns aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite+aiosqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix) :].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


BUSY_TIMEOUT_SECONDS = 10.0


def create_engine(
    url: str, *, foreign_keys: bool = True, sqlite_on_loop: bool = True, **kwargs: Any
) -> AsyncEngine:
    """An async engine; foreign_keys=False is for SQLite batch migrations, which rebuild
    tables and must not cascade while doing so.

    sqlite_on_loop (SQLite files only): run SQLite on the event loop rather than in
    aiosqlite's thread per connection; see InlineSqlite for the trade-off. False falls
    back to aiosqlite's thread."""
    sqlite_file = _sqlite_path(url)
    on_loop = sqlite_file is not None and sqlite_on_loop and "?" not in url
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        if on_loop:
            kwargs.setdefault("async_creator", _inline_creator(sqlite_file))
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, foreign_keys, on_loop)
    return engine


def _configure_sqlite(engine: AsyncEngine, foreign_keys: bool, on_loop: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        if on_loop:
            # SQLite must never sleep on the loop: a busy database fails at once and
            # InlineSqlite retries after an asyncio sleep; checkpoints run in a thread.
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        else:
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A plain deferred BEGIN: readers never block writers under WAL. Write
        # transactions here write first (the update id, an outbox claim), so they take
        # the write lock before reading, and a wait for it is retried (busy_timeout, or
        # InlineSqlite's asyncio retry).
        conn.exec_driver_sql("BEGIN")


# SQLite on the event loop -------------------------------------------------------------

log = logging.getLogger(__name__)

# Worth retrying: another connection holds the lock, or is recovering the WAL. Not
# SQLITE_BUSY_SNAPSHOT (517): a read transaction that fell behind a writer cannot write,
# however long it waits; SQLite's own busy handler does not retry it either.
_BUSY = {5, 261}  # SQLITE_BUSY, SQLITE_BUSY_RECOVERY
_CHECKPOINT_EVERY_COMMITS = 64
_CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024  # SQLite's own default: 1000 pages of 4 KiB
_checkpoints: dict[str, asyncio.Future[Any]] = {}


class _RunNow:
    """Stands in for the queue to aiosqlite's thread: runs each call at once, on the
    caller's thread, and settles its future before returning."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineSqlite(aiosqlite.Connection):
    """aiosqlite's interface, without its thread: each call runs sqlite3 directly on the
    event loop.

    Why: a statement through aiosqlite costs four thread handoffs and their loop wakeups,
    about 240 µs against 4 µs in sqlite3 itself; the bot's SQL is short and the database
    local, so the hop costs far more than the work it moves off the loop.

    The price is that SQLite now blocks the loop while it works, so it must never wait:
    - Locks: busy_timeout is 0, so a statement that finds the database locked (another
      process writing, or a writer of this process outside the write gate) fails at once,
      and this class retries it after an asyncio sleep (1 ms, doubling to 50 ms) for up to
      BUSY_TIMEOUT_SECONDS, as SQLite's busy handler would, but with the loop free: the
      holder of the lock, if it is in this process, can finish. A statement that got
      SQLITE_BUSY did nothing, so running it again is safe (executescript excepted, which
      the bot does not use).
    - Checkpoints: automatic WAL checkpoints (a commit that copies ~4 MB back into the
      database and fsyncs it) are off; every 64 commits the WAL's size is looked at, and
      past 4 MB a PASSIVE checkpoint runs in a worker thread on its own connection.
    - Everything else (a page read from disk, an fsync-free WAL append) takes
      microseconds on a local disk. A slow or network disk is a reason to fall back:
      create_engine(..., sqlite_on_loop=False).
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection], path: str) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]
        self._path = path
        self._commits = 0

    def __await__(self) -> Any:
        return self._connect().__await__()  # no thread to start

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        delay = 0.001
        deadline = None
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", None) not in _BUSY:
                    raise
                loop = asyncio.get_running_loop()
                if deadline is None:
                    deadline = loop.time() + BUSY_TIMEOUT_SECONDS
                elif loop.time() >= deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.05)

    async def commit(self) -> None:
        await self._execute(self._conn.commit)
        self._commits += 1
        if self._commits % _CHECKPOINT_EVERY_COMMITS == 0:
            _maybe_checkpoint(self._path)


def _maybe_checkpoint(path: str) -> None:
    loop = asyncio.get_running_loop()
    running = _checkpoints.get(path)
    if running is not None and not running.done() and running.get_loop() is loop:
        return  # one at a time (a future of a loop since closed never settles)
    try:
        if os.stat(f"{path}-wal").st_size < _CHECKPOINT_WAL_BYTES:
            return
    except OSError:
        return
    future = loop.run_in_executor(None, _checkpoint, path)
    _checkpoints[path] = future
    future.add_done_callback(lambda f: f.cancelled() or f.exception())


def _checkpoint(path: str) -> None:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:
        log.warning("WAL checkpoint of %s failed", path, exc_info=True)
    finally:
        conn.close()


def _inline_creator(path: Path) -> Callable[[], Any]:
    location = str(path)

    def connector() -> sqlite3.Connection:
        # Used on the loop's thread only; check_same_thread=False lets a connection the
        # pool drops be finalized wherever the garbage collector runs.
        return sqlite3.connect(location, isolation_level=None, check_same_thread=False)

    async def creator() -> InlineSqlite:
        return await InlineSqlite(connector, location)

    return creator


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=KeepingSession)


class KeepingSession(Session):
    pass


@event.listens_for(KeepingSession, "loaded_as_persistent")
def _keep_loaded(session: Any, instance: Any) -> None:
    """Keep what a session loaded for the session's life. The identity map holds objects
    weakly: without this, asking twice for the same row in one update (the school, to
    check quiet hours and to count working hours) queried twice. Sessions live for one
    update or one short transaction, so nothing piles up."""
    session.info.setdefault("loaded", []).append(instance)


class WriteGate:
    """SQLite has one writer at a time. Queuing writers in the process is far cheaper than
    letting SQLite's busy handler sleep and retry; PostgreSQL needs no gate."""

    def __init__(self, enabled: bool) -> None:
        self._lock = asyncio.Lock() if enabled else None

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        if self._lock is None:
            yield
            return
        async with self._lock:
            yield


_gates: weakref.WeakKeyDictionary[Any, WriteGate] = weakref.WeakKeyDictionary()


def write_gate(sessionmaker: async_sessionmaker[AsyncSession]) -> WriteGate:
    engine = sessionmaker.kw["bind"]
    gate = _gates.get(engine.sync_engine)
    if gate is None:
        gate = WriteGate(engine.dialect.name == "sqlite")
        _gates[engine.sync_engine] = gate
    return gate
