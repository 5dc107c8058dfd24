"""Questionnaires (DESIGN §4 «Surveys»): definitions as versioned data, one assignment per
person and occasion, one answer row per question.

A definition is a JSON file in models/templates/surveys/ (or, for a quick poll, the
questions a curator typed, kept on the poll). An assignment names who answers, about which
program (and, for a mentor's report on a pair, which mentee), in which school period and
with which definition version; `position` is the index of the question waiting for an
answer, advanced by one atomic UPDATE so that a button pressed twice answers once.

One questionnaire at a time per person: a new assignment of someone who already has a
survey shown waits (listed in /surveys, never reminded); when the shown one is finished or
cancelled, the person's oldest waiting one is shown (see `release`). A waiting assignment
is a pending one with no reminder clock yet: `next_remind_at IS NULL AND reminders = 0`
(a shown one has its clock running, or has had its reminders).
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.calendar import WorkSchedule
from models.db import Base, UTCDateTime
from models.errors import RuleError
from models.outbox import WAITING, OutboxMessage, OutboxStatus, cancel_by_ref, enqueue
from models.people import Organization, User
from models.runtime import insert_ignore

# Survey keys (a definition file each) -------------------------------------------------------
ENTRY = "entry"
QUARTERLY_MENTOR = "quarterly_mentor"
QUARTERLY_MENTEE = "quarterly_mentee"
FINAL_MENTEE = "final_mentee"
FINAL_MENTOR = "final_mentor"
POLL = "poll"

# The four characteristics of the final evaluation (seed 001, item 13), as answer topics.
CHARACTERISTICS = ("satisfaction", "knowledge", "behaviour", "school")


class QuestionType(enum.StrEnum):
    SCALE = "scale"  # 1–5, buttons
    SINGLE = "single"  # one option, buttons
    MULTI = "multi"  # several options, toggles and «Done»
    TEXT = "text"  # free text by ForceReply


class AssignmentStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class SurveyAssignment(Base):
    __tablename__ = "survey_assignments"
    __table_args__ = (
        Index("ix_survey_assignments_user_status", "user_id", "status"),
        Index("ix_survey_assignments_org_period", "org_id", "period"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The respondent's role in this survey: mentor, mentee or curator (a poll's audience).
    role: Mapped[str] = mapped_column(String(16))
    survey: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL"), index=True
    )
    # A mentor's quarterly report is about one mentee of the program.
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    poll_id: Mapped[int | None] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), index=True
    )
    # The school period the answers count in ("2026/27-Q2").
    period: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.PENDING)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The message that asks the current question (a reply to it is the answer).
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    next_remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # One assignment per person and occasion, e.g. "quarterly_mentor:12:34:2026/27-Q2".
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("assignment_id", "question_key", name="uq_survey_answer"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("survey_assignments.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(40))
    # What the question measures (one of CHARACTERISTICS, or adaptation, progress...),
    # copied from the definition so that reports average by it in SQL.
    topic: Mapped[str | None] = mapped_column(String(32), index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    choices: Mapped[list[str] | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    skipped: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Poll(Base):
    """A curator's quick poll: 1–3 questions they typed, to everyone or one role."""

    __tablename__ = "polls"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(16))  # all, mentor, mentee, curator
    # A definition's "questions" list (see load_definition), texts as typed.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Definitions ------------------------------------------------------------------------------


class DefinitionError(ValueError):
    """A survey definition that cannot be used (named in the message)."""


@dataclass(frozen=True)
class Option:
    key: str
    text: dict[str, str]  # language → label


@dataclass(frozen=True)
class SurveyQuestion:
    key: str
    type: QuestionType
    text: dict[str, str]  # language → question
    options: tuple[Option, ...] = ()
    optional: bool = False
    topic: str | None = None


@dataclass(frozen=True)
class Definition:
    key: str
    version: int
    title: dict[str, str]
    questions: tuple[SurveyQuestion, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.questions)


