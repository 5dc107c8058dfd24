"""Meetings of a program: proposed by the mentor or a mentee, confirmed or moved by the
other side, reminded before (outbox rows due ahead that expire at the start), and marked
held or not by the mentor afterwards. A weekly series shares `series_id` (the first
meeting's id)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models import audit, outbox
from models.dates import format_moment
from models.db import Base, UTCDateTime
from models.errors import RuleError
from models.outbox import enqueue
from models.people import Organization, User
from models.programs import Mode, Program, ProgramMentee, ProgramStatus


class MeetingStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_program_starts", "program_id", "starts_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    # The mentee's school: its zone and quiet hours apply.
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_min: Mapped[int] = mapped_column(Integer, default=60)
    # Grows with every move: the .ics SEQUENCE, so calendar apps take the newest time.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    mode: Mapped[str] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.PROPOSED)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held: Mapped[bool | None] = mapped_column(Boolean)
    held_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Notice kinds (locale keys) and the rows they make ------------------------------------

INVITE = "meeting-invite"  # to the other side: Confirm / Propose another time, with an .ics
MOVED = "meeting-moved"  # a new time, to confirm again, with an .ics of the next SEQUENCE
CANCELLED = "meeting-cancelled"  # with an .ics that removes the event
SERIES_CANCELLED = "meeting-series-cancelled"  # the rest of a weekly series, one .ics
CONFIRMED = "meeting-confirmed"  # to the proposer
REMINDER = "meeting-reminder"  # before the start, expiring at it
HELD_ASK = "meeting-held-ask"  # to the mentor after the end of a confirmed one
# Rows that stop being true when a meeting moves or is cancelled.
STALE_KINDS = (INVITE, MOVED, REMINDER, HELD_ASK)
DOCUMENT_KINDS = (INVITE, MOVED, CANCELLED, SERIES_CANCELLED)
# Rendered at send time from the meeting as it is then (`live_args`): its status, and
# who it is with. These rows carry no one's name or words, so no author.
LIVE_KINDS = (REMINDER, HELD_ASK)

DURATION_MIN = 60
# A weekly series runs to the program's end, at most this many meetings.
MAX_SERIES = 40
# How long the mentor's "Did it take place?" stays worth sending after the end.
HELD_ASK_TTL = timedelta(days=7)
DEFAULT_REMINDERS = (timedelta(hours=24), timedelta(hours=1))
LIVE_STATUSES = (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED)


class MeetingError(RuleError):
    """A meeting cannot be planned or changed so."""


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """«24h,1h,30m,2d» → offsets before a meeting, largest first. ValueError when bad."""
    units = {"d": 86400, "h": 3600, "m": 60}
    offsets = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        unit = part[-1]
        if unit not in units or not part[:-1].isdigit() or int(part[:-1]) <= 0:
            raise ValueError(f"expected offsets like 24h,1h,30m; got {part!r}")
        offsets.append(timedelta(seconds=int(part[:-1]) * units[unit]))
    return tuple(sorted(set(offsets), reverse=True))


def _moment(zone: str, instant: datetime) -> str:
    return format_moment(instant, zone)


def ends_at(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.duration_min)


# Who takes part --------------------------------------------------------------------------


@dataclass
class Party:
    program: Program
    org: Organization
    mentor: User | None
    mentees: list[User]

    @property
    def ids(self) -> list[int]:
        ids = [m.id for m in self.mentees]
        return [self.program.mentor_id, *ids]

    def people(self) -> list[User]:
        return [u for u in (self.mentor, *self.mentees) if u is not None]

    def other_side(self, user_id: int) -> list[User]:
        """Who answers what `user_id` proposes: the mentees for the mentor, the mentor
        for a mentee."""
        if user_id == self.program.mentor_id:
            return list(self.mentees)
        return [self.mentor] if self.mentor is not None else []

    def on_other_side(self, proposer_id: int | None, user_id: int) -> bool:
        return any(u.id == user_id for u in self.other_side(proposer_id or 0)) or (
            proposer_id is None and user_id in self.ids
        )


async def party_of(session: AsyncSession, program: Program) -> Party:
    org = await session.get(Organization, program.org_id)
    assert org is not None
    mentor = await session.get(User, program.mentor_id)
    mentees = list(
        (
            await session.scalars(
                select(User)
                .join(ProgramMentee, ProgramMentee.mentee_id == User.id)
                .where(ProgramMentee.program_id == program.id)
                .order_by(User.id)
            )
        ).all()
    )
    live = [u for u in mentees if u.forgotten_at is None]
    return Party(program, org, mentor if mentor and mentor.forgotten_at is None else None, live)


async def programs_of(session: AsyncSession, user_id: int) -> list[Program]:
    """The active programs where the person is the mentor or a mentee, oldest first."""
    mentee_of = select(ProgramMentee.program_id).where(ProgramMentee.mentee_id == user_id)
    rows = await session.scalars(
        select(Program)
        .where(
            Program.status == ProgramStatus.ACTIVE,
            or_(Program.mentor_id == user_id, Program.id.in_(mentee_of)),
        )
        .order_by(Program.id)
    )
    return list(rows.all())


async def program_of(session: AsyncSession, program_id: int, user_id: int) -> Program | None:
    """The program, when it is active and the person is in it."""
    for program in await programs_of(session, user_id):
        if program.id == program_id:
            return program
    return None


async def meeting_of(
    session: AsyncSession, meeting_id: int, user_id: int
) -> tuple[Meeting, Party] | None:
    """The meeting and its party, when the person takes part in it."""
    meeting = await session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).execution_options(populate_existing=True)
    )
    if meeting is None:
        return None
    program = await session.get(Program, meeting.program_id)
    if program is None:
        return None
    party = await party_of(session, program)
    return (meeting, party) if user_id in party.ids else None


# Checks -----------------------------------------------------------------------------------


def check_time(program: Program, zone: str, starts_at: datetime, now: datetime) -> None:
    """Raise MeetingError unless the start is ahead and on a day of the program."""
    if starts_at <= now:
        raise MeetingError("meeting-err-past", now=_moment(zone, now))
    day = starts_at.astimezone(ZoneInfo(zone)).date()
    if not program.starts_on <= day <= program.ends_on:
        raise MeetingError(
            "meeting-err-outside",
            start=program.starts_on.strftime("%d.%m.%Y"),
            end=program.ends_on.strftime("%d.%m.%Y"),
        )


def weekly_starts(program: Program, zone: str, first: datetime) -> list[datetime]:
    """The first start and the same weekday and local time each week after it, up to the
    program's last day, at most MAX_SERIES."""
    tz = ZoneInfo(zone)
    local = first.astimezone(tz).replace(tzinfo=None)
    starts = []
    while len(starts) < MAX_SERIES and local.date() <= program.ends_on:
        starts.append(local.replace(tzinfo=tz).astimezone(UTC))
        local += timedelta(days=7)
    return starts


