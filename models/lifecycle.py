"""The two steps every ending and every change of mentor goes through, whoever causes them:
a proposal agreed by the parties (models/changes.py), the curator's own decision, the tick
at the end date, /forget (models/personal_data.py) or a mentor removed from the school.

`end_program` is the one way a program ends: status, reason, the mentees freed for a new
program of the form, and nothing stale left to send (the program's waiting notices, its
plan reminders, the reminders of meetings still ahead). `change_mentor` moves a program
and its open questions to another mentor; its history stays with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import column, or_, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import audit, routing, surveys
from models import meetings as mt
from models import questions as qs
from models.calendar import period_label, period_of, today_in
from models.meetings import LIVE_STATUSES, Meeting, MeetingStatus
from models.outbox import OutboxMessage, OutboxStatus, cancel_to_user, enqueue
from models.people import Organization, Role, User, org_user_ids
from models.plans import PlanOccurrence
from models.programs import LIVE, Program, ProgramMentee, ProgramStatus
from models.questions import Question

# The proposals table, by name: its model (models/changes.py) sits above this module.
PROPOSALS = table(
    "program_proposals",
    column("id"),
    column("program_id"),
    column("kind"),
    column("status"),
    column("decided_at"),
)

# Notice kinds (locale keys).
ENDED = "program-ended"
MENTOR_CHANGED = "program-mentor-changed"
MEETINGS_HANDED_OVER = "program-meetings-handed-over"  # to the new mentor: what is ahead
# The end reason of a person's /forget or removal (models/changes.py EndReason).
CONSENT_WITHDRAWN = "consent-withdrawn"


def program_args(program: Program) -> dict[str, Any]:
    return {"program": program.id}


async def live_person(session: AsyncSession, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = await session.get(User, user_id)
    if user is None or user.forgotten_at is not None:
        return None
    return user


async def mentee_ids_of(session: AsyncSession, program_id: int) -> list[int]:
    rows = await session.scalars(
        select(ProgramMentee.mentee_id)
        .where(ProgramMentee.program_id == program_id)
        .order_by(ProgramMentee.mentee_id)
    )
    return list(rows.all())


async def curator_ids_of(session: AsyncSession, program: Program) -> list[int]:
    """The curators of the program's school (the mentee's school for an inter-school pair)."""
    ids = []
    for curator_id in await org_user_ids(session, program.org_id, Role.CURATOR):
        if await live_person(session, curator_id) is not None:
            ids.append(curator_id)
    return ids


async def notify(
    session: AsyncSession,
    program: Program,
    user_ids: list[int],
    kind: str,
    now: datetime,
    /,
    *,
    key: str,
    ref: tuple[str, int] | None = None,
    author_id: int | None = None,
    **args: Any,
) -> int:
    """One notice to each live person named; `key` makes the dedupe key unique per event.
    `author_id`: whose name or words the notice carries (a proposer's reason, an actor's
    name), so that their /forget cancels it while it waits (outbox.forget_author)."""
    made = 0
    for user_id in dict.fromkeys(user_ids):
        person = await live_person(session, user_id)
        if person is None or person.tg_id is None:
            continue
        row = await enqueue(
            session,
            chat_id=person.tg_id,
            user_id=person.id,
            org_id=program.org_id,
            kind=kind,
            ref=ref or ("program", program.id),
            author_id=author_id,
            args={**program_args(program), **args},
            now=now,
            dedupe_key=f"{key}:{person.id}",
        )
        made += row is not None
    return made


async def _cancel_stale(session: AsyncSession, program_id: int, now: datetime) -> None:
    """Nothing about the program waits to be sent: its own notices, its plan's reminders,
    the reminders of its meetings still ahead (those meetings are called off, and their
    participants get the cancellation with its .ics)."""
    occurrences = select(PlanOccurrence.id).where(PlanOccurrence.program_id == program_id)
    ahead = select(Meeting.id).where(
        Meeting.program_id == program_id,
        Meeting.starts_at > now,
        Meeting.status.in_(LIVE_STATUSES),
    )
    proposals = _proposal_ids(program_id)
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            or_(
                (OutboxMessage.ref_kind == "program") & (OutboxMessage.ref_id == program_id),
                (OutboxMessage.ref_kind == "plan") & OutboxMessage.ref_id.in_(occurrences),
                (OutboxMessage.ref_kind == "meeting") & OutboxMessage.ref_id.in_(ahead),
                (OutboxMessage.ref_kind == "proposal") & OutboxMessage.ref_id.in_(proposals),
            ),
        )
        .values(status=OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    # Called off the one way a meeting is: the CANCEL .ics removes the events the
    # participants imported into their calendar apps.
    program = await session.get(Program, program_id)
    assert program is not None
    await mt.call_off_from(session, program, now, now, why="ended")
    await session.execute(
        update(PlanOccurrence)
        .where(PlanOccurrence.program_id == program_id, PlanOccurrence.done_at.is_(None))
        .values(next_alert_at=None)
        .execution_options(synchronize_session=False)
    )


def _proposal_ids(program_id: int) -> Any:
    return select(PROPOSALS.c.id).where(PROPOSALS.c.program_id == program_id)


async def end_program(
    session: AsyncSession,
    program_id: int,
    *,
    end_reason: str,
    actor_id: int | None,
    now: datetime,
    reason: str | None = None,
    tell: bool = True,
    skip_user: int | None = None,
    details: dict[str, Any] | None = None,
) -> Program | None:
    """End a live program in one guarded UPDATE; None when it is not live (ended already,
    or by someone else at the same moment). Pending proposals of it are withdrawn. The
    mentor, the mentees and the curators are told, unless `tell` is False (the caller
    tells them its own way); `skip_user` is not told (the person leaving). `details` go
    into the log entry (the proposer of an agreed ending)."""
    accepted = await session.scalar(
        select(Program.status == ProgramStatus.ACTIVE).where(Program.id == program_id)
    )
    result = await session.execute(
        update(Program)
        .where(Program.id == program_id, Program.status.in_(LIVE))
        .values(status=ProgramStatus.ENDED, ended_at=now, end_reason=end_reason)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return None
    program = await session.scalar(
        select(Program).where(Program.id == program_id).execution_options(populate_existing=True)
    )
    assert program is not None
    await session.execute(
        update(ProgramMentee)
        .where(ProgramMentee.program_id == program_id)
        .values(live_form=None)
        .execution_options(synchronize_session=False)
    )
    await _cancel_stale(session, program_id, now)
    pending = (
        await session.execute(
            update(PROPOSALS)
            .where(PROPOSALS.c.program_id == program_id, PROPOSALS.c.status == "pending")
            .values(status="withdrawn", decided_at=now)
            .returning(PROPOSALS.c.id, PROPOSALS.c.kind)
            .execution_options(synchronize_session=False)
        )
    ).all()
    for proposal_id, kind in sorted(pending):
        await audit.record(
            session,
            program_id,
            actor_id,
            f"withdrawn-{kind}",
            now,
            proposal=proposal_id,
            change=kind,
            ended=end_reason,
        )
    action = "completed" if end_reason == "completed" else "terminated"
    await audit.record(
        session,
        program_id,
        actor_id,
        action,
        now,
        reason=reason,
        end_reason=end_reason,
        **(details or {}),
    )
    if tell:
        people = [program.mentor_id, *await mentee_ids_of(session, program_id)]
        people += await curator_ids_of(session, program)
        actor = await live_person(session, actor_id)
        await notify(
            session,
            program,
            [p for p in people if p != skip_user],
            ENDED,
            now,
            key=f"ended:{program_id}",
            author_id=actor_id,
            end_reason=end_reason,
            reason=reason or "none",
            actor=actor.display_name if actor else "",
        )
    await _final_surveys(session, program, end_reason, bool(accepted), now)
    return program


# Open questionnaires about a program that ends: the final one asks the same and more.
SUPERSEDED = (surveys.ENTRY, surveys.QUARTERLY_MENTOR, surveys.QUARTERLY_MENTEE)


async def _cancel_surveys(
    session: AsyncSession,
    program_id: int,
    now: datetime,
    keys: tuple[str, ...],
    user_id: int | None = None,
) -> None:
    """Pending questionnaires of these keys about the program (of one person, if named)
    are cancelled, with their waiting questions and reminders; each person's next
    waiting survey is shown (surveys.cancel_where)."""
    a = surveys.SurveyAssignment
    which = [a.program_id == program_id, a.survey.in_(keys)]
    if user_id is not None:
        which.append(a.user_id == user_id)
    await surveys.cancel_where(session, *which, now=now)


async def _final_surveys(
    session: AsyncSession, program: Program, end_reason: str, accepted: bool, now: datetime
) -> None:
    """The final questionnaires of a program that ran (models/survey_rounds.py): each
    mentee's, and the mentor's on each mentee. None for a program never accepted or
    ended before its start day, nor when a person withdrew consent."""
    await _cancel_surveys(session, program.id, now, SUPERSEDED)
    org = await session.get(Organization, program.org_id)
    assert org is not None
    today = today_in(org.timezone, now)
    if end_reason == CONSENT_WITHDRAWN or not accepted or today < program.starts_on:
        return
    period = period_label(*period_of(org.calendar, today))
    specs: list[surveys.Assign] = []
    for mentee_id in await mentee_ids_of(session, program.id):
        specs.append(
            surveys.Assign(
                program.org_id,
                mentee_id,
                "mentee",
                surveys.FINAL_MENTEE,
                program_id=program.id,
                period=period,
            )
        )
        specs.append(
            surveys.Assign(
                program.org_id,
                program.mentor_id,
                "mentor",
                surveys.FINAL_MENTOR,
                program_id=program.id,
                subject_id=mentee_id,
                period=period,
            )
        )
    await surveys.assign_many(session, specs, now)


async def change_mentor(
    session: AsyncSession,
    program_id: int,
    new_mentor_id: int,
    *,
    actor_id: int | None,
    now: datetime,
    hours: tuple[float, float],
    reason: str | None = None,
    offsets: tuple[timedelta, ...] = mt.DEFAULT_REMINDERS,
    details: dict[str, Any] | None = None,
) -> Program | None:
    """The program goes on with another mentor: its plan, meetings and log stay; its open
    questions move to the new mentor (who gets them in full), and the old mentor's
    reminders about them are cancelled. Its meetings not yet over go over too: the old
    mentor's reminders and held question are cancelled, the new mentor's queued (`offsets`
    before the start), and the new mentor is told what is ahead. None when the program is
    not active or the new mentor is its mentor already. `actor_id` made the change (the
    curator who approved it); `details` go into the log entry (who asked for it)."""
    program = await session.get(Program, program_id)
    if program is None or program.status != ProgramStatus.ACTIVE:
        return None
    old_mentor_id = program.mentor_id
    new_mentor = await live_person(session, new_mentor_id)
    if new_mentor is None or new_mentor_id == old_mentor_id:
        return None
    mentee_ids = await mentee_ids_of(session, program_id)
    if new_mentor_id in mentee_ids:
        return None
    result = await session.execute(
        update(Program)
        .where(
            Program.id == program_id,
            Program.mentor_id == old_mentor_id,
            Program.status == ProgramStatus.ACTIVE,
        )
        .values(mentor_id=new_mentor_id, completion_asked_at=None)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return None
    await session.refresh(program)
    open_questions = list(
        (
            await session.scalars(
                select(Question)
                .where(
                    Question.status.in_(qs.LIVE_STATUSES),
                    or_(
                        Question.program_id == program_id,
                        # Asked before the question knew its program: the pair's own.
                        Question.program_id.is_(None)
                        & Question.mentee_id.in_(mentee_ids)
                        & (Question.mentor_id == old_mentor_id),
                    ),
                )
                .order_by(Question.id)
            )
        ).all()
    )
    moved = 0
    for question in open_questions:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.ref_kind == "question",
                OutboxMessage.ref_id == question.id,
                OutboxMessage.user_id == old_mentor_id,
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.CANCELLED)
            .execution_options(synchronize_session=False)
        )
        if await qs.reassign(session, question, new_mentor, now, *hours):
            moved += 1
            await session.refresh(question)
            await routing.resend_to(session, question, new_mentor, now)
    # The old mentor's plan reminders still waiting (quiet hours, a backlog).
    occurrences = select(PlanOccurrence.id).where(PlanOccurrence.program_id == program_id)
    await cancel_to_user(session, "plan", occurrences, old_mentor_id)
    # The old mentor's pending quarterly reports on the pair: they have left it.
    await _cancel_surveys(
        session, program_id, now, (surveys.QUARTERLY_MENTOR,), user_id=old_mentor_id
    )
    meetings = await mt.hand_over(session, program, old_mentor_id, now, offsets=offsets)
    await audit.record(
        session,
        program_id,
        actor_id,
        "mentor-changed",
        now,
        reason=reason,
        old_mentor=old_mentor_id,
        new_mentor=new_mentor_id,
        questions=moved,
        **(details or {}),
    )
    old = await live_person(session, old_mentor_id)
    args = {
        "old": old.display_name if old else "",
        "new": new_mentor.display_name,
        "questions": moved,
        "reason": reason or "",
    }
    people = [old_mentor_id, new_mentor_id, *mentee_ids, *await curator_ids_of(session, program)]
    await notify(
        session,
        program,
        people,
        MENTOR_CHANGED,
        now,
        key=f"mentor:{program_id}:{old_mentor_id}:{new_mentor_id}:{int(now.timestamp())}",
        author_id=actor_id,
        **args,
    )
    if meetings:
        org = await session.get(Organization, program.org_id)
        assert org is not None
        await notify(
            session,
            program,
            [new_mentor_id],
            MEETINGS_HANDED_OVER,
            now,
            key=f"meetings:{program_id}:{new_mentor_id}:{int(now.timestamp())}",
            count=len(meetings),
            waiting=sum(m.status == MeetingStatus.PROPOSED for m in meetings),
            meetings=mt.listing(meetings, org.timezone),
        )
    return program