def _texts(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        value = {"ru": value}
    if (
        not isinstance(value, dict)
        or not value
        or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
        )
    ):
        raise DefinitionError(f"{where}: a text is required")
    return dict(value)


def load_definition(data: dict[str, Any]) -> Definition:
    """A definition from its JSON shape; DefinitionError names what is wrong (a duplicate
    question key, an unknown type, a choice without options...)."""
    key = data.get("key")
    if not isinstance(key, str) or not key:
        raise DefinitionError("survey: a key is required")
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise DefinitionError(f"{key}: the version must be a positive number")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise DefinitionError(f"{key}: at least one question is required")
    questions: list[SurveyQuestion] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        q_key = item.get("key") if isinstance(item, dict) else None
        where = f"{key} v{version}, question {index}"
        if not isinstance(q_key, str) or not q_key or len(q_key) > 40:
            raise DefinitionError(f"{where}: a key of up to 40 characters is required")
        if q_key in seen:
            raise DefinitionError(f"{where}: duplicate question key {q_key!r}")
        seen.add(q_key)
        try:
            q_type = QuestionType(item.get("type"))
        except ValueError:
            raise DefinitionError(f"{where}: unknown type {item.get('type')!r}") from None
        options: list[Option] = []
        if q_type in (QuestionType.SINGLE, QuestionType.MULTI):
            raw_options = item.get("options")
            if not isinstance(raw_options, list) or len(raw_options) < 2:
                raise DefinitionError(f"{where}: a choice needs at least two options")
            option_keys: set[str] = set()
            for option in raw_options:
                o_key = option.get("key") if isinstance(option, dict) else None
                if not isinstance(o_key, str) or not o_key or o_key in option_keys:
                    raise DefinitionError(f"{where}: option keys must be unique")
                option_keys.add(o_key)
                options.append(Option(o_key, _texts(option.get("text"), where)))
        questions.append(
            SurveyQuestion(
                key=q_key,
                type=q_type,
                text=_texts(item.get("text"), where),
                options=tuple(options),
                optional=bool(item.get("optional", False)),
                topic=item.get("topic"),
            )
        )
    return Definition(key, version, _texts(data.get("title", key), key), tuple(questions))


def _load_all() -> dict[tuple[str, int], Definition]:
    found: dict[tuple[str, int], Definition] = {}
    folder = resources.files("models") / "templates" / "surveys"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            definition = load_definition(json.loads(entry.read_text(encoding="utf-8")))
            found[(definition.key, definition.version)] = definition
    return found


DEFINITIONS: dict[tuple[str, int], Definition] = _load_all()


def latest(key: str) -> Definition:
    """The newest version of a survey definition."""
    versions = [v for k, v in DEFINITIONS if k == key]
    if not versions:
        raise DefinitionError(f"no survey definition {key!r}")
    return DEFINITIONS[(key, max(versions))]


# The engine -------------------------------------------------------------------------------

REF = "survey"  # outbox ref kind; ref_id is the assignment
QUESTION_NOTICE = "survey-question"  # the current question, rendered live from the assignment
REMINDER_NOTICE = "survey-reminder"  # the same, under a reminder line
NOTICES = (QUESTION_NOTICE, REMINDER_NOTICE)
REMIND_AFTER = timedelta(days=2)
MAX_REMINDERS = 2
TEXT_MAX = 2000  # characters of a free-text answer


class SurveyError(RuleError):
    """An answer the survey cannot take (the key names why)."""


@dataclass(frozen=True)
class Assign:
    """Who is asked what: one assignment to create (see assign_many)."""

    org_id: int
    user_id: int
    role: str
    survey: str
    program_id: int | None = None
    subject_id: int | None = None
    period: str | None = None
    poll_id: int | None = None

    @property
    def dedupe_key(self) -> str:
        about = self.poll_id if self.poll_id is not None else self.program_id or 0
        return f"{self.survey}:{about}:{self.subject_id or 0}:{self.user_id}:{self.period or ''}"


