"""Survey rounds (DESIGN §4 «Surveys»): who is asked which questionnaire, and when.

- **Entry**: when the mentor accepts a program (models/pairing.py accept_program), each
  mentee gets the entry questionnaire, counted in the school period of that day. Its
  answers show in the plan view for the mentor and the curator (entry_answers), and the
  directions of high need (4 or 5 on a need-<direction> question) not yet covered by a
  plan item are offered as items «as questions arise» (add_offered_item).
- **Quarterly**: quarter_catch_up, on the tick. When the last day of a school quarter of
  a school's calendar has passed in the school's zone, every active program that ran
  during the quarter asks its mentor for a report on each mentee (subject = the mentee)
  and each mentee for the quarter's questionnaire. Only the last ended quarter counts,
  and only within CATCH_UP_DAYS of its end: a bot that was down sends it once when it
  comes back, never for quarters long gone. A program that ends within FINAL_COVERS_DAYS
  after the quarter's end (Q4 ends 26 May, the program 31 May) is skipped: its final
  survey comes days later and covers it. `organizations.quarter_check_at` says when
  the tick next looks at a school, so that most ticks cost one indexed query.
- **Final**: models/lifecycle.py end_program, when a program that ran ends (completed
  or terminated): the final questionnaire to each mentee, and to the mentor one per
  mentee (the questions are about «the mentee»). None when it ends before its start day
  or never got accepted, nor when it ends because a person withdrew consent (/forget,
  removal): that person is gone, and the partner's evaluation of a pair cut short that
  way measures nothing of the program. Pending entry and quarterly questionnaires of the
  program are cancelled when it ends (the final one asks the same and more); a change
  of mentor cancels the old mentor's pending quarterly reports on it.

Every assignment is made by models/surveys.py assign_many, idempotent by its dedupe key.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import surveys
from models.calendar import period_label, school_quarters, today_in
from models.errors import RuleError
from models.people import NAMELESS, Direction, Organization, User
from models.plans import DeadlineKind, PlanItem, add_item
from models.programs import Program, ProgramMentee, ProgramStatus

# A quarter's surveys go out at most this many days after its end (a bot that was down).
CATCH_UP_DAYS = 30
# A school is looked at again at the latest after this long (its calendar may change).
RECHECK = timedelta(days=1)
# A program that ends within this many days after a quarter's end gets no quarterly
# round for it: its final survey, days later, asks the same and more.
FINAL_COVERS_DAYS = 14
# Schools looked at per tick: a quarter end of many schools is spread over a few ticks.
ORGS_PER_TICK = 20
# A need of 4 or 5 on the entry questionnaire's 1–5 scale is a high one.
HIGH_NEED = 4
NEED_TOPIC = "need-"
HELP_KEY = "help"
WORRIES_KEY = "worries"


# Quarterly ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int
    start: date
    end: date

    @property
    def label(self) -> str:
        return period_label(self.year, self.number)


def last_ended_quarter(calendar: dict[str, Any] | None, today: date) -> Quarter | None:
    """The latest quarter whose last day is before `today`."""
    ended = [
        Quarter(*q)
        for q in school_quarters(calendar, today - timedelta(days=400), today)
        if q[3] < today
    ]
    return ended[-1] if ended else None


def next_check_at(
    calendar: dict[str, Any] | None, zone: str, today: date, now: datetime
) -> datetime:
    """The local midnight after the end of the next quarter still running or ahead, at
    the latest RECHECK from now."""
    ahead = [
        q[3] for q in school_quarters(calendar, today, today + timedelta(days=400)) if q[3] >= today
    ]
    latest = now + RECHECK
    if not ahead:
        return latest
    midnight = datetime.combine(ahead[0] + timedelta(days=1), time(0), ZoneInfo(zone))
    return min(latest, midnight)


async def quarter_catch_up(session: AsyncSession, now: datetime) -> int:
    """Quarterly questionnaires of the schools whose quarter has ended (module docstring).
    Returns the assignments made."""
    org_table = Organization.__table__
    due = (
        await session.execute(
            select(org_table.c.id, org_table.c.timezone, org_table.c.calendar)
            .where(or_(org_table.c.quarter_check_at.is_(None), org_table.c.quarter_check_at <= now))
            .order_by(org_table.c.id)
            .limit(ORGS_PER_TICK)
        )
    ).all()
    if not due:
        return 0
    # Grouped by quarter and zone: a quarter is over at the midnight of each school's zone.
    by_quarter: dict[tuple[Quarter, str], list[int]] = defaultdict(list)
    checks = []
    for org_id, zone, calendar in due:
        today = today_in(zone, now)
        quarter = last_ended_quarter(calendar, today)
        if quarter is not None and (today - quarter.end).days <= CATCH_UP_DAYS:
            by_quarter[(quarter, zone)].append(org_id)
        checks.append({"o_id": org_id, "o_at": next_check_at(calendar, zone, today, now)})
    made = 0
    for (quarter, zone), org_ids in by_quarter.items():
        made += await _assign_quarter(session, quarter, zone, org_ids, now)
    await session.execute(
        update(org_table)
        .where(org_table.c.id == bindparam("o_id"))
        .values(quarter_check_at=bindparam("o_at")),
        checks,
    )
    return made


async def _assign_quarter(
    session: AsyncSession, quarter: Quarter, zone: str, org_ids: list[int], now: datetime
) -> int:
    """One query for the pairs of these schools (all in `zone`) still without the
    quarter's survey."""
    done = surveys.SurveyAssignment
    # Accepted after the quarter was over in the schools' zone: not a program of it.
    over = datetime.combine(quarter.end + timedelta(days=1), time(0), ZoneInfo(zone))
    rows = (
        await session.execute(
            select(Program.id, Program.org_id, Program.mentor_id, ProgramMentee.mentee_id)
            .join(ProgramMentee, ProgramMentee.program_id == Program.id)
            .where(
                Program.org_id.in_(org_ids),
                Program.status == ProgramStatus.ACTIVE,
                Program.starts_on <= quarter.end,
                # Ending soon after the quarter: the final survey covers it.
                Program.ends_on > quarter.end + timedelta(days=FINAL_COVERS_DAYS),
                or_(Program.decided_at.is_(None), Program.decided_at < over),
                ~exists().where(
                    done.program_id == Program.id,
                    done.user_id == ProgramMentee.mentee_id,
                    done.survey == surveys.QUARTERLY_MENTEE,
                    done.period == quarter.label,
                ),
            )
            .order_by(Program.id, ProgramMentee.mentee_id)
        )
    ).all()
    specs: list[surveys.Assign] = []
    for program_id, org_id, mentor_id, mentee_id in rows:
        specs.append(
            surveys.Assign(
                org_id,
                mentor_id,
                "mentor",
                surveys.QUARTERLY_MENTOR,
                program_id=program_id,
                subject_id=mentee_id,
                period=quarter.label,
            )
        )
        specs.append(
            surveys.Assign(
                org_id,
                mentee_id,
                "mentee",
                surveys.QUARTERLY_MENTEE,
                program_id=program_id,
                period=quarter.label,
            )
        )
    return len(await surveys.assign_many(session, specs, now))


