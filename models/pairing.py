"""Forming a pair: the rules a program must meet, the mentors ranked for its mentees, the
proposal to the mentor and the mentor's decision (accept or refuse)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import audit, surveys
from models.calendar import period_label, period_of, today_in
from models.dates import format_day
from models.errors import RuleError
from models.outbox import enqueue
from models.people import (
    Membership,
    Organization,
    Profile,
    Role,
    User,
    load_roles,
    member_of,
    org_user_ids,
)
from models.programs import (
    LIVE,
    Form,
    Mode,
    Program,
    ProgramMentee,
    ProgramStatus,
    end_bounds,
    program_mentee_ids,
)
from models.runtime import insert_ignore

SUBJECT_MATCH_SCORE = 2


class PairingError(RuleError):
    """A rule of pairing is broken."""


def is_form(value: str) -> bool:
    return value in {f.value for f in Form}


def is_mode(value: str) -> bool:
    return value in {m.value for m in Mode}


def validate_dates(form: str, start: date, end: date, today: date | None = None) -> str | None:
    """A problem key, or None when the dates fit the form (DESIGN §4): speed mentoring is
    one day; any other form is a personalized program of 3 to 12 months. An extension past
    12 months is not offered here."""
    if end < start:
        return "pair-dates-order"
    if today is not None and end < today:
        return "pair-dates-past"
    if form == Form.SPEED:
        return None if start == end else "pair-dates-speed"
    earliest, latest = end_bounds(start)
    if end < earliest:
        return "pair-dates-too-short"
    if end > latest:
        return "pair-dates-too-long"
    return None


async def _live_user(session: AsyncSession, user_id: int) -> User | None:
    user = await session.get(User, user_id)
    if user is None or user.forgotten_at is not None:
        return None
    return user


async def check_people(
    session: AsyncSession,
    org_id: int,
    mentor_id: int,
    mentee_ids: list[int],
    *,
    form: str | None = None,
    cross_org_mentor: bool = False,
) -> None:
    """Raise PairingError unless the mentor is a mentor of this organization (of any, for
    an admin's cross-school pair), every mentee a mentee of it, nobody paired with
    themself, and, when the form is known, no mentee already in a live program of it.
    A person of another organization reads as unknown: a curator learns nothing of them."""
    if not mentee_ids:
        raise PairingError("pair-err-no-mentees")
    if mentor_id in mentee_ids:
        raise PairingError("pair-err-self", id=mentor_id)
    mentor = await _live_user(session, mentor_id)
    held = await load_roles(session, mentor_id) if mentor else {}
    here = held.get(org_id, set())
    elsewhere = any(Role.MENTOR in roles for roles in held.values())
    if mentor is None or not (Role.MENTOR in here or (cross_org_mentor and elsewhere)):
        if mentor is not None and here:
            raise PairingError("pair-err-not-mentor", id=mentor_id, name=mentor.display_name)
        raise PairingError("pair-err-unknown", id=mentor_id)
    for mentee_id in mentee_ids:
        mentee = await _live_user(session, mentee_id)
        roles = await member_of(session, mentee_id, org_id) if mentee else set()
        if mentee is None or not roles:
            raise PairingError("pair-err-unknown", id=mentee_id)
        if Role.MENTEE not in roles:
            raise PairingError("pair-err-not-mentee", id=mentee_id, name=mentee.display_name)
    if form is None:
        return
    busy = (
        await session.execute(
            select(ProgramMentee.mentee_id, Program.id)
            .join(Program, Program.id == ProgramMentee.program_id)
            .where(
                ProgramMentee.mentee_id.in_(mentee_ids),
                Program.form == form,
                Program.status.in_(LIVE),
            )
            .order_by(Program.id)
            .limit(1)
        )
    ).first()
    if busy is not None:
        mentee = await session.get(User, busy[0])
        name = mentee.display_name if mentee else f"#{busy[0]}"
        raise PairingError("pair-err-busy", id=busy[0], name=name, program=busy[1], form=form)


async def free_mentees(session: AsyncSession, org_id: int) -> list[User]:
    """The organization's mentees with no live program, by id."""
    live = (
        select(ProgramMentee.mentee_id)
        .join(Program, Program.id == ProgramMentee.program_id)
        .where(Program.status.in_(LIVE))
    )
    ids = await org_user_ids(session, org_id, Role.MENTEE)
    if not ids:
        return []
    rows = await session.scalars(
        select(User)
        .where(User.id.in_(ids), User.forgotten_at.is_(None), User.id.not_in(live))
        .order_by(User.id)
    )
    return list(rows.all())


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().replace("\u0451", "\u0435").split())