def poll_definition(poll: Poll) -> Definition:
    return load_definition(
        {
            "key": POLL,
            "version": 1,
            "title": {"ru": "Опрос", "en": "Poll"},
            "questions": poll.questions,
        }
    )


async def definition_of(session: AsyncSession, assignment: SurveyAssignment) -> Definition:
    """The definition an assignment was made with (a poll's own questions for a poll)."""
    if assignment.poll_id is not None:
        poll = await session.get(Poll, assignment.poll_id)
        if poll is None:
            raise DefinitionError(f"poll {assignment.poll_id} is gone")
        return poll_definition(poll)
    return DEFINITIONS[(assignment.survey, assignment.version)]


async def assign(session: AsyncSession, spec: Assign, now: datetime) -> int | None:
    """One assignment; its id, or None when this person has it already."""
    made = await assign_many(session, [spec], now)
    return made[0] if made else None


async def assign_many(session: AsyncSession, specs: list[Assign], now: datetime) -> list[int]:
    """Create assignments (those that exist already are skipped: the dedupe key names the
    person and the occasion), all waiting; then each recipient with no survey shown gets
    their oldest one shown (`release`): its first question queued outside the school's
    quiet hours. Someone answering a survey already gets the new ones one at a time, as
    they finish. A few statements for any number. Returns the ids created."""
    if not specs:
        return []
    versions = {s.survey: (1 if s.survey == POLL else latest(s.survey).version) for s in specs}
    table = SurveyAssignment.__table__
    created: list[int] = []
    users: set[int] = set()
    for start in range(0, len(specs), 500):
        chunk = specs[start : start + 500]
        rows = [
            dict(
                org_id=s.org_id,
                user_id=s.user_id,
                role=s.role,
                survey=s.survey,
                version=versions[s.survey],
                program_id=s.program_id,
                subject_id=s.subject_id,
                poll_id=s.poll_id,
                period=s.period,
                status=AssignmentStatus.PENDING,
                position=0,
                reminders=0,
                next_remind_at=None,  # waiting: `release` shows it
                dedupe_key=s.dedupe_key,
                created_at=now,
            )
            for s in chunk
        ]
        stmt = insert_ignore(session, table).on_conflict_do_nothing(index_elements=["dedupe_key"])
        await session.execute(stmt, rows)
        found = await session.execute(
            select(table.c.id, table.c.org_id, table.c.user_id).where(
                table.c.dedupe_key.in_([s.dedupe_key for s in chunk]),
                table.c.created_at == now,
            )
        )
        new = found.all()
        created.extend(int(r.id) for r in new)
        users.update(int(r.user_id) for r in new)
    await release(session, users, now)
    return created


def _is_waiting(next_remind_at: datetime | None, reminders: int) -> bool:
    return next_remind_at is None and reminders == 0


def is_waiting(assignment: SurveyAssignment) -> bool:
    """A pending survey not shown yet: it waits until the person's shown one ends."""
    return assignment.status == AssignmentStatus.PENDING and _is_waiting(
        assignment.next_remind_at, assignment.reminders
    )


