"""Test data for the plan: a school (or two) with an active pair whose dates suit the
plan tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.outbox import OutboxMessage
from models.people import Role
from models.programs import Program
from tests.support.botclient import Person
from tests.support.seed import Member, seed


@dataclass
class PlanSchool:
    org: int
    curator: Member
    mentor: Member
    mentee: Member
    program: int
    other_mentor: Member
    other_mentee: Member
    other_program: int
    outsider: Member  # a mentee of the school with no program


async def build_plan_school(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    timezone: str = "Europe/Moscow",
    starts_on: date = date(2026, 9, 1),
    ends_on: date = date(2027, 5, 31),
    base: int = 0,
) -> PlanSchool:
    """`base` shifts the Telegram ids, so two schools can live in one test."""
    async with seed(sessionmaker, now) as s:
        org = await s.org(f"Школа {base or 1}", timezone)
        curator = await s.member(org, Person(base + 10, "Cur"), Role.CURATOR, name="Куратор К")
        mentor = await s.member(org, Person(base + 20, "Men"), Role.MENTOR, name="Наставник Н")
        mentee = await s.member(org, Person(base + 30, "Tee"), Role.MENTEE, name="Молодой М")
        other_mentor = await s.member(
            org, Person(base + 21, "Men2"), Role.MENTOR, name="Другой Наставник"
        )
        other_mentee = await s.member(
            org, Person(base + 31, "Tee2"), Role.MENTEE, name="Другой Молодой"
        )
        outsider = await s.member(org, Person(base + 32, "Out"), Role.MENTEE, name="Без Пары")
        program = await s.program(org, mentor, [mentee])
        other_program = await s.program(org, other_mentor, [other_mentee])
        await s.session.execute(
            update(Program)
            .where(Program.id.in_([program, other_program]))
            .values(starts_on=starts_on, ends_on=ends_on, form="teacher_teacher")
        )
    return PlanSchool(
        org, curator, mentor, mentee, program, other_mentor, other_mentee, other_program, outsider
    )


async def plan_rows(
    sessionmaker: async_sessionmaker[AsyncSession], prefix: str = "plan-"
) -> list[OutboxMessage]:
    async with sessionmaker() as s:
        rows = await s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind.startswith(prefix))
            .order_by(OutboxMessage.id)
        )
        return list(rows.all())
