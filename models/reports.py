"""The curator's figures (issue 15, items 3, 5 and 6; DESIGN §4 «Curator reports»).

Every figure is an SQL aggregate: no rows are loaded into Python to be counted. What comes
back to Python is one row per group (per role, form, survey kind, characteristic, school,
day) and the first few names of each risk list.

- `Scope`: which schools (or all), optionally one program, and a period of local days
  (a school quarter by default; `all` for everything). `scope_for` parses `/report`'s
  argument.
- `summary`: the one-screen report of a scope.
- `rollup`: the admin's report, one line per organization plus totals.
- `chart_series`: survey averages per characteristic per quarter, questions per week.
- `annual`: the figures of the final analytic report (formatted by bot/, helper D).

Conventions: a question counts in the period it was asked in (`asked_at`), `merged`
questions never count; a meeting in the period it starts in; a plan occurrence in the
period it is due in; a survey assignment in the period it names (`period`), or, when it
names none, in the period it was created in. A quarter's days run from its first day to
the day before the next quarter starts (`quarter_span`: breaks and the summer count in the
quarter that ended last, as `period_of` says). Averages are over finished questionnaires.
An ended program's open plan items are not overdue. The rollup measures each school in its
own time zone and calendar.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from models.audit import AuditEntry
from models.calendar import (
    default_calendar,
    parse_period,
    period_label,
    period_of,
    school_quarters,
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
RISK_NAMES_MAX = 5  # lines shown per risk list (one screen); the count is always the full one
GROUP_FORM = "group"  # «наставничество в группе»: its programs count as groups, whatever the size
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
        """A school quarter ("2026/27-Q2"), not `all` nor a school year ("2026/27")."""
        return parse_period(self.label) is not None


def quarter_span(
    calendar: dict[str, Any] | None, year: int, quarter: int
) -> tuple[date, date] | None:
    """The local days that count in a school quarter, as models/calendar.py `period_of`
    assigns them (and so the surveys' periods): from the quarter's first day (the first
    quarter: from the school year's first day, 1 August in `school_year_of`) to the day
    before the next quarter starts (the last quarter: to the day before the next school
    year). Breaks and the summer count in the quarter that ended last."""
    quarters = school_quarters(calendar, date(year, 9, 1), date(year, 9, 1))
    year_start = date(year, 8, 1)  # school_year_of: August starts the school year
    for index, (_, number, start, _end) in enumerate(quarters):
        if number != quarter:
            continue
        first = min(start, year_start) if index == 0 else start
        if index + 1 < len(quarters):
            last = quarters[index + 1][2] - timedelta(days=1)
        else:
            last = date(year + 1, 8, 1) - timedelta(days=1)
        return first, max(first, last)
    return None


def quarter_scope(
    org_ids: tuple[int, ...] | None,
    calendar: dict[str, Any] | None,
    zone: str,
    year: int,
    quarter: int,
    program_id: int | None = None,
) -> Scope:
    bounds = quarter_span(calendar, year, quarter)
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
class RiskItem:
    """One line of a risk list: who to call. Programs (silent, overdue): the program, its
    mentor and mentees (and the overdue count); people (unreachable, unmatched): the name,
    their roles in the scope's schools and their live programs."""

    name: str
    program: int | None = None
    mentees: list[str] = field(default_factory=list)
    overdue: int = 0
    roles: list[str] = field(default_factory=list)
    programs: list[int] = field(default_factory=list)


@dataclass
class Risk:
    """One risk list: the full count and the first RISK_NAMES_MAX lines."""

    count: int = 0
    items: list[RiskItem] = field(default_factory=list)


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
    per week (each week named by its Monday)."""

    quarters: list[str]
    averages: dict[str, list[float | None]]  # characteristic → one value per quarter
    weeks: list[date]
    questions: list[int]

    @property
    def empty(self) -> bool:
        """Nothing to draw: no score and no question."""
        has_scores = any(v is not None for series in self.averages.values() for v in series)
        return not has_scores and not any(self.questions)


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
    if scope.quarter:
        periods = SurveyAssignment.period == scope.label
    elif scope.start is not None and scope.end is not None:
        # a school year (or any span of days): the quarters that start in it
        labels = [
            period_label(year, quarter)
            for year, quarter, first, _ in school_quarters(None, scope.start, scope.end)
            if scope.start <= first <= scope.end
        ]
        periods = SurveyAssignment.period.in_(labels)
    else:
        return where
    return and_(
        where,
        or_(
            periods,
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


def _running(scope: Scope) -> ColumnElement[bool]:
    """Programs that ran during the scope's period (started by its end, not ended before
    its start)."""
    assert scope.end is not None
    return and_(
        _orgs(Program.org_id, scope),
        Program.status.in_((ProgramStatus.ACTIVE, ProgramStatus.ENDED)),
        Program.starts_on <= scope.end,
        or_(Program.ended_at.is_(None), _between(Program.ended_at, scope.since, None)),
    )


async def _participants(session: AsyncSession, scope: Scope, today: date) -> dict[str, int]:
    """Today's members by role; for a period already over, the mentors and mentees of the
    programs that ran in it (a later join, leave or /forget does not rewrite it)."""
    if scope.program_id is not None:
        mentees = await session.scalar(
            select(func.count()).where(ProgramMentee.program_id == scope.program_id)
        )
        return {Role.MENTOR.value: 1, Role.MENTEE.value: int(mentees or 0)}
    if scope.end is not None and scope.end < today:
        mentors = select(func.count(distinct(Program.mentor_id))).where(_running(scope))
        mentees = (
            select(func.count(distinct(ProgramMentee.mentee_id)))
            .join(Program, Program.id == ProgramMentee.program_id)
            .where(_running(scope))
        )
        curators = select(func.count(distinct(Membership.user_id))).where(
            _orgs(Membership.org_id, scope),
            Membership.role == Role.CURATOR,
            Membership.removed_at.is_(None),
        )
        row = (
            await session.execute(
                select(
                    mentors.scalar_subquery(),
                    mentees.scalar_subquery(),
                    curators.scalar_subquery(),
                )
            )
        ).one()
        counts = zip((Role.MENTOR, Role.MENTEE, Role.CURATOR), row, strict=True)
        return {role.value: int(n or 0) for role, n in counts if n}
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
    is_group = case((or_(func.coalesce(counts.c.n, 0) > 1, Program.form == GROUP_FORM), 1), else_=0)
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
            SurveyAssignment.status == AssignmentStatus.DONE,  # finished questionnaires only
            # `|| ''`: the scope's assignments drive the join, not the topic index
            SurveyAnswer.topic.concat("").in_(CHARACTERISTICS),
            SurveyAnswer.score.is_not(None),
        )
        .group_by(SurveyAnswer.topic)
    )
    return {str(topic): round(float(avg), 2) for topic, avg in rows.all() if avg is not None}


async def _risk(
    session: AsyncSession, lines: Any, count: Any, item: Callable[[Any], RiskItem]
) -> Risk:
    """`lines` selects the rows of the list (in order), `item` turns one into a RiskItem."""
    total = int(await session.scalar(count) or 0)
    if not total:
        return Risk()
    rows = (await session.execute(lines.limit(RISK_NAMES_MAX))).all()
    return Risk(total, [item(row) for row in rows])


SEPARATOR = "\x1f"  # joins the names an aggregate returns (never in a name)


def _split(joined: str | None) -> list[str]:
    return sorted(part for part in (joined or "").split(SEPARATOR) if part)


def _mentee_names() -> Any:
    """The names of the mentees of the outer query's Program, joined (one string)."""
    mentee = aliased(User)
    return (
        select(func.aggregate_strings(_display(mentee.full_name), SEPARATOR))
        .select_from(ProgramMentee)
        .join(mentee, mentee.id == ProgramMentee.mentee_id)
        .where(ProgramMentee.program_id == Program.id)
        .scalar_subquery()
    )


def _program_item(row: Any) -> RiskItem:
    return RiskItem(row[1], program=row[0], mentees=_split(row[2]))


def _person_item(row: Any) -> RiskItem:
    programs = sorted({int(p) for p in _split(row[2])})
    return RiskItem(row[0], roles=sorted(set(_split(row[1]))), programs=programs)


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
        # held, or confirmed and not yet marked: a meeting that did not take place (or a
        # proposal never confirmed) does not break the silence
        or_(
            Meeting.held.is_(True),
            and_(Meeting.status == MeetingStatus.CONFIRMED, Meeting.held.is_(None)),
        ),
    )
    silent_where = and_(
        active,
        Program.starts_on <= today - timedelta(days=SILENT_DAYS),
        Program.id.not_in(asked),
        Program.id.not_in(met),
    )
    silent = await _risk(
        session,
        select(Program.id, _display(User.full_name), _mentee_names())
        .select_from(Program)
        .join(User, User.id == Program.mentor_id)
        .where(silent_where)
        .order_by(Program.id),
        select(func.count()).select_from(Program).where(silent_where),
        _program_item,
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
        select(Program.id, _display(User.full_name), _mentee_names(), late.c.n)
        .select_from(late)
        .join(Program, Program.id == late.c.program_id)
        .join(User, User.id == Program.mentor_id)
        .order_by(late.c.n.desc(), Program.id),
        select(func.count()).select_from(late),
        lambda row: RiskItem(row[1], program=row[0], mentees=_split(row[2]), overdue=int(row[3])),
    )
    # an unreachable person's roles in the scope's schools and their live programs there
    live = aliased(Program)
    if scope.program_id is not None:
        people = (
            select(Program.mentor_id)
            .where(Program.id == scope.program_id)
            .union(
                select(ProgramMentee.mentee_id).where(ProgramMentee.program_id == scope.program_id)
            )
        )
        roles: Any = case(
            (
                User.id.in_(select(Program.mentor_id).where(Program.id == scope.program_id)),
                literal(Role.MENTOR.value),
            ),
            else_=literal(Role.MENTEE.value),
        )
    else:
        people = select(Membership.user_id).where(
            _orgs(Membership.org_id, scope), Membership.removed_at.is_(None)
        )
        roles = (
            select(func.aggregate_strings(Membership.role, SEPARATOR))
            .where(
                Membership.user_id == User.id,
                _orgs(Membership.org_id, scope),
                Membership.removed_at.is_(None),
            )
            .scalar_subquery()
        )
    programs = (
        select(func.aggregate_strings(cast(live.id, String), SEPARATOR))
        .where(
            _orgs(live.org_id, scope),
            _program(live.id, scope),
            live.status.in_(LIVE),
            or_(
                live.mentor_id == User.id,
                exists(
                    select(literal(1))
                    .where(ProgramMentee.program_id == live.id, ProgramMentee.mentee_id == User.id)
                    .correlate(live, User)  # two levels up: not correlated by itself
                ),
            ),
        )
        .scalar_subquery()
    )
    gone = and_(User.id.in_(people), User.reachable.is_(False), User.forgotten_at.is_(None))
    unreachable = await _risk(
        session,
        select(_display(User.full_name), roles, programs)
        .where(gone)
        .order_by(User.full_name, User.id),
        select(func.count()).select_from(User).where(gone),
        _person_item,
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
        lambda row: RiskItem(row[0]),
    )
    return silent, overdue, unreachable, unmatched


