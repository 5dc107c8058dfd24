"""The program card (issue 14, item 1): a read model of one program for the people who
may see it, with the explanatory note, the plan's progress, meetings held and the audit
log; plus the two things a pair does on the card itself: edit a note field and confirm
«ознакомлен».

Who sees a program: its mentor and mentees; a curator of the program's school, and of
the mentor's school when the admin borrowed a mentor from another school (an
inter-school pair, item 5); an admin, every program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import audit, plans
from models.audit import AuditEntry
from models.errors import RuleError
from models.meetings import Meeting, MeetingStatus
from models.outbox import enqueue
from models.people import Membership, Organization, Role, Roles, User
from models.programs import LIVE, Program, ProgramMentee, ProgramStatus, lent_by, lent_from

# The explanatory note of seed 000, in the card's order.
NOTE_FIELDS = ("problem", "goals", "tasks", "results_mid", "results_final")
NOTE_MAX = 2000
HISTORY_SHOWN = 5
HISTORY_READ_FACTOR = 10  # entries read per line shown, for runs folded into one line
LIST_MAX = 50


class Viewer:
    """How a person stands to a program; one person may be several at once."""

    MENTEE = "mentee"
    MENTOR = "mentor"
    CURATOR = "curator"  # of the program's (the mentee's) school: manages it
    LENDER = "lender"  # a curator of the school that lent the mentor: sees it
    ADMIN = "admin"


@dataclass
class MenteeLine:
    user_id: int
    name: str
    acknowledged_at: datetime | None


@dataclass
class Progress:
    """Plan occurrences of items not removed: done, overdue (not done, due before today),
    ahead (not done, due today or later, or with no due day)."""

    done: int = 0
    overdue: int = 0
    ahead: int = 0

    @property
    def total(self) -> int:
        return self.done + self.overdue + self.ahead


@dataclass
class HistoryLine:
    at: datetime
    actor: str | None  # None: the bot itself (the tick)
    action: str
    reason: str | None
    details: dict[str, object]
    count: int = 1  # the same step repeated at once (a template adds 13 items)
    actor_id: int | None = None


@dataclass
class Card:
    program: Program
    org: Organization
    mentor_name: str
    mentor_org: str | None  # the mentor's school when it is not the program's
    mentees: list[MenteeLine]
    note: dict[str, str | None]
    progress: Progress
    meetings_held: int
    meetings_planned: int
    history: list[HistoryLine] = field(default_factory=list)

    @property
    def zone(self) -> str:
        return self.org.timezone


# Who may see what ------------------------------------------------------------------


def _mentee_programs(user_id: int) -> Select[tuple[int]]:
    return select(ProgramMentee.program_id).where(ProgramMentee.mentee_id == user_id)


def _curated(org_ids: list[int]) -> ColumnElement[bool]:
    """Programs of these schools, and the inter-school programs of mentors they lent."""
    return or_(Program.org_id.in_(org_ids), lent_by(org_ids))


async def programs_visible_to(
    session: AsyncSession,
    user_id: int | None,
    roles: Roles,
    *,
    live_only: bool = False,
    limit: int | None = None,
) -> list[Program]:
    """Every program the person may open: their own (as mentor or mentee), their schools'
    as curator (with inter-school programs of their mentors), all for an admin. Newest
    first."""
    query = select(Program).order_by(Program.id.desc())
    if live_only:
        query = query.where(Program.status.in_(LIVE))
    if limit is not None:
        query = query.limit(limit)
    if not roles.is_admin:
        conditions: list[ColumnElement[bool]] = []
        if user_id is not None:
            conditions += [Program.mentor_id == user_id, Program.id.in_(_mentee_programs(user_id))]
        curated = roles.orgs_with(Role.CURATOR)
        if curated:
            conditions.append(_curated(curated))
        if not conditions:
            return []
        query = query.where(or_(*conditions))
    return list((await session.scalars(query)).all())


async def own_programs(session: AsyncSession, user_id: int) -> list[Program]:
    """The person's programs as mentor or mentee, live ones first, then newest first;
    programs the mentor refused are left out."""
    live_first = case((Program.status.in_(LIVE), 0), else_=1)
    rows = await session.scalars(
        select(Program)
        .where(
            or_(Program.mentor_id == user_id, Program.id.in_(_mentee_programs(user_id))),
            Program.status != ProgramStatus.REFUSED,
        )
        .order_by(live_first, Program.id.desc())
        .limit(LIST_MAX)
    )
    return list(rows.all())


async def viewer_roles(
    session: AsyncSession, program: Program, user_id: int | None, roles: Roles
) -> set[str]:
    """How the person stands to the program; empty: they may not see it."""
    found: set[str] = set()
    if user_id is None:
        return {Viewer.ADMIN} if roles.is_admin else found
    if program.mentor_id == user_id:
        found.add(Viewer.MENTOR)
    mentee = await session.scalar(
        select(ProgramMentee.mentee_id).where(
            ProgramMentee.program_id == program.id, ProgramMentee.mentee_id == user_id
        )
    )
    if mentee is not None:
        found.add(Viewer.MENTEE)
    curated = roles.orgs_with(Role.CURATOR)
    if program.org_id in curated:
        found.add(Viewer.CURATOR)
    elif curated:
        if set(await lent_from(session, program)) & set(curated):
            found.add(Viewer.LENDER)
    if roles.is_admin:
        found.add(Viewer.ADMIN)
    return found


# The read model ----------------------------------------------------------------------


async def progress(session: AsyncSession, program_id: int, today: date) -> Progress:
    """The plan's aggregate (models/plans.py, one query over the occurrences)."""
    done, overdue, ahead = await plans.progress(session, program_id, today)
    return Progress(done, overdue, ahead)