async def release(session: AsyncSession, user_ids: Any, now: datetime) -> list[int]:
    """Each of these people with pending surveys but none shown gets the oldest waiting
    one shown: its current question queued (due now, or when the school's quiet hours
    end) and its reminder clock started then. One query finds who has a survey shown.
    Returns the ids shown."""
    shown: list[int] = []
    people = sorted(set(user_ids))
    table = SurveyAssignment.__table__
    for start in range(0, len(people), 500):
        chunk = people[start : start + 500]
        pending = (
            await session.execute(
                select(
                    table.c.id,
                    table.c.org_id,
                    table.c.user_id,
                    table.c.position,
                    table.c.next_remind_at,
                    table.c.reminders,
                )
                .where(table.c.user_id.in_(chunk), table.c.status == AssignmentStatus.PENDING)
                .order_by(table.c.id)
            )
        ).all()
        # Shown and still in its reminder clock: the person is on it. One left unanswered
        # past its last reminder's grace is set aside (next_remind_at cleared by
        # remind_catch_up) and holds nobody's next survey back.
        busy = {r.user_id for r in pending if r.next_remind_at is not None}
        first: dict[int, Any] = {}
        for r in pending:
            if r.user_id not in busy and _is_waiting(r.next_remind_at, r.reminders):
                first.setdefault(r.user_id, r)
        if not first:
            continue
        rows = list(first.values())
        orgs = await session.scalars(
            select(Organization).where(Organization.id.in_({r.org_id for r in rows}))
        )
        due_of = {org.id: WorkSchedule.of(org).quiet_ends_at(now) for org in orgs}
        await session.execute(
            update(table)
            .where(
                table.c.id == bindparam("a_id"),
                table.c.status == AssignmentStatus.PENDING,
                table.c.next_remind_at.is_(None),
                table.c.reminders == 0,
            )
            .values(next_remind_at=bindparam("a_next")),
            [{"a_id": r.id, "a_next": due_of.get(r.org_id, now) + REMIND_AFTER} for r in rows],
        )
        await _queue_first(session, rows, due_of, now)
        shown.extend(int(r.id) for r in rows)
    return shown


async def _queue_first(
    session: AsyncSession, new: list[Any], due_of: dict[int, datetime], now: datetime
) -> None:
    """The current question of each of these assignments, to those the bot can reach."""
    if not new:
        return
    chats = dict(
        (
            await session.execute(
                select(User.id, User.tg_id).where(
                    User.id.in_({r.user_id for r in new}),
                    User.tg_id.is_not(None),
                    User.reachable.is_(True),
                    User.forgotten_at.is_(None),
                )
            )
        ).all()
    )
    rows = [
        dict(
            chat_id=chats[r.user_id],
            user_id=r.user_id,
            org_id=r.org_id,
            kind=QUESTION_NOTICE,
            ref_kind=REF,
            ref_id=r.id,
            author_id=None,
            args={"position": r.position},
            silent=False,
            due_at=due_of.get(r.org_id, now),
            expires_at=None,
            status=OutboxStatus.PENDING,
            attempts=0,
            dedupe_key=f"survey:{r.id}:{r.position}",
            created_at=now,
        )
        for r in new
        if r.user_id in chats
    ]
    if rows:
        box = OutboxMessage.__table__
        stmt = insert_ignore(session, box).on_conflict_do_nothing(index_elements=["dedupe_key"])
        await session.execute(stmt, rows)


async def ask_again(
    session: AsyncSession, assignment: SurveyAssignment, chat_id: int, now: datetime
) -> None:
    """Send the current question of a pending survey again (/surveys, resume). A waiting
    survey is shown from now on: the person chose it, its reminder clock starts."""
    if assignment.next_remind_at is None:  # waiting, or set aside and taken up again
        await session.execute(
            update(SurveyAssignment)
            .where(
                SurveyAssignment.id == assignment.id,
                SurveyAssignment.status == AssignmentStatus.PENDING,
                SurveyAssignment.next_remind_at.is_(None),
            )
            .values(next_remind_at=now + REMIND_AFTER)
            .execution_options(synchronize_session=False)
        )
        await session.refresh(assignment)
    await enqueue(
        session,
        chat_id=chat_id,
        user_id=assignment.user_id,
        org_id=assignment.org_id,
        kind=QUESTION_NOTICE,
        ref=(REF, assignment.id),
        args={"position": assignment.position},
        now=now,
    )


