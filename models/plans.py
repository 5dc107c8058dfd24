"""The plan of a personalized program: items with a direction, a form of activity, a
deadline of one of the kinds of DESIGN §4, an expected result and criteria. Every item
expands into occurrences, each with its own completion mark: a dated item has one, a
recurring one has one per quarter or half-year, an item "as questions arise" has one with
no due day."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models import audit, outbox
from models.calendar import (
    WorkSchedule,
    school_quarters,
    school_year_of,
    today_in,
)
from models.dates import format_day
from models.db import Base, UTCDateTime
from models.errors import RuleError
from models.people import NAMELESS, Direction, Membership, Organization, Role, User
from models.programs import (
    LIVE,
    Program,
    ProgramMentee,
    ProgramStatus,
    lock_program,
)
from models.runtime import insert_ignore


class DeadlineKind(enum.StrEnum):
    DATE = "date"  # {"date": "2026-12-01"}
    RELATIVE = "relative"  # {"days": 30} after the program's start
    QUARTER = "quarter"  # {"quarter": 1}: within school quarter N of the calendar
    RECURRING = "recurring"  # {"every": "quarter" | "half_year"}
    SCHEDULE = "schedule"  # {"dates": ["2026-12-01", ...]}
    AS_NEEDED = "as_needed"  # {}: as questions arise, no deadline


class PlanItem(Base):
    __tablename__ = "plan_items"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    direction: Mapped[str | None] = mapped_column(String(32))
    activity_form: Mapped[str | None] = mapped_column(Text)
    deadline_kind: Mapped[str] = mapped_column(String(16))
    deadline_spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expected_result: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    prevention: Mapped[str | None] = mapped_column(Text)
    template_key: Mapped[str | None] = mapped_column(String(48))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PlanOccurrence(Base):
    """One completion mark of an item. `next_alert_at` is the next moment the tick's
    catch-up has something to say about it (a reminder before the day, on the day, an
    overdue flag to the pair, then to the curator); `alert_stage` says which were said."""

    __tablename__ = "plan_occurrences"
    __table_args__ = (
        Index("ix_plan_occurrences_next_alert_at", "next_alert_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("plan_items.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer, default=1)
    window_start: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    alert_stage: Mapped[int] = mapped_column(Integer, default=0)
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# Rules and errors ----------------------------------------------------------------------

TITLE_MAX = 300
TEXT_MAX = 2000
NOTE_MAX = 1000
SCHEDULE_MAX = 24
RELATIVE_MAX_DAYS = 400
TEMPLATE_KEY = "teacher_teacher"
TEMPLATE_FILE = Path(__file__).parent / "templates" / f"{TEMPLATE_KEY}.json"
# The reminder notices of a plan occurrence (locale keys); all refer to ("plan", occ id).
REMIND_BEFORE = "plan-remind-before"
REMIND_TODAY = "plan-remind-today"
OVERDUE = "plan-overdue"
REMINDER_KINDS = (REMIND_BEFORE, REMIND_TODAY, OVERDUE)
STAGE_KINDS = {1: REMIND_BEFORE, 2: REMIND_TODAY, 3: OVERDUE}
# Stage 4 is not a notice per item: a curator gets one summary a day of the programs
# whose items reached it (args "programs": [[program id, mentees, mentor, items, oldest
# days overdue], ...], most overdue first), no reference, dedupe key per local day.
OVERDUE_CURATOR = "plan-overdue-summary"
# A new or changed occurrence is first looked at this many days before its day (local
# midnight), or at once when that has passed; the catch-up then works out its real
# stages with the configured settings. PLAN_REMIND_DAYS_BEFORE may not exceed it.
WAKE_DAYS = 14
# A reminder before the day may move back over days off to a working day (the New Year
# holidays with their weekends are the longest run): the first look comes that much earlier.
WAKE_SLACK_DAYS = 12
EDITABLE = ("title", "direction", "activity_form", "expected_result", "criteria")


class PlanError(RuleError):
    """A rule of the plan is broken."""


def clean_title(text: str | None) -> str:
    title = " ".join((text or "").split())
    if not title:
        raise PlanError("plan-err-title-empty")
    if len(title) > TITLE_MAX:
        raise PlanError("plan-err-title-long", max=TITLE_MAX, length=len(title))
    return title


def clean_text(text: str | None, limit: int = TEXT_MAX) -> str | None:
    value = (text or "").strip()
    if not value or value == "-":
        return None
    if len(value) > limit:
        raise PlanError("plan-err-text-long", max=limit, length=len(value))
    return value


def check_direction(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if value not in {d.value for d in Direction}:
        raise PlanError("plan-err-direction")
    return value


def _day(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PlanError("plan-err-deadline") from None


def _inside(program: Program, day: date) -> date:
    if not program.starts_on <= day <= program.ends_on:
        raise PlanError(
            "plan-err-outside",
            date=format_day(day),
            start=format_day(program.starts_on),
            end=format_day(program.ends_on),
        )
    return day


# Expanding a deadline into occurrences ---------------------------------------------------

Window = tuple[date | None, date | None]  # (window_start, due_on)


def _overlapping(program: Program, periods: list[tuple[date, date]]) -> list[Window]:
    windows: list[Window] = []
    for start, end in periods:
        if end < program.starts_on or start > program.ends_on:
            continue
        windows.append((max(start, program.starts_on), min(end, program.ends_on)))
    return windows


def first_quarter_of(
    program: Program, org_calendar: dict[str, Any] | None, since: date | None = None
) -> dict[str, int]:
    """The spec of the first school quarter the program overlaps that is not over before
    `since` (a template's «1st quarter» for a program that starts, or takes the template,
    later in the year)."""
    first = max(program.starts_on, since or program.starts_on)
    for year, number, start, end in school_quarters(
        org_calendar, program.starts_on, program.ends_on
    ):
        if end >= first and start <= program.ends_on:
            return {"quarter": number, "year": year}
    raise PlanError(
        "plan-err-no-quarter",
        quarter=1,
        start=format_day(program.starts_on),
        end=format_day(program.ends_on),
    )


def expand(
    program: Program, kind: str, spec: dict[str, Any], org_calendar: dict[str, Any] | None
) -> list[Window]:
    """The occurrences a deadline makes in this program; PlanError when it does not fit."""
    if kind == DeadlineKind.DATE:
        if spec.get("at") == "end":
            return [(None, program.ends_on)]
        return [(None, _inside(program, _day(spec.get("date"))))]
    if kind == DeadlineKind.RELATIVE:
        days = spec.get("days")
        if (
            not isinstance(days, int)
            or isinstance(days, bool)
            or not 0 <= days <= RELATIVE_MAX_DAYS
        ):
            raise PlanError("plan-err-deadline")
        return [(None, _inside(program, program.starts_on + timedelta(days=days)))]
    if kind == DeadlineKind.QUARTER:
        number = spec.get("quarter")
        if number not in (1, 2, 3, 4):
            raise PlanError("plan-err-quarter")
        year = spec.get("year")
        for q_year, q_number, start, end in school_quarters(
            org_calendar, program.starts_on, program.ends_on
        ):
            if q_number != number or (year is not None and q_year != year):
                continue
            if end < program.starts_on or start > program.ends_on:
                continue
            return [(max(start, program.starts_on), min(end, program.ends_on))]
        raise PlanError(
            "plan-err-no-quarter",
            quarter=number,
            start=format_day(program.starts_on),
            end=format_day(program.ends_on),
        )
    if kind == DeadlineKind.RECURRING:
        every = spec.get("every")
        quarters = school_quarters(org_calendar, program.starts_on, program.ends_on)
        if every == "quarter":
            periods = [(start, end) for _, _, start, end in quarters]
        elif every == "half_year":
            by_year: dict[int, list[tuple[date, date]]] = {}
            for year, _, start, end in quarters:
                by_year.setdefault(year, []).append((start, end))
            periods = []
            for halves in by_year.values():
                for part in (halves[:2], halves[2:]):
                    if part:
                        periods.append((part[0][0], part[-1][1]))
        else:
            raise PlanError("plan-err-deadline")
        windows = _overlapping(program, periods)
        first = program.starts_on
        if spec.get("from"):
            # Added to a running program: the periods over before that day are not asked for.
            first = max(first, _day(spec["from"]))
            windows = [(start, due) for start, due in windows if due is not None and due >= first]
        # A program that lies wholly in the summer still gets one mark, due at its end.
        return windows or [(first, program.ends_on)]
    if kind == DeadlineKind.SCHEDULE:
        raw = spec.get("dates")
        if not isinstance(raw, list) or not raw:
            raise PlanError("plan-err-schedule-empty")
        if len(raw) > SCHEDULE_MAX:
            raise PlanError("plan-err-schedule-long", max=SCHEDULE_MAX)
        days = sorted({_inside(program, _day(value)) for value in raw})
        return [(None, day) for day in days]
    if kind == DeadlineKind.AS_NEEDED:
        return [(None, None)]
    raise PlanError("plan-err-deadline")


def normal_spec(kind: str, spec: dict[str, Any], program: Program) -> dict[str, Any]:
    """The spec as stored: dates as ISO strings; «at the program's end» stays symbolic."""
    if kind == DeadlineKind.DATE:
        if spec.get("at") == "end":
            return {"at": "end"}  # follows the program's end when its dates change
        return {"date": _day(spec.get("date")).isoformat()}
    if kind == DeadlineKind.SCHEDULE:
        return {"dates": sorted({_day(v).isoformat() for v in spec.get("dates") or []})}
    return dict(spec)


