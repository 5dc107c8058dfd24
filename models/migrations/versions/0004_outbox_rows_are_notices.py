"""outbox rows are notices: a kind and a reference, rendered at send time

Revision ID: 0004
Revises: 0003

The locale key becomes the kind, and buttons are built from the reference when the row
is sent, so a changed keyboard never breaks a row already queued. A claim names the
process that holds it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# What rows written before this revision were about, read from their dedupe keys (the
# only place the old rows named it): kind → (key prefix, reference kind).
REFERENCES = {
    "question-remind": ("remind:", "question"),
    "question-escalated": ("escalate:", "question"),
    "pair-offer": ("pair:", "program"),
    "notice-joined": ("joined:", "user"),
    "notice-unreachable": ("unreachable:", "user"),
}


def _reference(kind: str, dedupe_key: str | None) -> tuple[str, int] | None:
    """("question", 12) for a row keyed "escalate:12:…"; ("user", 7) for "joined:3:7:…"."""
    known = REFERENCES.get(kind)
    if known is None or not dedupe_key or not dedupe_key.startswith(known[0]):
        return None
    parts = dedupe_key.split(":")
    field = 2 if kind == "notice-joined" else 1  # joined:<org>:<user>:…
    try:
        return known[1], int(parts[field])
    except (IndexError, ValueError):
        return None


def upgrade() -> None:
    op.execute("UPDATE outbox SET kind = key")
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("ref_kind", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("ref_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_outbox_ref", ["ref_kind", "ref_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_author_id"), ["author_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_author_id_users"),
            "users",
            ["author_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_column("key")
        batch_op.drop_column("buttons")
    # Rows still waiting get their reference, so their buttons are built for the right
    # question or program when they are sent.
    bind = op.get_bind()
    waiting = bind.execute(
        sa.text("SELECT id, kind, dedupe_key FROM outbox WHERE status IN ('pending', 'sending')")
    ).all()
    for row_id, kind, dedupe_key in waiting:
        reference = _reference(kind, dedupe_key)
        if reference is not None:
            bind.execute(
                sa.text("UPDATE outbox SET ref_kind = :kind, ref_id = :id WHERE id = :row"),
                {"kind": reference[0], "id": reference[1], "row": row_id},
            )


def downgrade() -> None:
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("buttons", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("key", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.drop_constraint(batch_op.f("fk_outbox_author_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_author_id"))
        batch_op.drop_index("ix_outbox_ref")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("author_id")
        batch_op.drop_column("ref_id")
        batch_op.drop_column("ref_kind")
    op.execute("UPDATE outbox SET key = kind")
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.alter_column("buttons", server_default=None)
        batch_op.alter_column("key", server_default=None)