async def meetings_count(session: AsyncSession, program_id: int) -> tuple[int, int]:
    """(held, planned): meetings marked held, and meetings not cancelled nor yet marked."""
    row = (
        await session.execute(
            select(
                func.sum(case((Meeting.held.is_(True), 1), else_=0)),
                func.sum(
                    case(
                        (
                            and_(Meeting.held.is_(None), Meeting.status != MeetingStatus.CANCELLED),
                            1,
                        ),
                        else_=0,
                    )
                ),
            ).where(Meeting.program_id == program_id)
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


async def card(
    session: AsyncSession, program_id: int, today: date, history: int = HISTORY_SHOWN
) -> Card | None:
    """Everything the card shows; None for an unknown program. `today` is the date in
    the program's school (its zone)."""
    program = await session.get(Program, program_id)
    if program is None:
        return None
    org = await session.get(Organization, program.org_id)
    assert org is not None
    mentor = await session.get(User, program.mentor_id)
    mentor_org = None
    if not await session.scalar(
        select(Membership.id)
        .where(
            Membership.user_id == program.mentor_id,
            Membership.org_id == program.org_id,
            Membership.removed_at.is_(None),
        )
        .limit(1)
    ):
        mentor_org = await session.scalar(
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
    rows = await session.execute(
        select(User, ProgramMentee.acknowledged_at)
        .join(ProgramMentee, ProgramMentee.mentee_id == User.id)
        .where(ProgramMentee.program_id == program.id)
        .order_by(User.id)
    )
    mentees = [MenteeLine(u.id, u.display_name, at) for u, at in rows.all()]
    held, planned = await meetings_count(session, program.id)
    entries = await audit.history(session, program.id, limit=history * HISTORY_READ_FACTOR)
    names = await _names(session, [e.actor_id for e in entries if e.actor_id is not None])
    return Card(
        program=program,
        org=org,
        mentor_name=mentor.display_name if mentor else f"#{program.mentor_id}",
        mentor_org=mentor_org,
        mentees=mentees,
        note={name: getattr(program, name) for name in NOTE_FIELDS},
        progress=await progress(session, program.id, today),
        meetings_held=held,
        meetings_planned=planned,
        history=_grouped([_line(e, names) for e in entries])[:history],
    )


async def _names(session: AsyncSession, user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    users = await session.scalars(select(User).where(User.id.in_(set(user_ids))))
    return {u.id: u.display_name for u in users}


def _grouped(lines: list[HistoryLine]) -> list[HistoryLine]:
    """Runs of the same step by the same person in the same minute, with no reason, as
    one line with a count."""
    grouped: list[HistoryLine] = []
    for line in lines:
        last = grouped[-1] if grouped else None
        if (
            last is not None
            and not last.reason
            and not line.reason
            and (last.actor, last.action, last.details.get("field"))
            == (line.actor, line.action, line.details.get("field"))
            and abs((last.at - line.at).total_seconds()) < 60
        ):
            last.count += 1
            continue
        grouped.append(line)
    return grouped


def _line(entry: AuditEntry, names: dict[int, str]) -> HistoryLine:
    actor = None
    if entry.actor_id is not None:
        actor = names.get(entry.actor_id, f"#{entry.actor_id}")
    return HistoryLine(
        entry.at,
        actor,
        entry.action,
        entry.reason,
        dict(entry.details or {}),
        actor_id=entry.actor_id,
    )


# A request for another mentor, or to be released, says why the pair does not work: its
# reason is for the curators and for whoever wrote it, not for the other side of the pair.
CONFIDENTIAL_KINDS = ("change_mentor", "release")


def reason_shown(line: HistoryLine, viewers: set[str], user_id: int | None) -> bool:
    """Whether this viewer reads the line's reason on the card."""
    if not line.reason:
        return False
    kind = line.action.rsplit("-", 1)[-1]
    if line.action != "mentor-changed" and kind not in CONFIDENTIAL_KINDS:
        return True
    if viewers & {Viewer.CURATOR, Viewer.ADMIN, Viewer.LENDER}:
        return True
    return user_id is not None and line.actor_id == user_id


async def people_of(
    session: AsyncSession, programs: list[Program]
) -> dict[int, tuple[str, list[str]]]:
    """For a list of programs: program id -> (the mentor's name, the mentees' names)."""
    ids = [p.id for p in programs]
    if not ids:
        return {}
    rows = await session.execute(
        select(ProgramMentee.program_id, User)
        .join(User, User.id == ProgramMentee.mentee_id)
        .where(ProgramMentee.program_id.in_(ids))
        .order_by(User.id)
    )
    mentees: dict[int, list[str]] = {}
    for program_id, user in rows.all():
        mentees.setdefault(program_id, []).append(user.display_name)
    mentors = await _names(session, [p.mentor_id for p in programs])
    return {
        p.id: (mentors.get(p.mentor_id, f"#{p.mentor_id}"), mentees.get(p.id, [])) for p in programs
    }


# What the pair does on the card ------------------------------------------------------


class NoteError(RuleError):
    """A note field cannot take this text."""


def clean_note(text: str | None) -> str | None:
    """The field's new text; None clears it (an empty text or a lone «-»). Raises
    NoteError when it is too long."""
    value = (text or "").strip()
    if value in ("", "-", "—"):
        return None
    if len(value) > NOTE_MAX:
        raise NoteError("card-note-too-long")
    return value


async def may_edit_note(session: AsyncSession, program: Program, user_id: int) -> bool:
    """The mentor and the mentees edit the note while the program is live."""
    if program.status not in LIVE:
        return False
    if program.mentor_id == user_id:
        return True
    return (
        await session.scalar(
            select(ProgramMentee.mentee_id).where(
                ProgramMentee.program_id == program.id, ProgramMentee.mentee_id == user_id
            )
        )
        is not None
    )


async def edit_note(
    session: AsyncSession,
    program_id: int,
    user_id: int,
    field_name: str,
    text: str | None,
    now: datetime,
) -> Program:
    """Set one note field (None or empty clears it) and log it. Raises NoteError when the
    field is unknown, the text too long, or the person may not edit this program."""
    if field_name not in NOTE_FIELDS:
        raise NoteError("card-note-bad-field")
    value = clean_note(text)
    program = await session.get(Program, program_id)
    if program is None or not await may_edit_note(session, program, user_id):
        raise NoteError("card-note-not-allowed")
    setattr(program, field_name, value)
    await audit.record(
        session, program.id, user_id, "note-edited", now, field=field_name, cleared=value is None
    )
    await session.flush()
    return program


async def acknowledge(session: AsyncSession, program_id: int, mentee_id: int, now: datetime) -> str:
    """The mentee confirms «ознакомлен»: once, atomically. Returns "done", "already"
    (confirmed before), or "not-allowed" (not a mentee of this active program). The
    mentor is told."""
    live = select(Program.id).where(
        Program.id == program_id, Program.status == ProgramStatus.ACTIVE
    )
    result = await session.execute(
        update(ProgramMentee)
        .where(
            ProgramMentee.program_id == program_id,
            ProgramMentee.mentee_id == mentee_id,
            ProgramMentee.acknowledged_at.is_(None),
            ProgramMentee.program_id.in_(live),
        )
        .values(acknowledged_at=now)
    )
    if not result.rowcount:
        at = await session.scalar(
            select(ProgramMentee.acknowledged_at).where(
                ProgramMentee.program_id == program_id, ProgramMentee.mentee_id == mentee_id
            )
        )
        return "already" if at is not None else "not-allowed"
    await audit.record(session, program_id, mentee_id, "acknowledged", now)
    program = await session.get(Program, program_id)
    mentee = await session.get(User, mentee_id)
    assert program is not None and mentee is not None
    mentor = await session.get(User, program.mentor_id)
    if mentor is not None and mentor.tg_id is not None and mentor.forgotten_at is None:
        await enqueue(
            session,
            chat_id=mentor.tg_id,
            user_id=mentor.id,
            org_id=program.org_id,
            kind="card-acknowledged-mentor",
            ref=("program", program.id),
            args={"program": program.id, "mentee": mentee.display_name},
            now=now,
            dedupe_key=f"ack:{program.id}:{mentee_id}",
        )
    return "done"


async def acknowledged_at(
    session: AsyncSession, program_id: int, mentee_id: int
) -> datetime | None:
    return await session.scalar(
        select(ProgramMentee.acknowledged_at).where(
            ProgramMentee.program_id == program_id, ProgramMentee.mentee_id == mentee_id
        )
    )