def wake_at(due_on: date | None, zone: str, now: datetime) -> datetime | None:
    """When the catch-up first looks at an open occurrence due on `due_on`."""
    if due_on is None:
        return None
    first_look = due_on - timedelta(days=WAKE_DAYS + WAKE_SLACK_DAYS)
    local = datetime.combine(first_look, time(0, 0), ZoneInfo(zone))
    return max(local.astimezone(UTC), now)


def fresh_spec(program: Program, kind: str, spec: dict[str, Any], today: date) -> dict[str, Any]:
    """The spec of a deadline set today: a recurring item set in a running program asks
    for no mark of a period that is already over (it starts «from» today)."""
    spec = dict(spec)
    if kind == DeadlineKind.RECURRING and today > program.starts_on:
        spec["from"] = today.isoformat()
    return spec


def check_not_past(
    program: Program, kind: str, spec: dict[str, Any], windows: list[Window], today: date
) -> None:
    """A deadline set today may not have passed already: it would be overdue (and the
    curator told) before the pair could do anything. Due today is fine."""
    past = [due for _, due in windows if due is not None and due < today]
    if not past:
        return
    if kind == DeadlineKind.RELATIVE:
        raise PlanError(
            "plan-err-past-days",
            days=spec.get("days", 0),
            date=format_day(past[0]),
            today=format_day(today),
            min=(today - program.starts_on).days,
        )
    raise PlanError("plan-err-past", date=format_day(past[0]), today=format_day(today))


def new_windows(
    program: Program,
    kind: str,
    spec: dict[str, Any],
    org_calendar: dict[str, Any] | None,
    today: date,
) -> tuple[dict[str, Any], list[Window]]:
    """(the spec as set today, its occurrences) of a deadline being set now; PlanError
    when it does not fit or has passed."""
    spec = fresh_spec(program, kind, spec, today)
    windows = expand(program, kind, spec, org_calendar)
    check_not_past(program, kind, spec, windows, today)
    return spec, windows


