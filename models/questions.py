"""Questions: a mentee's message routed to a mentor (or the curators) and the thread of
answers and follow-ups. Our own message-id table links every copy to its question."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.calendar import WorkSchedule
from models.db import Base, UTCDateTime
from models.outbox import OutboxMessage, OutboxStatus, cancel_by_ref, enqueue
from models.people import Organization, Profile, Role, User, org_user_ids
from models.programs import Program, ProgramMentee, ProgramStatus

PREVIEW_MAX = 300
# Notices about a question that an answer or closing makes pointless.
SLA_NOTICES = ("question-remind", "question-escalated")


class QuestionStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"  # taken for a new question, then made part of an earlier one


LIVE_STATUSES = (QuestionStatus.OPEN, QuestionStatus.ANSWERED)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The person who must answer now; NULL means the organization's curators.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=QuestionStatus.OPEN, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    preview: Mapped[str | None] = mapped_column(String(PREVIEW_MAX))
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    started_by_mentor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Working minutes (the school's hours and calendar) from asking to the first answer,
    # so that reports take the median in SQL.
    response_minutes: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rating: Mapped[int | None] = mapped_column(Integer)
    remind_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    escalate_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    curator_claimed_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class QuestionMessage(Base):
    """One message of a thread in one chat, and the original it copies (if any)."""

    __tablename__ = "question_messages"
    __table_args__ = (
        Index("ix_question_messages_chat_message", "chat_id", "message_id"),
        Index("ix_question_messages_origin", "origin_chat_id", "origin_message_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(16))  # question, answer, followup, header
    origin_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    origin_message_id: Mapped[int | None] = mapped_column(BigInteger)
    with_header: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass
class Route:
    """Where a new question goes: a mentor, or the curators (mentor None) and why."""

    org_id: int
    program_id: int | None
    mentor: User | None
    reason: str  # "mentor", "no-mentor", "away", "unreachable"
    away_until: date | None = None


async def mentor_choices(session: AsyncSession, mentee_id: int) -> list[tuple[Program, User]]:
    """Active programs of a mentee with their mentors, oldest first. Their schools come
    along in the same query: routing needs their calendars next."""
    rows = await session.execute(
        select(Program, User, Organization)
        .join(ProgramMentee, ProgramMentee.program_id == Program.id)
        .join(User, User.id == Program.mentor_id)
        .join(Organization, Organization.id == Program.org_id)
        .where(ProgramMentee.mentee_id == mentee_id, Program.status == ProgramStatus.ACTIVE)
        .order_by(Program.id)
    )
    return [(p, u) for p, u, _ in rows.all()]


async def mentee_org(session: AsyncSession, mentee_id: int) -> int | None:
    from models.people import Membership

    return await session.scalar(
        select(Membership.org_id)
        .where(
            Membership.user_id == mentee_id,
            Membership.role == Role.MENTEE,
            Membership.removed_at.is_(None),
        )
        .order_by(Membership.org_id)
        .limit(1)
    )


def local_today(org: Organization, now: datetime) -> date:
    return now.astimezone(ZoneInfo(org.timezone)).date()


async def route_for(
    session: AsyncSession, org_id: int, program: Program | None, mentor: User | None, now: datetime
) -> Route:
    if program is None or mentor is None:
        return Route(org_id, None, None, "no-mentor")
    org = await session.get(Organization, program.org_id)
    assert org is not None
    today = local_today(org, now)
    if mentor.away_until is not None and mentor.away_until >= today:
        return Route(program.org_id, program.id, None, "away", mentor.away_until)
    if not mentor.reachable or mentor.tg_id is None:
        return Route(program.org_id, program.id, None, "unreachable")
    return Route(program.org_id, program.id, mentor, "mentor")


def sla_times(
    org: Organization, start: datetime, remind_hours: float, escalate_hours: float
) -> tuple[datetime, datetime]:
    schedule = WorkSchedule.of(org)
    return (
        schedule.add_working_time(start, timedelta(hours=remind_hours)),
        schedule.add_working_time(start, timedelta(hours=escalate_hours)),
    )


async def apply_settings(
    session: AsyncSession, org: Organization, values: dict[str, Any], now: datetime
) -> None:
    """Save a school's new time zone, hours or calendar, and move what was timed by the
    old ones: the SLA deadlines of its open questions and its reminders held for quiet
    hours. A deadline keeps the working time it allowed since the question was asked
    (a reassignment's extra time included), now counted in the new schedule."""
    before = WorkSchedule.of(org)
    for column, value in values.items():
        setattr(org, column, value)
    after = WorkSchedule.of(org)
    if after == before:
        return
    open_questions = await session.scalars(
        select(Question).where(
            Question.org_id == org.id,
            Question.status == QuestionStatus.OPEN,
            (Question.remind_due_at.is_not(None) & Question.reminded_at.is_(None))
            | (Question.escalate_due_at.is_not(None) & Question.escalated_at.is_(None)),
        )
    )
    for question in list(open_questions.all()):
        moved: dict[str, datetime] = {}
        for due, done in (("remind_due_at", "reminded_at"), ("escalate_due_at", "escalated_at")):
            old = getattr(question, due)
            if old is not None and getattr(question, done) is None:
                allowed = before.working_time_between(question.asked_at, old)
                moved[due] = after.add_working_time(question.asked_at, allowed)
        await session.execute(update(Question).where(Question.id == question.id).values(moved))
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.org_id == org.id,
            OutboxMessage.kind.in_(SLA_NOTICES),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
        )
        .values(due_at=after.quiet_ends_at(now))
    )


