"""The one registry of personal data (152-FZ), used by /mydata and /forget.

Every column that can hold text, an identifier or free-form data is listed either as
personal (exported and erased) or as not personal, with the reason in its name. A test
fails when a model gains a column that is in neither list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, column, delete, or_, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import lifecycle
from models.audit import AuditEntry
from models.db import Base
from models.invites import Consent
from models.meetings import Meeting
from models.outbox import (
    OutboxMessage,
    cancel_for_user,
    enqueue,
    forget_author,
)
from models.people import Membership, Profile, Role, User, org_user_ids
from models.plans import PlanItem, PlanOccurrence
from models.programs import Program, ProgramMentee, ProgramStatus
from models.questions import Question, QuestionMessage
from models.runtime import forget_fsm_states
from models.surveys import Poll, SurveyAnswer, SurveyAssignment
from models.surveys import cancel_for_user as cancel_surveys_of
from models.surveys import cancel_where as cancel_surveys_where

# table -> (column that names the owner, personal columns)
PERSONAL: dict[str, tuple[str, tuple[str, ...]]] = {
    "users": ("id", ("tg_id", "full_name", "tg_name", "language", "away_until")),
    "profiles": (
        "user_id",
        ("position", "subject", "experience_years", "mentor_directions", "mentee_difficulties"),
    ),
    "outbox": ("user_id", ("chat_id", "args")),
    "fsm_states": ("key", ("data", "state")),
    "questions": ("mentee_id", ("preview",)),
    "question_messages": (
        "chat_id",
        ("chat_id", "message_id", "origin_chat_id", "origin_message_id"),
    ),
    # A program's texts describe its mentees' difficulties and the pair's work.
    "programs": ("mentor_id", ("problem", "goals", "tasks", "results_mid", "results_final")),
    "plan_items": (
        "program_id",
        ("title", "activity_form", "expected_result", "criteria", "risks", "prevention"),
    ),
    "plan_occurrences": ("done_by", ("note",)),
    "meetings": ("proposed_by", ("place", "topic")),
    "program_audit": ("actor_id", ("reason", "details")),
    "program_proposals": ("proposed_by", ("reason", "payload")),
    # Free-text answers are the respondent's words; scores and choices stay as anonymous
    # counts after /forget.
    "survey_assignments": ("user_id", ("prompt_message_id",)),
    "survey_answers": ("assignment_id", ("text",)),
    "polls": ("author_id", ("questions",)),
    "announcements": ("author_id", ("text",)),
    "best_practices": ("author_id", ("summary",)),
}

# Columns that are not personal: codes, statuses, settings and technical ids.
NOT_PERSONAL: dict[str, tuple[str, ...]] = {
    "organizations": (
        "name",
        "timezone",
        "work_days",
        "work_start",
        "work_end",
        "quiet_start",
        "quiet_end",
        "calendar",
    ),
    "memberships": ("role",),
    "invites": ("code", "role"),
    "consents": ("version",),
    "processed_updates": ("update_id",),
    "fsm_states": ("key",),
    "outbox": (
        "kind",
        "ref_kind",
        "ref_id",
        "author_id",
        "status",
        "dedupe_key",
        "last_error",
        "claimed_by",
    ),
    "programs": ("form", "mode", "status", "end_reason", "starts_on", "ends_on"),
    "program_mentees": ("live_form",),
    "plan_items": ("direction", "deadline_kind", "deadline_spec", "template_key"),
    "plan_occurrences": ("window_start", "due_on"),
    "meetings": ("mode", "status"),
    "program_audit": ("action",),
    "program_proposals": ("kind", "status"),
    "proposal_votes": ("party", "decision"),
    "questions": ("status", "kind", "media_group_id"),
    "question_messages": ("role",),
    "survey_assignments": ("role", "survey", "period", "status", "dedupe_key"),
    "survey_answers": ("question_key", "topic", "choices"),
    "polls": ("audience",),
    "announcements": ("audience",),
}

EXPORTED = (User, Profile, Membership, Consent)

# Proposals live in models/changes.py, a module of this same layer that this one may not
# import: the columns /mydata and /forget touch, named here.
PROPOSALS = table(
    "program_proposals",
    column("id"),
    column("program_id"),
    column("kind"),
    column("status"),
    column("proposed_by"),
    column("reason"),
    column("payload", JSON),
    column("created_at"),
)
PROGRAM_NOTE = ("problem", "goals", "tasks", "results_mid", "results_final")
ITEM_TEXTS = ("activity_form", "expected_result", "criteria", "risks", "prevention")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _row(obj: Base) -> dict[str, Any]:
    return {c.key: _jsonable(getattr(obj, c.key)) for c in obj.__table__.columns}


async def export_person(session: AsyncSession, user: User) -> dict[str, Any]:
    result: dict[str, Any] = {"user": _row(user)}
    profile = await session.get(Profile, user.id)
    result["profile"] = _row(profile) if profile else None
    for model, name in ((Membership, "roles"), (Consent, "consents")):
        rows = await session.scalars(select(model).where(model.user_id == user.id))
        result[name] = [_row(r) for r in rows]
    messages = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
    )
    result["messages_to_you"] = [
        {"kind": m.kind, "due_at": _jsonable(m.due_at), "status": m.status} for m in messages
    ]
    result["programs"] = await _export_programs(session, user.id)
    result.update(await _export_authored(session, user.id))
    entries = await session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
    )
    result["program_changes_by_you"] = [
        {k: v for k, v in _row(e).items() if k != "actor_id"} for e in entries
    ]
    proposals = await session.execute(
        select(PROPOSALS).where(PROPOSALS.c.proposed_by == user.id).order_by(PROPOSALS.c.id)
    )
    result["proposals_by_you"] = [
        {k: _jsonable(v) for k, v in row._mapping.items() if k != "proposed_by"}
        for row in proposals
    ]
    result["surveys"] = await _export_surveys(session, user.id)
    return result


async def _export_surveys(session: AsyncSession, user_id: int) -> list[dict[str, Any]]:
    """The person's surveys, each with its answers (free texts included)."""
    assignments = list(
        await session.scalars(
            select(SurveyAssignment)
            .where(SurveyAssignment.user_id == user_id)
            .order_by(SurveyAssignment.id)
        )
    )
    answers: dict[int, list[dict[str, Any]]] = {}
    if assignments:
        rows = await session.scalars(
            select(SurveyAnswer)
            .where(SurveyAnswer.assignment_id.in_([a.id for a in assignments]))
            .order_by(SurveyAnswer.id)
        )
        for answer in rows:
            answers.setdefault(answer.assignment_id, []).append(
                {k: v for k, v in _row(answer).items() if k not in ("id", "assignment_id")}
            )
    return [
        {
            **{k: v for k, v in _row(a).items() if k not in ("user_id", "dedupe_key")},
            "answers": answers.get(a.id, []),
        }
        for a in assignments
    ]


