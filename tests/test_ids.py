"""Ids that people see or that buttons, links and outbox rows carry are never given twice.

Without AUTOINCREMENT, SQLite gives the id of a deleted last row again: an old button (a
question's "Answer", a program's "Accept") would then act on a stranger's new row.
PostgreSQL sequences never go back. An id taken in a transaction that rolls back does
come again on SQLite (its counter rolls back too); that id never left the process,
because nothing is sent before the commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Integer, delete, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import Base
from models.invites import Invite
from models.migrate import downgrade, upgrade
from models.outbox import OutboxMessage
from models.people import Organization, User
from models.programs import Program
from models.questions import Question, QuestionMessage

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# Tables with an integer id that nobody sees and nothing carries: reuse harms no one.
NOT_CARRIED = {"consents", "memberships"}

# The tables migration 0003 rebuilt with AUTOINCREMENT.
REBUILT_BY_0003 = (
    "organizations",
    "users",
    "invites",
    "programs",
    "questions",
    "question_messages",
    "outbox",
)

Values = Callable[[int], dict[str, Any]]


async def _world(session: AsyncSession) -> dict[str, int]:
    """An organization, a person, a program and a question that new rows can point to."""
    org_id = await session.scalar(
        insert(Organization).values(name="Школа 1", created_at=NOW).returning(Organization.id)
    )
    user_id = await session.scalar(insert(User).values(created_at=NOW).returning(User.id))
    program_id = await session.scalar(
        insert(Program)
        .values(
            org_id=org_id,
            mentor_id=user_id,
            form="situational",
            mode="mixed",
            starts_on=date(2026, 11, 1),
            ends_on=date(2027, 5, 31),
            created_at=NOW,
        )
        .returning(Program.id)
    )
    question_id = await session.scalar(
        insert(Question)
        .values(
            org_id=org_id,
            number=1,
            mentee_id=user_id,
            kind="text",
            created_at=NOW,
            asked_at=NOW,
        )
        .returning(Question.id)
    )
    assert org_id and user_id and program_id and question_id
    return {"org": org_id, "user": user_id, "program": program_id, "question": question_id}


def _values(model: type[Base], world: dict[str, int]) -> Values:
    """A fresh row of `model` for each n."""
    org, user = world["org"], world["user"]
    rows: dict[type[Base], Values] = {
        Organization: lambda n: {"name": f"Школа {n}", "created_at": NOW},
        User: lambda n: {"full_name": f"Person {n}", "created_at": NOW},
        Invite: lambda n: {
            "code": f"code{n}",
            "org_id": org,
            "role": "mentee",
            "created_at": NOW,
            "expires_at": NOW + timedelta(days=7),
        },
        Program: lambda n: {
            "org_id": org,
            "mentor_id": user,
            "form": "situational",
            "mode": "mixed",
            "starts_on": date(2026, 11, 1),
            "ends_on": date(2027, 5, 31),
            "created_at": NOW,
        },
        Question: lambda n: {
            "org_id": org,
            "number": n,
            "mentee_id": user,
            "kind": "text",
            "created_at": NOW,
            "asked_at": NOW,
        },
        QuestionMessage: lambda n: {
            "question_id": world["question"],
            "chat_id": 100,
            "message_id": n,
            "role": "question",
            "created_at": NOW,
        },
        OutboxMessage: lambda n: {
            "chat_id": 100,
            "user_id": user,
            "kind": "pair-offer",
            "due_at": NOW,
            "created_at": NOW,
        },
    }
    return rows[model]


async def _insert(session: AsyncSession, model: Any, values: dict[str, Any]) -> int:
    new_id = await session.scalar(insert(model).values(**values).returning(model.id))
    assert new_id is not None
    return int(new_id)


MODELS = [Organization, User, Invite, Program, Question, QuestionMessage, OutboxMessage]


async def _insert_then(
    sessionmaker: async_sessionmaker[AsyncSession],
    model: Any,
    values: dict[str, Any],
    *,
    commit: bool,
) -> int:
    async with sessionmaker() as session, session.begin():
        new_id = await _insert(session, model, values)
        if not commit:
            await session.rollback()
        return new_id


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__tablename__)
async def test_an_id_once_committed_is_never_given_again(
    sessionmaker: async_sessionmaker[AsyncSession], backend: str, model: Any
) -> None:
    async with sessionmaker() as session, session.begin():
        world = await _world(session)
    values = _values(model, world)

    # The newest row is deleted: its id is the highest, the one SQLite would give again.
    deleted = await _insert_then(sessionmaker, model, values(1), commit=True)
    async with sessionmaker() as session, session.begin():
        await session.execute(delete(model).where(model.id == deleted))
    # Then a row is written and its transaction rolled back (a handler failed).
    rolled_back = await _insert_then(sessionmaker, model, values(2), commit=False)
    assert rolled_back > deleted
    kept = await _insert_then(sessionmaker, model, values(3), commit=True)
    assert kept > deleted
    if backend == "postgresql":
        # Sequences ignore rollbacks. SQLite's counter rolls back with the transaction, so
        # the id comes again there: harmless, as nothing leaves before the commit.
        assert kept > rolled_back
    async with sessionmaker() as session:
        assert await session.get(model, deleted) is None


def _integer_id_tables() -> list[str]:
    return sorted(
        table.name
        for table in Base.metadata.tables.values()
        if [c.name for c in table.primary_key.columns] == ["id"]
        and isinstance(table.c.id.type, Integer)
    )


def test_every_integer_id_is_declared_never_reused_or_known_to_be_private() -> None:
    """A new table with an integer id must decide: if its id can reach a person, a button
    or an outbox reference, it needs sqlite_autoincrement (and a migration that rebuilds)."""
    undecided = [
        name
        for name in _integer_id_tables()
        if not Base.metadata.tables[name].dialect_options["sqlite"]["autoincrement"]
        and name not in NOT_CARRIED
    ]
    assert not undecided, (
        "add {'sqlite_autoincrement': True} to __table_args__ (and rebuild the table in a "
        f"migration), or list the table in NOT_CARRIED: {undecided}"
    )


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection to the file, committed and closed at the end."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def _autoincrement_tables(path: Path) -> set[str]:
    with _connect(path) as conn:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        return {name for name, sql in rows if "AUTOINCREMENT" in sql.upper()}


def test_the_migrated_sqlite_schema_never_reuses_ids(sqlite_template: Path) -> None:
    """SQLAlchemy does not reflect AUTOINCREMENT: a later batch migration that rebuilds one
    of these tables without table_kwargs={"sqlite_autoincrement": True} silently drops it."""
    declared = {
        name
        for name in _integer_id_tables()
        if Base.metadata.tables[name].dialect_options["sqlite"]["autoincrement"]
    }
    missing = declared - _autoincrement_tables(sqlite_template)
    assert not missing, f"these tables lost AUTOINCREMENT in a migration: {sorted(missing)}"


def _sync(fn: Any, *args: Any) -> None:
    """Alembic's env runs its own event loop: keep it off this thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(fn, *args).result()