async def next_number(session: AsyncSession, org_id: int) -> int:
    """Question numbers count per organization; the counter moves in one UPDATE."""
    number = await session.scalar(
        update(Organization)
        .where(Organization.id == org_id)
        .values(question_seq=Organization.question_seq + 1)
        .returning(Organization.question_seq)
        .execution_options(synchronize_session=False)
    )
    return int(number or 0)


async def create_question(
    session: AsyncSession,
    *,
    route: Route,
    mentee: User,
    kind: str,
    preview: str | None,
    media_group_id: str | None,
    now: datetime,
    remind_hours: float,
    escalate_hours: float,
    started_by_mentor: bool = False,
) -> Question:
    org = await session.get(Organization, route.org_id)
    assert org is not None
    remind_at, escalate_at = sla_times(org, now, remind_hours, escalate_hours)
    question = Question(
        org_id=route.org_id,
        number=await next_number(session, route.org_id),
        mentee_id=mentee.id,
        program_id=route.program_id,
        mentor_id=route.mentor.id if route.mentor else None,
        owner_id=route.mentor.id if route.mentor else None,
        status=QuestionStatus.ANSWERED if started_by_mentor else QuestionStatus.OPEN,
        kind=kind,
        preview=(preview or "")[:PREVIEW_MAX] or None,
        media_group_id=media_group_id,
        started_by_mentor=started_by_mentor,
        created_at=now,
        asked_at=now,
        remind_due_at=None if started_by_mentor else remind_at,
        escalate_due_at=None if started_by_mentor else escalate_at,
    )
    session.add(question)
    await session.flush()
    return question


async def link_message(
    session: AsyncSession,
    question_id: int,
    chat_id: int,
    message_id: int,
    role: str,
    now: datetime,
    origin: tuple[int, int] | None = None,
    with_header: bool = False,
) -> None:
    await link_messages(
        session,
        [link(question_id, chat_id, message_id, role, now, origin, with_header)],
    )


def link(
    question_id: int,
    chat_id: int,
    message_id: int,
    role: str,
    now: datetime,
    origin: tuple[int, int] | None = None,
    with_header: bool = False,
) -> dict[str, Any]:
    """One message of a thread, as a row to insert."""
    return {
        "question_id": question_id,
        "chat_id": chat_id,
        "message_id": message_id,
        "role": role,
        "origin_chat_id": origin[0] if origin else None,
        "origin_message_id": origin[1] if origin else None,
        "with_header": with_header,
        "created_at": now,
    }


async def link_messages(session: AsyncSession, links: list[dict[str, Any]]) -> None:
    """Insert thread links in one statement (no unit of work: nothing reads them back
    as objects in the same transaction)."""
    if links:
        await session.execute(insert(QuestionMessage.__table__), links)


async def question_by_message(
    session: AsyncSession, chat_id: int, message_id: int
) -> Question | None:
    return await session.scalar(
        select(Question)
        .join(QuestionMessage, QuestionMessage.question_id == Question.id)
        .where(QuestionMessage.chat_id == chat_id, QuestionMessage.message_id == message_id)
        .limit(1)
    )


