"""Mentoring programs: a mentor with one or more mentees, a form, a mode and dates."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, UTCDateTime


class Form(enum.StrEnum):
    SITUATIONAL = "situational"
    TRADITIONAL = "traditional"
    GROUP = "group"
    SHORT_TERM = "short_term"
    REVERSE = "reverse"
    VIRTUAL = "virtual"
    SPEED = "speed"
    TEACHER_TEACHER = "teacher_teacher"
    HEAD_TEACHER = "head_teacher"


class Mode(enum.StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    MIXED = "mixed"


class ProgramStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    REFUSED = "refused"
    ENDED = "ended"


class Program(Base):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    form: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ProgramStatus.PROPOSED)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(Text)


class ProgramMentee(Base):
    __tablename__ = "program_mentees"

    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    mentee_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


LIVE = (ProgramStatus.PROPOSED, ProgramStatus.ACTIVE)


async def pair_statuses(session: AsyncSession, org_id: int, user_ids: list[int]) -> dict[int, str]:
    """Per person: 'active', 'proposed' or absent (no pair), over live programs."""
    result: dict[int, str] = {}
    rank = {ProgramStatus.PROPOSED: 1, ProgramStatus.ACTIVE: 2}
    mentors = await session.execute(
        select(Program.mentor_id, Program.status).where(
            Program.org_id == org_id, Program.mentor_id.in_(user_ids), Program.status.in_(LIVE)
        )
    )
    mentees = await session.execute(
        select(ProgramMentee.mentee_id, Program.status)
        .join(Program, Program.id == ProgramMentee.program_id)
        .where(
            Program.org_id == org_id,
            ProgramMentee.mentee_id.in_(user_ids),
            Program.status.in_(LIVE),
        )
    )
    for user_id, status in [*mentors.all(), *mentees.all()]:
        current = result.get(user_id)
        if current is None or rank[ProgramStatus(status)] > rank[ProgramStatus(current)]:
            result[user_id] = status
    return result