def _snapshot(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every row, index and foreign key of every table."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT IN ('sqlite_sequence', 'alembic_version') ORDER BY name"
        )
    ]
    snapshot: dict[str, Any] = {}
    for name in tables:
        snapshot[name] = {
            "rows": conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall(),
            "columns": conn.execute(f'PRAGMA table_info("{name}")').fetchall(),
            "indexes": sorted(
                (
                    row[1],
                    row[2],
                    tuple(c[2] for c in conn.execute(f'PRAGMA index_info("{row[1]}")')),
                )
                for row in conn.execute(f'PRAGMA index_list("{name}")')
            ),
            "foreign_keys": sorted(
                row[2:] for row in conn.execute(f'PRAGMA foreign_key_list("{name}")')
            ),
        }
    return snapshot


SEED = [
    "INSERT INTO organizations (id, name, timezone, work_days, work_start, work_end, quiet_start,"
    " quiet_end, calendar, question_seq, created_at) VALUES"
    " (1, 'A', 'Europe/Moscow', '1,2,3,4,5', '08:00', '18:00', '21:00', '08:00', '{}', 2,"
    " '2026-11-01 09:00:00'),"
    " (2, 'B', 'Europe/Moscow', '1,2,3,4,5', '08:00', '18:00', '21:00', '08:00', '{}', 0,"
    " '2026-11-01 09:00:00')",
    "INSERT INTO users (id, tg_id, full_name, reachable, created_at) VALUES"
    " (1, 101, 'Mentor', 1, '2026-11-01 09:00:00'), (2, 102, 'Mentee', 1, '2026-11-01 09:00:00')",
    "INSERT INTO memberships (id, user_id, org_id, role, created_at) VALUES"
    " (1, 1, 1, 'mentor', '2026-11-01 09:00:00'), (2, 2, 1, 'mentee', '2026-11-01 09:00:00')",
    "INSERT INTO consents (id, user_id, org_id, version, given_at) VALUES"
    " (1, 2, 1, '2026-11', '2026-11-01 09:00:00')",
    "INSERT INTO profiles (user_id, mentor_directions, mentee_difficulties) VALUES"
    " (1, '[]', '[]'), (2, '[]', '[]')",
    "INSERT INTO invites (id, code, org_id, role, created_by, created_at, expires_at, uses)"
    " VALUES (1, 'abc', 1, 'mentee', 1, '2026-11-01 09:00:00', '2026-11-08 09:00:00', 1)",
    "INSERT INTO programs (id, org_id, mentor_id, form, mode, starts_on, ends_on, status,"
    " created_by, created_at) VALUES (1, 1, 1, 'situational', 'mixed', '2026-11-01',"
    " '2027-05-31', 'active', 1, '2026-11-01 09:00:00')",
    "INSERT INTO program_mentees (program_id, mentee_id) VALUES (1, 2)",
    "INSERT INTO questions (id, org_id, number, mentee_id, program_id, mentor_id, owner_id,"
    " status, kind, preview, started_by_mentor, created_at, asked_at) VALUES"
    " (1, 1, 1, 2, 1, 1, 1, 'open', 'text', 'How?', 0, '2026-11-02 09:00:00',"
    " '2026-11-02 09:00:00'),"
    " (2, 1, 2, 2, 1, 1, 1, 'open', 'text', 'Why?', 0, '2026-11-02 10:00:00',"
    " '2026-11-02 10:00:00')",
    "INSERT INTO question_messages (id, question_id, chat_id, message_id, role, with_header,"
    " created_at) VALUES (1, 1, 102, 10, 'question', 0, '2026-11-02 09:00:00'),"
    " (2, 2, 102, 11, 'question', 0, '2026-11-02 10:00:00')",
    "INSERT INTO outbox (id, chat_id, user_id, org_id, kind, key, args, buttons, silent, due_at,"
    " status, attempts, created_at) VALUES (1, 101, 1, 1, 'q-new', 'q-new', '{}', '[]', 0,"
    " '2026-11-02 09:00:00', 'sent', 1, '2026-11-02 09:00:00')",
]