# Notices ------------------------------------------------------------------------------------


def _args(meeting: Meeting, party: Party, **extra: Any) -> dict[str, Any]:
    proposer = next((u for u in party.people() if u.id == meeting.proposed_by), None)
    return {
        "meeting": meeting.id,
        "when": _moment(party.org.timezone, meeting.starts_at),
        "mode": meeting.mode,
        "place": meeting.place or "",
        "topic": meeting.topic or "",
        "has_place": bool(meeting.place),
        "has_topic": bool(meeting.topic),
        "who": proposer.display_name if proposer else "",
        "start": meeting.starts_at.isoformat(),
        "end": ends_at(meeting).isoformat(),
        "seq": meeting.sequence,
        **extra,
    }


async def _notify(
    session: AsyncSession,
    meeting: Meeting,
    party: Party,
    user: User,
    kind: str,
    now: datetime,
    *,
    key: str,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
    **extra: Any,
) -> None:
    if user.tg_id is None:
        return
    live = kind in LIVE_KINDS
    author = extra.pop("author", meeting.proposed_by)
    await enqueue(
        session,
        chat_id=user.tg_id,
        user_id=user.id,
        org_id=meeting.org_id,
        kind=kind,
        ref=("meeting", meeting.id),
        author_id=None if live else author,
        args={"meeting": meeting.id, **extra} if live else _args(meeting, party, **extra),
        now=now,
        due_at=due_at,
        expires_at=expires_at,
        dedupe_key=f"meeting:{meeting.id}:{key}:{user.id}",
    )


