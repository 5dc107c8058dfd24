"""The one way tests and benchmarks build their data: schools, people, programs and
questions, written straight to the database in one transaction.

    async with seed(client.sessionmaker, now) as s:
        org = await s.org("Школа 5")
        curator = await s.member(org, Person(10, "Cur"), Role.CURATOR, name="Петрова Ольга")

The schools that several tests share are built here too (`World` of the question tests,
`PairSchool` of the /pair tests); their fixtures live in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.calendar import default_calendar
from models.invites import record_consent
from models.people import Role, User, add_role, create_organization, ensure_user, get_profile
from models.programs import Program, ProgramMentee, ProgramStatus
from models.questions import Question, Route, create_question
from tests.support.botclient import BotClient, Call, Person


@dataclass
class Member:
    person: Person
    user_id: int


class Seed:
    """Writes into one open session; `seed()` commits it once at the end."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def org(self, name: str = "Школа 1", timezone: str = "Europe/Moscow") -> int:
        return (await create_organization(self.session, name, timezone, self.now)).id

    async def member(
        self,
        org_id: int,
        person: Person,
        role: Role,
        *,
        name: str,
        subject: str = "математика",
        **profile_values: object,
    ) -> Member:
        """A person who has consented and holds `role` in the school, with a full profile."""
        s, now = self.session, self.now
        user = await ensure_user(s, person.id, person.first_name, person.language_code, now)
        user.full_name = name
        await record_consent(s, user.id, org_id, now)
        await add_role(s, user.id, org_id, role, now)
        profile = await get_profile(s, user.id)
        profile.subject, profile.position, profile.experience_years = subject, "учитель", 5
        for field, value in profile_values.items():
            setattr(profile, field, value)
        return Member(person, user.id)

    async def program(self, org_id: int, mentor: Member, mentees: list[Member]) -> int:
        """An active situational program for this school year."""
        program = Program(
            org_id=org_id,
            mentor_id=mentor.user_id,
            form="situational",
            mode="mixed",
            starts_on=date(2026, 11, 1),
            ends_on=date(2027, 5, 31),
            status=ProgramStatus.ACTIVE,
            created_at=self.now,
        )
        self.session.add(program)
        await self.session.flush()
        for mentee in mentees:
            self.session.add(ProgramMentee(program_id=program.id, mentee_id=mentee.user_id))
        return program.id

    async def question(
        self, org_id: int, mentee: Member, mentor: Member, preview: str, kind: str = "text"
    ) -> int:
        """An open question of `mentee` owned by `mentor`, as routing would make it."""
        owner = await self.session.get(User, mentor.user_id)
        asker = await self.session.get(User, mentee.user_id)
        assert owner is not None and asker is not None
        question = await create_question(
            self.session,
            route=Route(org_id, None, owner, "mentor"),
            mentee=asker,
            kind=kind,
            preview=preview,
            media_group_id=None,
            now=self.now,
            remind_hours=4,
            escalate_hours=24,
        )
        return question.id


@asynccontextmanager
async def seed(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> AsyncIterator[Seed]:
    async with sessionmaker() as session, session.begin():
        yield Seed(session, now)


# The school of the question tests ----------------------------------------------------


@dataclass
class World:
    """One school with a curator, mentors A and B and three mentees (two in A's group
    program, one with B), plus a second school with its own curator."""

    org: int
    other_org: int
    curator: Member
    mentor_a: Member
    mentor_b: Member
    mentee: Member  # in A's group program
    mentee2: Member  # in A's group program
    mentee3: Member  # with B
    other_curator: Member
    program_a: int
    program_b: int


async def build_world(client: BotClient) -> World:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        org = await s.org()
        other = await s.org("Школа 2")
        curator = await s.member(org, Person(10, "Cur"), Role.CURATOR, name="Куратор К")
        mentor_a = await s.member(org, Person(20, "MenA"), Role.MENTOR, name="Наставник А")
        mentor_b = await s.member(
            org, Person(21, "MenB"), Role.MENTOR, name="Наставник Б", subject="физика"
        )
        mentee = await s.member(org, Person(30, "Tee"), Role.MENTEE, name="Молодой У")
        mentee2 = await s.member(
            org, Person(32, "Tee2"), Role.MENTEE, name="Второй У", subject="химия"
        )
        mentee3 = await s.member(
            org, Person(33, "Tee3"), Role.MENTEE, name="Третий У", subject="физика"
        )
        other_curator = await s.member(
            other, Person(11, "Cur2"), Role.CURATOR, name="Чужой Куратор"
        )
        program_a = await s.program(org, mentor_a, [mentee, mentee2])
        program_b = await s.program(org, mentor_b, [mentee3])
    return World(
        org,
        other,
        curator,
        mentor_a,
        mentor_b,
        mentee,
        mentee2,
        mentee3,
        other_curator,
        program_a,
        program_b,
    )


# The school of the /pair tests --------------------------------------------------------


@dataclass
class PairSchool:
    org: int
    curator: Member
    m1: Member  # mathematics, no directions
    m2: Member  # physics, directions cover the mentees' difficulties
    t1: Member
    t2: Member
    other_curator: Member
    other_mentee: Member


async def build_pair_school(client: BotClient) -> PairSchool:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        org = await s.org()
        other = await s.org("Школа 2")
        return PairSchool(
            org,
            await s.member(org, Person(10, "Cur"), Role.CURATOR, name="Куратор К"),
            await s.member(org, Person(20, "M1"), Role.MENTOR, name="Наставник Один"),
            await s.member(
                org,
                Person(21, "M2"),
                Role.MENTOR,
                name="Наставник Два",
                subject="физика",
                mentor_directions=["method", "psych", "ict"],
            ),
            await s.member(
                org,
                Person(30, "T1"),
                Role.MENTEE,
                name="Молодой Первый",
                mentee_difficulties=["method", "psych", "ict"],
            ),
            await s.member(
                org,
                Person(31, "T2"),
                Role.MENTEE,
                name="Молодой Второй",
                mentee_difficulties=["method"],
            ),
            await s.member(other, Person(11, "Cur2"), Role.CURATOR, name="Чужой Куратор"),
            await s.member(other, Person(40, "T9"), Role.MENTEE, name="Чужой Наставляемый"),
        )


# Reading back -------------------------------------------------------------------------


def to(calls: list[Call], member: Member) -> list[Call]:
    return [c for c in calls if c.chat_id == member.person.id]


def named(calls: list[Call], name: str) -> list[Call]:
    return [c for c in calls if c.name == name]


async def questions(client: BotClient) -> list[Question]:
    async with client.sessionmaker() as s:
        return list((await s.scalars(select(Question).order_by(Question.id))).all())


def school_hours(**overrides: Any) -> SimpleNamespace:
    """An organization's time settings (the defaults of a new school), without a
    database: what WorkSchedule.of and sla_times read."""
    org = SimpleNamespace(
        timezone="Europe/Moscow",
        work_days="1,2,3,4,5",
        work_start="08:00",
        work_end="18:00",
        quiet_start="21:00",
        quiet_end="08:00",
        calendar=default_calendar(2026),
    )
    for key, value in overrides.items():
        setattr(org, key, value)
    return org