async def _export_programs(session: AsyncSession, user_id: int) -> list[dict[str, Any]]:
    """The person's programs (as mentor or mentee) with the note, the plan and meetings."""
    mentee_of = select(ProgramMentee.program_id).where(ProgramMentee.mentee_id == user_id)
    programs = await session.scalars(
        select(Program)
        .where(or_(Program.mentor_id == user_id, Program.id.in_(mentee_of)))
        .order_by(Program.id)
    )
    exported = []
    for program in programs:
        row = _row(program)
        row["your_role"] = "mentor" if program.mentor_id == user_id else "mentee"
        link = await session.get(ProgramMentee, (program.id, user_id))
        row["you_acknowledged_at"] = _jsonable(link.acknowledged_at) if link else None
        items = await session.scalars(
            select(PlanItem).where(PlanItem.program_id == program.id).order_by(PlanItem.position)
        )
        row["plan"] = []
        for item in items:
            occurrences = await session.scalars(
                select(PlanOccurrence)
                .where(PlanOccurrence.item_id == item.id)
                .order_by(PlanOccurrence.seq)
            )
            row["plan"].append({**_row(item), "occurrences": [_row(o) for o in occurrences]})
        meetings = await session.scalars(
            select(Meeting).where(Meeting.program_id == program.id).order_by(Meeting.starts_at)
        )
        row["meetings"] = [_row(m) for m in meetings]
        exported.append(row)
    return exported


async def end_programs_of(session: AsyncSession, user: User, now: datetime) -> int:
    """Consent withdrawn: the person's live programs end (a group goes on without a
    withdrawing mentee); partners and curators are told. Returns programs touched."""
    touched, _ = await _end_programs(session, user, now)
    return touched


