"""The curator's figures (issue 15, items 3, 5 and 6; DESIGN §4 «Curator reports»).

Every figure is an SQL aggregate: no rows are loaded into Python to be counted. What comes
back to Python is one row per group (per role, form, survey kind, characteristic, school,
day) and the first few names of each risk list.

- `Scope`: which schools (or all), optionally one program, and a period of local days
  (a school quarter by default; `all` for everything). `scope_for` parses `/report`'s
  argument.
- `summary`: the one-screen report of a scope.
- `rollup`: the admin's report, one line per organization plus totals.
- `chart_series`: survey averages per characteristic per quarter, questions per ISO week.
- `annual`: the figures of the final analytic report (formatted by bot/, helper D).

Conventions: a question counts in the period it was asked in (`asked_at`), `merged`
questions never count; a meeting in the period it starts in; a plan occurrence in the
period it is due in; a survey assignment in the period it names (`period`), or, when it
names none, in the period it was created in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from models.audit import AuditEntry
from models.calendar import (
    default_calendar,
    parse_period,
    period_bounds,
    period_label,
    period_of,
    school_year_of,
    today_in,
)
from models.meetings import Meeting, MeetingStatus
from models.people import Membership, Organization, Profile, Role, User
from models.plans import PlanItem, PlanOccurrence
from models.programs import LIVE, Program, ProgramMentee, ProgramStatus
from models.questions import Question, QuestionStatus
from models.surveys import CHARACTERISTICS, AssignmentStatus, SurveyAnswer, SurveyAssignment

SILENT_DAYS = 30  # an active pair with no question and no meeting this long is «silent»
RISK_NAMES_MAX = 10  # names shown per risk list; the count is always the full one
YOUNG_YEARS = 3  # a young specialist: at most this many years of experience
CHART_QUARTERS = 8  # quarters on the chart's survey panel
CHART_WEEKS_ALL = 26  # weeks on the chart's question panel for `all`
ALL = "all"


class ScopeError(ValueError):
    """A `/report` argument that names no period or program (`key` is the locale key)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Scope:
    """Which schools (None: every one), which program, which local days (None: all)."""

    org_ids: tuple[int, ...] | None
    program_id: int | None = None
    start: date | None = None
    end: date | None = None
    label: str = ALL  # "2026/27-Q2" or "all"
    zone: str = "Europe/Moscow"  # turns the period's days into instants

    @property
    def since(self) -> datetime | None:
        if self.start is None:
            return None
        return datetime.combine(self.start, time(), ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def until(self) -> datetime | None:
        if self.end is None:
            return None
        following = self.end + timedelta(days=1)
        return datetime.combine(following, time(), ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def quarter(self) -> bool:
        return self.label != ALL


def quarter_scope(
    org_ids: tuple[int, ...] | None,
    calendar: dict[str, Any] | None,
    zone: str,
    year: int,
    quarter: int,
    program_id: int | None = None,
) -> Scope:
    bounds = period_bounds(calendar, year, quarter)
    if bounds is None:
        raise ScopeError("report-bad-period")
    return Scope(org_ids, program_id, bounds[0], bounds[1], period_label(year, quarter), zone)


def scope_for(
    org_ids: tuple[int, ...] | None,
    org: Organization | None,
    arg: str,
    now: datetime,
    program_id: int | None = None,
) -> Scope:
    """The scope `/report <arg>` names: "" (the current school quarter of `org`, or of
    the default calendar when no one org), "2026/27-Q2", or "all"."""
    calendar = org.calendar if org is not None else None
    zone = org.timezone if org is not None else "Europe/Moscow"
    arg = arg.strip()
    if arg.lower() in (ALL, "всё", "все"):
        return Scope(org_ids, program_id, label=ALL, zone=zone)
    if not arg:
        today = today_in(zone, now)
        if calendar is None:
            calendar = default_calendar(school_year_of(today))
        year, quarter = period_of(calendar, today)
        return quarter_scope(org_ids, calendar, zone, year, quarter, program_id)
    found = parse_period(arg)
    if found is None:
        raise ScopeError("report-bad-period")
    return quarter_scope(org_ids, calendar, zone, *found, program_id=program_id)


# Results --------------------------------------------------------------------------------


@dataclass
class Risk:
    """One risk list: the full count and the first few names (or program numbers)."""

    count: int = 0
    names: list[str] = field(default_factory=list)


@dataclass
class Summary:
    label: str
    participants: dict[str, int]  # role → people
    pairs: dict[str, int]  # form → active programs with one mentee
    groups: dict[str, int]  # form → active programs with several mentees
    asked: int
    answered: int
    median_response_hours: float | None  # working hours
    sla_breaches: int  # reminded (the owner missed the answer time)
    escalations: int
    meetings_planned: int
    meetings_held: int
    plan_due: int
    plan_done: int
    plan_overdue: int
    surveys: dict[str, tuple[int, int]]  # survey kind → (done, all)
    averages: dict[str, float]  # characteristic → 1–5 average
    silent: Risk
    overdue: Risk
    unreachable: Risk
    unmatched: Risk

    @property
    def survey_done(self) -> int:
        return sum(done for done, _ in self.surveys.values())

    @property
    def survey_all(self) -> int:
        return sum(total for _, total in self.surveys.values())


@dataclass
class RollupLine:
    org_id: int | None  # None: the totals
    name: str
    mentors: int = 0
    mentees: int = 0
    programs: int = 0
    asked: int = 0
    answered: int = 0
    sla_breaches: int = 0
    meetings_held: int = 0
    plan_overdue: int = 0
    survey_done: int = 0
    survey_all: int = 0


@dataclass
class Rollup:
    label: str
    lines: list[RollupLine]
    total: RollupLine
    median_response_hours: float | None


@dataclass
class ChartData:
    """Plain data for bot/charts.py: averages per characteristic per quarter, questions
    per ISO week ("2026-W48")."""

    quarters: list[str]
    averages: dict[str, list[float | None]]  # characteristic → one value per quarter
    weeks: list[str]
    questions: list[int]


@dataclass
class Annual:
    label: str
    mentors: int
    mentees: int
    young_specialists: int
    pairs: dict[str, int]
    groups: dict[str, int]
    completed: int
    extended: int
    terminated: int
    end_reasons: dict[str, int]  # reason → programs ended for it (other than completed)
    averages: dict[str, float]
    summary: Summary


# Filters --------------------------------------------------------------------------------


def _orgs(column: Any, scope: Scope) -> ColumnElement[bool]:
    return true() if scope.org_ids is None else column.in_(scope.org_ids)


def _program(column: Any, scope: Scope) -> ColumnElement[bool]:
    return true() if scope.program_id is None else column == scope.program_id


def _between(column: Any, since: datetime | None, until: datetime | None) -> ColumnElement[bool]:
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return and_(true(), *conditions)


def _days(column: Any, scope: Scope) -> ColumnElement[bool]:
    conditions = []
    if scope.start is not None:
        conditions.append(column >= scope.start)
    if scope.end is not None:
        conditions.append(column <= scope.end)
    return and_(true(), *conditions)


def _assignments(scope: Scope) -> ColumnElement[bool]:
    """Survey assignments of the scope's schools, program and period."""
    where = and_(
        _orgs(SurveyAssignment.org_id, scope),
        _program(SurveyAssignment.program_id, scope),
        SurveyAssignment.status != AssignmentStatus.CANCELLED,
    )
    if not scope.quarter:
        return where
    return and_(
        where,
        or_(
            SurveyAssignment.period == scope.label,
            and_(
                SurveyAssignment.period.is_(None),
                _between(SurveyAssignment.created_at, scope.since, scope.until),
            ),
        ),
    )


def _counted_questions(scope: Scope) -> ColumnElement[bool]:
    return and_(
        _orgs(Question.org_id, scope),
        _program(Question.program_id, scope),
        Question.status != QuestionStatus.MERGED,
        _between(Question.asked_at, scope.since, scope.until),
    )


def _scope_programs(scope: Scope) -> Any:
    """Ids of the programs of the scope (a subquery)."""
    return select(Program.id).where(_orgs(Program.org_id, scope), _program(Program.id, scope))


def _mentee_counts(scope: Scope) -> Any:
    return (
        select(ProgramMentee.program_id, func.count().label("n"))
        .where(ProgramMentee.program_id.in_(_scope_programs(scope)))
        .group_by(ProgramMentee.program_id)
        .subquery()
    )


def _to_hours(minutes: Any) -> float | None:
    return None if minutes is None else round(float(minutes) / 60, 1)


async def median_minutes(session: AsyncSession, where: ColumnElement[bool]) -> float | None:
    """The median of `questions.response_minutes` over the questions `where` selects,
    computed by the database (PostgreSQL: percentile_cont; SQLite: the middle row(s))."""
    where = and_(where, Question.response_minutes.is_not(None))
    if session.bind.dialect.name == "postgresql":
        value = await session.scalar(
            select(func.percentile_cont(0.5).within_group(Question.response_minutes)).where(where)
        )
        return None if value is None else float(value)
    count = await session.scalar(select(func.count()).where(where)) or 0
    if count == 0:
        return None
    middle = (
        await session.scalars(
            select(Question.response_minutes)
            .where(where)
            .order_by(Question.response_minutes)
            .limit(2 - count % 2)
            .offset((count - 1) // 2)
        )
    ).all()
    return sum(middle) / len(middle)


def _display(user_name: Any) -> Any:
    return func.coalesce(user_name, literal("—"))


# The summary ----------------------------------------------------------------------------


async def _participants(session: AsyncSession, scope: Scope) -> dict[str, int]:
    if scope.program_id is not None:
        mentees = await session.scalar(
            select(func.count()).where(ProgramMentee.program_id == scope.program_id)
        )
        return {Role.MENTOR.value: 1, Role.MENTEE.value: int(mentees or 0)}
    rows = await session.execute(
        select(Membership.role, func.count(distinct(Membership.user_id)))
        .where(_orgs(Membership.org_id, scope), Membership.removed_at.is_(None))
        .group_by(Membership.role)
    )
    return {str(role): int(n) for role, n in rows.all()}


async def _forms(
    session: AsyncSession, scope: Scope, status_filter: ColumnElement[bool]
) -> tuple[dict[str, int], dict[str, int]]:
    counts = _mentee_counts(scope)
    is_group = case((func.coalesce(counts.c.n, 0) > 1, 1), else_=0)
    rows = await session.execute(
        select(Program.form, is_group, func.count())
        .outerjoin(counts, counts.c.program_id == Program.id)
        .where(_orgs(Program.org_id, scope), _program(Program.id, scope), status_filter)
        .group_by(Program.form, is_group)
    )
    pairs: dict[str, int] = {}
    groups: dict[str, int] = {}
    for form, group, n in rows.all():
        (groups if group else pairs)[str(form)] = int(n)
    return pairs, groups


async def _averages(session: AsyncSession, scope: Scope) -> dict[str, float]:
    rows = await session.execute(
        select(SurveyAnswer.topic, func.avg(SurveyAnswer.score))
        .join(SurveyAssignment, SurveyAssignment.id == SurveyAnswer.assignment_id)
        .where(
            _assignments(scope),
            # `|| ''`: the scope's assignments drive the join, not the topic index
            SurveyAnswer.topic.concat("").in_(CHARACTERISTICS),
            SurveyAnswer.score.is_not(None),
        )
        .group_by(SurveyAnswer.topic)
    )
    return {str(topic): round(float(avg), 2) for topic, avg in rows.all() if avg is not None}


async def _risk(session: AsyncSession, names: Any, count: Any) -> Risk:
    """`names` selects rows whose columns, joined by spaces, name one risk."""
    total = int(await session.scalar(count) or 0)
    if not total:
        return Risk()
    rows = (await session.execute(names.limit(RISK_NAMES_MAX))).all()
    return Risk(total, [" ".join(str(part) for part in row) for row in rows])


def _program_name() -> tuple[Any, Any]:
    return literal("#").concat(cast(Program.id, String)), _display(User.full_name)


async def _risks(
    session: AsyncSession, scope: Scope, now: datetime, today: date
) -> tuple[Risk, Risk, Risk, Risk]:
    cutoff = now - timedelta(days=SILENT_DAYS)
    active = and_(
        _orgs(Program.org_id, scope),
        _program(Program.id, scope),
        Program.status == ProgramStatus.ACTIVE,
    )
    asked = select(Question.program_id).where(
        _orgs(Question.org_id, scope),
        Question.program_id.is_not(None),
        Question.asked_at >= cutoff,
    )
    met = select(Meeting.program_id).where(
        Meeting.program_id.in_(_scope_programs(scope)),
        Meeting.starts_at >= cutoff,
        Meeting.starts_at <= now,
        Meeting.status != MeetingStatus.CANCELLED,
    )
    silent_where = and_(
        active,
        Program.starts_on <= today - timedelta(days=SILENT_DAYS),
        Program.id.not_in(asked),
        Program.id.not_in(met),
    )
    silent = await _risk(
        session,
        select(*_program_name())
        .select_from(Program)
        .join(User, User.id == Program.mentor_id)
        .where(silent_where)
        .order_by(Program.id),
        select(func.count()).select_from(Program).where(silent_where),
    )
    late = (
        select(PlanOccurrence.program_id, func.count().label("n"))
        .join(Program, Program.id == PlanOccurrence.program_id)
        .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
        .where(
            active,
            PlanItem.removed_at.is_(None),
            PlanOccurrence.done_at.is_(None),
            PlanOccurrence.due_on < today,
        )
        .group_by(PlanOccurrence.program_id)
        .subquery()
    )
    overdue = await _risk(
        session,
        select(*_program_name(), literal("×").concat(cast(late.c.n, String)))
        .select_from(late)
        .join(Program, Program.id == late.c.program_id)
        .join(User, User.id == Program.mentor_id)
        .order_by(late.c.n.desc(), Program.id),
        select(func.count()).select_from(late),
    )
    if scope.program_id is not None:
        people = (
            select(Program.mentor_id)
            .where(Program.id == scope.program_id)
            .union(
                select(ProgramMentee.mentee_id).where(ProgramMentee.program_id == scope.program_id)
            )
        )
    else:
        people = select(Membership.user_id).where(
            _orgs(Membership.org_id, scope), Membership.removed_at.is_(None)
        )
    gone = and_(User.id.in_(people), User.reachable.is_(False), User.forgotten_at.is_(None))
    unreachable = await _risk(
        session,
        select(_display(User.full_name)).where(gone).order_by(User.full_name, User.id),
        select(func.count()).select_from(User).where(gone),
    )
    if scope.program_id is not None:
        return silent, overdue, unreachable, Risk()
    matched = (
        select(literal(1))
        .select_from(ProgramMentee)
        .join(Program, Program.id == ProgramMentee.program_id)
        .where(ProgramMentee.mentee_id == Membership.user_id, Program.status.in_(LIVE))
    )
    alone = and_(
        _orgs(Membership.org_id, scope),
        Membership.role == Role.MENTEE,
        Membership.removed_at.is_(None),
        not_(exists(matched)),
    )
    lonely = and_(User.id.in_(select(Membership.user_id).where(alone)), User.forgotten_at.is_(None))
    unmatched = await _risk(
        session,
        select(_display(User.full_name)).where(lonely).order_by(User.full_name, User.id),
        select(func.count()).select_from(User).where(lonely),
    )
    return silent, overdue, unreachable, unmatched


async def summary(session: AsyncSession, scope: Scope, now: datetime) -> Summary:
    today = today_in(scope.zone, now)
    participants = await _participants(session, scope)
    pairs, groups = await _forms(session, scope, Program.status == ProgramStatus.ACTIVE)
    counted = _counted_questions(scope)
    q = (
        await session.execute(
            select(
                func.count(),
                func.count(Question.first_answer_at),
                func.count(Question.reminded_at),
                func.count(Question.escalated_at),
            ).where(counted)
        )
    ).one()
    median = await median_minutes(session, counted)
    m = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((Meeting.held.is_(True), 1), else_=0)), 0),
            ).where(
                Meeting.program_id.in_(_scope_programs(scope)),
                Meeting.status != MeetingStatus.CANCELLED,
                _between(Meeting.starts_at, scope.since, scope.until),
            )
        )
    ).one()
    p = (
        await session.execute(
            select(
                func.count(),
                func.count(PlanOccurrence.done_at),
                func.coalesce(
                    func.sum(
                        case(
                            (
                                and_(
                                    PlanOccurrence.done_at.is_(None),
                                    PlanOccurrence.due_on < today,
                                ),
                                1,
                            ),
                            else_=0,
                        )
                    ),
                    0,
                ),
            )
            .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
            .where(
                PlanOccurrence.program_id.in_(_scope_programs(scope)),
                PlanItem.removed_at.is_(None),
                PlanOccurrence.due_on.is_not(None),
                _days(PlanOccurrence.due_on, scope),
            )
        )
    ).one()
    rows = await session.execute(
        select(
            SurveyAssignment.survey,
            func.coalesce(
                func.sum(case((SurveyAssignment.status == AssignmentStatus.DONE, 1), else_=0)), 0
            ),
            func.count(),
        )
        .where(_assignments(scope))
        .group_by(SurveyAssignment.survey)
    )
    surveys = {str(kind): (int(done), int(total)) for kind, done, total in rows.all()}
    averages = await _averages(session, scope)
    silent, overdue, unreachable, unmatched = await _risks(session, scope, now, today)
    return Summary(
        label=scope.label,
        participants=participants,
        pairs=pairs,
        groups=groups,
        asked=int(q[0]),
        answered=int(q[1]),
        median_response_hours=_to_hours(median),
        sla_breaches=int(q[2]),
        escalations=int(q[3]),
        meetings_planned=int(m[0]),
        meetings_held=int(m[1]),
        plan_due=int(p[0]),
        plan_done=int(p[1]),
        plan_overdue=int(p[2]),
        surveys=surveys,
        averages=averages,
        silent=silent,
        overdue=overdue,
        unreachable=unreachable,
        unmatched=unmatched,
    )


