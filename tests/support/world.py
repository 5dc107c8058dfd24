"""Quick set-up of an organization with people and programs, written straight to the DB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.invites import record_consent
from models.people import Role, add_role, create_organization, ensure_user, get_profile
from models.programs import Program, ProgramMentee, ProgramStatus
from tests.support.botclient import Person


@dataclass
class Member:
    person: Person
    user_id: int


async def make_org(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, name: str = "Школа 1"
) -> int:
    async with sessionmaker() as session, session.begin():
        org = await create_organization(session, name, "Europe/Moscow", now)
        return org.id


async def make_member(
    sessionmaker: async_sessionmaker[AsyncSession],
    org_id: int,
    person: Person,
    role: Role,
    now: datetime,
    *,
    name: str,
    subject: str = "математика",
) -> Member:
    async with sessionmaker() as session, session.begin():
        user = await ensure_user(session, person.id, person.first_name, person.language_code, now)
        user.full_name = name
        await record_consent(session, user.id, org_id, now)
        await add_role(session, user.id, org_id, role, now)
        profile = await get_profile(session, user.id)
        profile.subject = subject
        profile.position = "учитель"
        profile.experience_years = 5
        return Member(person, user.id)


async def make_program(
    sessionmaker: async_sessionmaker[AsyncSession],
    org_id: int,
    mentor: Member,
    mentees: list[Member],
    now: datetime,
) -> int:
    async with sessionmaker() as session, session.begin():
        program = Program(
            org_id=org_id,
            mentor_id=mentor.user_id,
            form="situational",
            mode="mixed",
            starts_on=date(2026, 11, 1),
            ends_on=date(2027, 5, 31),
            status=ProgramStatus.ACTIVE,
            created_at=now,
        )
        session.add(program)
        await session.flush()
        for mentee in mentees:
            session.add(ProgramMentee(program_id=program.id, mentee_id=mentee.user_id))
        return program.id
