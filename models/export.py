"""The rows of /export (issue 15, item 4): the bank of participants, programs, plan
items with their completion marks, meetings, questions and survey answers of the
curator's schools (the admin: of every school), as plain tuples.

Every sheet is read in keyset pages of PAGE rows, and each page gives the event loop
back before the next one: with SQLite on the loop (models/db.py InlineSqlite) a query
runs on the loop's thread, so one query over a whole region would stall every other
update. A page is one short indexed query; the file itself is built in a worker
(bot/workbook.py).

`org_ids=None` means every school (the admin). Rows name people by display name; a
person who used /forget is left out of the bank, and their anonymous rows elsewhere
keep the name the database still holds (none: «без имени»).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.meetings import Meeting, MeetingStatus
from models.outbox import OutboxMessage, OutboxStatus
from models.people import NAMELESS, Membership, Organization, Profile, Role, User
from models.plans import PlanItem, PlanLine, PlanOccurrence, plan_of
from models.programs import Program, ProgramMentee
from models.questions import Question
from models.surveys import Poll, SurveyAnswer, SurveyAssignment

PAGE = 100  # rows per step: a page of the widest sheet reads in about 5 ms


@dataclass(frozen=True)
class School:
    id: int
    name: str
    zone: str


async def schools(session: AsyncSession, org_ids: Sequence[int] | None) -> dict[int, School]:
    query = select(Organization.id, Organization.name, Organization.timezone)
    if org_ids is not None:
        query = query.where(Organization.id.in_(list(org_ids)))
    rows = await session.execute(query.order_by(Organization.id))
    return {r.id: School(r.id, r.name, r.timezone) for r in rows.all()}


async def curated_orgs(session: AsyncSession, user_id: int) -> list[int]:
    """The schools where the person is a curator now (re-checked at every step)."""
    rows = await session.scalars(
        select(Membership.org_id).where(
            Membership.user_id == user_id,
            Membership.role == Role.CURATOR,
            Membership.removed_at.is_(None),
        )
    )
    return sorted(set(rows.all()))


async def _pages(
    session: AsyncSession, query: Select[Any], key: Any, page: int = PAGE
) -> AsyncIterator[Sequence[Row[Any]]]:
    """`query` in pages ordered by `key` (unique; selected first), the loop given back
    between pages."""
    last = None
    while True:
        paged = query if last is None else query.where(key > last)
        rows = (await session.execute(paged.order_by(key).limit(page))).all()
        if not rows:
            return
        yield rows
        # The loop's turn: after every page, the last one too (the next sheet's first
        # query would otherwise run in the same step).
        await asyncio.sleep(0)
        if len(rows) < page:
            return
        last = rows[-1][0]


def _in(column: Any, org_ids: Sequence[int] | None) -> ColumnElement[bool] | None:
    return None if org_ids is None else column.in_(list(org_ids))


def _where(query: Select[Any], condition: ColumnElement[bool] | None) -> Select[Any]:
    return query if condition is None else query.where(condition)


def _person(user: Any) -> tuple[Any, Any, Any]:
    """The columns a display name is made of (plain columns, not ORM objects: an export
    of a region loads no objects into the session)."""
    return user.id, user.full_name, user.tg_name


def _name(user_id: int | None, full: str | None, tg: str | None) -> str | None:
    """models/people.py User.display_name, from its columns; None: no such person."""
    if user_id is None:
        return None
    for name in (full, tg):
        if name and name.strip():
            return name
    return f"{NAMELESS}{user_id}"


async def replace_pending(
    session: AsyncSession, ref_kind: str, user_id: int, kind: str, dedupe_key: str
) -> int:
    """Cancel the person's file requests of this kind still waiting (one UPDATE), except
    the row `dedupe_key` names (the same press again keeps it). Rows being sent now are
    left to finish."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.ref_kind == ref_kind,
            OutboxMessage.ref_id == user_id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.dedupe_key != dedupe_key,
        )
        .values(status=OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# Participants ------------------------------------------------------------------------


@dataclass
class Participant:
    org_id: int
    user_id: int
    name: str
    roles: list[str]
    position: str | None
    subject: str | None
    experience: int | None
    directions: list[str]
    difficulties: list[str]
    joined: datetime
    reachable: bool


async def participants(
    session: AsyncSession, org_ids: Sequence[int] | None, page: int = PAGE
) -> AsyncIterator[list[Participant]]:
    """One row per person and school: their roles there, their profile, when they
    joined. Pages of people (by id); the memberships of a page in one more query."""
    members = _where(
        select(Membership.user_id).where(Membership.removed_at.is_(None)),
        _in(Membership.org_id, org_ids),
    )
    people = select(
        User.id,
        User.full_name,
        User.tg_name,
        User.reachable,
        User.tg_id,
        Profile.position,
        Profile.subject,
        Profile.experience_years,
        Profile.mentor_directions,
        Profile.mentee_difficulties,
    ).outerjoin(Profile, Profile.user_id == User.id)
    people = people.where(User.id.in_(members), User.forgotten_at.is_(None))
    async for rows in _pages(session, people, User.id, page):
        ids = [r[0] for r in rows]
        held = await session.execute(
            _where(
                select(
                    Membership.user_id,
                    Membership.org_id,
                    Membership.role,
                    Membership.created_at,
                ).where(Membership.user_id.in_(ids), Membership.removed_at.is_(None)),
                _in(Membership.org_id, org_ids),
            ).order_by(Membership.user_id, Membership.org_id, Membership.id)
        )
        by_person: dict[int, dict[int, tuple[list[str], datetime]]] = {}
        for user_id, org_id, role, created in held.all():
            orgs = by_person.setdefault(user_id, {})
            roles, joined = orgs.get(org_id, ([], created))
            roles.append(role)
            orgs[org_id] = (roles, min(joined, created))
        out: list[Participant] = []
        for r in rows:
            for org_id, (roles, joined) in by_person.get(r.id, {}).items():
                order = [x for x in (Role.CURATOR, Role.MENTOR, Role.MENTEE) if x in roles]
                out.append(
                    Participant(
                        org_id=org_id,
                        user_id=r.id,
                        name=_name(r.id, r.full_name, r.tg_name) or "",
                        roles=[str(x) for x in order],
                        position=r.position,
                        subject=r.subject,
                        experience=r.experience_years,
                        directions=list(r.mentor_directions or []),
                        difficulties=list(r.mentee_difficulties or []),
                        joined=joined,
                        reachable=bool(r.reachable and r.tg_id is not None),
                    )
                )
        yield out


# Programs ----------------------------------------------------------------------------


@dataclass
class ProgramRow:
    id: int
    org_id: int
    mentor: str
    mentees: list[str]
    form: str
    mode: str
    status: str
    starts_on: date
    ends_on: date
    ended_at: datetime | None
    end_reason: str | None


async def programs(
    session: AsyncSession, org_ids: Sequence[int] | None, page: int = PAGE
) -> AsyncIterator[list[ProgramRow]]:
    mentor = aliased(User)
    query = _where(
        select(
            Program.id,
            Program.org_id,
            Program.form,
            Program.mode,
            Program.status,
            Program.starts_on,
            Program.ends_on,
            Program.ended_at,
            Program.end_reason,
            *_person(mentor),
        ).join(mentor, mentor.id == Program.mentor_id),
        _in(Program.org_id, org_ids),
    )
    async for rows in _pages(session, query, Program.id, page):
        ids = [r[0] for r in rows]
        mentees: dict[int, list[str]] = {}
        found = await session.execute(
            select(ProgramMentee.program_id, *_person(User))
            .join(User, User.id == ProgramMentee.mentee_id)
            .where(ProgramMentee.program_id.in_(ids))
            .order_by(ProgramMentee.program_id, User.id)
        )
        for program_id, uid, full, tg in found.all():
            mentees.setdefault(program_id, []).append(_name(uid, full, tg) or "")
        yield [
            ProgramRow(
                id=p[0],
                org_id=p[1],
                mentor=_name(p[9], p[10], p[11]) or "",
                mentees=mentees.get(p[0], []),
                form=p[2],
                mode=p[3],
                status=p[4],
                starts_on=p[5],
                ends_on=p[6],
                ended_at=p[7],
                end_reason=p[8],
            )
            for p in rows
        ]


# Plan items and their completion marks --------------------------------------------------


@dataclass
class PlanRow:
    id: int  # the occurrence
    org_id: int
    program_id: int
    position: int
    seq: int
    title: str
    direction: str | None
    activity_form: str | None
    expected_result: str | None
    criteria: str | None
    due_on: date | None
    done_at: datetime | None
    done_by: str | None
    note: str | None
    risks: str | None = None
    prevention: str | None = None


async def plan(
    session: AsyncSession, org_ids: Sequence[int] | None, page: int = PAGE
) -> AsyncIterator[list[PlanRow]]:
    """Occurrences of items not removed, with their item."""
    doer = aliased(User)
    query = (
        select(
            PlanOccurrence.id,
            Program.org_id,
            PlanOccurrence.program_id,
            PlanItem.position,
            PlanOccurrence.seq,
            PlanItem.title,
            PlanItem.direction,
            PlanItem.activity_form,
            PlanItem.expected_result,
            PlanItem.criteria,
            PlanOccurrence.due_on,
            PlanOccurrence.done_at,
            PlanOccurrence.note,
            *_person(doer),
            PlanItem.risks,
            PlanItem.prevention,
        )
        .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
        .join(Program, Program.id == PlanOccurrence.program_id)
        .outerjoin(doer, doer.id == PlanOccurrence.done_by)
        .where(PlanItem.removed_at.is_(None))
    )
    query = _where(query, _in(Program.org_id, org_ids))
    async for rows in _pages(session, query, PlanOccurrence.id, page):
        yield [PlanRow(*r[:12], _name(r[13], r[14], r[15]), r[12], r[16], r[17]) for r in rows]


# Meetings ------------------------------------------------------------------------------


@dataclass
class MeetingRow:
    id: int
    org_id: int
    program_id: int
    starts_at: datetime
    duration_min: int
    mode: str
    place: str | None
    topic: str | None
    status: str
    held: bool | None


async def meetings(
    session: AsyncSession, org_ids: Sequence[int] | None, page: int = PAGE
) -> AsyncIterator[list[MeetingRow]]:
    # Through the programs (meetings.program_id is indexed, meetings.org_id is not).
    programs = _where(select(Program.id), _in(Program.org_id, org_ids))
    query = select(
        Meeting.id,
        Meeting.org_id,
        Meeting.program_id,
        Meeting.starts_at,
        Meeting.duration_min,
        Meeting.mode,
        Meeting.place,
        Meeting.topic,
        Meeting.status,
        Meeting.held,
    )
    if org_ids is not None:
        query = query.where(Meeting.program_id.in_(programs))
    async for rows in _pages(session, query, Meeting.id, page):
        yield [MeetingRow(*r) for r in rows]


# Questions -----------------------------------------------------------------------------


@dataclass
class QuestionRow:
    id: int
    org_id: int
    number: int
    mentee: str
    mentor: str | None
    program_id: int | None
    status: str
    preview: str | None
    asked_at: datetime
    first_answer_at: datetime | None
    response_minutes: int | None
    closed_at: datetime | None
    rating: int | None
    reminded: bool
    escalated: bool


async def questions(
    session: AsyncSession, org_ids: Sequence[int] | None, page: int = PAGE
) -> AsyncIterator[list[QuestionRow]]:
    """Every question with its status (a merged one says so); the stored preview only,
    never the messages."""
    mentee = aliased(User)
    mentor = aliased(User)
    query = (
        select(
            Question.id,
            Question.org_id,
            Question.number,
            Question.program_id,
            Question.status,
            Question.preview,
            Question.asked_at,
            Question.first_answer_at,
            Question.response_minutes,
            Question.closed_at,
            Question.rating,
            Question.reminded_at,
            Question.escalated_at,
            *_person(mentee),
            *_person(mentor),
        )
        .join(mentee, mentee.id == Question.mentee_id)
        .outerjoin(mentor, mentor.id == Question.mentor_id)
    )
    query = _where(query, _in(Question.org_id, org_ids))
    async for rows in _pages(session, query, Question.id, page):
        yield [
            QuestionRow(
                id=q[0],
                org_id=q[1],
                number=q[2],
                mentee=_name(q[13], q[14], q[15]) or "",
                mentor=_name(q[16], q[17], q[18]),
                program_id=q[3],
                status=q[4],
                preview=q[5],
                asked_at=q[6],
                first_answer_at=q[7],
                response_minutes=q[8],
                closed_at=q[9],
                rating=q[10],
                reminded=q[11] is not None,
                escalated=q[12] is not None,
            )
            for q in rows
        ]


# Survey answers ------------------------------------------------------------------------


@dataclass
class AnswerRow:
    id: int
    org_id: int
    survey: str
    version: int
    poll_id: int | None
    period: str | None
    program_id: int | None
    respondent: str
    role: str
    subject: str | None  # the mentee a mentor's report is about
    question_key: str
    score: int | None
    choices: list[str] | None
    text: str | None
    skipped: bool
    answered_at: datetime


async def answers(
    session: AsyncSession, org_ids: Sequence[int] | None, page: int = PAGE
) -> AsyncIterator[list[AnswerRow]]:
    subject = aliased(User)
    query = (
        select(
            SurveyAnswer.id,
            SurveyAssignment.org_id,
            SurveyAssignment.survey,
            SurveyAssignment.version,
            SurveyAssignment.poll_id,
            SurveyAssignment.period,
            SurveyAssignment.program_id,
            *_person(User),
            SurveyAssignment.role,
            *_person(subject),
            SurveyAnswer.question_key,
            SurveyAnswer.score,
            SurveyAnswer.choices,
            SurveyAnswer.text,
            SurveyAnswer.skipped,
            SurveyAnswer.answered_at,
        )
        .join(SurveyAssignment, SurveyAssignment.id == SurveyAnswer.assignment_id)
        .join(User, User.id == SurveyAssignment.user_id)
        .outerjoin(subject, subject.id == SurveyAssignment.subject_id)
    )
    query = _where(query, _in(SurveyAssignment.org_id, org_ids))
    async for rows in _pages(session, query, SurveyAnswer.id, page):
        yield [
            AnswerRow(
                *r[:7],
                _name(r[7], r[8], r[9]) or "",
                r[10],
                _name(r[11], r[12], r[13]),
                r[14],
                r[15],
                list(r[16]) if r[16] else None,
                r[17],
                bool(r[18]),
                r[19],
            )
            for r in rows
        ]


async def polls(session: AsyncSession, org_ids: Sequence[int] | None) -> list[Poll]:
    """The quick polls of the schools (their questions as the curator typed them), for
    the answers sheet: a few per school, read once."""
    found = await session.scalars(_where(select(Poll), _in(Poll.org_id, org_ids)).order_by(Poll.id))
    return list(found.all())


async def count_rows(session: AsyncSession, org_ids: Sequence[int] | None) -> int:
    """People in scope (to say the export is empty)."""
    query = _where(
        select(func.count(func.distinct(Membership.user_id))).where(
            Membership.removed_at.is_(None)
        ),
        _in(Membership.org_id, org_ids),
    )
    return int(await session.scalar(query) or 0)


# One program, for /program_doc ---------------------------------------------------------

MEETINGS_LISTED = 20


@dataclass
class Person:
    user_id: int
    name: str
    position: str | None
    subject: str | None
    experience: int | None


@dataclass
class ProgramDocument:
    program: Program
    school: School
    mentor: Person
    mentor_school: str | None  # the school that lent the mentor, when not the program's
    mentees: list[tuple[Person, datetime | None]]  # with «ознакомлен» when confirmed
    plan: list[PlanLine]
    meetings_ahead: list[Meeting]
    meetings_held: int


async def _people(session: AsyncSession, ids: list[int]) -> dict[int, Person]:
    rows = await session.execute(
        select(User, Profile).outerjoin(Profile, Profile.user_id == User.id).where(User.id.in_(ids))
    )
    return {
        u.id: Person(
            u.id,
            u.display_name,
            p.position if p else None,
            p.subject if p else None,
            p.experience_years if p else None,
        )
        for u, p in rows.all()
    }


async def program_document(
    session: AsyncSession, program_id: int, now: datetime
) -> ProgramDocument | None:
    """What the program's document says; None for an unknown program (access is the
    caller's: models/program_card.py viewer_roles)."""
    program = await session.get(Program, program_id)
    if program is None:
        return None
    school = (await schools(session, [program.org_id]))[program.org_id]
    mentees = (
        await session.execute(
            select(ProgramMentee.mentee_id, ProgramMentee.acknowledged_at)
            .where(ProgramMentee.program_id == program.id)
            .order_by(ProgramMentee.mentee_id)
        )
    ).all()
    people = await _people(session, [program.mentor_id, *(m for m, _ in mentees)])
    gone = Person(program.mentor_id, f"#{program.mentor_id}", None, None, None)
    mentor_school = None
    home = await session.scalar(
        select(Membership.id)
        .where(
            Membership.user_id == program.mentor_id,
            Membership.org_id == program.org_id,
            Membership.removed_at.is_(None),
        )
        .limit(1)
    )
    if home is None:
        mentor_school = await session.scalar(
            select(Organization.name)
            .join(Membership, Membership.org_id == Organization.id)
            .where(
                Membership.user_id == program.mentor_id,
                Membership.role == Role.MENTOR,
                Membership.removed_at.is_(None),
            )
            .order_by(Organization.id)
            .limit(1)
        )
    ahead = await session.scalars(
        select(Meeting)
        .where(
            Meeting.program_id == program.id,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at >= now,
        )
        .order_by(Meeting.starts_at)
        .limit(MEETINGS_LISTED)
    )
    held = await session.scalar(
        select(func.count(Meeting.id)).where(
            Meeting.program_id == program.id, Meeting.held.is_(True)
        )
    )
    return ProgramDocument(
        program=program,
        school=school,
        mentor=people.get(program.mentor_id, gone),
        mentor_school=mentor_school,
        mentees=[(people.get(m, Person(m, f"#{m}", None, None, None)), at) for m, at in mentees],
        plan=await plan_of(session, program.id),
        meetings_ahead=list(ahead.all()),
        meetings_held=int(held or 0),
    )