async def rank_mentors(
    session: AsyncSession, org_id: int, mentee_ids: list[int], *, other_schools: bool = False
) -> list[tuple[User, int]]:
    """The organization's mentors, best match first. A point for each of the mentees'
    difficulties the mentor's directions cover, and SUBJECT_MATCH_SCORE when the mentor
    teaches a mentee's subject. Ties go to the mentor with fewer live programs.
    `other_schools` (the admin's inter-school pairs) adds every school's mentors, this
    school's first among equal matches."""
    local = await org_user_ids(session, org_id, Role.MENTOR)
    mentor_ids = [i for i in local if i not in set(mentee_ids)]
    if other_schools:
        elsewhere = await session.scalars(
            select(Membership.user_id)
            .where(Membership.role == Role.MENTOR, Membership.removed_at.is_(None))
            .distinct()
        )
        mentor_ids += sorted(
            i for i in set(elsewhere.all()) - set(local) if i not in set(mentee_ids)
        )
    if not mentor_ids:
        return []
    wanted: set[str] = set()
    subjects: set[str] = set()
    for profile in await session.scalars(select(Profile).where(Profile.user_id.in_(mentee_ids))):
        wanted.update(profile.mentee_difficulties or [])
        if _norm(profile.subject):
            subjects.add(_norm(profile.subject))
    profiles = {
        p.user_id: p
        for p in await session.scalars(select(Profile).where(Profile.user_id.in_(mentor_ids)))
    }
    load = dict(
        (
            await session.execute(
                select(Program.mentor_id, func.count())
                .where(Program.mentor_id.in_(mentor_ids), Program.status.in_(LIVE))
                .group_by(Program.mentor_id)
            )
        ).all()
    )
    users = await session.scalars(
        select(User).where(User.id.in_(mentor_ids), User.forgotten_at.is_(None))
    )
    ranked: list[tuple[User, int, int]] = []
    for user in users:
        profile = profiles.get(user.id)
        score = 0
        if profile is not None:
            score += len(wanted & set(profile.mentor_directions or []))
            if _norm(profile.subject) and _norm(profile.subject) in subjects:
                score += SUBJECT_MATCH_SCORE
        ranked.append((user, score, int(load.get(user.id, 0))))
    here = set(local)
    ranked.sort(key=lambda r: (-r[1], r[0].id not in here, r[2], r[0].id))
    return [(user, score) for user, score, _ in ranked]


async def other_school_of(
    session: AsyncSession, org_id: int, user_ids: list[int]
) -> dict[int, str]:
    """For people who are no member of this school: the name of a school they belong to
    (the first by id)."""
    rows = await session.execute(
        select(Membership.user_id, Membership.org_id, Organization.name)
        .join(Organization, Organization.id == Membership.org_id)
        .where(Membership.user_id.in_(user_ids), Membership.removed_at.is_(None))
        .order_by(Membership.org_id)
    )
    seen: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    for user_id, member_org, name in rows.all():
        seen.setdefault(user_id, set()).add(member_org)
        names.setdefault(user_id, name)
    return {uid: names[uid] for uid, orgs in seen.items() if org_id not in orgs}


async def _names(session: AsyncSession, user_ids: list[int]) -> str:
    users = {
        u.id: u.display_name
        for u in await session.scalars(select(User).where(User.id.in_(user_ids)))
    }
    return ", ".join(users.get(i, f"#{i}") for i in user_ids)


def _program_args(program: Program) -> dict[str, Any]:
    return {
        "program": program.id,
        "form": program.form,
        "mode": program.mode,
        "start": format_day(program.starts_on),
        "end": format_day(program.ends_on),
    }