# The admin's rollup ---------------------------------------------------------------------


async def rollup(session: AsyncSession, now: datetime, scope: Scope) -> Rollup:
    """One line per organization of the scope plus totals: a handful of GROUP BY org_id
    queries, whatever the number of schools."""
    today = today_in(scope.zone, now)
    lines: dict[int, RollupLine] = {}
    for org_id, name in (
        await session.execute(
            select(Organization.id, Organization.name)
            .where(_orgs(Organization.id, scope))
            .order_by(Organization.name, Organization.id)
        )
    ).all():
        lines[org_id] = RollupLine(org_id, name)

    def line(org_id: int) -> RollupLine:
        return lines.setdefault(org_id, RollupLine(org_id, f"#{org_id}"))

    for org_id, mentors, mentees in (
        await session.execute(
            select(
                Membership.org_id,
                func.count(distinct(case((Membership.role == Role.MENTOR, Membership.user_id)))),
                func.count(distinct(case((Membership.role == Role.MENTEE, Membership.user_id)))),
            )
            .where(_orgs(Membership.org_id, scope), Membership.removed_at.is_(None))
            .group_by(Membership.org_id)
        )
    ).all():
        line(org_id).mentors, line(org_id).mentees = int(mentors), int(mentees)
    for org_id, n in (
        await session.execute(
            select(Program.org_id, func.count())
            .where(_orgs(Program.org_id, scope), Program.status == ProgramStatus.ACTIVE)
            .group_by(Program.org_id)
        )
    ).all():
        line(org_id).programs = int(n)
    counted = _counted_questions(scope)
    for org_id, asked, answered, breaches in (
        await session.execute(
            select(
                Question.org_id,
                func.count(),
                func.count(Question.first_answer_at),
                func.count(Question.reminded_at),
            )
            .where(counted)
            .group_by(Question.org_id)
        )
    ).all():
        row = line(org_id)
        row.asked, row.answered, row.sla_breaches = int(asked), int(answered), int(breaches)
    for org_id, held in (
        await session.execute(
            select(Meeting.org_id, func.count())
            .where(
                _orgs(Meeting.org_id, scope),
                Meeting.held.is_(True),
                _between(Meeting.starts_at, scope.since, scope.until),
            )
            .group_by(Meeting.org_id)
        )
    ).all():
        line(org_id).meetings_held = int(held)
    for org_id, n in (
        await session.execute(
            select(Program.org_id, func.count())
            .select_from(PlanOccurrence)
            .join(Program, Program.id == PlanOccurrence.program_id)
            .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
            .where(
                _orgs(Program.org_id, scope),
                PlanItem.removed_at.is_(None),
                PlanOccurrence.done_at.is_(None),
                PlanOccurrence.due_on < today,
                _days(PlanOccurrence.due_on, scope),
            )
            .group_by(Program.org_id)
        )
    ).all():
        line(org_id).plan_overdue = int(n)
    for org_id, done, total in (
        await session.execute(
            select(
                SurveyAssignment.org_id,
                func.coalesce(
                    func.sum(case((SurveyAssignment.status == AssignmentStatus.DONE, 1), else_=0)),
                    0,
                ),
                func.count(),
            )
            .where(_assignments(scope))
            .group_by(SurveyAssignment.org_id)
        )
    ).all():
        line(org_id).survey_done, line(org_id).survey_all = int(done), int(total)
    total = RollupLine(None, "")
    for row in lines.values():
        for name in (
            "mentors",
            "mentees",
            "programs",
            "asked",
            "answered",
            "sla_breaches",
            "meetings_held",
            "plan_overdue",
            "survey_done",
            "survey_all",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    median = await median_minutes(session, counted)
    return Rollup(scope.label, list(lines.values()), total, _to_hours(median))


# The chart's data -----------------------------------------------------------------------


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def chart_series(session: AsyncSession, scope: Scope, now: datetime) -> ChartData:
    """Survey averages per characteristic per quarter (the last CHART_QUARTERS quarters
    that have any, up to the scope's), and questions per ISO week of the scope's period
    (for `all`: the last CHART_WEEKS_ALL weeks)."""
    where = and_(
        _orgs(SurveyAssignment.org_id, scope),
        _program(SurveyAssignment.program_id, scope),
        SurveyAssignment.period.is_not(None),
        SurveyAssignment.status != AssignmentStatus.CANCELLED,
        SurveyAnswer.topic.in_(CHARACTERISTICS),
        SurveyAnswer.score.is_not(None),
    )
    if scope.quarter:
        where = and_(where, SurveyAssignment.period <= scope.label)
    rows = (
        await session.execute(
            select(SurveyAssignment.period, SurveyAnswer.topic, func.avg(SurveyAnswer.score))
            .join(SurveyAssignment, SurveyAssignment.id == SurveyAnswer.assignment_id)
            .where(where)
            .group_by(SurveyAssignment.period, SurveyAnswer.topic)
        )
    ).all()
    quarters = sorted({str(period) for period, _, _ in rows})[-CHART_QUARTERS:]
    averages: dict[str, list[float | None]] = {c: [None] * len(quarters) for c in CHARACTERISTICS}
    for period, topic, avg in rows:
        if str(period) in quarters and avg is not None:
            averages[str(topic)][quarters.index(str(period))] = round(float(avg), 2)

    today = today_in(scope.zone, now)
    first = scope.start or today - timedelta(weeks=CHART_WEEKS_ALL - 1)
    last = min(scope.end or today, today) if scope.start is None or scope.start <= today else first
    since = datetime.combine(first, time(), ZoneInfo(scope.zone)).astimezone(UTC)
    until = datetime.combine(last + timedelta(days=1), time(), ZoneInfo(scope.zone)).astimezone(UTC)
    if session.bind.dialect.name == "postgresql":
        day = func.date(func.timezone(scope.zone, Question.asked_at))
    else:
        offset = int(ZoneInfo(scope.zone).utcoffset(now.replace(tzinfo=None)).total_seconds())
        day = func.date(Question.asked_at, f"{offset:+d} seconds")
    counted = and_(
        _orgs(Question.org_id, scope),
        _program(Question.program_id, scope),
        Question.status != QuestionStatus.MERGED,
        Question.asked_at >= since,
        Question.asked_at < until,
    )
    per_week: dict[str, int] = defaultdict(int)
    for asked_on, n in (
        await session.execute(select(day, func.count()).where(counted).group_by(day))
    ).all():
        value = asked_on if isinstance(asked_on, date) else date.fromisoformat(str(asked_on))
        per_week[iso_week(value)] += int(n)
    weeks: list[str] = []
    cursor = first - timedelta(days=first.weekday())
    while cursor <= last:
        weeks.append(iso_week(cursor))
        cursor += timedelta(weeks=1)
    return ChartData(quarters, averages, weeks, [per_week.get(w, 0) for w in weeks])


# The annual report ----------------------------------------------------------------------


def year_scope(org_ids: tuple[int, ...] | None, org: Organization | None, year: int) -> Scope:
    """The school year `year`/`year+1` (1 September to 31 August)."""
    zone = org.timezone if org is not None else "Europe/Moscow"
    return Scope(
        org_ids, None, date(year, 9, 1), date(year + 1, 8, 31), f"{year}/{str(year + 1)[-2:]}", zone
    )


async def annual(session: AsyncSession, scope: Scope, now: datetime) -> Annual:
    """The final analytic report's figures: people for the statistical forms (now),
    program outcomes in the scope's period (programs ended in it; extended: programs
    whose end was moved later in it), the four characteristics and the activity.
    A year scope's label is not a quarter: surveys count by their creation date."""
    plain = Scope(scope.org_ids, scope.program_id, scope.start, scope.end, ALL, scope.zone)
    dated = plain if scope.start is not None else scope
    base = await summary(session, dated, now)
    base.label = scope.label
    young = await session.scalar(
        select(func.count(distinct(Membership.user_id)))
        .join(Profile, Profile.user_id == Membership.user_id)
        .where(
            _orgs(Membership.org_id, scope),
            Membership.role == Role.MENTEE,
            Membership.removed_at.is_(None),
            Profile.experience_years <= YOUNG_YEARS,
        )
    )
    pairs, groups = await _forms(
        session,
        scope,
        or_(
            Program.status == ProgramStatus.ACTIVE,
            and_(
                Program.status == ProgramStatus.ENDED,
                _between(Program.ended_at, scope.since, scope.until),
            ),
        ),
    )
    ended = await session.execute(
        select(Program.end_reason, func.count())
        .where(
            _orgs(Program.org_id, scope),
            Program.status == ProgramStatus.ENDED,
            _between(Program.ended_at, scope.since, scope.until),
        )
        .group_by(Program.end_reason)
    )
    reasons = {str(reason or "—"): int(n) for reason, n in ended.all()}
    completed = reasons.pop("completed", 0)
    extended = await session.scalar(
        select(func.count(distinct(AuditEntry.program_id)))
        .join(Program, Program.id == AuditEntry.program_id)
        .where(
            _orgs(Program.org_id, scope),
            AuditEntry.action == "extended",
            _between(AuditEntry.at, scope.since, scope.until),
        )
    )
    return Annual(
        label=scope.label,
        mentors=base.participants.get(Role.MENTOR.value, 0),
        mentees=base.participants.get(Role.MENTEE.value, 0),
        young_specialists=int(young or 0),
        pairs=pairs,
        groups=groups,
        completed=completed,
        extended=int(extended or 0),
        terminated=sum(reasons.values()),
        end_reasons=reasons,
        averages=base.averages,
        summary=base,
    )


__all__ = [
    "ALL",
    "Annual",
    "ChartData",
    "Risk",
    "Rollup",
    "RollupLine",
    "Scope",
    "ScopeError",
    "Summary",
    "annual",
    "chart_series",
    "rollup",
    "scope_for",
    "summary",
    "year_scope",
]