# The entry questionnaire in the plan view --------------------------------------------


@dataclass
class EntryAnswers:
    """What one mentee of the program answered on the entry questionnaire."""

    mentee_id: int
    name: str
    version: int
    # (direction, score) of the high needs, the highest first.
    needs: list[tuple[str, int]] = field(default_factory=list)
    help: list[str] = field(default_factory=list)  # option keys of the help question
    worries: str | None = None
    # Questions answered (or skipped) so far; finished: the whole questionnaire was answered.
    answered: int = 0
    finished: bool = True


def _direction_of(topic: str | None) -> str | None:
    if not topic or not topic.startswith(NEED_TOPIC):
        return None
    code = topic[len(NEED_TOPIC) :]
    return code if code in {d.value for d in Direction} else None


async def entry_answers(session: AsyncSession, program_id: int) -> list[EntryAnswers]:
    """The entry questionnaires with answers of the program's current mentees (one query)."""
    a, ans = surveys.SurveyAssignment, surveys.SurveyAnswer
    rows = (
        await session.execute(
            select(
                a.user_id,
                a.version,
                a.status,
                User.full_name,
                User.tg_name,
                ans.question_key,
                ans.topic,
                ans.score,
                ans.choices,
                ans.text,
            )
            .join(ans, ans.assignment_id == a.id)
            .join(User, User.id == a.user_id)
            .join(
                ProgramMentee,
                (ProgramMentee.program_id == a.program_id) & (ProgramMentee.mentee_id == a.user_id),
            )
            .where(
                a.program_id == program_id,
                a.survey == surveys.ENTRY,
                a.status != surveys.AssignmentStatus.CANCELLED,
                User.forgotten_at.is_(None),
            )
            .order_by(a.user_id, ans.id)
        )
    ).all()
    found: dict[int, EntryAnswers] = {}
    for user_id, version, status, full_name, tg_name, key, topic, score, choices, text in rows:
        entry = found.get(user_id)
        if entry is None:
            name = next(
                (n for n in (full_name, tg_name) if n and n.strip()), f"{NAMELESS}{user_id}"
            )
            entry = found[user_id] = EntryAnswers(user_id, name, version)
            entry.finished = status == surveys.AssignmentStatus.DONE
        entry.answered += 1
        direction = _direction_of(topic)
        if direction is not None and score is not None and score >= HIGH_NEED:
            entry.needs.append((direction, score))
        elif key == HELP_KEY and choices:
            entry.help = list(choices)
        elif key == WORRIES_KEY and text:
            entry.worries = text
    for entry in found.values():
        entry.needs.sort(key=lambda need: -need[1])
    return list(found.values())


async def covered_directions(session: AsyncSession, program_id: int) -> set[str]:
    """The directions the program's live plan items have."""
    return {
        d
        for d in await session.scalars(
            select(PlanItem.direction).where(
                PlanItem.program_id == program_id,
                PlanItem.removed_at.is_(None),
                PlanItem.direction.is_not(None),
            )
        )
        if d
    }


def offered(answers: list[EntryAnswers], covered: set[str]) -> list[str]:
    """High-need directions of any mentee not yet covered by a plan item, neediest first."""
    best: dict[str, int] = {}
    for entry in answers:
        for direction, score in entry.needs:
            best[direction] = max(best.get(direction, 0), score)
    ranked = sorted(best, key=lambda d: (-best[d], list(Direction).index(Direction(d))))
    return [d for d in ranked if d not in covered]


async def add_offered_item(
    session: AsyncSession,
    program: Program,
    actor_id: int,
    direction: str,
    title: str,
    now: datetime,
) -> PlanItem:
    """The plan item of an offered direction, «as questions arise». RuleError when the
    direction is not (or no longer) offered, e.g. an item of it was added meanwhile."""
    answers = await entry_answers(session, program.id)
    if direction not in offered(answers, await covered_directions(session, program.id)):
        raise RuleError("rounds-err-not-offered")
    return await add_item(
        session,
        program,
        actor_id,
        now,
        title=title,
        deadline_kind=DeadlineKind.AS_NEEDED,
        direction=direction,
    )