async def _schedule_rows(
    session: AsyncSession,
    meeting: Meeting,
    party: Party,
    offsets: tuple[timedelta, ...],
    now: datetime,
    *,
    only: list[User] | None = None,
) -> None:
    """The reminders (each due `offset` before the start, expiring at it) and, for a
    confirmed meeting, the mentor's question after the end (a proposed one gets it when
    confirmed). A reminder whose moment has passed while the start is ahead is due now,
    but only the nearest such one. `only`: these people alone get reminders (the held
    question goes to the mentor when the mentor is among them)."""
    start = meeting.starts_at
    # The sequence keeps a meeting moved away and back from meeting its old, cancelled rows.
    stamp = int(start.timestamp())
    passed = [o for o in offsets if start - o <= now]
    for offset in offsets:
        if start <= now or (offset in passed and offset != min(passed)):
            continue
        due = max(start - offset, now)
        # Stale once the next, nearer reminder is due: a bot down through the 24 h point
        # sends the 1 h reminder alone, not both.
        nearer = [o for o in offsets if o < offset]
        expires = start - max(nearer) if nearer else start
        seconds = int(offset.total_seconds())
        for user in party.people() if only is None else only:
            await _notify(
                session,
                meeting,
                party,
                user,
                REMINDER,
                now,
                key=f"remind:{seconds}:{stamp}:{meeting.sequence}",
                due_at=due,
                expires_at=expires,
                minutes=seconds // 60,
            )
    if meeting.status == MeetingStatus.CONFIRMED and (
        only is None or party.mentor is None or party.mentor in only
    ):
        await _queue_held_ask(session, meeting, party, now)


async def _queue_held_ask(
    session: AsyncSession, meeting: Meeting, party: Party, now: datetime
) -> None:
    """The mentor's «Did it take place?» after the end of a confirmed meeting. The key
    holds the start and sequence: a meeting is confirmed at most once per sequence."""
    end = ends_at(meeting)
    stamp = int(meeting.starts_at.timestamp())
    if party.mentor is not None:
        await _notify(
            session,
            meeting,
            party,
            party.mentor,
            HELD_ASK,
            now,
            key=f"held:{stamp}:{meeting.sequence}",
            due_at=max(end, now),
            expires_at=end + HELD_ASK_TTL,
        )


# Proposing, confirming, moving, cancelling, marking -----------------------------------------