async def is_linked(session: AsyncSession, question_id: int, chat_id: int, message_id: int) -> bool:
    """Whether this message in this chat belongs to the question's thread: a button acts
    only on the question of the message it sits on."""
    found = await session.scalar(
        select(QuestionMessage.id)
        .where(
            QuestionMessage.chat_id == chat_id,
            QuestionMessage.message_id == message_id,
            QuestionMessage.question_id == question_id,
        )
        .limit(1)
    )
    return found is not None


async def opening_message(session: AsyncSession, question_id: int) -> int | None:
    """The id of the mentee's own message that opened the question."""
    return await session.scalar(
        select(QuestionMessage.message_id)
        .where(QuestionMessage.question_id == question_id, QuestionMessage.role == "own")
        .order_by(QuestionMessage.id)
        .limit(1)
    )


async def thread_of(
    session: AsyncSession, question_id: int, origin: tuple[int, int] | None = None
) -> list[QuestionMessage]:
    """The question's thread links; with `origin`, only that message and its copies."""
    query = select(QuestionMessage).where(QuestionMessage.question_id == question_id)
    if origin is not None:
        chat_id, message_id = origin
        query = query.where(
            or_(
                and_(QuestionMessage.chat_id == chat_id, QuestionMessage.message_id == message_id),
                and_(
                    QuestionMessage.origin_chat_id == chat_id,
                    QuestionMessage.origin_message_id == message_id,
                ),
            )
        )
    return list((await session.scalars(query.order_by(QuestionMessage.id))).all())


async def copy_in_chat(
    session: AsyncSession, question_id: int, chat_id: int, origin: tuple[int, int]
) -> int | None:
    """The message in this chat that carries that original, in this question's thread."""
    return await session.scalar(
        select(QuestionMessage.message_id)
        .where(
            QuestionMessage.question_id == question_id,
            QuestionMessage.chat_id == chat_id,
            QuestionMessage.origin_chat_id == origin[0],
            QuestionMessage.origin_message_id == origin[1],
        )
        .order_by(QuestionMessage.id)
        .limit(1)
    )


async def copies_of(session: AsyncSession, chat_id: int, message_id: int) -> list[QuestionMessage]:
    rows = await session.scalars(
        select(QuestionMessage).where(
            QuestionMessage.origin_chat_id == chat_id,
            QuestionMessage.origin_message_id == message_id,
        )
    )
    return list(rows.all())


async def album_question(
    session: AsyncSession, mentee_id: int, media_group_id: str
) -> Question | None:
    return await session.scalar(
        select(Question).where(
            Question.mentee_id == mentee_id, Question.media_group_id == media_group_id
        )
    )


async def open_question_of(session: AsyncSession, mentee_id: int) -> Question | None:
    return await session.scalar(
        select(Question)
        .where(Question.mentee_id == mentee_id, Question.status.in_(LIVE_STATUSES))
        .order_by(Question.asked_at.desc(), Question.id.desc())
        .limit(1)
    )


def may_answer(question: Question, user_id: int, curator_orgs: list[int], is_admin: bool) -> bool:
    """The owner answers; the organization's curators (and admins) may always step in."""
    if question.owner_id == user_id:
        return True
    return is_admin or question.org_id in curator_orgs


async def record_answer(session: AsyncSession, question_id: int, now: datetime) -> None:
    await session.execute(
        update(Question)
        .where(Question.id == question_id, Question.status.in_(LIVE_STATUSES))
        .values(status=QuestionStatus.ANSWERED, answered_at=now)
    )
    first = await session.execute(
        update(Question)
        .where(Question.id == question_id, Question.first_answer_at.is_(None))
        .values(first_answer_at=now)
        .returning(Question.org_id, Question.asked_at)
    )
    row = first.first()
    if row is not None:  # the first answer: its working minutes, for the reports' median
        org = await session.get(Organization, row.org_id)  # most often in the session already
        if org is not None:
            minutes = response_minutes(WorkSchedule.of(org), row.asked_at, now)
            await session.execute(
                update(Question).where(Question.id == question_id).values(response_minutes=minutes)
            )
    await cancel_by_ref(session, "question", question_id, SLA_NOTICES)