# Items ---------------------------------------------------------------------------------


async def _org(session: AsyncSession, program: Program) -> Organization:
    org = await session.get(Organization, program.org_id)
    assert org is not None
    return org


def _check_live(program: Program) -> None:
    if program.status not in LIVE:
        raise PlanError("plan-err-program-closed", program=program.id)


async def _add_occurrences(
    session: AsyncSession,
    item: PlanItem,
    windows: list[Window],
    zone: str,
    now: datetime,
    first_seq: int = 1,
) -> list[PlanOccurrence]:
    occurrences = [
        PlanOccurrence(
            item_id=item.id,
            program_id=item.program_id,
            seq=first_seq + index,
            window_start=start,
            due_on=due,
            alert_stage=0,
            next_alert_at=wake_at(due, zone, now),
        )
        for index, (start, due) in enumerate(windows)
    ]
    session.add_all(occurrences)
    await session.flush()
    return occurrences


async def check_item(
    session: AsyncSession,
    program: Program,
    *,
    title: str,
    deadline_kind: str,
    deadline_spec: dict[str, Any] | None = None,
    direction: str | None = None,
    now: datetime,
    **texts: str | None,
) -> None:
    """What add_item checks, writing nothing (a proposal's change is checked up front)."""
    _check_live(program)
    clean_title(title)
    check_direction(direction)
    for value in texts.values():
        clean_text(value)
    org = await _org(session, program)
    new_windows(
        program, deadline_kind, dict(deadline_spec or {}), org.calendar, today_in(org.timezone, now)
    )


async def add_item(
    session: AsyncSession,
    program: Program,
    actor_id: int | None,
    now: datetime,
    *,
    title: str,
    deadline_kind: str,
    deadline_spec: dict[str, Any] | None = None,
    direction: str | None = None,
    activity_form: str | None = None,
    expected_result: str | None = None,
    criteria: str | None = None,
    risks: str | None = None,
    prevention: str | None = None,
    template_key: str | None = None,
) -> PlanItem:
    """Check, write the item and its occurrences, log it. A deadline already past is
    refused; a recurring one set in a running program starts with the current period."""
    _check_live(program)
    org = await _org(session, program)
    spec, windows = new_windows(
        program, deadline_kind, dict(deadline_spec or {}), org.calendar, today_in(org.timezone, now)
    )
    position = await session.scalar(
        select(func.coalesce(func.max(PlanItem.position), 0)).where(
            PlanItem.program_id == program.id
        )
    )
    item = PlanItem(
        program_id=program.id,
        position=int(position or 0) + 1,
        title=clean_title(title),
        direction=check_direction(direction),
        activity_form=clean_text(activity_form),
        deadline_kind=str(deadline_kind),
        deadline_spec=normal_spec(deadline_kind, spec, program),
        expected_result=clean_text(expected_result),
        criteria=clean_text(criteria),
        risks=clean_text(risks),
        prevention=clean_text(prevention),
        template_key=template_key,
        created_by=actor_id,
        created_at=now,
    )
    session.add(item)
    await session.flush()
    await _add_occurrences(session, item, windows, org.timezone, now)
    await audit.record(
        session,
        program.id,
        actor_id,
        "item-added",
        now,
        item=item.id,
        title=item.title,
        deadline=deadline_kind,
        occurrences=len(windows),
    )
    return item


async def _live_item(session: AsyncSession, program: Program, item_id: int) -> PlanItem:
    item = await session.get(PlanItem, item_id)
    if item is None or item.program_id != program.id or item.removed_at is not None:
        raise PlanError("plan-err-no-item", item=item_id)
    return item


async def _edit_values(
    session: AsyncSession, program: Program, item_id: int, changes: dict[str, Any], now: datetime
) -> tuple[PlanItem, dict[str, Any], list[Window] | None]:
    """The checked new values of an item and, for a new deadline, its windows."""
    _check_live(program)
    item = await _live_item(session, program, item_id)
    unknown = set(changes) - {*EDITABLE, "deadline_kind", "deadline_spec"}
    if unknown or not changes:
        raise PlanError("plan-err-payload")
    values: dict[str, Any] = {}
    if "title" in changes:
        values["title"] = clean_title(changes["title"])
    if "direction" in changes:
        values["direction"] = check_direction(changes["direction"])
    for name in ("activity_form", "expected_result", "criteria"):
        if name in changes:
            values[name] = clean_text(changes[name])
    windows: list[Window] | None = None
    if "deadline_kind" in changes or "deadline_spec" in changes:
        org = await _org(session, program)
        kind = str(changes.get("deadline_kind", item.deadline_kind))
        spec, windows = new_windows(
            program,
            kind,
            dict(changes.get("deadline_spec") or {}),
            org.calendar,
            today_in(org.timezone, now),
        )
        values["deadline_kind"] = kind
        values["deadline_spec"] = normal_spec(kind, spec, program)
    return item, values, windows


async def check_edit(
    session: AsyncSession, program: Program, item_id: int, *, now: datetime, **changes: Any
) -> PlanItem:
    """What edit_item checks, writing nothing (a proposal's change is checked up front)."""
    item, _, _ = await _edit_values(session, program, item_id, changes, now)
    return item