async def propose_meeting(
    session: AsyncSession,
    program_id: int,
    proposer_id: int,
    starts_at: datetime,
    mode: str,
    place: str | None,
    topic: str | None,
    weekly: bool,
    now: datetime,
    *,
    offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS,
    duration_min: int = DURATION_MIN,
) -> list[Meeting]:
    """Write the meeting (a weekly series: every week up to the program's end), queue its
    reminders and invite the other side. Raises MeetingError."""
    program = await program_of(session, program_id, proposer_id)
    if program is None:
        raise MeetingError("meeting-err-no-program")
    if mode not in {m.value for m in Mode}:
        raise MeetingError("meeting-err-mode")
    party = await party_of(session, program)
    zone = party.org.timezone
    check_time(program, zone, starts_at, now)
    starts = weekly_starts(program, zone, starts_at) if weekly else [starts_at]
    meetings = []
    for start in starts:
        meeting = Meeting(
            program_id=program.id,
            org_id=program.org_id,
            proposed_by=proposer_id,
            starts_at=start,
            duration_min=duration_min,
            sequence=0,
            mode=mode,
            place=place or None,
            topic=topic or None,
            status=MeetingStatus.PROPOSED,
            created_at=now,
        )
        session.add(meeting)
        meetings.append(meeting)
    await session.flush()
    if len(meetings) > 1:
        for meeting in meetings:
            meeting.series_id = meetings[0].id
        await session.flush()
    for meeting in meetings:
        await _schedule_rows(session, meeting, party, offsets, now)
    first, last = meetings[0], meetings[-1]
    series = [[m.id, m.starts_at.isoformat(), ends_at(m).isoformat()] for m in meetings]
    for user in party.other_side(proposer_id):
        await _notify(
            session,
            first,
            party,
            user,
            INVITE,
            now,
            key="invite:0",
            # Not worth its buttons once the meeting has begun (the bot was down till then).
            expires_at=first.starts_at,
            count=len(meetings),
            until=_moment(zone, last.starts_at),
            series=series if len(meetings) > 1 else [],
        )
    await audit.record(
        session,
        program.id,
        proposer_id,
        "meeting-proposed",
        now,
        meeting=first.id,
        starts_at=first.starts_at.isoformat(),
        count=len(meetings),
    )
    return meetings


async def confirm(
    session: AsyncSession, meeting_id: int, user_id: int, now: datetime
) -> list[Meeting] | None:
    """The other side agrees. The head of a weekly series confirms the series' meetings
    still proposed by the same person. None when the person may not confirm it or it is
    not waiting for a confirmation (a second press, a moved or cancelled meeting)."""
    found = await meeting_of(session, meeting_id, user_id)
    if found is None:
        return None
    meeting, party = found
    if not party.on_other_side(meeting.proposed_by, user_id):
        return None
    conditions = [
        Meeting.status == MeetingStatus.PROPOSED,
        Meeting.proposed_by == meeting.proposed_by,
        Meeting.starts_at > now,
    ]
    if meeting.series_id == meeting.id:
        conditions.append(
            or_(
                Meeting.id == meeting.id,
                (Meeting.series_id == meeting.id) & (Meeting.sequence == 0),
            )
        )
    else:
        conditions.append(Meeting.id == meeting.id)
    head = await session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, *conditions)
        .values(status=MeetingStatus.CONFIRMED, confirmed_by=user_id, confirmed_at=now)
    )
    if not head.rowcount:
        return None
    if meeting.series_id == meeting.id:
        await session.execute(
            update(Meeting)
            .where(*conditions)
            .values(status=MeetingStatus.CONFIRMED, confirmed_by=user_id, confirmed_at=now)
        )
    confirmed = list(
        (
            await session.scalars(
                select(Meeting)
                .where(
                    or_(Meeting.id == meeting.id, Meeting.series_id == meeting.id)
                    if meeting.series_id == meeting.id
                    else Meeting.id == meeting.id,
                    Meeting.status == MeetingStatus.CONFIRMED,
                    Meeting.confirmed_at == now,
                )
                .order_by(Meeting.starts_at)
                .execution_options(populate_existing=True)
            )
        ).all()
    )
    for done in confirmed:
        await _queue_held_ask(session, done, party, now)
    confirmer = next((u for u in party.people() if u.id == user_id), None)
    proposer = next((u for u in party.people() if u.id == meeting.proposed_by), None)
    head_meeting = confirmed[0] if confirmed else meeting
    if proposer is not None:
        await _notify(
            session,
            head_meeting,
            party,
            proposer,
            CONFIRMED,
            now,
            key=f"confirmed:{head_meeting.sequence}",
            by=confirmer.display_name if confirmer else "",
            count=len(confirmed),
        )
    await audit.record(
        session,
        party.program.id,
        user_id,
        "meeting-confirmed",
        now,
        meeting=meeting.id,
        count=len(confirmed),
    )
    return confirmed


