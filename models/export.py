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

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.meetings import Meeting, MeetingStatus
from models.people import Membership, Organization, Profile, Role, User
from models.plans import PlanItem, PlanLine, PlanOccurrence, plan_of
from models.programs import Program, ProgramMentee
from models.questions import Question
from models.surveys import SurveyAnswer, SurveyAssignment

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
    people = select(User.id, User, Profile).outerjoin(Profile, Profile.user_id == User.id)
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
        for _, user, profile in rows:
            for org_id, (roles, joined) in by_person.get(user.id, {}).items():
                order = [r for r in (Role.CURATOR, Role.MENTOR, Role.MENTEE) if r in roles]
                out.append(
                    Participant(
                        org_id=org_id,
                        user_id=user.id,
                        name=user.display_name,
                        roles=[str(r) for r in order],
                        position=profile.position if profile else None,
                        subject=profile.subject if profile else None,
                        experience=profile.experience_years if profile else None,
                        directions=list(profile.mentor_directions or []) if profile else [],
                        difficulties=list(profile.mentee_difficulties or []) if profile else [],
                        joined=joined,
                        reachable=bool(user.reachable and user.tg_id is not None),
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
        select(Program.id, Program, mentor).join(mentor, mentor.id == Program.mentor_id),
        _in(Program.org_id, org_ids),
    )
    async for rows in _pages(session, query, Program.id, page):
        ids = [r[0] for r in rows]
        mentees: dict[int, list[str]] = {}
        found = await session.execute(
            select(ProgramMentee.program_id, User)
            .join(User, User.id == ProgramMentee.mentee_id)
            .where(ProgramMentee.program_id.in_(ids))
            .order_by(ProgramMentee.program_id, User.id)
        )
        for program_id, user in found.all():
            mentees.setdefault(program_id, []).append(user.display_name)
        yield [
            ProgramRow(
                id=p.id,
                org_id=p.org_id,
                mentor=m.display_name,
                mentees=mentees.get(p.id, []),
                form=p.form,
                mode=p.mode,
                status=p.status,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                ended_at=p.ended_at,
                end_reason=p.end_reason,
            )
            for _, p, m in rows
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


async def plan(
    session: AsyncSession, org_ids: Sequence[int] | None, page: int = PAGE
) -> AsyncIterator[list[PlanRow]]:
    """Occurrences of items not removed, with their item."""
    doer = aliased(User)
    query = (
        select(PlanOccurrence.id, PlanOccurrence, PlanItem, Program.org_id, doer)
        .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
        .join(Program, Program.id == PlanOccurrence.program_id)
        .outerjoin(doer, doer.id == PlanOccurrence.done_by)
        .where(PlanItem.removed_at.is_(None))
    )
    query = _where(query, _in(Program.org_id, org_ids))
    async for rows in _pages(session, query, PlanOccurrence.id, page):
        yield [
            PlanRow(
                id=o.id,
                org_id=org_id,
                program_id=o.program_id,
                position=i.position,
                seq=o.seq,
                title=i.title,
                direction=i.direction,
                activity_form=i.activity_form,
                expected_result=i.expected_result,
                criteria=i.criteria,
                due_on=o.due_on,
                done_at=o.done_at,
                done_by=u.display_name if u is not None else None,
                note=o.note,
            )
            for _, o, i, org_id, u in rows
        ]


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
    query = select(Meeting.id, Meeting)
    if org_ids is not None:
        query = query.where(Meeting.program_id.in_(programs))
    async for rows in _pages(session, query, Meeting.id, page):
        yield [
            MeetingRow(
                id=m.id,
                org_id=m.org_id,
                program_id=m.program_id,
                starts_at=m.starts_at,
                duration_min=m.duration_min,
                mode=m.mode,
                place=m.place,
                topic=m.topic,
                status=m.status,
                held=m.held,
            )
            for _, m in rows
        ]


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
        select(Question.id, Question, mentee, mentor)
        .join(mentee, mentee.id == Question.mentee_id)
        .outerjoin(mentor, mentor.id == Question.mentor_id)
    )
    query = _where(query, _in(Question.org_id, org_ids))
    async for rows in _pages(session, query, Question.id, page):
        yield [
            QuestionRow(
                id=q.id,
                org_id=q.org_id,
                number=q.number,
                mentee=a.display_name,
                mentor=b.display_name if b is not None else None,
                program_id=q.program_id,
                status=q.status,
                preview=q.preview,
                asked_at=q.asked_at,
                first_answer_at=q.first_answer_at,
                response_minutes=q.response_minutes,
                closed_at=q.closed_at,
                rating=q.rating,
                reminded=q.reminded_at is not None,
                escalated=q.escalated_at is not None,
            )
            for _, q, a, b in rows
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
    question_key: str
    score: int | None
    choices: list[str] | None
    text: str | None
    skipped: bool
    answered_at: datetime


async def answers(
    session: AsyncSession, org_ids: Sequence[int] | None, page: int = PAGE
) -> AsyncIterator[list[AnswerRow]]:
    query = (
        select(SurveyAnswer.id, SurveyAnswer, SurveyAssignment, User)
        .join(SurveyAssignment, SurveyAssignment.id == SurveyAnswer.assignment_id)
        .join(User, User.id == SurveyAssignment.user_id)
    )
    query = _where(query, _in(SurveyAssignment.org_id, org_ids))
    async for rows in _pages(session, query, SurveyAnswer.id, page):
        yield [
            AnswerRow(
                id=a.id,
                org_id=s.org_id,
                survey=s.survey,
                version=s.version,
                poll_id=s.poll_id,
                period=s.period,
                program_id=s.program_id,
                respondent=u.display_name,
                role=s.role,
                question_key=a.question_key,
                score=a.score,
                choices=list(a.choices) if a.choices else None,
                text=a.text,
                skipped=a.skipped,
                answered_at=a.answered_at,
            )
            for _, a, s, u in rows
        ]


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
