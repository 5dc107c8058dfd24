"""questions and their message links

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("preview", sa.String(length=300), nullable=True),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("started_by_mentor", sa.Boolean(), nullable=False),
        sa.Column("created_at", models.db.UTCDateTime(), nullable=False),
        sa.Column("asked_at", models.db.UTCDateTime(), nullable=False),
        sa.Column("first_answer_at", models.db.UTCDateTime(), nullable=True),
        sa.Column("answered_at", models.db.UTCDateTime(), nullable=True),
        sa.Column("closed_at", models.db.UTCDateTime(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("remind_due_at", models.db.UTCDateTime(), nullable=True),
        sa.Column("escalate_due_at", models.db.UTCDateTime(), nullable=True),
        sa.Column("reminded_at", models.db.UTCDateTime(), nullable=True),
        sa.Column("escalated_at", models.db.UTCDateTime(), nullable=True),
        sa.Column("curator_claimed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["curator_claimed_by"],
            ["users.id"],
            name=op.f("fk_questions_curator_claimed_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["users.id"],
            name=op.f("fk_questions_mentee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["users.id"],
            name=op.f("fk_questions_mentor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_questions_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_questions_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_questions_program_id_programs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questions_escalate_due_at"), ["escalate_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_questions_mentee_id"), ["mentee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questions_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questions_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_questions_remind_due_at"), ["remind_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_questions_status"), ["status"], unique=False)

    op.create_table(
        "question_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("origin_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("origin_message_id", sa.BigInteger(), nullable=True),
        sa.Column("with_header", sa.Boolean(), nullable=False),
        sa.Column("created_at", models.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_messages_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_messages")),
    )
    with op.batch_alter_table("question_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_question_messages_chat_message", ["chat_id", "message_id"], unique=False
        )
        batch_op.create_index(
            "ix_question_messages_origin", ["origin_chat_id", "origin_message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_question_messages_question_id"), ["question_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("question_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_messages_question_id"))
        batch_op.drop_index("ix_question_messages_origin")
        batch_op.drop_index("ix_question_messages_chat_message")

    op.drop_table("question_messages")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_status"))
        batch_op.drop_index(batch_op.f("ix_questions_remind_due_at"))
        batch_op.drop_index(batch_op.f("ix_questions_owner_id"))
        batch_op.drop_index(batch_op.f("ix_questions_org_id"))
        batch_op.drop_index(batch_op.f("ix_questions_mentee_id"))
        batch_op.drop_index(batch_op.f("ix_questions_escalate_due_at"))

    op.drop_table("questions")