def response_minutes(schedule: WorkSchedule, asked_at: datetime, answered_at: datetime) -> int:
    """Working minutes (the school's hours and calendar) from asking to answering."""
    return int(schedule.working_time_between(asked_at, answered_at).total_seconds() // 60)


async def reopen(
    session: AsyncSession,
    question: Question,
    now: datetime,
    remind_hours: float,
    escalate_hours: float,
) -> None:
    """A follow-up: the question is open again with fresh SLA times, whatever its state,
    so the answer to a follow-up of a resolved or closed question can reach the mentee."""
    org = await session.get(Organization, question.org_id)
    assert org is not None
    remind_at, escalate_at = sla_times(org, now, remind_hours, escalate_hours)
    await session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(
            status=QuestionStatus.OPEN,
            closed_at=None,
            asked_at=now,
            remind_due_at=remind_at,
            escalate_due_at=escalate_at,
            reminded_at=None,
            escalated_at=None,
        )
    )


async def merge(session: AsyncSession, question: Question, now: datetime) -> None:
    """The question was never one of its own: it is set aside, and what it still had
    queued (reminders, escalations) is cancelled."""
    await session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(
            status=QuestionStatus.MERGED, closed_at=now, remind_due_at=None, escalate_due_at=None
        )
    )
    await cancel_by_ref(session, "question", question.id)


async def set_status(
    session: AsyncSession, question_id: int, status: QuestionStatus, now: datetime
) -> bool:
    result = await session.execute(
        update(Question)
        .where(Question.id == question_id, Question.status.in_(LIVE_STATUSES))
        .values(status=status, closed_at=now, remind_due_at=None, escalate_due_at=None)
    )
    await cancel_by_ref(session, "question", question_id, SLA_NOTICES)
    return bool(result.rowcount)


async def rate(session: AsyncSession, question_id: int, mentee_id: int, score: int) -> bool:
    result = await session.execute(
        update(Question)
        .where(Question.id == question_id, Question.mentee_id == mentee_id)
        .values(rating=score)
    )
    return bool(result.rowcount)


async def claim_by_curator(session: AsyncSession, question_id: int, curator_id: int) -> bool:
    """One curator takes the question; of two pressing at once exactly one wins."""
    result = await session.execute(
        update(Question)
        .where(
            Question.id == question_id,
            Question.curator_claimed_by.is_(None),
            Question.status.in_(LIVE_STATUSES),
        )
        .values(curator_claimed_by=curator_id, owner_id=curator_id)
    )
    return bool(result.rowcount)


async def reassign(
    session: AsyncSession,
    question: Question,
    new_owner: User,
    now: datetime,
    remind_hours: float,
    escalate_hours: float,
) -> bool:
    org = await session.get(Organization, question.org_id)
    assert org is not None
    remind_at, escalate_at = sla_times(org, now, remind_hours, escalate_hours)
    result = await session.execute(
        update(Question)
        .where(Question.id == question.id, Question.status.in_(LIVE_STATUSES))
        .values(
            owner_id=new_owner.id,
            mentor_id=new_owner.id,
            curator_claimed_by=None,
            remind_due_at=remind_at,
            escalate_due_at=escalate_at,
            reminded_at=None,
            escalated_at=None,
        )
    )
    return bool(result.rowcount)


async def hand_over(session: AsyncSession, question: Question, now: datetime) -> int:
    """The owner asks the curators to take the question: they are told again, with the
    escalation buttons, even when they were told before."""
    await session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(escalated_at=None, curator_claimed_by=None)
    )
    question.escalated_at = None
    question.curator_claimed_by = None
    return await escalate(session, question, now)


async def questions_for_owner(session: AsyncSession, owner_id: int) -> list[Question]:
    rows = await session.scalars(
        select(Question)
        .where(Question.owner_id == owner_id, Question.status.in_(LIVE_STATUSES))
        .order_by(Question.asked_at)
        .limit(50)
    )
    return list(rows.all())


async def questions_for_curators(session: AsyncSession, org_ids: list[int]) -> list[Question]:
    """Open questions waiting for any curator of these organizations (no owner)."""
    if not org_ids:
        return []
    rows = await session.scalars(
        select(Question)
        .where(
            Question.org_id.in_(org_ids),
            Question.owner_id.is_(None),
            Question.status.in_(LIVE_STATUSES),
        )
        .order_by(Question.asked_at)
        .limit(50)
    )
    return list(rows.all())


