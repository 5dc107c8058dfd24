"""ids never reused: AUTOINCREMENT on SQLite

Revision ID: 0003
Revises: 0002

Ids that people see (#12 in a list) or that buttons, links and queued outbox rows carry
must never come back. Without AUTOINCREMENT, SQLite hands out max(id) + 1, so the id of
a deleted or rolled-back last row is given again, and an old button can reach a new
stranger's row. SQLite has no ALTER for this: each table is rebuilt with AUTOINCREMENT,
data, indexes and foreign keys as they were (the environment runs migrations with foreign
keys off, so dropping the old table cascades nowhere). The counter starts at the highest
id present; an id deleted from the top before this upgrade can come back once.

An id taken in a transaction that rolls back is given again even with AUTOINCREMENT (the
counter is rolled back with it). That is safe only because nothing is sent before the
commit: such an id never reached anyone.

PostgreSQL needs nothing: SERIAL sequences never hand a number out twice.

A later batch migration that rebuilds one of these tables on SQLite must pass
`table_kwargs={"sqlite_autoincrement": True}`: SQLAlchemy does not reflect AUTOINCREMENT,
so a plain rebuild silently drops it (tests/test_ids.py checks every table at head).
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Every table whose integer id a person sees or a button, link or outbox reference carries.
TABLES = (
    "organizations",
    "users",
    "invites",
    "programs",
    "questions",
    "question_messages",
    "outbox",
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    table_kwargs = {"sqlite_autoincrement": True} if autoincrement else {}
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs=table_kwargs):
            pass


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
