"""The best-practice bank (seed 004, stage 6): a completed program a curator marked as a
best practice, with a summary of what worked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column

from models.db import Base, UTCDateTime
from models.errors import RuleError
from models.people import NAMELESS, Organization, User
from models.programs import Program, ProgramMentee, ProgramStatus
from models.runtime import insert_ignore


class BestPractice(Base):
    __tablename__ = "best_practices"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), unique=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


SUMMARY_MAX = 1500  # characters
COMPLETED = "completed"  # the end reason of a program completed as planned (models/changes.py)


class PracticeError(RuleError):
    """A program that cannot be marked, or a summary that cannot be kept."""


def check_summary(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise PracticeError("practice-err-empty")
    if len(body) > SUMMARY_MAX:
        raise PracticeError("practice-err-long", limit=SUMMARY_MAX, length=len(body))
    return body


def is_completed(program: Program) -> bool:
    return program.status == ProgramStatus.ENDED and program.end_reason == COMPLETED


async def markable(session: AsyncSession, program_id: int, org_ids: list[int] | None) -> Program:
    """The program a curator of `org_ids` (None: the admin) may mark; PracticeError why not.
    A program marked already is refused with "practice-err-marked" (offer an edit)."""
    program = await session.get(Program, program_id)
    if program is None or (org_ids is not None and program.org_id not in org_ids):
        raise PracticeError("practice-err-not-found", id=program_id)
    if not is_completed(program):
        raise PracticeError("practice-err-not-completed", id=program_id)
    if await of_program(session, program_id) is not None:
        raise PracticeError("practice-err-marked", id=program_id)
    return program


async def of_program(session: AsyncSession, program_id: int) -> BestPractice | None:
    return await session.scalar(select(BestPractice).where(BestPractice.program_id == program_id))


async def mark(
    session: AsyncSession,
    program_id: int,
    org_ids: list[int] | None,
    author_id: int | None,
    summary: str,
    now: datetime,
) -> BestPractice:
    """Mark a completed program as a best practice; a second mark of it is refused (two
    curators at once: the unique program_id keeps one)."""
    program = await markable(session, program_id, org_ids)
    body = check_summary(summary)
    table = BestPractice.__table__
    stmt = insert_ignore(session, table).values(
        org_id=program.org_id,
        program_id=program.id,
        author_id=author_id,
        summary=body,
        created_at=now,
    )
    stmt = stmt.on_conflict_do_nothing(index_elements=["program_id"])
    new_id = (await session.execute(stmt.returning(table.c.id))).scalar_one_or_none()
    if new_id is None:
        raise PracticeError("practice-err-marked", id=program_id)
    found = await session.get(BestPractice, int(new_id))
    assert found is not None
    return found


async def edit(
    session: AsyncSession,
    program_id: int,
    org_ids: list[int] | None,
    author_id: int | None,
    summary: str,
) -> BestPractice:
    """A new summary of a marked program (its author becomes the editor)."""
    body = check_summary(summary)
    practice = await of_program(session, program_id)
    if practice is None or (org_ids is not None and practice.org_id not in org_ids):
        raise PracticeError("practice-err-not-found", id=program_id)
    practice.summary = body
    practice.author_id = author_id
    await session.flush()
    return practice


@dataclass(frozen=True)
class PracticeRow:
    """One entry of the bank, as /practices and the annual report show it."""

    program_id: int
    org_id: int
    org_name: str
    mentor: str
    mentees: tuple[str, ...]
    form: str
    starts_on: date
    ends_on: date
    summary: str | None  # None: erased at its author's /forget
    marked_at: datetime


def _name(uid: int, full: str | None, tg: str | None) -> str:
    return next((n for n in (full, tg) if n and n.strip()), f"{NAMELESS}{uid}")


async def bank(session: AsyncSession, org_ids: list[int] | None) -> list[PracticeRow]:
    """The best practices of these schools (None: every school), newest first. Three
    queries for any number."""
    mentor = aliased(User)
    query = (
        select(
            BestPractice.program_id,
            BestPractice.org_id,
            Organization.name,
            mentor.id,
            mentor.full_name,
            mentor.tg_name,
            Program.form,
            Program.starts_on,
            Program.ends_on,
            BestPractice.summary,
            BestPractice.created_at,
        )
        .join(Program, Program.id == BestPractice.program_id)
        .join(Organization, Organization.id == BestPractice.org_id)
        .join(mentor, mentor.id == Program.mentor_id)
        .order_by(BestPractice.created_at.desc(), BestPractice.id.desc())
    )
    if org_ids is not None:
        query = query.where(BestPractice.org_id.in_(org_ids))
    rows = (await session.execute(query)).all()
    if not rows:
        return []
    mentees: dict[int, list[str]] = {}
    found = await session.execute(
        select(ProgramMentee.program_id, User.id, User.full_name, User.tg_name)
        .join(User, User.id == ProgramMentee.mentee_id)
        .where(ProgramMentee.program_id.in_([r[0] for r in rows]))
        .order_by(ProgramMentee.program_id, User.id)
    )
    for program_id, uid, full, tg in found.all():
        mentees.setdefault(program_id, []).append(_name(uid, full, tg))
    return [
        PracticeRow(
            program_id=r[0],
            org_id=r[1],
            org_name=r[2],
            mentor=_name(r[3], r[4], r[5]),
            mentees=tuple(mentees.get(r[0], [])),
            form=r[6],
            starts_on=r[7],
            ends_on=r[8],
            summary=r[9],
            marked_at=r[10],
        )
        for r in rows
    ]