async def _end_programs(session: AsyncSession, user: User, now: datetime) -> tuple[int, list[int]]:
    """end_programs_of, also naming the programs that ended because of it."""
    live = (ProgramStatus.PROPOSED, ProgramStatus.ACTIVE)
    as_mentor = list(
        await session.scalars(
            select(Program).where(Program.mentor_id == user.id, Program.status.in_(live))
        )
    )
    as_mentee = list(
        await session.scalars(
            select(Program)
            .join(ProgramMentee, ProgramMentee.program_id == Program.id)
            .where(ProgramMentee.mentee_id == user.id, Program.status.in_(live))
        )
    )
    touched, ended = 0, []
    for program in {p.id: p for p in as_mentor + as_mentee}.values():
        mentee_ids = list(
            await session.scalars(
                select(ProgramMentee.mentee_id).where(ProgramMentee.program_id == program.id)
            )
        )
        partners = [program.mentor_id, *mentee_ids]
        if program.mentor_id == user.id or mentee_ids == [user.id]:
            # The one way a program ends (its waiting reminders go too); told below.
            await lifecycle.end_program(
                session,
                program.id,
                end_reason="consent-withdrawn",
                actor_id=None,
                now=now,
                tell=False,
            )
            ended.append(program.id)
        else:
            await session.execute(
                delete(ProgramMentee).where(
                    ProgramMentee.program_id == program.id, ProgramMentee.mentee_id == user.id
                )
            )
        told = [uid for uid in partners if uid != user.id]
        told += await org_user_ids(session, program.org_id, Role.CURATOR)
        for uid in dict.fromkeys(told):
            person = await session.get(User, uid)
            if person is None or person.tg_id is None or uid == user.id:
                continue
            await enqueue(
                session,
                chat_id=person.tg_id,
                user_id=uid,
                org_id=program.org_id,
                kind="notice-consent-withdrawn",
                ref=("program", program.id),
                args={"program": program.id},
                now=now,
                dedupe_key=f"withdrawn:{program.id}:{user.id}:{uid}",
            )
        touched += 1
    await session.flush()
    return touched, ended


async def _erase_written(session: AsyncSession, user_id: int, ended: list[int]) -> None:
    """What the person wrote about programs: reasons and details of their changes, their
    proposals (a pending one is withdrawn), completion notes, meeting places and topics;
    and for each program that ended because they left, its note and plan texts."""
    await session.execute(
        update(AuditEntry).where(AuditEntry.actor_id == user_id).values(reason=None, details={})
    )
    await session.execute(
        update(PROPOSALS)
        .where(PROPOSALS.c.proposed_by == user_id, PROPOSALS.c.status == "pending")
        .values(status="withdrawn")
    )
    await session.execute(
        update(PROPOSALS).where(PROPOSALS.c.proposed_by == user_id).values(reason=None, payload={})
    )
    await session.execute(
        update(PlanOccurrence).where(PlanOccurrence.done_by == user_id).values(note=None)
    )
    await session.execute(
        update(Meeting).where(Meeting.proposed_by == user_id).values(place=None, topic=None)
    )
    if ended:
        await session.execute(
            update(Program).where(Program.id.in_(ended)).values(**dict.fromkeys(PROGRAM_NOTE))
        )
        await session.execute(
            update(PlanItem)
            .where(PlanItem.program_id.in_(ended))
            .values(title="", **dict.fromkeys(ITEM_TEXTS))
        )
        await session.execute(
            update(PlanOccurrence).where(PlanOccurrence.program_id.in_(ended)).values(note=None)
        )


# Quick polls, announcements and best practices live in modules of this same layer: the
# columns /mydata and /forget touch, named here (polls are models/surveys.py's Poll).
ANNOUNCEMENTS = table(
    "announcements",
    column("id"),
    column("org_id"),
    column("author_id"),
    column("audience"),
    column("text"),
    column("created_at"),
)
BEST_PRACTICES = table(
    "best_practices",
    column("id"),
    column("program_id"),
    column("author_id"),
    column("summary"),
    column("created_at"),
)
ERASED_QUESTION = "—"  # models/polls.py ERASED: a poll question's text after /forget