async def edit_item(
    session: AsyncSession,
    program: Program,
    item_id: int,
    actor_id: int | None,
    now: datetime,
    *,
    reason: str | None = None,
    **changes: Any,
) -> PlanItem:
    """Change an item's texts, direction or deadline. A new deadline re-expands the open
    occurrences (and their reminders) as a refit does; those already done keep their marks."""
    item, values, windows = await _edit_values(session, program, item_id, changes, now)
    for name, value in values.items():
        setattr(item, name, value)
    if windows is not None:
        org = await _org(session, program)
        line = next(ln for ln in await plan_of(session, program.id) if ln.item.id == item.id)
        await _refit_item(session, line, windows, org.timezone, now)
    await session.flush()
    await audit.record(
        session,
        program.id,
        actor_id,
        "plan-changed",
        now,
        reason=reason,
        op="edit",
        item=item.id,
        title=item.title,
        fields=sorted(values),
    )
    return item


async def remove_item(
    session: AsyncSession,
    program: Program,
    item_id: int,
    actor_id: int | None,
    now: datetime,
    *,
    reason: str | None = None,
) -> PlanItem:
    """Soft removal: the item and its marks stay for the history, its reminders stop."""
    _check_live(program)
    item = await _live_item(session, program, item_id)
    item.removed_at = now
    open_ids = (
        await session.scalars(
            select(PlanOccurrence.id).where(
                PlanOccurrence.item_id == item.id, PlanOccurrence.done_at.is_(None)
            )
        )
    ).all()
    for occurrence_id in open_ids:
        await outbox.cancel_by_ref(session, "plan", occurrence_id, REMINDER_KINDS)
    await session.execute(
        update(PlanOccurrence).where(PlanOccurrence.item_id == item.id).values(next_alert_at=None)
    )
    await audit.record(
        session,
        program.id,
        actor_id,
        "plan-changed",
        now,
        reason=reason,
        op="remove",
        item=item.id,
        title=item.title,
    )
    return item


def _clamp(program: Program, day: date) -> date:
    return min(max(day, program.starts_on), program.ends_on)


async def _refit_item(
    session: AsyncSession, line: PlanLine, windows: list[Window], zone: str, now: datetime
) -> bool:
    """The open marks of an item become `windows`, less what a mark done already covers:
    a recurring period a mark done overlaps (its window may have been longer or shorter
    under the old dates), a scheduled day done, any window of a one-off item done. Marks
    done stay. An open mark whose day stays keeps its row (number, reminders already
    said: nothing is said again), its window following the new one; a mark whose day is
    gone goes with its waiting reminders; a new day gets a new mark. False when nothing
    changes."""
    item, occurrences = line.item, line.occurrences
    done = [o for o in occurrences if o.done_at is not None]
    still_open = [o for o in occurrences if o.done_at is None]
    if item.deadline_kind == DeadlineKind.RECURRING:
        # A period a mark done overlaps needs no other.
        windows = [
            (start, due) for start, due in windows if not any(_covers(d, start, due) for d in done)
        ]
    elif item.deadline_kind == DeadlineKind.SCHEDULE:
        done_days = {d.due_on for d in done}
        windows = [(start, due) for start, due in windows if due not in done_days]
    elif done:
        windows = []
    wanted = list(dict.fromkeys(windows))  # one mark per window
    unmatched = []
    for occurrence in still_open:
        key = (occurrence.window_start, occurrence.due_on)
        if key in wanted:
            wanted.remove(key)
        else:
            unmatched.append(occurrence)
    moved, gone = False, []
    for occurrence in unmatched:
        # The same day with another window start (a period cut or grown at its start):
        # the reminders depend on the day only, so the row stays.
        same_day = next(
            (w for w in wanted if occurrence.due_on is not None and w[1] == occurrence.due_on),
            None,
        )
        if same_day is None:
            gone.append(occurrence.id)
            continue
        wanted.remove(same_day)
        occurrence.window_start = same_day[0]
        moved = True
    for occurrence_id in gone:
        await outbox.cancel_by_ref(session, "plan", occurrence_id, REMINDER_KINDS)
    if gone:
        await session.execute(delete(PlanOccurrence).where(PlanOccurrence.id.in_(gone)))
    if wanted:
        last = max((o.seq for o in occurrences), default=0)
        await _add_occurrences(session, item, wanted, zone, now, last + 1)
    await session.flush()
    return bool(moved or gone or wanted)


def _covers(done: PlanOccurrence, start: date | None, due: date | None) -> bool:
    """Whether a mark done overlaps the period (start, due)."""
    if done.due_on is None or due is None:
        return False
    return (done.window_start or done.due_on) <= due and done.due_on >= (start or due)


async def refit(
    session: AsyncSession, program: Program, actor_id: int | None, now: datetime
) -> int:
    """After the program's dates changed (an extension, a shortening): the open marks of
    every item follow the new dates. Recurring items gain or lose periods, «at the end»
    moves with the end, a deadline now outside the program moves to its nearest edge;
    marks already done stay. Returns how many items changed."""
    org = await _org(session, program)
    changed = 0
    for line in await plan_of(session, program.id):
        windows = _refit_windows(program, line, org.calendar)
        if await _refit_item(session, line, windows, org.timezone, now):
            changed += 1
    if changed:
        await audit.record(session, program.id, actor_id, "plan-changed", now, op="refit")
    return changed


def _refit_windows(
    program: Program, line: PlanLine, org_calendar: dict[str, Any] | None
) -> list[Window]:
    """An item's windows under the program's new dates. A schedule keeps its days inside
    the program (those outside wait for an extension: the spec keeps them); a deadline
    that no longer fits moves to the program's nearest edge, one mark per window."""
    item = line.item
    spec = item.deadline_spec or {}
    try:
        if item.deadline_kind != DeadlineKind.SCHEDULE:
            return expand(program, item.deadline_kind, spec, org_calendar)
        days = sorted({_day(value) for value in spec.get("dates") or []})
        inside = [day for day in days if program.starts_on <= day <= program.ends_on]
        if inside:
            return [(None, day) for day in inside]
    except PlanError:
        pass
    clamped = [
        (
            _clamp(program, o.window_start) if o.window_start else None,
            _clamp(program, o.due_on) if o.due_on else None,
        )
        for o in line.occurrences
        if o.done_at is None
    ]
    return list(dict.fromkeys(clamped))