def _checked(
    question: SurveyQuestion,
    score: int | None,
    choices: list[str] | None,
    text: str | None,
    skip: bool,
) -> dict[str, Any]:
    """The answer's columns, or SurveyError for what this question cannot take."""
    if skip:
        if not question.optional:
            raise SurveyError("survey-err-required")
        return {"score": None, "choices": None, "text": None, "skipped": True}
    if question.type == QuestionType.SCALE:
        if score is None or not 1 <= score <= 5:
            raise SurveyError("survey-err-scale")
        return {"score": score, "choices": None, "text": None, "skipped": False}
    if question.type in (QuestionType.SINGLE, QuestionType.MULTI):
        keys = {o.key for o in question.options}
        picked = list(dict.fromkeys(choices or []))
        if not picked or not set(picked) <= keys:
            raise SurveyError("survey-err-choice")
        if question.type == QuestionType.SINGLE and len(picked) != 1:
            raise SurveyError("survey-err-choice")
        return {"score": None, "choices": picked, "text": None, "skipped": False}
    body = (text or "").strip()
    if not body:
        raise SurveyError("survey-err-text-empty")
    if len(body) > TEXT_MAX:
        raise SurveyError("survey-err-text-long", limit=TEXT_MAX, length=len(body))
    return {"score": None, "choices": None, "text": body, "skipped": False}