async def questions_of_mentee(session: AsyncSession, mentee_id: int) -> list[Question]:
    rows = await session.scalars(
        select(Question)
        .where(Question.mentee_id == mentee_id)
        .order_by(Question.id.desc())
        .limit(20)
    )
    return list(rows.all())


async def mentee_subject(session: AsyncSession, mentee_id: int) -> str | None:
    profile = await session.get(Profile, mentee_id)
    return profile.subject if profile else None


async def sla_catch_up(session: AsyncSession, now: datetime) -> int:
    """Queue the reminders and escalations that have come due. Idempotent: each
    question is reminded and escalated once per SLA deadline (the dedupe keys carry it)."""
    made = 0
    due_reminders = await session.scalars(
        select(Question)
        .where(
            Question.status == QuestionStatus.OPEN,
            Question.reminded_at.is_(None),
            Question.remind_due_at <= now,
            Question.owner_id.is_not(None),
        )
        .limit(500)
    )
    for question in list(due_reminders.all()):
        made += await _remind(session, question, now)
    due_escalations = await session.scalars(
        select(Question)
        .where(
            Question.status == QuestionStatus.OPEN,
            Question.escalated_at.is_(None),
            Question.escalate_due_at <= now,
        )
        .limit(500)
    )
    for question in list(due_escalations.all()):
        made += await escalate(session, question, now)
    return made


def _stamp(due: datetime | None, question: Question) -> int:
    """Dedupe keys carry the SLA deadline: a follow-up or a reassignment sets new ones, so
    the new owner is reminded (and the curators told) again, once."""
    return int((due or question.asked_at).timestamp())


async def _remind(session: AsyncSession, question: Question, now: datetime) -> int:
    claimed = await session.execute(
        update(Question)
        .where(Question.id == question.id, Question.reminded_at.is_(None))
        .values(reminded_at=now)
    )
    if not claimed.rowcount or question.owner_id is None:
        return 0
    owner = await session.get(User, question.owner_id)
    org = await session.get(Organization, question.org_id)
    if owner is None or owner.tg_id is None or org is None:
        return 0
    mentee = await session.get(User, question.mentee_id)
    due = WorkSchedule.of(org).quiet_ends_at(now)
    return int(
        None
        is not await enqueue(
            session,
            chat_id=owner.tg_id,
            user_id=owner.id,
            org_id=org.id,
            kind="question-remind",
            ref=("question", question.id),
            author_id=question.mentee_id,
            args={"number": question.number, "mentee": mentee.display_name if mentee else "—"},
            now=now,
            due_at=due,
            dedupe_key=f"remind:{question.id}:{_stamp(question.remind_due_at, question)}",
        )
    )


async def escalate(session: AsyncSession, question: Question, now: datetime) -> int:
    """Tell the organization's curators, with buttons to answer, remind or reassign."""
    claimed = await session.execute(
        update(Question)
        .where(Question.id == question.id, Question.escalated_at.is_(None))
        .values(escalated_at=now)
    )
    if not claimed.rowcount:
        return 0
    org = await session.get(Organization, question.org_id)
    mentee = await session.get(User, question.mentee_id)
    owner = await session.get(User, question.owner_id) if question.owner_id else None
    if org is None:
        return 0
    due = WorkSchedule.of(org).quiet_ends_at(now)
    made = 0
    for curator_id in await org_user_ids(session, org.id, Role.CURATOR):
        curator = await session.get(User, curator_id)
        if curator is None or curator.tg_id is None:
            continue
        made += int(
            None
            is not await enqueue(
                session,
                chat_id=curator.tg_id,
                user_id=curator.id,
                org_id=org.id,
                kind="question-escalated",
                ref=("question", question.id),
                author_id=question.mentee_id,
                args={
                    "number": question.number,
                    "mentee": mentee.display_name if mentee else "—",
                    "mentor": owner.display_name if owner else "—",
                    "preview": question.preview or "",
                },
                now=now,
                due_at=due,
                dedupe_key=(
                    f"escalate:{question.id}:{curator_id}:"
                    f"{_stamp(question.escalate_due_at, question)}"
                ),
            )
        )
    return made