async def _export_authored(session: AsyncSession, user_id: int) -> dict[str, Any]:
    """What the person wrote as a curator: quick polls, announcements, best practices."""
    polls = await session.scalars(select(Poll).where(Poll.author_id == user_id).order_by(Poll.id))
    found: dict[str, Any] = {
        "polls_by_you": [{k: v for k, v in _row(p).items() if k != "author_id"} for p in polls]
    }
    for name, source in (
        ("announcements_by_you", ANNOUNCEMENTS),
        ("best_practices_by_you", BEST_PRACTICES),
    ):
        rows = await session.execute(
            select(source).where(source.c.author_id == user_id).order_by(source.c.id)
        )
        found[name] = [
            {k: _jsonable(v) for k, v in row._mapping.items() if k != "author_id"} for row in rows
        ]
    return found


async def _erase_authored(session: AsyncSession, user_id: int, now: datetime) -> None:
    """The person's announcement texts and best-practice summaries go (the counts of an
    announcement's delivery stay); their polls lose the question texts, and the
    recipients who have not finished one are no longer asked (scores stay counted)."""
    await session.execute(
        update(ANNOUNCEMENTS).where(ANNOUNCEMENTS.c.author_id == user_id).values(text=None)
    )
    await session.execute(
        update(BEST_PRACTICES).where(BEST_PRACTICES.c.author_id == user_id).values(summary=None)
    )
    polls = list(await session.scalars(select(Poll).where(Poll.author_id == user_id)))
    if not polls:
        return
    for poll in polls:
        poll.questions = [_erased_question(q) for q in poll.questions]
    await session.flush()
    await cancel_surveys_where(
        session, SurveyAssignment.poll_id.in_([p.id for p in polls]), now=now, sending=True
    )


async def _forget_reports_about(session: AsyncSession, user_id: int, now: datetime) -> None:
    """A mentor's reports about the person (subject_id): the pending ones are no longer
    asked or reminded, and the free texts about them go (scores stay counted)."""
    await cancel_surveys_where(
        session, SurveyAssignment.subject_id == user_id, now=now, sending=True
    )
    about = select(SurveyAssignment.id).where(SurveyAssignment.subject_id == user_id)
    await session.execute(
        update(SurveyAnswer)
        .where(SurveyAnswer.assignment_id.in_(about))
        .values(text=None)
        .execution_options(synchronize_session=False)
    )


def _erased_question(question: dict[str, Any]) -> dict[str, Any]:
    blank = {"ru": ERASED_QUESTION, "en": ERASED_QUESTION}
    erased = {**question, "text": blank}
    if "options" in question:
        erased["options"] = [{**o, "text": blank} for o in question["options"]]
    return erased


async def forget_person(session: AsyncSession, user: User, now: datetime) -> None:
    """Erase the personal fields, keep a tombstone so counts and dates still add up."""
    tg_id = user.tg_id
    _, ended = await _end_programs(session, user, now)
    await _erase_written(session, user.id, ended)
    await _erase_authored(session, user.id, now)
    await cancel_for_user(session, user.id)
    await forget_author(session, user.id)
    # Survey answers: the free texts go, scores and choices stay as anonymous counts.
    await cancel_surveys_of(session, user.id, now)
    mine = select(SurveyAssignment.id).where(SurveyAssignment.user_id == user.id)
    await session.execute(
        update(SurveyAnswer)
        .where(SurveyAnswer.assignment_id.in_(mine))
        .values(text=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(SurveyAssignment)
        .where(SurveyAssignment.user_id == user.id)
        .values(prompt_message_id=None)
    )
    await _forget_reports_about(session, user.id, now)
    if tg_id is not None:
        await forget_fsm_states(session, tg_id)
    await session.execute(
        update(Question).where(Question.mentee_id == user.id).values(preview=None)
    )
    if tg_id is not None:
        await session.execute(
            delete(QuestionMessage).where(
                or_(QuestionMessage.chat_id == tg_id, QuestionMessage.origin_chat_id == tg_id)
            )
        )
    profile = await session.get(Profile, user.id)
    if profile is not None:
        profile.position = None
        profile.subject = None
        profile.experience_years = None
        profile.mentor_directions = []
        profile.mentee_difficulties = []
    await session.execute(
        update(Membership)
        .where(Membership.user_id == user.id, Membership.removed_at.is_(None))
        .values(removed_at=now)
    )
    await session.execute(
        update(Consent)
        .where(Consent.user_id == user.id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    user.tg_id = None
    user.full_name = None
    user.tg_name = None
    user.language = None
    user.away_until = None
    user.forgotten_at = now
    await session.flush()
