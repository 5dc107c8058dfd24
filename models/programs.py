"""Mentoring programs: a mentor with one or more mentees, a form, a mode and dates. The
tables, their statuses and the small queries other modules share; forming a pair (its
rules, the ranking of mentors, the mentor's decision) is models/pairing.py."""

from __future__ import annotations

import calendar
import enum
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column

from models.db import Base, UTCDateTime
from models.people import Membership, Role, User, load_roles


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
    __table_args__ = ({"sqlite_autoincrement": True},)

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
    # The explanatory note of seed 000: the problem, goals, tasks, expected results.
    problem: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    tasks: Mapped[str | None] = mapped_column(Text)
    results_mid: Mapped[str | None] = mapped_column(Text)
    results_final: Mapped[str | None] = mapped_column(Text)
    # When the tick asked the curator to confirm completion at the end date.
    completion_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProgramMentee(Base):
    __tablename__ = "program_mentees"
    # A mentee is in at most one live program of a form: `live_form` holds the form while
    # the program is proposed or active and NULL after, and this index makes a second
    # live pairing fail in the database, whatever two curators press at once.
    __table_args__ = (Index("uq_program_mentees_live_form", "mentee_id", "live_form", unique=True),)

    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    mentee_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    live_form: Mapped[str | None] = mapped_column(String(32))
    # When the mentee confirmed «ознакомлен» (has read the program).
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


LIVE = (ProgramStatus.PROPOSED, ProgramStatus.ACTIVE)


async def pair_statuses(session: AsyncSession, org_id: int, user_ids: list[int]) -> dict[int, str]:
    """Per person: 'active', 'proposed' or absent (no pair), over live programs. A mentor
    counts with a program of any school: the admin may have lent them to another one."""
    result: dict[int, str] = {}
    rank = {ProgramStatus.PROPOSED: 1, ProgramStatus.ACTIVE: 2}
    mentors = await session.execute(
        select(Program.mentor_id, Program.status).where(
            Program.mentor_id.in_(user_ids), Program.status.in_(LIVE)
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


# The length of a personalized program (DESIGN §4), shared by pairing and by changes.

PERSONALIZED_MIN_MONTHS = 3
PERSONALIZED_MAX_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31.05 + 1 = 30.06)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_bounds(start: date) -> tuple[date, date]:
    """The earliest and latest last day of a personalized program starting on `start`."""
    earliest = add_months(start, PERSONALIZED_MIN_MONTHS) - timedelta(days=1)
    latest = add_months(start, PERSONALIZED_MAX_MONTHS) - timedelta(days=1)
    return earliest, latest


# Inter-school pairs: the rule of who lent a mentor, as a filter and for one program.


def lent_by(org_ids: list[int]) -> ColumnElement[bool]:
    """Inter-school programs whose mentor was lent by one of these schools: the mentor is
    a mentor there and not a mentor of the program's own school. A teacher who works in
    two schools and mentors in both keeps each school's programs to that school."""
    mentors_there = select(Membership.user_id).where(
        Membership.org_id.in_(org_ids),
        Membership.role == Role.MENTOR,
        Membership.removed_at.is_(None),
    )
    home = aliased(Membership)
    mentor_at_home = (
        select(home.id)
        .where(
            home.user_id == Program.mentor_id,
            home.org_id == Program.org_id,
            home.role == Role.MENTOR,
            home.removed_at.is_(None),
        )
        .exists()
    )
    return and_(Program.mentor_id.in_(mentors_there), ~mentor_at_home)


async def lent_from(session: AsyncSession, program: Program) -> list[int]:
    """The schools that lent the program's mentor (`lent_by` for one program): where the
    mentor is a mentor, when they are not one of the program's own school. Empty for a
    pair of one school."""
    mentor_of = select(Membership.org_id).where(
        Membership.user_id == program.mentor_id,
        Membership.role == Role.MENTOR,
        Membership.removed_at.is_(None),
    )
    orgs = set((await session.scalars(mentor_of)).all())
    if program.org_id in orgs:
        return []
    return sorted(orgs)


async def lock_program(session: AsyncSession, program_id: int) -> Program | None:
    """The program, read fresh and held until the transaction ends, so that a check of
    what the program has followed by a write ("the plan is empty, add the template"; "no
    pending proposal, add one") cannot run twice side by side. PostgreSQL locks the row;
    SQLite runs one writer at a time anyway and ignores FOR UPDATE."""
    return await session.scalar(
        select(Program)
        .where(Program.id == program_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def program_mentee_ids(session: AsyncSession, program_id: int) -> list[int]:
    rows = await session.scalars(
        select(ProgramMentee.mentee_id)
        .where(ProgramMentee.program_id == program_id)
        .order_by(ProgramMentee.mentee_id)
    )
    return list(rows.all())


async def active_programs_of_mentee(session: AsyncSession, mentee_id: int) -> list[Program]:
    """The active programs where the person is a mentee, oldest first."""
    rows = await session.scalars(
        select(Program)
        .join(ProgramMentee, ProgramMentee.program_id == Program.id)
        .where(ProgramMentee.mentee_id == mentee_id, Program.status == ProgramStatus.ACTIVE)
        .order_by(Program.id)
    )
    return list(rows.all())


async def mentors_of_mentee(session: AsyncSession, mentee_id: int) -> list[tuple[Program, User]]:
    """The active programs where the person is a mentee, each with its mentor."""
    rows = await session.execute(
        select(Program, User)
        .join(ProgramMentee, ProgramMentee.program_id == Program.id)
        .join(User, User.id == Program.mentor_id)
        .where(ProgramMentee.mentee_id == mentee_id, Program.status == ProgramStatus.ACTIVE)
        .order_by(Program.id)
    )
    return [(program, user) for program, user in rows.all()]


async def mentees_of_mentor(session: AsyncSession, mentor_id: int) -> list[tuple[Program, User]]:
    """The mentor's active programs, one row per mentee."""
    rows = await session.execute(
        select(Program, User)
        .join(ProgramMentee, ProgramMentee.program_id == Program.id)
        .join(User, User.id == ProgramMentee.mentee_id)
        .where(Program.mentor_id == mentor_id, Program.status == ProgramStatus.ACTIVE)
        .order_by(Program.id, User.id)
    )
    return [(program, user) for program, user in rows.all()]


async def mentee_orgs(session: AsyncSession, user_id: int) -> list[int]:
    """Organizations where the person is a mentee."""
    return sorted(
        org_id
        for org_id, roles in (await load_roles(session, user_id)).items()
        if Role.MENTEE in roles
    )