def load_template() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(TEMPLATE_FILE.read_text("utf-8"))["items"]
    return items


async def has_items(session: AsyncSession, program_id: int) -> bool:
    found = await session.scalar(
        select(PlanItem.id)
        .where(PlanItem.program_id == program_id, PlanItem.removed_at.is_(None))
        .limit(1)
    )
    return found is not None


def template_deadline(
    program: Program,
    kind: str,
    spec: dict[str, Any],
    org_calendar: dict[str, Any] | None,
    today: date,
) -> tuple[str, dict[str, Any]]:
    """A template entry's deadline in this program, taken on `today`. The roadmap starts
    when the pair takes it: in a program already running, «N days after the start» counts
    from today (the first steps are due today, the later ones keep their distance from
    them), up to the program's end; a «1st quarter» is that quarter of the school year
    the program starts (or is taken) in, and when the program does not reach it or it is
    over, the first quarter not over yet (the program's end when none is left); the spec
    always names the school year, so a quarter never slips to the next year's.
    Recurring periods already over are left out by add_item."""
    spec = dict(spec)
    if kind == DeadlineKind.RELATIVE:
        late = max((today - program.starts_on).days, 0)
        length = (program.ends_on - program.starts_on).days
        spec["days"] = min(int(spec.get("days", 0)) + late, length)
    elif kind == DeadlineKind.QUARTER:
        spec.setdefault("year", school_year_of(max(program.starts_on, today)))
        try:
            windows = expand(program, kind, spec, org_calendar)
        except PlanError:
            windows = []
        if not windows or any(due is not None and due < today for _, due in windows):
            try:
                spec = first_quarter_of(program, org_calendar, today)
            except PlanError:
                return DeadlineKind.DATE, {"at": "end"}
    return kind, spec


async def apply_template(
    session: AsyncSession, program: Program, actor_id: int | None, now: datetime
) -> list[PlanItem]:
    """The «Учитель–учитель» roadmap of seed 001 as the plan of an empty program, its
    deadlines counted from the day it is taken (template_deadline): nothing in it is
    overdue the moment it is taken."""
    _check_live(program)
    await lock_program(session, program.id)  # the pair pressing it at once: one template
    if await has_items(session, program.id):
        raise PlanError("plan-err-not-empty")
    org = await _org(session, program)
    today = today_in(org.timezone, now)
    items = []
    for entry in load_template():
        kind, spec = template_deadline(
            program, entry["deadline_kind"], entry["deadline_spec"], org.calendar, today
        )
        fields = {
            name: entry.get(name)
            for name in (
                "title",
                "direction",
                "activity_form",
                "expected_result",
                "criteria",
                "risks",
                "prevention",
            )
        }
        items.append(
            await add_item(
                session,
                program,
                actor_id,
                now,
                deadline_kind=kind,
                deadline_spec=spec,
                template_key=TEMPLATE_KEY,
                **fields,
            )
        )
    return items


async def apply_change(
    session: AsyncSession,
    program: Program,
    payload: dict[str, Any],
    actor_id: int | None,
    now: datetime,
    *,
    reason: str | None = None,
) -> PlanItem | list[PlanItem]:
    """A plan change agreed as a proposal: {"op": "add", "item": {...}},
    {"op": "edit", "item_id": 5, "changes": {...}}, {"op": "remove", "item_id": 5} or
    {"op": "template"}. PlanError when it no longer fits."""
    op = payload.get("op")
    if op == "add" and isinstance(payload.get("item"), dict):
        fields = dict(payload["item"])
        if "title" not in fields or "deadline_kind" not in fields:
            raise PlanError("plan-err-payload")
        return await add_item(session, program, actor_id, now, **fields)
    if op == "edit" and isinstance(payload.get("changes"), dict):
        return await edit_item(
            session,
            program,
            int(payload.get("item_id", 0)),
            actor_id,
            now,
            reason=reason,
            **payload["changes"],
        )
    if op == "remove":
        return await remove_item(
            session, program, int(payload.get("item_id", 0)), actor_id, now, reason=reason
        )
    if op == "template":
        return await apply_template(session, program, actor_id, now)
    raise PlanError("plan-err-payload")


# Reading the plan ----------------------------------------------------------------------


@dataclass
class PlanLine:
    item: PlanItem
    occurrences: list[PlanOccurrence]


async def plan_of(session: AsyncSession, program_id: int) -> list[PlanLine]:
    """The items not removed, in order, each with its occurrences in order."""
    items = list(
        (
            await session.scalars(
                select(PlanItem)
                .where(PlanItem.program_id == program_id, PlanItem.removed_at.is_(None))
                .order_by(PlanItem.position, PlanItem.id)
            )
        ).all()
    )
    occurrences = (
        await session.scalars(
            select(PlanOccurrence)
            .where(PlanOccurrence.program_id == program_id)
            .order_by(PlanOccurrence.item_id, PlanOccurrence.seq)
        )
    ).all()
    by_item: dict[int, list[PlanOccurrence]] = {}
    for occurrence in occurrences:
        by_item.setdefault(occurrence.item_id, []).append(occurrence)
    return [PlanLine(item, by_item.get(item.id, [])) for item in items]


async def plan_done(session: AsyncSession, program_id: int) -> bool:
    """The plan has occurrences and every one of a live item is done."""
    live = select(PlanItem.id).where(PlanItem.removed_at.is_(None))
    base = select(PlanOccurrence.id).where(
        PlanOccurrence.program_id == program_id, PlanOccurrence.item_id.in_(live)
    )
    if await session.scalar(base.limit(1)) is None:
        return False
    open_one = await session.scalar(base.where(PlanOccurrence.done_at.is_(None)).limit(1))
    return open_one is None