def test_0003_keeps_every_row_index_and_foreign_key(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    _sync(upgrade, url, "0002")
    with _connect(path) as conn:
        for statement in SEED:
            conn.execute(statement)
    with _connect(path) as conn:
        before = _snapshot(conn)

    _sync(upgrade, url, "0003")
    with _connect(path) as conn:
        assert _snapshot(conn) == before
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert _autoincrement_tables(path) == set(REBUILT_BY_0003)

    with _connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        # The newest question goes; the next one gets a new id, not 2.
        conn.execute("DELETE FROM questions WHERE id = 2")
        conn.execute(
            "INSERT INTO questions (org_id, number, mentee_id, status, kind, started_by_mentor,"
            " created_at, asked_at) VALUES (1, 3, 2, 'open', 'text', 0, '2026-11-03 09:00:00',"
            " '2026-11-03 09:00:00')"
        )
        assert conn.execute("SELECT max(id) FROM questions").fetchone() == (3,)
        # Foreign keys still act: an organization's deletion takes its rows with it.
        conn.execute("DELETE FROM organizations WHERE id = 1")
        for table in ("invites", "programs", "questions", "question_messages", "outbox"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table

    _sync(downgrade, url, "0002")
    assert _autoincrement_tables(path) == set()


def test_0003_round_trip_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    _sync(upgrade, url, "0002")
    with _connect(path) as conn:
        for statement in SEED:
            conn.execute(statement)
        before = _snapshot(conn)
    _sync(upgrade, url, "0003")
    _sync(downgrade, url, "0002")
    with _connect(path) as conn:
        assert _snapshot(conn) == before
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