async def create_program(
    session: AsyncSession,
    *,
    org_id: int,
    mentor_id: int,
    mentee_ids: list[int],
    form: str,
    mode: str,
    starts_on: date,
    ends_on: date,
    created_by: int | None,
    now: datetime,
    cross_org_mentor: bool = False,
) -> Program:
    """Check every rule again, write the program as proposed and ask the mentor (an
    outbox row that bot/ renders with the Accept and Refuse buttons)."""
    mentee_ids = list(dict.fromkeys(mentee_ids))
    if not is_form(form):
        raise PairingError("pair-err-form")
    if not is_mode(mode):
        raise PairingError("pair-err-mode")
    org = await session.get(Organization, org_id)
    if org is None:
        raise PairingError("pair-err-unknown", id=org_id)
    problem = validate_dates(form, starts_on, ends_on, today_in(org.timezone, now))
    if problem is not None:
        raise PairingError(problem, **date_problem_args(starts_on))
    await check_people(
        session, org_id, mentor_id, mentee_ids, form=form, cross_org_mentor=cross_org_mentor
    )
    program = Program(
        org_id=org_id,
        mentor_id=mentor_id,
        form=form,
        mode=mode,
        starts_on=starts_on,
        ends_on=ends_on,
        status=ProgramStatus.PROPOSED,
        created_by=created_by,
        created_at=now,
    )
    session.add(program)
    await session.flush()
    # The mentee's place in the form is taken by one atomic insert against the unique
    # (mentee, live_form) index: of two curators pairing the same mentee at once, the
    # second inserts nothing and is refused, whatever the check above saw.
    table = ProgramMentee.__table__
    for mentee_id in mentee_ids:
        taken = await session.execute(
            insert_ignore(session, table)
            .values(program_id=program.id, mentee_id=mentee_id, live_form=form)
            .on_conflict_do_nothing(index_elements=["mentee_id", "live_form"])
            .returning(table.c.mentee_id)
        )
        if taken.scalar_one_or_none() is None:
            await session.execute(
                delete(ProgramMentee).where(ProgramMentee.program_id == program.id)
            )
            await session.execute(delete(Program).where(Program.id == program.id))
            session.expunge(program)
            mentee = await session.get(User, mentee_id)
            holder = await session.scalar(
                select(ProgramMentee.program_id).where(
                    ProgramMentee.mentee_id == mentee_id, ProgramMentee.live_form == form
                )
            )
            raise PairingError(
                "pair-err-busy",
                id=mentee_id,
                name=mentee.display_name if mentee else f"#{mentee_id}",
                program=holder or "?",
                form=form,
            )
    await audit.record(session, program.id, created_by, "created", now)
    mentor = await session.get(User, mentor_id)
    curator = await session.get(User, created_by) if created_by else None
    if mentor is not None and mentor.tg_id is not None:
        await enqueue(
            session,
            chat_id=mentor.tg_id,
            user_id=mentor.id,
            org_id=org_id,
            kind="pair-offer",
            ref=("program", program.id),
            args={
                **_program_args(program),
                "org": org.name,
                "curator": curator.display_name if curator else org.name,
                "mentees": await _names(session, mentee_ids),
                "count": len(mentee_ids),
            },
            now=now,
            dedupe_key=f"pair:{program.id}:offer",
        )
    return program


def date_problem_args(start: date) -> dict[str, str]:
    """What a date problem's message may name: the allowed last days for this start."""
    earliest, latest = end_bounds(start)
    return {
        "start": format_day(start),
        "earliest": format_day(earliest),
        "latest": format_day(latest),
    }


async def _curators_to_tell(session: AsyncSession, program: Program) -> list[User]:
    """Who formed the pair; when that person is gone, the organization's curators."""
    if program.created_by is not None:
        creator = await _live_user(session, program.created_by)
        if creator is not None and creator.tg_id is not None:
            return [creator]
    users = []
    for curator_id in await org_user_ids(session, program.org_id, Role.CURATOR):
        curator = await _live_user(session, curator_id)
        if curator is not None and curator.tg_id is not None:
            users.append(curator)
    return users


async def _mentor_school_curators(session: AsyncSession, program: Program) -> list[User]:
    """For an inter-school pair (the admin borrowed a mentor of another school): the
    curators of the mentor's schools, who see the program too."""
    held = await load_roles(session, program.mentor_id)
    if program.org_id in held:
        return []
    users = []
    for org_id in sorted(o for o, roles in held.items() if Role.MENTOR in roles):
        for curator_id in await org_user_ids(session, org_id, Role.CURATOR):
            curator = await _live_user(session, curator_id)
            if curator is not None and curator.tg_id is not None:
                users.append(curator)
    return users