async def reschedule(
    session: AsyncSession,
    meeting_id: int,
    user_id: int,
    new_starts_at: datetime,
    now: datetime,
    *,
    offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS,
) -> Meeting | None:
    """Move the meeting: the pending reminders go, new ones come, and the other side is
    asked to confirm the new time. Raises MeetingError for a bad time; None when the
    person is not in it or it can no longer move (cancelled, marked, moved meanwhile)."""
    found = await meeting_of(session, meeting_id, user_id)
    if found is None:
        return None
    meeting, party = found
    if party.program.status != ProgramStatus.ACTIVE:
        return None
    check_time(party.program, party.org.timezone, new_starts_at, now)
    old_start, seen = meeting.starts_at, meeting.sequence
    result = await session.execute(
        update(Meeting)
        .where(
            Meeting.id == meeting.id,
            Meeting.status.in_(LIVE_STATUSES),
            Meeting.held.is_(None),
            Meeting.sequence == seen,
        )
        .values(
            starts_at=new_starts_at,
            sequence=seen + 1,
            status=MeetingStatus.PROPOSED,
            proposed_by=user_id,
            confirmed_by=None,
            confirmed_at=None,
        )
    )
    if not result.rowcount:
        return None
    await outbox.cancel_by_ref(session, "meeting", meeting.id, STALE_KINDS)
    meeting = await session.scalar(
        select(Meeting).where(Meeting.id == meeting.id).execution_options(populate_existing=True)
    )
    assert meeting is not None
    await _schedule_rows(session, meeting, party, offsets, now)
    for user in party.other_side(user_id):
        await _notify(
            session,
            meeting,
            party,
            user,
            MOVED,
            now,
            key=f"moved:{meeting.sequence}",
            expires_at=meeting.starts_at,
            old=_moment(party.org.timezone, old_start),
        )
    await audit.record(
        session,
        party.program.id,
        user_id,
        "meeting-rescheduled",
        now,
        meeting=meeting.id,
        old=old_start.isoformat(),
        new=new_starts_at.isoformat(),
    )
    return meeting


async def cancel(
    session: AsyncSession, meeting_id: int, user_id: int, now: datetime
) -> Meeting | None:
    """Call the meeting off: its pending rows go and everyone else is told. None when the
    person is not in it or it is cancelled or marked already."""
    found = await meeting_of(session, meeting_id, user_id)
    if found is None:
        return None
    meeting, party = found
    called_off = await call_off(session, meeting, party, now, by=user_id)
    if called_off is None:
        return None
    await audit.record(
        session, party.program.id, user_id, "meeting-cancelled", now, meeting=meeting.id
    )
    return called_off