async def answer(
    session: AsyncSession,
    assignment_id: int,
    position: int,
    now: datetime,
    *,
    score: int | None = None,
    choices: list[str] | None = None,
    text: str | None = None,
    skip: bool = False,
) -> SurveyAssignment | None:
    """Take the answer to question `position` and move on: the next question is queued,
    or the survey is done and its reminders are cancelled. None when that question is no
    longer the one waiting (an outdated button, a second tap, a finished survey): nothing
    is stored then. SurveyError for an answer the question cannot take."""
    assignment = await session.get(SurveyAssignment, assignment_id)
    if (
        assignment is None
        or assignment.status != AssignmentStatus.PENDING
        or assignment.position != position
    ):
        return None
    definition = await definition_of(session, assignment)
    if position >= len(definition):
        return None
    question = definition.questions[position]
    values = _checked(question, score, choices, text, skip)
    last = position + 1 >= len(definition)
    moved = await session.execute(
        update(SurveyAssignment)
        .where(
            SurveyAssignment.id == assignment_id,
            SurveyAssignment.position == position,
            SurveyAssignment.status == AssignmentStatus.PENDING,
        )
        .values(
            position=position + 1,
            prompt_message_id=None,
            status=AssignmentStatus.DONE if last else AssignmentStatus.PENDING,
            finished_at=now if last else None,
            next_remind_at=None
            if last
            else _put_off(assignment.next_remind_at, assignment.reminders, now),
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return None
    await _store(session, assignment_id, question, values, now)
    await session.refresh(assignment)
    if last:
        await cancel_by_ref(session, REF, assignment_id, NOTICES)
        await release(session, [assignment.user_id], now)
    else:
        chat_id = await session.scalar(select(User.tg_id).where(User.id == assignment.user_id))
        if chat_id is not None:
            await enqueue(
                session,
                chat_id=chat_id,
                user_id=assignment.user_id,
                org_id=assignment.org_id,
                kind=QUESTION_NOTICE,
                ref=(REF, assignment_id),
                args={"position": position + 1},
                now=now,
                dedupe_key=f"survey:{assignment_id}:{position + 1}",
            )
    return assignment


def _put_off(due: datetime | None, reminders: int, now: datetime) -> datetime | None:
    """A person who just answered is not reminded soon after: the next reminder (if one
    is still to come) waits REMIND_AFTER from this answer (a survey answered while it
    was still waiting is shown from now on)."""
    if due is None:
        # Shown from now on, or taken up again after it was set aside.
        return now + REMIND_AFTER
    return max(due, now + REMIND_AFTER)


async def _store(
    session: AsyncSession,
    assignment_id: int,
    question: SurveyQuestion,
    values: dict[str, Any],
    now: datetime,
) -> None:
    """One row per question: a second answer to it replaces the first."""
    table = SurveyAnswer.__table__
    row = dict(
        assignment_id=assignment_id,
        question_key=question.key,
        topic=question.topic,
        answered_at=now,
        **values,
    )
    stmt = insert_ignore(session, table).values(**row)
    stmt = stmt.on_conflict_do_update(
        index_elements=["assignment_id", "question_key"],
        set_={k: row[k] for k in ("score", "choices", "text", "skipped", "answered_at")},
    )
    await session.execute(stmt)


async def pending_of(session: AsyncSession, user_id: int) -> list[SurveyAssignment]:
    """The person's unfinished surveys, oldest first (/surveys), as they are now (one
    shown by `release` in this transaction reads as shown)."""
    return list(
        await session.scalars(
            select(SurveyAssignment)
            .where(
                SurveyAssignment.user_id == user_id,
                SurveyAssignment.status == AssignmentStatus.PENDING,
            )
            .order_by(SurveyAssignment.id)
            .execution_options(populate_existing=True)
        )
    )


# Delivery and answering helpers ------------------------------------------------------------


async def waiting_at(
    session: AsyncSession, assignment_id: int, position: int
) -> tuple[SurveyAssignment, Definition] | None:
    """The assignment and its definition when question `position` is the one waiting
    (a question notice is rendered from this at send time: nothing for an outdated one)."""
    assignment = await session.get(SurveyAssignment, assignment_id)
    if (
        assignment is None
        or assignment.status != AssignmentStatus.PENDING
        or assignment.position != position
    ):
        return None
    try:
        definition = await definition_of(session, assignment)
    except (DefinitionError, KeyError):
        return None
    if position >= len(definition):
        return None
    return assignment, definition


async def record_prompts(session: AsyncSession, prompts: list[tuple[int, int, int]]) -> None:
    """(assignment id, position, message id) of delivered questions: a reply to that
    message answers the question, as long as it is still the one waiting."""
    if not prompts:
        return
    table = SurveyAssignment.__table__
    stmt = (
        update(table)
        .where(
            table.c.id == bindparam("a_id"),
            table.c.position == bindparam("a_pos"),
            table.c.status == AssignmentStatus.PENDING,
        )
        .values(prompt_message_id=bindparam("a_mid"))
    )
    await session.execute(stmt, [{"a_id": a, "a_pos": p, "a_mid": m} for a, p, m in prompts])


async def by_prompt(
    session: AsyncSession, user_id: int, message_id: int
) -> SurveyAssignment | None:
    """The person's pending survey whose current question was asked by `message_id`."""
    return await session.scalar(
        select(SurveyAssignment).where(
            SurveyAssignment.user_id == user_id,
            SurveyAssignment.status == AssignmentStatus.PENDING,
            SurveyAssignment.prompt_message_id == message_id,
        )
    )


async def _set_aside(session: AsyncSession, now: datetime) -> None:
    table = SurveyAssignment.__table__
    over = (
        table.c.status == AssignmentStatus.PENDING,
        table.c.reminders >= MAX_REMINDERS,
        table.c.next_remind_at.is_not(None),
        table.c.next_remind_at <= now,
    )
    users = set(await session.scalars(select(table.c.user_id).where(*over).distinct()))
    if not users:
        return
    await session.execute(update(table).where(*over).values(next_remind_at=None))
    await release(session, users, now)


async def remind_catch_up(session: AsyncSession, now: datetime) -> int:
    """Non-responders: each pending survey whose reminder is due gets a reminder notice
    (its current question under a reminder line), outside its school's quiet hours; at
    most MAX_REMINDERS, REMIND_AFTER apart. Idempotent: the UPDATE moves only the rows
    still due, and each reminder's dedupe key names its number. A survey still unanswered
    REMIND_AFTER after its last reminder is set aside (it stays in /surveys) and the
    person's next waiting survey is shown: one abandoned questionnaire never holds back
    the next quarter's. Returns reminders queued."""
    table = SurveyAssignment.__table__
    await _set_aside(session, now)
    due = (
        await session.execute(
            select(
                table.c.id,
                table.c.org_id,
                table.c.user_id,
                table.c.position,
                table.c.reminders,
                User.tg_id,
                User.reachable,
                User.forgotten_at,
            )
            .join(User, User.id == table.c.user_id)
            .where(
                table.c.status == AssignmentStatus.PENDING,
                table.c.next_remind_at.is_not(None),
                table.c.next_remind_at <= now,
                table.c.reminders < MAX_REMINDERS,
            )
            .order_by(table.c.id)
            .limit(2000)
        )
    ).all()
    if not due:
        return 0
    orgs = {
        org.id: WorkSchedule.of(org).quiet_ends_at(now)
        for org in await session.scalars(
            select(Organization).where(Organization.id.in_({r.org_id for r in due}))
        )
    }
    moves = []
    for r in due:
        count = r.reminders + 1
        at = orgs.get(r.org_id, now)
        moves.append(
            {
                "a_id": r.id,
                "a_was": r.reminders,
                "a_count": count,
                # After the last reminder, the same wait is its grace: then it is set aside.
                "a_next": at + REMIND_AFTER,
            }
        )
    await session.execute(
        update(table)
        .where(
            table.c.id == bindparam("a_id"),
            table.c.reminders == bindparam("a_was"),
            table.c.status == AssignmentStatus.PENDING,
        )
        .values(reminders=bindparam("a_count"), next_remind_at=bindparam("a_next")),
        moves,
    )
    rows = [
        dict(
            chat_id=r.tg_id,
            user_id=r.user_id,
            org_id=r.org_id,
            kind=REMINDER_NOTICE,
            ref_kind=REF,
            ref_id=r.id,
            author_id=None,
            args={"position": r.position},
            silent=False,
            due_at=orgs.get(r.org_id, now),
            expires_at=None,
            status=OutboxStatus.PENDING,
            attempts=0,
            dedupe_key=f"survey-remind:{r.id}:{r.reminders + 1}",
            created_at=now,
        )
        for r in due
        if r.tg_id is not None and r.reachable and r.forgotten_at is None
    ]
    if rows:
        box = OutboxMessage.__table__
        stmt = insert_ignore(session, box).on_conflict_do_nothing(index_elements=["dedupe_key"])
        await session.execute(stmt, rows)
    return len(rows)


async def cancel_where(
    session: AsyncSession, *criteria: Any, now: datetime, sending: bool = False
) -> int:
    """Pending surveys matching `criteria` (SQL conditions on SurveyAssignment) end
    unanswered, with their questions and reminders still waiting (`sending`: those being
    sent too, for /forget); then each person concerned gets their next waiting survey
    shown, if the cancelled one was the one shown (`release`). Returns how many ended."""
    which = (SurveyAssignment.status == AssignmentStatus.PENDING, *criteria)
    users = set(await session.scalars(select(SurveyAssignment.user_id).where(*which).distinct()))
    if not users:
        return 0
    box = update(OutboxMessage).where(
        OutboxMessage.ref_kind == REF,
        OutboxMessage.ref_id.in_(select(SurveyAssignment.id).where(*which)),
    )
    if sending:
        box = box.where(OutboxMessage.status.in_(WAITING)).values(
            status=OutboxStatus.CANCELLED, claimed_by=None
        )
    else:
        box = box.where(OutboxMessage.status == OutboxStatus.PENDING).values(
            status=OutboxStatus.CANCELLED
        )
    await session.execute(box.execution_options(synchronize_session=False))
    ended = await session.execute(
        update(SurveyAssignment)
        .where(*which)
        .values(status=AssignmentStatus.CANCELLED, next_remind_at=None, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    await release(session, users, now)
    return ended.rowcount or 0


async def cancel_for_user(session: AsyncSession, user_id: int, now: datetime) -> int:
    """The person's pending surveys end unanswered (/forget); their notices go too."""
    return await cancel_where(session, SurveyAssignment.user_id == user_id, now=now)