async def _tell(
    session: AsyncSession,
    program: Program,
    user: User,
    key: str,
    now: datetime,
    **args: Any,
) -> None:
    if user.tg_id is None:
        return
    await enqueue(
        session,
        chat_id=user.tg_id,
        user_id=user.id,
        org_id=program.org_id,
        kind=key,
        ref=("program", program.id),
        args={**_program_args(program), **args},
        now=now,
        dedupe_key=f"pair:{program.id}:{key}:{user.id}",
    )


async def _decide(
    session: AsyncSession, program_id: int, mentor_id: int, status: ProgramStatus, now: datetime
) -> Program | None:
    """One atomic step from proposed; None when the program is not this mentor's or has
    been decided already (a second press, or a forged payload)."""
    result = await session.execute(
        update(Program)
        .where(
            Program.id == program_id,
            Program.mentor_id == mentor_id,
            Program.status == ProgramStatus.PROPOSED,
        )
        .values(status=status, decided_at=now)
    )
    if not result.rowcount:
        return None
    return await session.scalar(
        select(Program).where(Program.id == program_id).execution_options(populate_existing=True)
    )


async def accept_program(
    session: AsyncSession, program_id: int, mentor_id: int, now: datetime
) -> Program | None:
    """The mentor accepts the duties: the program becomes active and the mentor, every
    mentee and the curator are told who the partner is."""
    program = await _decide(session, program_id, mentor_id, ProgramStatus.ACTIVE, now)
    if program is None:
        return None
    await audit.record(session, program.id, mentor_id, "accepted", now)
    mentor = await session.get(User, mentor_id)
    assert mentor is not None
    mentee_ids = await program_mentee_ids(session, program.id)
    mentees = await _names(session, mentee_ids)
    await _tell(
        session, program, mentor, "pair-active-mentor", now, mentees=mentees, count=len(mentee_ids)
    )
    for mentee_id in mentee_ids:
        mentee = await _live_user(session, mentee_id)
        if mentee is not None:
            await _tell(
                session, program, mentee, "pair-active-mentee", now, mentor=mentor.display_name
            )
    told = [
        *await _curators_to_tell(session, program),
        *await _mentor_school_curators(session, program),
    ]
    for curator in {c.id: c for c in told}.values():
        await _tell(
            session,
            program,
            curator,
            "pair-active-curator",
            now,
            mentor=mentor.display_name,
            mentees=mentees,
        )
    await _entry_surveys(session, program, mentee_ids, now)
    return program


async def _entry_surveys(
    session: AsyncSession, program: Program, mentee_ids: list[int], now: datetime
) -> None:
    """Each mentee's entry questionnaire, in the school period of the day the program
    went active (models/survey_rounds.py tells the rounds)."""
    org = await session.get(Organization, program.org_id)
    assert org is not None
    period = period_label(*period_of(org.calendar, today_in(org.timezone, now)))
    specs = [
        surveys.Assign(
            program.org_id, m, "mentee", surveys.ENTRY, program_id=program.id, period=period
        )
        for m in mentee_ids
    ]
    await surveys.assign_many(session, specs, now)


async def refuse_program(
    session: AsyncSession,
    program_id: int,
    mentor_id: int,
    now: datetime,
    reason: str | None = None,
) -> Program | None:
    """The mentor declines, with a reason for the curator: the program is refused, its
    mentees are free for another program of the form, and the curator is told."""
    program = await _decide(session, program_id, mentor_id, ProgramStatus.REFUSED, now)
    if program is None:
        return None
    await session.execute(
        update(ProgramMentee)
        .where(ProgramMentee.program_id == program.id)
        .values(live_form=None)
        .execution_options(synchronize_session=False)
    )
    await audit.record(session, program.id, mentor_id, "refused", now, reason=reason)
    mentor = await session.get(User, mentor_id)
    assert mentor is not None
    mentees = await _names(session, await program_mentee_ids(session, program.id))
    for curator in await _curators_to_tell(session, program):
        await _tell(
            session,
            program,
            curator,
            "pair-refused-curator-reason" if reason else "pair-refused-curator",
            now,
            mentor=mentor.display_name,
            mentees=mentees,
            reason=reason or "",
        )
    return program