async def call_off(
    session: AsyncSession,
    meeting: Meeting,
    party: Party,
    now: datetime,
    *,
    by: int | None = None,
    why: str = "person",
    notify: bool = True,
) -> Meeting | None:
    """The one way a meeting is cancelled: its status (the .ics SEQUENCE grows), its
    waiting rows cancelled by reference, and, while it is still ahead, the CANCELLED
    notice (an .ics with METHOD:CANCEL, removing the event from calendar apps) to every
    participant but `by`. `why`: person (`by` cancelled it), shortened or ended (the
    program's). None when it is cancelled or marked already."""
    result = await session.execute(
        update(Meeting)
        .where(
            Meeting.id == meeting.id,
            Meeting.status.in_(LIVE_STATUSES),
            Meeting.held.is_(None),
        )
        .values(status=MeetingStatus.CANCELLED, cancelled_at=now, sequence=Meeting.sequence + 1)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return None
    await outbox.cancel_by_ref(session, "meeting", meeting.id, STALE_KINDS)
    found = await session.scalar(
        select(Meeting).where(Meeting.id == meeting.id).execution_options(populate_existing=True)
    )
    assert found is not None
    canceller = next((u for u in party.people() if u.id == by), None)
    if notify and found.starts_at > now:
        for user in party.people():
            if user.id != by:
                await _notify(
                    session,
                    found,
                    party,
                    user,
                    CANCELLED,
                    now,
                    key="cancelled",
                    by=canceller.display_name if canceller else "",
                    why=why,
                )
    return found


async def call_off_from(
    session: AsyncSession, program: Program, after: datetime, now: datetime, *, why: str
) -> list[Meeting]:
    """Cancel (`call_off`) the program's live meetings starting after `after`: those past
    a shortened program's new last day, those still ahead of an ended program."""
    rows = await session.scalars(
        select(Meeting)
        .where(
            Meeting.program_id == program.id,
            Meeting.starts_at > after,
            Meeting.status.in_(LIVE_STATUSES),
            Meeting.held.is_(None),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    meetings = list(rows.all())
    if not meetings:
        return []
    party = await party_of(session, program)
    many = len([m for m in meetings if m.starts_at > now]) > 1
    done = []
    for meeting in meetings:
        called_off = await call_off(session, meeting, party, now, why=why, notify=not many)
        if called_off is not None:
            done.append(called_off)
    if many:
        await _tell_called_off(session, party, done, now, by=None, why=why)
    return done


async def mark_held(
    session: AsyncSession, meeting_id: int, mentor_id: int, held: bool, now: datetime
) -> Meeting:
    """The mentor marks whether the meeting took place: only the program's mentor, only
    a confirmed meeting (one never confirmed did not take place as planned), only after
    the start, once. Raises MeetingError saying why not."""
    mentor_programs = select(Program.id).where(Program.mentor_id == mentor_id)
    result = await session.execute(
        update(Meeting)
        .where(
            Meeting.id == meeting_id,
            Meeting.program_id.in_(mentor_programs),
            Meeting.status == MeetingStatus.CONFIRMED,
            Meeting.held.is_(None),
            Meeting.starts_at <= now,
        )
        .values(held=held, held_marked_at=now)
    )
    meeting = await session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).execution_options(populate_existing=True)
    )
    program = await session.get(Program, meeting.program_id) if meeting else None
    if meeting is None or program is None or program.mentor_id != mentor_id:
        raise MeetingError("not-allowed")
    if not result.rowcount:
        if meeting.held is not None:
            raise MeetingError("meeting-held-already", held=meeting.held)
        if meeting.status == MeetingStatus.CANCELLED:
            raise MeetingError("meeting-err-cancelled")
        if meeting.starts_at > now:
            raise MeetingError("meeting-held-too-early")
        raise MeetingError("meeting-held-unconfirmed")
    await outbox.cancel_by_ref(session, "meeting", meeting.id, (HELD_ASK,))
    await audit.record(
        session, program.id, mentor_id, "meeting-held", now, meeting=meeting.id, held=held
    )
    return meeting


async def hand_over(
    session: AsyncSession,
    program: Program,
    old_mentor_id: int,
    now: datetime,
    *,
    offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS,
) -> list[Meeting]:
    """The program's mentor changed (models/lifecycle.py): for each of its meetings not
    yet over nor marked, the rows still waiting for the old mentor (reminders, the held
    question, an invitation to answer) are cancelled by reference, and the new mentor's
    reminders and held question are queued. The mentees' rows stay as they are (nothing
    sent to them twice). The sequence grows, so rows queued again for a mentor who
    returns later do not meet their cancelled keys. Returns those meetings, soonest first."""
    rows = await session.scalars(
        select(Meeting)
        .where(
            Meeting.program_id == program.id,
            Meeting.status.in_(LIVE_STATUSES),
            Meeting.held.is_(None),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    ahead = [m for m in rows.all() if ends_at(m) > now]
    if not ahead:
        return []
    ids = [m.id for m in ahead]
    await session.execute(
        update(outbox.OutboxMessage)
        .where(
            outbox.OutboxMessage.ref_kind == "meeting",
            outbox.OutboxMessage.ref_id.in_(ids),
            outbox.OutboxMessage.user_id == old_mentor_id,
            outbox.OutboxMessage.status == outbox.OutboxStatus.PENDING,
            outbox.OutboxMessage.kind.in_(STALE_KINDS),
        )
        .values(status=outbox.OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Meeting)
        .where(Meeting.id.in_(ids))
        .values(sequence=Meeting.sequence + 1)
        .execution_options(synchronize_session=False)
    )
    # What the old mentor proposed is now the mentor side's proposal: the mentees still
    # answer it, and the new mentor may move or cancel it.
    await session.execute(
        update(Meeting)
        .where(Meeting.id.in_(ids), Meeting.proposed_by == old_mentor_id)
        .values(proposed_by=program.mentor_id)
        .execution_options(synchronize_session=False)
    )
    meetings = list(
        (
            await session.scalars(
                select(Meeting)
                .where(Meeting.id.in_(ids))
                .order_by(Meeting.starts_at, Meeting.id)
                .execution_options(populate_existing=True)
            )
        ).all()
    )
    party = await party_of(session, program)
    if party.mentor is not None:
        for meeting in meetings:
            await _schedule_rows(session, meeting, party, offsets, now, only=[party.mentor])
    return meetings


async def live_args(
    session: AsyncSession, meeting_id: int, reader_id: int | None
) -> tuple[Meeting, dict[str, Any]] | None:
    """What a reminder or the held question says when it is sent: the meeting as it is
    then, `with_whom` the other side for the reader (the mentees for the mentor, the
    mentor for a mentee; people who asked to be forgotten are left out), `confirmed`,
    and `to_confirm` when the reader is the one who has to confirm it. None when the
    meeting is gone or cancelled."""
    meeting = await session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).execution_options(populate_existing=True)
    )
    if meeting is None or meeting.status == MeetingStatus.CANCELLED:
        return None
    program = await session.get(Program, meeting.program_id)
    if program is None:
        return None
    party = await party_of(session, program)
    others = party.other_side(reader_id) if reader_id in party.ids else party.people()
    proposed = meeting.status == MeetingStatus.PROPOSED
    return meeting, {
        **_args(meeting, party),
        "who": "",
        "with_whom": ", ".join(u.display_name for u in others) or "—",
        "confirmed": not proposed,
        "to_confirm": proposed and party.on_other_side(meeting.proposed_by, reader_id or 0),
    }


async def series_ahead(session: AsyncSession, meeting: Meeting, now: datetime) -> list[Meeting]:
    """The meeting and the later ones of its weekly series still to come and not
    cancelled, soonest first (just the meeting when it is not in a series)."""
    if meeting.series_id is None:
        return [meeting]
    rows = await session.scalars(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.status.in_(LIVE_STATUSES),
            Meeting.held.is_(None),
            Meeting.starts_at > now,
            or_(
                Meeting.starts_at > meeting.starts_at,
                (Meeting.starts_at == meeting.starts_at) & (Meeting.id >= meeting.id),
            ),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    found = list(rows.all())
    return found if any(m.id == meeting.id for m in found) else [meeting, *found]


async def _tell_called_off(
    session: AsyncSession,
    party: Party,
    meetings: list[Meeting],
    now: datetime,
    *,
    by: int | None,
    why: str,
) -> None:
    """Meetings called off at once (the rest of a series, an ended or shortened
    program's): everyone but `by` gets one notice with one .ics removing all those still
    ahead, not one per meeting. `why` as in call_off."""
    ahead = [m for m in meetings if m.starts_at > now]
    if not ahead:
        return
    canceller = next((u for u in party.people() if u.id == by), None)
    series = [[m.id, m.starts_at.isoformat(), ends_at(m).isoformat(), m.sequence] for m in ahead]
    for user in party.people():
        if user.id != by:
            await _notify(
                session,
                ahead[0],
                party,
                user,
                SERIES_CANCELLED,
                now,
                key=f"cancelled:many:{why}",
                # The notice names the canceller: their /forget withdraws it.
                author=by,
                by=canceller.display_name if canceller else "",
                why=why,
                count=len(ahead),
                until=_moment(party.org.timezone, ahead[-1].starts_at),
                series=series,
                place="",
                has_place=False,
                topic="",
                has_topic=False,
            )


async def cancel_series(
    session: AsyncSession, meeting_id: int, user_id: int, now: datetime
) -> list[Meeting] | None:
    """Call off this meeting and the later ones of its series (`series_ahead`). Everyone
    else gets one notice with one .ics removing them all (not one per meeting). None
    when the person is not in it or it is cancelled or marked already."""
    found = await meeting_of(session, meeting_id, user_id)
    if found is None:
        return None
    meeting, party = found
    if meeting.status not in LIVE_STATUSES or meeting.held is not None:
        return None
    done = []
    for one in await series_ahead(session, meeting, now):
        called_off = await call_off(session, one, party, now, by=user_id, notify=False)
        if called_off is not None:
            done.append(called_off)
    if not done:
        return None
    await _tell_called_off(session, party, done, now, by=user_id, why="person")
    await audit.record(
        session,
        party.program.id,
        user_id,
        "meeting-cancelled",
        now,
        meeting=meeting.id,
        count=len(done),
        meetings=[m.id for m in done],
    )
    return done


def listing(meetings: list[Meeting], zone: str) -> str:
    """One line a meeting, its local start («• 25.11.2026 15:30»), for a notice that
    lists them (no topic: the notice carries no one's words)."""
    return "\n".join(f"• {_moment(zone, m.starts_at)}" for m in meetings)


# Reading ------------------------------------------------------------------------------------


def _mine(user_id: int) -> Any:
    mentee_of = select(ProgramMentee.program_id).where(ProgramMentee.mentee_id == user_id)
    mine = select(Program.id).where(or_(Program.mentor_id == user_id, Program.id.in_(mentee_of)))
    return Meeting.program_id.in_(mine)


async def upcoming(
    session: AsyncSession, user_id: int, now: datetime, limit: int = 10
) -> list[Meeting]:
    """The person's meetings not started yet, soonest first (cancelled ones left out)."""
    rows = await session.scalars(
        select(Meeting)
        .where(_mine(user_id), Meeting.starts_at > now, Meeting.status.in_(LIVE_STATUSES))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    return list(rows.all())


async def upcoming_count(session: AsyncSession, user_id: int, now: datetime) -> int:
    """How many meetings `upcoming` would list without a limit."""
    count = await session.scalar(
        select(func.count()).where(
            _mine(user_id), Meeting.starts_at > now, Meeting.status.in_(LIVE_STATUSES)
        )
    )
    return int(count or 0)


async def past(
    session: AsyncSession, user_id: int, now: datetime, limit: int = 10
) -> list[Meeting]:
    """The person's meetings that have started, latest first (cancelled ones left out)."""
    rows = await session.scalars(
        select(Meeting)
        .where(_mine(user_id), Meeting.starts_at <= now, Meeting.status.in_(LIVE_STATUSES))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    return list(rows.all())


async def held_count(session: AsyncSession, program_id: int) -> int:
    """Meetings of the program the mentor marked as held (for the program card)."""
    count = await session.scalar(
        select(func.count()).where(Meeting.program_id == program_id, Meeting.held.is_(True))
    )
    return int(count or 0)
