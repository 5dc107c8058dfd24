"""Changes to a program by the regulation (seed 002, §4): a proposal with a reason takes
effect when every party that must agree has agreed, and is refused when one declines.
Extension, shortening, a plan change after «ознакомлен», termination by agreement and a
change of mentor all go through it. The curator's termination for non-fulfilment is the
only one-sided change."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models import audit, lifecycle, meetings, plans
from models.calendar import today_in
from models.dates import format_day
from models.db import Base, UTCDateTime
from models.errors import RuleError
from models.meetings import DEFAULT_REMINDERS
from models.outbox import OutboxMessage, OutboxStatus, cancel_by_ref
from models.pairing import rank_mentors
from models.people import Membership, Organization, Role, User, member_of
from models.plans import PlanError, PlanItem, PlanOccurrence
from models.programs import (
    Program,
    ProgramMentee,
    ProgramStatus,
    add_months,
    end_bounds,
    lent_from,
    lock_program,
)
from models.runtime import insert_ignore


class ProposalKind(enum.StrEnum):
    EXTEND = "extend"
    SHORTEN = "shorten"
    PLAN_CHANGE = "plan_change"
    TERMINATE = "terminate"
    CHANGE_MENTOR = "change_mentor"
    RELEASE = "release"


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class EndReason(enum.StrEnum):
    """Why a program ended (stored in programs.end_reason)."""

    COMPLETED = "completed"
    MENTOR_INITIATIVE = "mentor-initiative"
    MENTEE_INITIATIVE = "mentee-initiative"
    AGREEMENT = "agreement"
    NON_FULFILMENT = "non-fulfilment"
    CONSENT_WITHDRAWN = "consent-withdrawn"


class Proposal(Base):
    __tablename__ = "program_proposals"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.PENDING)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    # What the change is: {"ends_on": "2027-06-30"}, {"end_reason": "agreement"},
    # {"mentor_id": 12}, {"summary": "..."}.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProposalVote(Base):
    """A party that must agree. `decision` is NULL until they answer; one atomic UPDATE
    guarded by `decision IS NULL` records it, so a second press changes nothing."""

    __tablename__ = "proposal_votes"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("program_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    party: Mapped[str] = mapped_column(String(16))  # mentor | mentee | curator
    decision: Mapped[str | None] = mapped_column(String(16))  # agree | decline
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# Notice kinds (locale keys) -------------------------------------------------------------

ASK = "change-ask"  # to a party: Agree / Decline
ASK_MENTOR = "change-mentor-ask"  # to the curators: the new mentor's buttons / Decline
ASK_REMOVED = "change-mentor-removed-ask"  # a mentor removed: the curators pick a new one
ACCEPTED = "change-accepted"
DECLINED = "change-declined"
FAILED = "change-failed"
# To the proposer and the curators: another request changed the mentor first.
SUPERSEDED = "change-superseded"
END_ASK = "program-end-ask"  # to the curators at the end date: Complete / Extend
ASK_KINDS = (ASK, ASK_MENTOR, ASK_REMOVED)

REASON_MAX = 1000
# The longest a program may run with extensions, from its start (12 months by the
# regulation, more with a reason).
EXTEND_MAX_MONTHS = 24
MENTORS_OFFERED = 8
# The question SLA hours a moved question gets when the caller does not say.
DEFAULT_HOURS = (4.0, 16.0)

# Who may start an early termination with which reason.
END_REASONS_BY_SIDE: dict[str, tuple[str, ...]] = {
    "mentor": (EndReason.MENTOR_INITIATIVE, EndReason.AGREEMENT),
    "mentee": (EndReason.MENTEE_INITIATIVE, EndReason.AGREEMENT),
    "curator": (EndReason.NON_FULFILMENT, EndReason.AGREEMENT),
}


class ChangeError(RuleError):
    """A change cannot be proposed or applied."""


class VoteResult(enum.StrEnum):
    NOT_PARTY = "not-party"
    ALREADY = "already"
    RECORDED = "recorded"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    FAILED = "failed"
    SUPERSEDED = "superseded"  # the mentor was changed by another request


def clean_reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ChangeError("change-err-reason-empty")
    if len(reason) > REASON_MAX:
        raise ChangeError("change-err-reason-long", limit=REASON_MAX)
    return reason


async def plan_locked(session: AsyncSession, program_id: int) -> bool:
    """True once any mentee confirmed «ознакомлен»: from then on a plan change is a proposal."""
    found = await session.scalar(
        select(ProgramMentee.mentee_id)
        .where(
            ProgramMentee.program_id == program_id,
            ProgramMentee.acknowledged_at.is_not(None),
        )
        .limit(1)
    )
    return found is not None


async def side_of(
    session: AsyncSession, program: Program, user_id: int, *, is_admin: bool = False
) -> str | None:
    """'mentor', 'mentee' or 'curator' (of the program's school), or None."""
    if program.mentor_id == user_id:
        return "mentor"
    if user_id in await lifecycle.mentee_ids_of(session, program.id):
        return "mentee"
    if is_admin or Role.CURATOR in await member_of(session, user_id, program.org_id):
        return "curator"
    return None


async def _org(session: AsyncSession, program: Program) -> Organization:
    org = await session.get(Organization, program.org_id)
    assert org is not None
    return org


async def _today(session: AsyncSession, program: Program, now: datetime) -> date:
    return today_in((await _org(session, program)).timezone, now)


def _new_end(payload: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(str(payload["ends_on"]))
    except (KeyError, ValueError) as error:
        raise ChangeError("change-err-payload") from error


async def check_new_end(
    session: AsyncSession, program: Program, kind: str, new_end: date, now: datetime
) -> date:
    """ChangeError when `new_end` does not fit an extension or a shortening of the program."""
    return await _check_dates(session, program, kind, {"ends_on": new_end.isoformat()}, now)


async def _check_dates(
    session: AsyncSession, program: Program, kind: str, payload: dict[str, Any], now: datetime
) -> date:
    """The new last day of an extension or a shortening. Past 12 months is allowed: every
    proposal carries a reason, which is what the regulation asks for then; past
    EXTEND_MAX_MONTHS from the start it is not (a typo like 31.12.2999 would otherwise
    stretch the plan's recurring marks over centuries)."""
    new_end = _new_end(payload)
    today = await _today(session, program, now)
    if kind == ProposalKind.EXTEND and new_end <= program.ends_on:
        raise ChangeError("change-err-not-later", end=format_day(program.ends_on))
    if kind == ProposalKind.EXTEND and new_end < today:
        # A program past its end waits for the curator; a new end already behind us
        # would make its «at the end» marks overdue at once.
        raise ChangeError("change-err-past", today=format_day(today))
    if kind == ProposalKind.EXTEND and new_end > latest_end(program):
        raise ChangeError(
            "change-err-too-late",
            months=EXTEND_MAX_MONTHS,
            start=format_day(program.starts_on),
            latest=format_day(latest_end(program)),
        )
    if kind == ProposalKind.SHORTEN:
        if new_end >= program.ends_on:
            raise ChangeError("change-err-not-earlier", end=format_day(program.ends_on))
        if new_end < today or new_end < program.starts_on:
            raise ChangeError("change-err-past", today=format_day(today))
    return new_end


def latest_end(program: Program) -> date:
    """The latest last day an extension may give: EXTEND_MAX_MONTHS from the start."""
    return add_months(program.starts_on, EXTEND_MAX_MONTHS) - timedelta(days=1)


def _beyond_limit(program: Program, new_end: date) -> bool:
    return new_end > end_bounds(program.starts_on)[1]


async def _pending_of(session: AsyncSession, program_id: int, kind: str) -> Proposal | None:
    return await session.scalar(
        select(Proposal)
        .where(
            Proposal.program_id == program_id,
            Proposal.kind == kind,
            Proposal.status == ProposalStatus.PENDING,
        )
        .limit(1)
    )


def _needs_curator_only(kind: str, payload: dict[str, Any]) -> bool:
    """One side's initiative (ending, a new mentor, release) needs the curator's approval
    only; everything else needs the pair and, unless the curator proposed it, the curator."""
    if kind in (ProposalKind.CHANGE_MENTOR, ProposalKind.RELEASE):
        return True
    return kind == ProposalKind.TERMINATE and payload.get("end_reason") in (
        EndReason.MENTOR_INITIATIVE,
        EndReason.MENTEE_INITIATIVE,
    )


async def _check(
    session: AsyncSession,
    program: Program,
    kind: str,
    side: str,
    payload: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    if kind not in {k.value for k in ProposalKind}:
        raise ChangeError("change-err-payload")
    if kind in (ProposalKind.EXTEND, ProposalKind.SHORTEN):
        new_end = await _check_dates(session, program, kind, payload, now)
        return {"ends_on": new_end.isoformat()}
    if kind == ProposalKind.TERMINATE:
        end_reason = payload.get("end_reason")
        if end_reason == EndReason.NON_FULFILMENT or end_reason not in END_REASONS_BY_SIDE[side]:
            raise ChangeError("change-err-end-reason")
        return {"end_reason": end_reason}
    if kind == ProposalKind.CHANGE_MENTOR and side != "mentee":
        raise ChangeError("change-err-not-party")
    if kind == ProposalKind.RELEASE and side != "mentor":
        raise ChangeError("change-err-not-party")
    if kind == ProposalKind.PLAN_CHANGE and not isinstance(payload.get("op"), str):
        raise ChangeError("change-err-payload")
    return dict(payload)


def describe(proposal: Proposal) -> dict[str, Any]:
    """The arguments every notice about a proposal carries."""
    payload = proposal.payload or {}
    ends_on = payload.get("ends_on")
    return {
        "proposal": proposal.id,
        "program": proposal.program_id,
        "change": proposal.kind,
        "date": format_day(date.fromisoformat(ends_on)) if ends_on else "",
        "end_reason": payload.get("end_reason", ""),
        "summary": str(payload.get("summary") or "none"),
        "reason": proposal.reason or "",
    }


# What of a proposal's payload the change log keeps: the new date, the end reason, the
# new mentor, the plan operation and its item (not the words of a new item).
LOGGED = ("ends_on", "end_reason", "mentor_id", "op", "item_id", "removed")


async def log_step(
    session: AsyncSession,
    proposal: Proposal,
    step: str,
    actor_id: int | None,
    now: datetime,
    *,
    reason: str | None = None,
    **details: Any,
) -> None:
    """One step of a proposal in the program's change log: `step` is proposed, agreed,
    declined, withdrawn or failed; the action names the kind too (`declined-extend`)."""
    payload = proposal.payload or {}
    what = {k: payload[k] for k in LOGGED if k in payload}
    await audit.record(
        session,
        proposal.program_id,
        actor_id,
        f"{step}-{proposal.kind}",
        now,
        reason=reason,
        proposal=proposal.id,
        change=proposal.kind,
        **what,
        **details,
    )


async def propose(
    session: AsyncSession,
    *,
    program_id: int,
    kind: str,
    proposer_id: int,
    reason: str | None,
    payload: dict[str, Any],
    now: datetime,
    is_admin: bool = False,
    hours: tuple[float, float] = DEFAULT_HOURS,
    offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS,
) -> Proposal:
    """Open a proposal with a reason. The proposer's own vote is agree; every other party
    that must agree is asked by an outbox notice. ChangeError when it may not be made.
    The program row is locked first (PostgreSQL; SQLite writes one at a time), so of two
    proposals of one kind made at once the second sees the first and is refused."""
    program = await lock_program(session, program_id)
    if program is None:
        raise ChangeError("change-err-not-party")
    side = await side_of(session, program, proposer_id, is_admin=is_admin)
    if side is None:
        raise ChangeError("change-err-not-party")
    if program.status != ProgramStatus.ACTIVE:
        raise ChangeError("change-err-not-active", program=program.id)
    text = clean_reason(reason)
    clean = await _check(session, program, kind, side, payload, now)
    if await _pending_of(session, program.id, kind) is not None:
        raise ChangeError("change-err-pending", program=program.id)
    mentee_ids = await lifecycle.mentee_ids_of(session, program.id)
    curators = [c for c in await lifecycle.curator_ids_of(session, program) if c != proposer_id]
    voters: dict[int, str] = {proposer_id: side}
    if _needs_curator_only(kind, clean):
        if side != "curator":
            if not curators:
                raise ChangeError("change-err-no-curator")
            voters.update({c: "curator" for c in curators})
    else:
        voters.setdefault(program.mentor_id, "mentor")
        for mentee_id in mentee_ids:
            voters.setdefault(mentee_id, "mentee")
        if side != "curator":
            if not curators:
                raise ChangeError("change-err-no-curator")
            voters.update({c: "curator" for c in curators if c not in voters})
    proposal = Proposal(
        program_id=program.id,
        kind=kind,
        status=ProposalStatus.PENDING,
        proposed_by=proposer_id,
        reason=text,
        payload=clean,
        created_at=now,
    )
    session.add(proposal)
    await session.flush()
    for user_id, party in voters.items():
        own = user_id == proposer_id
        session.add(
            ProposalVote(
                proposal_id=proposal.id,
                user_id=user_id,
                party=party,
                decision="agree" if own else None,
                decided_at=now if own else None,
            )
        )
    await session.flush()
    await log_step(session, proposal, "proposed", proposer_id, now, reason=text, party=side)
    await _ask(session, program, proposal, [uid for uid in voters if uid != proposer_id], now)
    if await _complete(session, proposal.id):
        # Nobody else had to agree (a curator's change of a program whose mentee left).
        await _settle(session, proposal, program, proposer_id, now, hours, offsets)
    return proposal


async def _ask(
    session: AsyncSession, program: Program, proposal: Proposal, asked: list[int], now: datetime
) -> None:
    """The notice asking these parties to answer the proposal (Agree / Decline, or the
    new mentor's buttons)."""
    proposer = await session.get(User, proposal.proposed_by) if proposal.proposed_by else None
    args = {**describe(proposal), "proposer": proposer.display_name if proposer else ""}
    mentor_change = proposal.kind in (ProposalKind.CHANGE_MENTOR, ProposalKind.RELEASE)
    if mentor_change:
        schools = await mentor_schools(session, program)
        args["mentors"] = await mentor_choices(session, program, schools, program.mentor_id)
    await lifecycle.notify(
        session,
        program,
        asked,
        ASK_MENTOR if mentor_change else ASK,
        now,
        key=f"proposal:{proposal.id}:ask",
        ref=("proposal", proposal.id),
        author_id=proposal.proposed_by,
        **args,
    )


async def _complete(session: AsyncSession, proposal_id: int) -> bool:
    """Every mentor and mentee row agrees, and a curator agrees when curators were asked."""
    rows = list(
        await session.scalars(select(ProposalVote).where(ProposalVote.proposal_id == proposal_id))
    )
    pair = [r for r in rows if r.party != "curator"]
    curators = [r for r in rows if r.party == "curator"]
    if any(r.decision != "agree" for r in pair):
        return False
    return not curators or any(r.decision == "agree" for r in curators)


async def _holds(session: AsyncSession, program: Program, user_id: int, party: str) -> bool:
    """The person still is this party of the program (side_of; a curator by their role,
    even when they mentor the program too)."""
    if party == "curator":
        return Role.CURATOR in await member_of(session, user_id, program.org_id)
    return await side_of(session, program, user_id) == party


async def _involved(session: AsyncSession, proposal: Proposal, program: Program) -> list[int]:
    voters = await session.scalars(
        select(ProposalVote.user_id).where(ProposalVote.proposal_id == proposal.id)
    )
    people = [proposal.proposed_by or 0, *voters.all(), program.mentor_id]
    people += await lifecycle.mentee_ids_of(session, program.id)
    return [p for p in dict.fromkeys(people) if p]


async def vote(
    session: AsyncSession,
    proposal_id: int,
    user_id: int,
    agree: bool,
    now: datetime,
    *,
    mentor_id: int | None = None,
    hours: tuple[float, float] = DEFAULT_HOURS,
    offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS,
) -> tuple[VoteResult, Proposal | None]:
    """Record one party's answer in one UPDATE guarded by `decision IS NULL`: a second
    press, a press after the proposal was decided, or a press by someone who is not a
    party changes nothing. A change of mentor is approved by naming the new mentor.
    The proposal row is locked first (PostgreSQL), so of two last answers given at once
    one sees the other and the change takes effect exactly once."""
    proposal = await session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if proposal is None:
        return VoteResult.NOT_PARTY, None
    mine = await session.get(ProposalVote, (proposal_id, user_id))
    if mine is None:
        return VoteResult.NOT_PARTY, proposal
    if proposal.status != ProposalStatus.PENDING:
        if (proposal.payload or {}).get("superseded_by"):
            return VoteResult.SUPERSEDED, proposal
        return VoteResult.ALREADY, proposal
    program = await session.get(Program, proposal.program_id)
    assert program is not None
    if mine.decision is None and not await _holds(session, program, user_id, mine.party):
        # Asked as the mentor, a mentee or a curator, and that no longer (a replaced mentor).
        raise ChangeError("change-err-no-longer-party", program=program.id, party=mine.party)
    mentor_change = proposal.kind in (ProposalKind.CHANGE_MENTOR, ProposalKind.RELEASE)
    if mentor_change and mine.party != "curator":
        return VoteResult.NOT_PARTY, proposal
    if agree and mentor_change:
        if mine.party != "curator":
            return VoteResult.NOT_PARTY, proposal
        await _check_new_mentor(session, program, mentor_id, proposal)
    result = await session.execute(
        update(ProposalVote)
        .where(
            ProposalVote.proposal_id == proposal_id,
            ProposalVote.user_id == user_id,
            ProposalVote.decision.is_(None),
        )
        .values(decision="agree" if agree else "decline", decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return VoteResult.ALREADY, proposal
    await session.refresh(mine)
    if not agree:
        await _finish(session, proposal, ProposalStatus.DECLINED, now)
        await log_step(session, proposal, "declined", user_id, now, party=mine.party)
        actor = await session.get(User, user_id)
        people = [p for p in await _involved(session, proposal, program) if p != user_id]
        await lifecycle.notify(
            session,
            program,
            people,
            DECLINED,
            now,
            key=f"proposal:{proposal.id}:declined",
            ref=("proposal", proposal.id),
            author_id=user_id,
            **describe(proposal),
            who=actor.display_name if actor else "",
        )
        return VoteResult.DECLINED, proposal
    if mentor_change:
        proposal.payload = {**(proposal.payload or {}), "mentor_id": mentor_id}
        await session.flush()
    await log_step(session, proposal, "agreed", user_id, now, party=mine.party)
    if not await _complete(session, proposal.id):
        return VoteResult.RECORDED, proposal
    return await _settle(session, proposal, program, user_id, now, hours, offsets), proposal


async def mentor_schools(
    session: AsyncSession, program: Program, proposal: Proposal | None = None
) -> list[int]:
    """The schools whose mentors may take the program over: its own (the mentee's) and,
    for an inter-school pair, the schools that lent its mentor, including one named in the
    proposal (`lent_from`: a mentor removed from the school that lent them)."""
    named = (proposal.payload or {}).get("lent_from", []) if proposal is not None else []
    schools = [program.org_id, *await lent_from(session, program), *map(int, named)]
    return list(dict.fromkeys(schools))


async def mentor_choices(
    session: AsyncSession, program: Program, schools: list[int], exclude: int | None
) -> list[list[Any]]:
    """The mentors a curator is offered for the program, [[id, label], …]: the program's
    school's best matches first; for an inter-school pair the lending schools' mentors
    too (at least half the places when there are that many), labelled with their school."""
    mentee_ids = await lifecycle.mentee_ids_of(session, program.id)
    skip = {exclude, *mentee_ids}
    local = [u for u, _ in await rank_mentors(session, program.org_id, mentee_ids)]
    local = [u for u in local if u.id not in skip]
    others: list[tuple[User, str]] = []
    seen = {u.id for u in local}
    names = dict(
        (
            await session.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(schools))
            )
        ).all()
    )
    for org_id in schools:
        if org_id == program.org_id:
            continue
        for user, _ in await rank_mentors(session, org_id, mentee_ids):
            if user.id not in skip and user.id not in seen:
                seen.add(user.id)
                others.append((user, names.get(org_id, "")))
    room = MENTORS_OFFERED
    if others:
        room = max(MENTORS_OFFERED - len(others), MENTORS_OFFERED // 2)
    picked: list[list[Any]] = [[u.id, u.display_name] for u in local[:room]]
    for user, school in others[: MENTORS_OFFERED - len(picked)]:
        picked.append([user.id, f"{user.display_name} · {school}"])
    return picked


async def _check_new_mentor(
    session: AsyncSession, program: Program, mentor_id: int | None, proposal: Proposal
) -> None:
    if (
        mentor_id is None
        or mentor_id == program.mentor_id
        or mentor_id in await lifecycle.mentee_ids_of(session, program.id)
        or await lifecycle.live_person(session, mentor_id) is None
    ):
        raise ChangeError("change-err-mentor")
    for org_id in await mentor_schools(session, program, proposal):
        if Role.MENTOR in await member_of(session, mentor_id, org_id):
            return
    raise ChangeError("change-err-mentor")


async def _finish(
    session: AsyncSession, proposal: Proposal, status: ProposalStatus, now: datetime
) -> bool:
    result = await session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status == ProposalStatus.PENDING)
        .values(status=status, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(proposal)
    await cancel_by_ref(session, "proposal", proposal.id, ASK_KINDS)
    return bool(result.rowcount)


async def _settle(
    session: AsyncSession,
    proposal: Proposal,
    program: Program,
    actor_id: int,
    now: datetime,
    hours: tuple[float, float],
    offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS,
) -> VoteResult:
    """Every party agreed: the change takes effect, or, when it no longer fits (the date
    has passed, the plan item is gone), the proposal fails and everyone is told why."""
    if not await _finish(session, proposal, ProposalStatus.ACCEPTED, now):
        return VoteResult.ALREADY
    try:
        told = await _apply(session, proposal, program, actor_id, now, hours, offsets)
    except (ChangeError, PlanError) as error:
        await session.execute(
            update(Proposal)
            .where(Proposal.id == proposal.id)
            .values(status=ProposalStatus.DECLINED)
            .execution_options(synchronize_session=False)
        )
        await session.refresh(proposal)
        await log_step(session, proposal, "failed", None, now, problem=error.key)
        people = await _involved(session, proposal, program)
        await lifecycle.notify(
            session,
            program,
            people,
            FAILED,
            now,
            key=f"proposal:{proposal.id}:failed",
            ref=("proposal", proposal.id),
            author_id=proposal.proposed_by,
            **describe(proposal),
            problem=error.key,
        )
        return VoteResult.FAILED
    if not told:
        people = await _involved(session, proposal, program)
        await lifecycle.notify(
            session,
            program,
            people,
            ACCEPTED,
            now,
            key=f"proposal:{proposal.id}:accepted",
            ref=("proposal", proposal.id),
            author_id=proposal.proposed_by,
            **describe(proposal),
        )
    return VoteResult.ACCEPTED


async def _apply(
    session: AsyncSession,
    proposal: Proposal,
    program: Program,
    actor: int,
    now: datetime,
    hours: tuple[float, float],
    offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS,
) -> bool:
    """Make the agreed change. `actor` made it: the party whose answer completed it (the
    curator who approved, for a one-sided request); the proposer goes into the log's
    details. True when the step told everyone itself."""
    payload = proposal.payload or {}
    proposer = {"proposer": proposal.proposed_by}
    kind = proposal.kind
    await session.refresh(program)
    if program.status != ProgramStatus.ACTIVE:
        raise ChangeError("change-err-not-active", program=program.id)
    if kind in (ProposalKind.EXTEND, ProposalKind.SHORTEN):
        new_end = await _check_dates(session, program, kind, payload, now)
        old_end = program.ends_on
        program.ends_on = new_end
        program.completion_asked_at = None
        await session.flush()
        # The plan's open marks follow the new end (recurring periods, «at the end»).
        await plans.refit(session, program, actor, now)
        # Meetings after a shortened program's new last day are called off (and told).
        called_off = []
        if kind == ProposalKind.SHORTEN:
            zone = (await _org(session, program)).timezone
            after_end = datetime.combine(new_end + timedelta(days=1), time(), ZoneInfo(zone))
            after = after_end.astimezone(UTC) - timedelta(microseconds=1)
            called_off = await meetings.call_off_from(session, program, after, now, why="shortened")
        await audit.record(
            session,
            program.id,
            actor,
            "extended" if kind == ProposalKind.EXTEND else "shortened",
            now,
            reason=proposal.reason,
            old_end=old_end.isoformat(),
            new_end=new_end.isoformat(),
            beyond_12_months=_beyond_limit(program, new_end),
            proposal=proposal.id,
            meetings_cancelled=[m.id for m in called_off],
            **proposer,
        )
        return False
    if kind == ProposalKind.PLAN_CHANGE:
        await plans.apply_change(session, program, payload, actor, now, reason=proposal.reason)
        await audit.record(
            session,
            program.id,
            actor,
            "plan-changed",
            now,
            reason=proposal.reason,
            proposal=proposal.id,
            op=payload.get("op"),
            **proposer,
        )
        return False
    if kind == ProposalKind.TERMINATE:
        ended = await lifecycle.end_program(
            session,
            program.id,
            end_reason=str(payload.get("end_reason")),
            actor_id=actor,
            now=now,
            reason=proposal.reason,
            details={"proposal": proposal.id, **proposer},
        )
        if ended is None:
            raise ChangeError("change-err-not-active", program=program.id)
        return True
    # A change of mentor, asked by the mentee or by the mentor wishing to be released.
    await _check_new_mentor(session, program, payload.get("mentor_id"), proposal)
    old_mentor_id = program.mentor_id
    changed = await lifecycle.change_mentor(
        session,
        program.id,
        int(payload["mentor_id"]),
        actor_id=actor,
        now=now,
        hours=hours,
        reason=proposal.reason,
        offsets=offsets,
        details={"proposal": proposal.id, **proposer},
    )
    if changed is None:
        raise ChangeError("change-err-mentor")
    await _close_other_mentor_requests(session, proposal, program, actor, now)
    await _hand_votes_over(session, program, old_mentor_id, now)
    return True


async def _close_other_mentor_requests(
    session: AsyncSession, done: Proposal, program: Program, actor_id: int, now: datetime
) -> None:
    """The mentor was changed by `done`: the program's other requests for a new mentor
    (the mentee's and the mentor's release at once, say) are answered by it. Each is
    withdrawn in one guarded UPDATE, logged, its curators' buttons cancelled, and its
    proposer and the curators told; a later press on it says so."""
    others = list(
        (
            await session.scalars(
                select(Proposal)
                .where(
                    Proposal.program_id == program.id,
                    Proposal.id != done.id,
                    Proposal.kind.in_([ProposalKind.CHANGE_MENTOR, ProposalKind.RELEASE]),
                    Proposal.status == ProposalStatus.PENDING,
                )
                .order_by(Proposal.id)
            )
        ).all()
    )
    curators = await lifecycle.curator_ids_of(session, program)
    for other in others:
        claimed = await session.execute(
            update(Proposal)
            .where(Proposal.id == other.id, Proposal.status == ProposalStatus.PENDING)
            .values(
                status=ProposalStatus.WITHDRAWN,
                decided_at=now,
                payload={**(other.payload or {}), "superseded_by": done.id},
            )
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:
            continue
        await session.refresh(other)
        await cancel_by_ref(session, "proposal", other.id, ASK_KINDS)
        await log_step(session, other, "withdrawn", actor_id, now, superseded_by=done.id)
        await lifecycle.notify(
            session,
            program,
            [other.proposed_by or 0, *curators],
            SUPERSEDED,
            now,
            key=f"proposal:{other.id}:superseded",
            ref=("proposal", other.id),
            author_id=other.proposed_by,
            **describe(other),
        )


# One-sided steps: the curator's termination, completion --------------------------------


async def _curators_program(
    session: AsyncSession, program_id: int, curator_id: int, is_admin: bool
) -> Program:
    """The program, when the person acts on it as its curator; else ChangeError."""
    program = await session.get(Program, program_id)
    if program is None or await side_of(session, program, curator_id, is_admin=is_admin) != (
        "curator"
    ):
        raise ChangeError("change-err-not-party")
    return program


async def _end_by_curator(
    session: AsyncSession,
    program_id: int,
    curator_id: int,
    end_reason: EndReason,
    now: datetime,
    reason: str | None = None,
) -> Program:
    ended = await lifecycle.end_program(
        session,
        program_id,
        end_reason=end_reason,
        actor_id=curator_id,
        now=now,
        reason=reason,
        skip_user=curator_id,
    )
    if ended is None:
        raise ChangeError("change-err-not-active", program=program_id)
    return ended


async def check_non_fulfilment(
    session: AsyncSession, program_id: int, curator_id: int, *, is_admin: bool = False
) -> Program:
    """The program, when this curator may still end it for non-fulfilment (asked before
    the final Yes); else ChangeError."""
    program = await _curators_program(session, program_id, curator_id, is_admin)
    if program.status != ProgramStatus.ACTIVE:
        raise ChangeError("change-err-not-active", program=program_id)
    return program


async def terminate_for_non_fulfilment(
    session: AsyncSession,
    program_id: int,
    curator_id: int,
    reason: str | None,
    now: datetime,
    *,
    is_admin: bool = False,
) -> Program:
    """The only one-sided ending: the curator's, when the program is not carried out."""
    await _curators_program(session, program_id, curator_id, is_admin)
    text = clean_reason(reason)
    return await _end_by_curator(
        session, program_id, curator_id, EndReason.NON_FULFILMENT, now, text
    )


async def complete(
    session: AsyncSession,
    program_id: int,
    curator_id: int,
    now: datetime,
    *,
    is_admin: bool = False,
) -> Program:
    """The curator confirms completion: at or after the end date, or with the plan done."""
    program = await _curators_program(session, program_id, curator_id, is_admin)
    if program.status != ProgramStatus.ACTIVE:
        raise ChangeError("change-err-not-active", program=program_id)
    today = await _today(session, program, now)
    if today < program.ends_on and not await plans.plan_done(session, program_id):
        raise ChangeError("change-err-too-early", end=format_day(program.ends_on))
    return await _end_by_curator(session, program_id, curator_id, EndReason.COMPLETED, now)


async def complete_if_done(
    session: AsyncSession, program_id: int, actor_id: int | None, now: datetime
) -> bool:
    """End the program as completed when every occurrence of its plan is done (called
    after an occurrence is marked done). False when there is more to do or it is not
    active."""
    program = await session.get(Program, program_id)
    if program is None or program.status != ProgramStatus.ACTIVE:
        return False
    if not await plans.plan_done(session, program_id):
        return False
    ended = await lifecycle.end_program(
        session,
        program_id,
        end_reason=EndReason.COMPLETED,
        actor_id=actor_id,
        now=now,
        reason=None,
    )
    return ended is not None


async def program_end_catch_up(session: AsyncSession, now: datetime) -> int:
    """At a program's end date (the school's day), ask its curators once whether to
    complete it or extend it. Idempotent: `completion_asked_at` is set by a guarded
    UPDATE, and the notice's dedupe key names the end date.

    Set-based, so a district whose programs all end on one day costs a handful of
    statements: the candidates, one guarded UPDATE … RETURNING claiming the due ones, the
    curators of all their schools, the plan completion of all of them, one executemany of
    the notices (the same INSERT … ON CONFLICT DO NOTHING as the plan catch-up's)."""
    horizon = (now + timedelta(days=1)).date()
    rows = (
        await session.execute(
            select(Program.id, Program.ends_on, Organization.timezone)
            .join(Organization, Organization.id == Program.org_id)
            .where(
                Program.status == ProgramStatus.ACTIVE,
                Program.completion_asked_at.is_(None),
                Program.ends_on <= horizon,
            )
            .order_by(Program.ends_on, Program.id)
            .limit(500)
        )
    ).all()
    today: dict[str, date] = {}
    due_ids = []
    for program_id, ends_on, zone in rows:
        if zone not in today:
            today[zone] = today_in(zone, now)
        if today[zone] >= ends_on:
            due_ids.append(program_id)
    if not due_ids:
        return 0
    claimed = (
        await session.execute(
            update(Program)
            .where(
                Program.id.in_(due_ids),
                Program.status == ProgramStatus.ACTIVE,
                Program.completion_asked_at.is_(None),
            )
            .values(completion_asked_at=now)
            .returning(Program.id, Program.org_id, Program.ends_on)
            .execution_options(synchronize_session=False)
        )
    ).all()
    if not claimed:
        return 0
    curators: dict[int, list[tuple[int, int]]] = {}
    for org_id, user_id, tg_id in await session.execute(
        select(Membership.org_id, User.id, User.tg_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.org_id.in_({row.org_id for row in claimed}),
            Membership.role == Role.CURATOR,
            Membership.removed_at.is_(None),
            User.forgotten_at.is_(None),
            User.tg_id.is_not(None),
        )
        .order_by(Membership.org_id, User.id)
        .distinct()
    ):
        curators.setdefault(org_id, []).append((user_id, tg_id))
    # The plan is done when it has occurrences of live items and every one is done.
    done = {
        program_id
        for program_id, total, finished in await session.execute(
            select(
                PlanOccurrence.program_id,
                func.count(PlanOccurrence.id),
                func.count(PlanOccurrence.done_at),
            )
            .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
            .where(
                PlanOccurrence.program_id.in_([row.id for row in claimed]),
                PlanItem.removed_at.is_(None),
            )
            .group_by(PlanOccurrence.program_id)
        )
        if total and total == finished
    }
    notices: list[dict[str, Any]] = []
    for program_id, org_id, ends_on in claimed:
        args = {"program": program_id, "end": format_day(ends_on), "done": int(program_id in done)}
        for user_id, tg_id in curators.get(org_id, []):
            notices.append(
                dict(
                    chat_id=tg_id,
                    user_id=user_id,
                    org_id=org_id,
                    kind=END_ASK,
                    ref_kind="program",
                    ref_id=program_id,
                    author_id=None,
                    args=args,
                    silent=False,
                    due_at=now,
                    expires_at=None,
                    status=OutboxStatus.PENDING,
                    attempts=0,
                    dedupe_key=f"endask:{program_id}:{ends_on.isoformat()}:{user_id}",
                    created_at=now,
                )
            )
    if notices:
        # One statement compiled once, run for every row (executemany).
        box = OutboxMessage.__table__
        stmt = insert_ignore(session, box).on_conflict_do_nothing(index_elements=["dedupe_key"])
        await session.execute(stmt, notices)
    return len(notices)


async def pending_for(session: AsyncSession, user_id: int, program_id: int) -> list[Proposal]:
    """Proposals of the program still waiting for this person's answer."""
    rows = await session.scalars(
        select(Proposal)
        .join(ProposalVote, ProposalVote.proposal_id == Proposal.id)
        .where(
            Proposal.program_id == program_id,
            Proposal.status == ProposalStatus.PENDING,
            ProposalVote.user_id == user_id,
            ProposalVote.decision.is_(None),
        )
        .order_by(Proposal.id)
    )
    return list(rows.all())


async def hand_over_mentor(
    session: AsyncSession, mentor_id: int, org_id: int, curator_id: int | None, now: datetime
) -> list[Proposal]:
    """A mentor who lost the mentor role in school `org_id` (called after the removal):
    each of their active programs there waits for a curator to pick the new mentor (a
    release proposal only the curators answer; the same buttons as a mentee's request).
    Until then the program keeps its mentor.

    Their inter-school programs (another school's, README "Inter-school pairs") are handed
    over too when they are a mentor of no school any more: the school that lent them
    was then this one (or one they left before). The curators of the program's own school
    pick, offered its mentors and this school's (the proposal names it in `lent_from`).
    While they still mentor somewhere, another school may be the lender: those programs
    stay."""
    still_mentor = await session.scalar(
        select(Membership.id)
        .where(
            Membership.user_id == mentor_id,
            Membership.role == Role.MENTOR,
            Membership.removed_at.is_(None),
        )
        .limit(1)
    )
    mine = select(Program).where(
        Program.mentor_id == mentor_id, Program.status == ProgramStatus.ACTIVE
    )
    if still_mentor is not None:
        mine = mine.where(Program.org_id == org_id)
    programs = list((await session.scalars(mine.order_by(Program.id))).all())
    made = []
    mentor = await session.get(User, mentor_id)
    for program in programs:
        if await _pending_of(session, program.id, ProposalKind.RELEASE) is not None:
            continue
        curators = await lifecycle.curator_ids_of(session, program)
        if not curators:
            continue
        proposal = Proposal(
            program_id=program.id,
            kind=ProposalKind.RELEASE,
            status=ProposalStatus.PENDING,
            proposed_by=curator_id,
            reason=None,
            payload={"removed": True}
            if program.org_id == org_id
            else {"removed": True, "lent_from": [org_id]},
            created_at=now,
        )
        session.add(proposal)
        await session.flush()
        for user_id in curators:
            session.add(ProposalVote(proposal_id=proposal.id, user_id=user_id, party="curator"))
        await session.flush()
        await log_step(session, proposal, "proposed", curator_id, now, mentor=mentor_id)
        schools = await mentor_schools(session, program, proposal)
        await lifecycle.notify(
            session,
            program,
            curators,
            ASK_REMOVED,
            now,
            key=f"proposal:{proposal.id}:ask",
            ref=("proposal", proposal.id),
            mentor=mentor.display_name if mentor else "",
            mentors=await mentor_choices(session, program, schools, mentor_id),
        )
        made.append(proposal)
    return made


async def _hand_votes_over(
    session: AsyncSession, program: Program, old_mentor_id: int, now: datetime
) -> None:
    """The program's mentor changed (after lifecycle.change_mentor, which sits a layer
    below the proposals): the old mentor's unanswered votes on its pending proposals pass
    to the new mentor, who is asked; an answer the old mentor gave stays as history.
    Requests for a new mentor are not handed over: the change closed them. Where the new
    mentor already answers a proposal as a curator, that one row becomes the mentor's."""
    new_mentor_id = program.mentor_id
    rows = await session.scalars(
        select(ProposalVote.proposal_id)
        .join(Proposal, Proposal.id == ProposalVote.proposal_id)
        .where(
            Proposal.program_id == program.id,
            Proposal.status == ProposalStatus.PENDING,
            Proposal.kind.not_in([ProposalKind.CHANGE_MENTOR, ProposalKind.RELEASE]),
            ProposalVote.user_id == old_mentor_id,
            ProposalVote.party == "mentor",
            ProposalVote.decision.is_(None),
        )
        .order_by(ProposalVote.proposal_id)
    )
    proposal_ids = list(rows.all())
    if not proposal_ids:
        return
    already = set(
        (
            await session.scalars(
                select(ProposalVote.proposal_id).where(
                    ProposalVote.proposal_id.in_(proposal_ids),
                    ProposalVote.user_id == new_mentor_id,
                )
            )
        ).all()
    )
    old_rows = (ProposalVote.user_id == old_mentor_id) & ProposalVote.decision.is_(None)
    if already:
        await session.execute(
            delete(ProposalVote)
            .where(ProposalVote.proposal_id.in_(already), old_rows)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(ProposalVote)
            .where(ProposalVote.proposal_id.in_(already), ProposalVote.user_id == new_mentor_id)
            .values(party="mentor")
            .execution_options(synchronize_session=False)
        )
    moved = [p for p in proposal_ids if p not in already]
    if moved:
        await session.execute(
            update(ProposalVote)
            .where(ProposalVote.proposal_id.in_(moved), old_rows)
            .values(user_id=new_mentor_id)
            .execution_options(synchronize_session=False)
        )
    # The old mentor's ask still waiting (quiet hours) would only bring a refusal.
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.ref_kind == "proposal",
            OutboxMessage.ref_id.in_(proposal_ids),
            OutboxMessage.user_id == old_mentor_id,
            OutboxMessage.kind.in_(ASK_KINDS),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    for proposal_id in moved:
        proposal = await session.get(Proposal, proposal_id)
        assert proposal is not None
        await _ask(session, program, proposal, [new_mentor_id], now)