async def summary(session: AsyncSession, scope: Scope, now: datetime) -> Summary:
    today = today_in(scope.zone, now)
    participants = await _participants(session, scope, today)
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
                                    # an ended program's open items are no longer overdue
                                    Program.status != ProgramStatus.ENDED,
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
            .join(Program, Program.id == PlanOccurrence.program_id)
            .where(
                _orgs(Program.org_id, scope),
                _program(Program.id, scope),
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


def school_scope(org_id: int, zone: str, calendar: dict[str, Any] | None, scope: Scope) -> Scope:
    """One school's own scope for the rollup's period: its time zone, and for a quarter
    that quarter's days in its own calendar (so its line equals its curator's report)."""
    found = parse_period(scope.label) if scope.quarter else None
    if found is None:
        return Scope((org_id,), label=scope.label, zone=zone)
    span = quarter_span(calendar, *found) or quarter_span(None, *found)
    assert span is not None
    return Scope((org_id,), None, span[0], span[1], scope.label, zone)


@dataclass(frozen=True)
class _Bounds:
    """One school's period for the rollup: instants, local days and its today."""

    since: datetime | None
    until: datetime | None
    first: date | None
    last: date | None
    today: date


def _any(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """OR of `conditions` as a balanced tree (SQLite limits an expression's depth: a flat
    OR of a thousand terms is a thousand deep)."""
    if len(conditions) <= 8:
        return or_(*conditions).self_group()
    middle = len(conditions) // 2
    return or_(_any(conditions[:middle]), _any(conditions[middle:])).self_group()


async def rollup(session: AsyncSession, now: datetime, scope: Scope) -> Rollup:
    """One line per organization of the scope plus totals: a handful of GROUP BY org_id
    queries, whatever the number of schools. Each school is measured in its own time zone
    and calendar: the bounds are computed here from the organization rows; schools with
    the same bounds (the same zone and calendar) share one condition, `org_id IN (…) AND
    <its bounds>`, and a figure's condition is the OR of them."""
    orgs = (
        await session.execute(
            select(Organization.id, Organization.name, Organization.timezone, Organization.calendar)
            .where(_orgs(Organization.id, scope))
            .order_by(Organization.name, Organization.id)
        )
    ).all()
    lines = {org_id: RollupLine(org_id, name) for org_id, name, _, _ in orgs}
    if not lines:
        return Rollup(scope.label, [], RollupLine(None, ""), None)
    groups: dict[_Bounds, list[int]] = defaultdict(list)
    for org_id, _, zone, calendar in orgs:
        own = school_scope(org_id, zone, calendar, scope)
        bounds = _Bounds(own.since, own.until, own.start, own.end, today_in(zone, now))
        groups[bounds].append(org_id)

    def per_school(
        org_id: Any, condition: Callable[[_Bounds], list[ColumnElement[bool]]]
    ) -> ColumnElement[bool]:
        return _any([and_(org_id.in_(ids), *condition(b)) for b, ids in groups.items()])

    def within(instant: Any) -> Callable[[_Bounds], list[ColumnElement[bool]]]:
        def condition(b: _Bounds) -> list[ColumnElement[bool]]:
            if b.since is None or b.until is None:
                return []
            return [instant >= b.since, instant < b.until]

        return condition

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
    past = {b: ids for b, ids in groups.items() if b.last is not None and b.last < b.today}
    if past:  # a period already over: the people of the programs that ran in it
        for ids in past.values():
            for org_id in ids:
                line(org_id).mentors = line(org_id).mentees = 0
        running = and_(
            Program.status.in_((ProgramStatus.ACTIVE, ProgramStatus.ENDED)),
            _any(
                [
                    and_(
                        Program.org_id.in_(ids),
                        Program.starts_on <= b.last,
                        or_(Program.ended_at.is_(None), Program.ended_at >= b.since),
                    )
                    for b, ids in past.items()
                ]
            ),
        )
        for org_id, n in (
            await session.execute(
                select(Program.org_id, func.count(distinct(Program.mentor_id)))
                .where(running)
                .group_by(Program.org_id)
            )
        ).all():
            line(org_id).mentors = int(n)
        for org_id, n in (
            await session.execute(
                select(Program.org_id, func.count(distinct(ProgramMentee.mentee_id)))
                .join(ProgramMentee, ProgramMentee.program_id == Program.id)
                .where(running)
                .group_by(Program.org_id)
            )
        ).all():
            line(org_id).mentees = int(n)
    for org_id, n in (
        await session.execute(
            select(Program.org_id, func.count())
            .where(_orgs(Program.org_id, scope), Program.status == ProgramStatus.ACTIVE)
            .group_by(Program.org_id)
        )
    ).all():
        line(org_id).programs = int(n)
    # `org_id + 0`: one sequential pass over the questions, the rows outside every
    # school's period skipped first (SQLite would otherwise read every question through
    # the org_id index, several times slower)
    school = Question.org_id + 0
    window: list[ColumnElement[bool]] = []
    if all(b.since is not None and b.until is not None for b in groups):
        window = [
            Question.asked_at >= min(b.since for b in groups if b.since is not None),
            Question.asked_at < max(b.until for b in groups if b.until is not None),
        ]
    counted = and_(
        Question.status != QuestionStatus.MERGED,
        *window,
        per_school(school, within(Question.asked_at)),
    )
    for org_id, asked, answered, breaches in (
        await session.execute(
            select(
                school,
                func.count(),
                func.count(Question.first_answer_at),
                func.count(Question.reminded_at),
            )
            .where(counted)
            .group_by(school)
        )
    ).all():
        row = line(org_id)
        row.asked, row.answered, row.sla_breaches = int(asked), int(answered), int(breaches)
    for org_id, held in (
        await session.execute(
            select(Meeting.org_id, func.count())
            .where(Meeting.held.is_(True), per_school(Meeting.org_id, within(Meeting.starts_at)))
            .group_by(Meeting.org_id)
        )
    ).all():
        line(org_id).meetings_held = int(held)

    def due(b: _Bounds) -> list[ColumnElement[bool]]:
        days = [PlanOccurrence.due_on < b.today]
        if b.first is not None and b.last is not None:
            days += [PlanOccurrence.due_on >= b.first, PlanOccurrence.due_on <= b.last]
        return days

    for org_id, n in (
        await session.execute(
            select(Program.org_id, func.count())
            .select_from(PlanOccurrence)
            .join(Program, Program.id == PlanOccurrence.program_id)
            .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
            .where(
                PlanItem.removed_at.is_(None),
                PlanOccurrence.done_at.is_(None),
                Program.status != ProgramStatus.ENDED,
                per_school(Program.org_id, due),
            )
            .group_by(Program.org_id)
        )
    ).all():
        line(org_id).plan_overdue = int(n)

    def named(b: _Bounds) -> list[ColumnElement[bool]]:
        if not scope.quarter:
            return []
        unnamed = and_(SurveyAssignment.period.is_(None), *within(SurveyAssignment.created_at)(b))
        return [or_(SurveyAssignment.period == scope.label, unnamed)]

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
            .where(
                SurveyAssignment.status != AssignmentStatus.CANCELLED,
                per_school(SurveyAssignment.org_id, named),
            )
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


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def chart_series(session: AsyncSession, scope: Scope, now: datetime) -> ChartData:
    """Survey averages per characteristic per quarter (the last CHART_QUARTERS quarters
    that have any, up to the scope's; finished questionnaires only), and questions per
    week of the scope's period (for `all`: the last CHART_WEEKS_ALL weeks)."""
    where = and_(
        _orgs(SurveyAssignment.org_id, scope),
        _program(SurveyAssignment.program_id, scope),
        SurveyAssignment.period.is_not(None),
        SurveyAssignment.status == AssignmentStatus.DONE,
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
    per_week: dict[date, int] = defaultdict(int)
    for asked_on, n in (
        await session.execute(select(day, func.count()).where(counted).group_by(day))
    ).all():
        value = asked_on if isinstance(asked_on, date) else date.fromisoformat(str(asked_on))
        per_week[monday_of(value)] += int(n)
    weeks: list[date] = []
    cursor = monday_of(first)
    while cursor <= last:
        weeks.append(cursor)
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
    """The final analytic report's figures: people for the statistical forms (the mentors,
    mentees, young specialists among them, pairs and groups of the programs that ran in
    the year),
    program outcomes in the scope's period (programs ended in it; extended: programs
    whose end was moved later in it), the four characteristics and the activity.
    Surveys count by the quarters of the year they name (or, naming none, by their
    creation date)."""
    base = await summary(session, scope, now)
    # The statistical forms count the year's programs: every program that ran in it
    # (ended ones too), not today's members; a later join, leave or /forget changes
    # nothing.
    mentees_of = (
        select(ProgramMentee.mentee_id)
        .join(Program, Program.id == ProgramMentee.program_id)
        .where(_running(scope))
    )
    people = (
        await session.execute(
            select(
                select(func.count(distinct(Program.mentor_id)))
                .where(_running(scope))
                .scalar_subquery(),
                select(func.count(distinct(ProgramMentee.mentee_id)))
                .join(Program, Program.id == ProgramMentee.program_id)
                .where(_running(scope))
                .scalar_subquery(),
                select(func.count(distinct(Profile.user_id)))
                .where(
                    Profile.user_id.in_(mentees_of),
                    Profile.experience_years <= YOUNG_YEARS,
                )
                .scalar_subquery(),
            )
        )
    ).one()
    mentors, mentees, young = (int(n or 0) for n in people)
    pairs, groups = await _forms(session, scope, _running(scope))
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
        mentors=mentors,
        mentees=mentees,
        young_specialists=young,
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
