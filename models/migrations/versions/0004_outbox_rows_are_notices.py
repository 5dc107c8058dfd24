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