async def progress(session: AsyncSession, program_id: int, today: date) -> tuple[int, int, int]:
    """(done, overdue, ahead) over the occurrences of items not removed, in one query."""
    not_done = PlanOccurrence.done_at.is_(None)
    row = (
        await session.execute(
            select(
                func.count(PlanOccurrence.done_at),
                func.sum(case((and_(not_done, PlanOccurrence.due_on < today), 1), else_=0)),
                func.sum(
                    case(
                        (
                            and_(
                                not_done,
                                or_(
                                    PlanOccurrence.due_on.is_(None), PlanOccurrence.due_on >= today
                                ),
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
            )
            .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
            .where(PlanOccurrence.program_id == program_id, PlanItem.removed_at.is_(None))
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def _party_of(user_id: int) -> Any:
    """Programs where the person is the mentor or a mentee, active."""
    return select(Program.id).where(
        Program.status == ProgramStatus.ACTIVE,
        or_(
            Program.mentor_id == user_id,
            Program.id.in_(
                select(ProgramMentee.program_id).where(ProgramMentee.mentee_id == user_id)
            ),
        ),
    )


async def is_party(session: AsyncSession, program_id: int, user_id: int) -> bool:
    found = await session.scalar(_party_of(user_id).where(Program.id == program_id))
    return found is not None


# Marking done --------------------------------------------------------------------------


DONE_NOTICE = "plan-done-notice"


async def _tell_done(
    session: AsyncSession,
    occurrence: PlanOccurrence,
    item: PlanItem | None,
    actor_id: int,
    note: str | None,
    now: datetime,
) -> None:
    """The other side of the pair learns of the mark."""
    program = await session.get(Program, occurrence.program_id)
    if program is None or item is None:
        return
    mentee_ids = (
        await session.scalars(
            select(ProgramMentee.mentee_id).where(ProgramMentee.program_id == program.id)
        )
    ).all()
    actor = await session.get(User, actor_id)
    for uid in [program.mentor_id, *mentee_ids]:
        if uid == actor_id:
            continue
        person = await session.get(User, uid)
        if person is None or person.tg_id is None or person.forgotten_at is not None:
            continue
        await outbox.enqueue(
            session,
            chat_id=person.tg_id,
            user_id=uid,
            org_id=program.org_id,
            kind=DONE_NOTICE,
            ref=("plan", occurrence.id),
            author_id=actor_id,
            args={
                "program": program.id,
                "title": item.title,
                "who": actor.display_name if actor else "",
                "note": note or "",
                "has_note": "yes" if note else "no",
                "due": format_day(occurrence.due_on) if occurrence.due_on else "",
            },
            now=now,
            dedupe_key=f"plan:{occurrence.id}:done:{uid}",
        )


class MarkResult(enum.StrEnum):
    DONE = "done"
    ALREADY = "already"
    DENIED = "denied"


async def mark_done(
    session: AsyncSession, occurrence_id: int, user_id: int, note: str | None, now: datetime
) -> tuple[MarkResult, PlanOccurrence | None]:
    """One atomic step: only an open occurrence of a live item of an active program the
    person is the mentor or a mentee of. Its waiting reminders are cancelled."""
    text = clean_text(note, NOTE_MAX)
    result = await session.execute(
        update(PlanOccurrence)
        .where(
            PlanOccurrence.id == occurrence_id,
            PlanOccurrence.done_at.is_(None),
            PlanOccurrence.program_id.in_(_party_of(user_id)),
            PlanOccurrence.item_id.in_(select(PlanItem.id).where(PlanItem.removed_at.is_(None))),
        )
        .values(done_at=now, done_by=user_id, note=text, next_alert_at=None)
        .execution_options(synchronize_session=False)
    )
    occurrence = await session.scalar(
        select(PlanOccurrence)
        .where(PlanOccurrence.id == occurrence_id)
        .execution_options(populate_existing=True)
    )
    if not result.rowcount:
        if (
            occurrence is not None
            and occurrence.done_at is not None
            and await is_party(session, occurrence.program_id, user_id)
        ):
            return MarkResult.ALREADY, occurrence
        return MarkResult.DENIED, None
    assert occurrence is not None
    await outbox.cancel_by_ref(session, "plan", occurrence_id, REMINDER_KINDS)
    item = await session.get(PlanItem, occurrence.item_id)
    await _tell_done(session, occurrence, item, user_id, text, now)
    await audit.record(
        session,
        occurrence.program_id,
        user_id,
        "item-done",
        now,
        item=occurrence.item_id,
        title=item.title if item else None,
        seq=occurrence.seq,
        note=text,
    )
    return MarkResult.DONE, occurrence


# Reminders: the tick's catch-up --------------------------------------------------------


@dataclass(frozen=True)
class AlertPolicy:
    days_before: int = 3
    remind_at: time = time(9, 0)
    curator_after_days: int = 7


# How far a reminder looks for a working day before giving up (a school calendar with
# no working day in a month is misconfigured; the reminder then keeps its own day).
WORKING_DAY_SEARCH = 31


def _working_day(schedule: WorkSchedule, day: date, step: int) -> date:
    """`day` if it is a working day of the school, else the nearest one in the direction
    of `step` (-1 back, +1 forward)."""
    probe = day
    for _ in range(WORKING_DAY_SEARCH):
        if schedule.is_working_day(probe):
            return probe
        probe += timedelta(days=step)
    return day


def stage_moments(due_on: date, schedule: WorkSchedule, policy: AlertPolicy) -> dict[int, datetime]:
    """When each stage of an occurrence due on `due_on` falls, in UTC, all at `remind_at`
    local time on working days of the school's week and calendar: 1 before the day (none
    when days_before is 0), moved back to the last working day at or before it; 2 on the
    day when it is a working day, else folded into 1 (then on the last working day before
    the day, even with days_before 0); 3 overdue to the pair the next day, 4 to the
    curators `curator_after_days` after the day, both moved on to the first working day
    at or after, 4 always after 3."""
    zone = schedule.zone

    def at(day: date) -> datetime:
        return datetime.combine(day, policy.remind_at, zone).astimezone(UTC)

    moments: dict[int, datetime] = {}
    due_works = schedule.is_working_day(due_on)
    if policy.days_before > 0 or not due_works:
        before = due_on - timedelta(days=max(policy.days_before, 1))
        moments[1] = at(_working_day(schedule, before, -1))
    if due_works:
        moments[2] = at(due_on)
    overdue = _working_day(schedule, due_on + timedelta(days=1), 1)
    curator = due_on + timedelta(days=max(policy.curator_after_days, 2))
    moments[3] = at(overdue)
    moments[4] = at(_working_day(schedule, max(curator, overdue + timedelta(days=1)), 1))
    return moments


def next_stage(
    stage: int, moments: dict[int, datetime], now: datetime
) -> tuple[int | None, datetime | None]:
    """(the latest stage past `stage` whose moment has come, or None; the moment of the
    first stage after that one, or None when all are said)."""
    reached = None
    for number in sorted(moments):
        if number > stage and moments[number] <= now:
            reached = number
    after = max(stage, reached or 0)
    upcoming = [moments[n] for n in sorted(moments) if n > after]
    return reached, (upcoming[0] if upcoming else None)


CATCH_UP_CHUNK = 5000


def _name(full_name: str | None, tg_name: str | None, user_id: int) -> str:
    for name in (full_name, tg_name):
        if name and name.strip():
            return name
    return f"{NAMELESS}{user_id}"


async def deadline_catch_up(
    session: AsyncSession,
    now: datetime,
    *,
    days_before: int = 3,
    remind_at: time = time(9, 0),
    curator_after_days: int = 7,
) -> int:
    """Reminders of plan deadlines that have come due: for each open occurrence whose
    `next_alert_at` has passed, only the latest stage that applies now is written (a bot
    that was down says nothing stale), each row expiring when the next stage takes over,
    due when the school's quiet hours end. The pair's stages are a row per item; the
    curators' (4) are gathered over the whole run into one summary per curator and local
    day (`_write_summaries`). Returns the number of rows written."""
    policy = AlertPolicy(days_before, remind_at, curator_after_days)
    summaries: dict[tuple[int, date], Summary] = {}
    written = 0
    while True:
        chunk = await _catch_up_chunk(session, now, policy, summaries)
        if chunk is None:
            return written + await _write_summaries(session, now, summaries)
        written += chunk


@dataclass
class Summary:
    """What one curator is told today: per program [mentees, mentor, items, oldest days]."""

    chat_id: int
    org_id: int
    due_at: datetime
    programs: dict[int, list[Any]]


async def _write_summaries(
    session: AsyncSession, now: datetime, summaries: dict[tuple[int, date], Summary]
) -> int:
    """One row per curator and local day, keyed `plan-overdue:<curator>:<day>`. The
    occurrences in it were claimed (stage 4) in this same transaction, so a later tick never
    lists them again. Should a later tick of the same day find more (an item moved, a bot
    that was down in between, a curator of schools in two zones), the day's row may be gone
    already: those go in an addendum keyed by the tick's moment, listing only the new ones."""
    if not summaries:
        return 0
    keys = {f"plan-overdue:{uid}:{day.isoformat()}": (uid, day) for uid, day in summaries}
    box = outbox.OutboxMessage.__table__
    taken = set(
        await session.scalars(select(box.c.dedupe_key).where(box.c.dedupe_key.in_(list(keys))))
    )
    rows = []
    for key, (uid, day) in keys.items():
        summary = summaries[(uid, day)]
        programs = sorted(summary.programs.items(), key=lambda kv: (-kv[1][3], kv[0]))
        rows.append(
            dict(
                chat_id=summary.chat_id,
                user_id=uid,
                org_id=summary.org_id,
                kind=OVERDUE_CURATOR,
                ref_kind=None,
                ref_id=None,
                author_id=None,
                args={
                    "count": len(programs),
                    "items": sum(p[2] for _, p in programs),
                    "programs": [[pid, *line] for pid, line in programs],
                },
                silent=False,
                due_at=summary.due_at,
                expires_at=None,
                status=outbox.OutboxStatus.PENDING,
                attempts=0,
                dedupe_key=f"{key}:{now.isoformat()}" if key in taken else key,
                created_at=now,
            )
        )
    stmt = insert_ignore(session, box).on_conflict_do_nothing(index_elements=["dedupe_key"])
    await session.execute(stmt, rows)
    return len(rows)


async def _catch_up_chunk(
    session: AsyncSession,
    now: datetime,
    policy: AlertPolicy,
    summaries: dict[tuple[int, date], Summary],
) -> int | None:
    rows = (
        await session.execute(
            select(
                PlanOccurrence.id,
                PlanOccurrence.due_on,
                PlanOccurrence.alert_stage,
                PlanOccurrence.program_id,
                PlanItem.title,
                PlanItem.removed_at,
                Program.org_id,
                Program.mentor_id,
                Program.status,
            )
            .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
            .join(Program, Program.id == PlanOccurrence.program_id)
            .where(PlanOccurrence.next_alert_at <= now, PlanOccurrence.done_at.is_(None))
            .order_by(PlanOccurrence.next_alert_at)
            .limit(CATCH_UP_CHUNK)
        )
    ).all()
    if not rows:
        return None
    org_ids = {row.org_id for row in rows}
    orgs = {
        org.id: org
        for org in await session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
    }
    schedules = {org_id: WorkSchedule.of(org) for org_id, org in orgs.items()}
    # Many marks share a school and a day: each (school, day) is worked out once.
    known: dict[tuple[int, date], dict[int, datetime]] = {}

    def moments_of(org_id: int, due_on: date) -> dict[int, datetime]:
        found = known.get((org_id, due_on))
        if found is None:
            found = known[(org_id, due_on)] = stage_moments(due_on, schedules[org_id], policy)
        return found

    # What each row says now: (occurrence row, stage reached or None, next alert).
    decided: list[tuple[Any, int | None, datetime | None]] = []
    for row in rows:
        if row.status != ProgramStatus.ACTIVE or row.removed_at is not None or row.due_on is None:
            decided.append((row, None, None))
            continue
        moments = moments_of(row.org_id, row.due_on)
        reached, upcoming = next_stage(row.alert_stage, moments, now)
        decided.append((row, reached, upcoming))
    pair_programs = {row.program_id for row, st, _ in decided if st is not None}
    curator_orgs = {row.org_id for row, st, _ in decided if st == 4}
    mentees: dict[int, list[int]] = {}
    if pair_programs:
        for program_id, mentee_id in await session.execute(
            select(ProgramMentee.program_id, ProgramMentee.mentee_id)
            .where(ProgramMentee.program_id.in_(pair_programs))
            .order_by(ProgramMentee.mentee_id)
        ):
            mentees.setdefault(program_id, []).append(mentee_id)
    curators: dict[int, list[int]] = {}
    if curator_orgs:
        for org_id, user_id in await session.execute(
            select(Membership.org_id, Membership.user_id)
            .where(
                Membership.org_id.in_(curator_orgs),
                Membership.role == Role.CURATOR,
                Membership.removed_at.is_(None),
            )
            .order_by(Membership.user_id)
        ):
            curators.setdefault(org_id, []).append(user_id)
    user_ids: set[int] = set()
    for row, stage, _ in decided:
        if stage is None:
            continue
        user_ids.add(row.mentor_id)
        user_ids.update(mentees.get(row.program_id, []))
        if stage == 4:
            user_ids.update(curators.get(row.org_id, []))
    users = {}
    if user_ids:
        for uid, tg_id, full_name, tg_name, reachable, forgotten in await session.execute(
            select(
                User.id, User.tg_id, User.full_name, User.tg_name, User.reachable, User.forgotten_at
            ).where(User.id.in_(user_ids))
        ):
            users[uid] = (
                tg_id if reachable and forgotten is None else None,
                _name(full_name, tg_name, uid),
            )
    notices: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row, stage, upcoming in decided:
        updates.append({"oid": row.id, "st": max(row.alert_stage, stage or 0), "nx": upcoming})
        if stage is None:
            continue
        schedule = schedules[row.org_id]
        moments = moments_of(row.org_id, row.due_on)
        due_at = schedule.quiet_ends_at(now)
        # It expires when the next stage takes over (a stage folded away does not count).
        expires_at = min((moments[n] for n in moments if n > stage), default=None)
        if expires_at is not None and expires_at <= due_at:
            continue  # it would be stale by the time quiet hours let it go
        today = today_in(str(schedule.zone), now)
        if stage == 4:  # into the curators' summaries: whose program, how many, how old
            overdue = (today - row.due_on).days
            for uid in curators.get(row.org_id, []):
                tg_id = users.get(uid, (None, ""))[0]
                if tg_id is None:
                    continue
                summary = summaries.get((uid, today))
                if summary is None:
                    summary = summaries[(uid, today)] = Summary(tg_id, row.org_id, due_at, {})
                summary.due_at = max(summary.due_at, due_at)
                line = summary.programs.get(row.program_id)
                if line is None:
                    line = summary.programs[row.program_id] = [
                        ", ".join(
                            users.get(m, (None, ""))[1] for m in mentees.get(row.program_id, [])
                        ),
                        users.get(row.mentor_id, (None, ""))[1],
                        0,
                        0,
                    ]
                line[2] += 1
                line[3] = max(line[3], overdue)
            continue
        recipients = [row.mentor_id, *mentees.get(row.program_id, [])]
        args = {
            "program": row.program_id,
            "title": row.title,
            "due": format_day(row.due_on),
            "days": (row.due_on - today).days,
            "overdue": (today - row.due_on).days,
        }
        for uid in recipients:
            tg_id = users.get(uid, (None, ""))[0]
            if tg_id is None:
                continue
            notices.append(
                dict(
                    chat_id=tg_id,
                    user_id=uid,
                    org_id=row.org_id,
                    kind=STAGE_KINDS[stage],
                    ref_kind="plan",
                    ref_id=row.id,
                    author_id=None,
                    args=args,
                    silent=False,
                    due_at=due_at,
                    expires_at=expires_at,
                    status=outbox.OutboxStatus.PENDING,
                    attempts=0,
                    dedupe_key=f"plan:{row.id}:s{stage}:{uid}",
                    created_at=now,
                )
            )
    table = PlanOccurrence.__table__
    await session.execute(
        update(table)
        .where(table.c.id == bindparam("oid"), table.c.done_at.is_(None))
        .values(alert_stage=bindparam("st"), next_alert_at=bindparam("nx")),
        updates,
    )
    if notices:
        # One statement compiled once, run for every row (executemany).
        box = outbox.OutboxMessage.__table__
        stmt = insert_ignore(session, box).on_conflict_do_nothing(index_elements=["dedupe_key"])
        await session.execute(stmt, notices)
    return len(notices)
