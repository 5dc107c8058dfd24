"""Data of the program-card tests: a school with a pair, a second school whose mentor
the admin may borrow, and a third school that must see nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.meetings import Meeting
from models.people import Role
from models.plans import PlanItem, PlanOccurrence
from tests.support.botclient import Person
from tests.support.seed import Member, seed


@dataclass
class CardSchool:
    org: int
    other_org: int
    third_org: int
    curator: Member
    mentor: Member
    mentee: Member
    free_mentee: Member  # no program yet: the inter-school pair's mentee
    other_curator: Member
    other_mentor: Member  # of the second school, borrowed by the admin
    third_curator: Member
    program: int


async def build_card_school(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> CardSchool:
    async with seed(sessionmaker, now) as s:
        org = await s.org("Школа 1")
        other = await s.org("Районная школа", "Asia/Vladivostok")
        third = await s.org("Школа 3")
        curator = await s.member(org, Person(10, "Cur"), Role.CURATOR, name="Куратор Ольга")
        mentor = await s.member(org, Person(20, "Men"), Role.MENTOR, name="Наставник Иван")
        mentee = await s.member(org, Person(30, "Tee"), Role.MENTEE, name="Анна Новая")
        free = await s.member(org, Person(31, "Free"), Role.MENTEE, name="Борис Свободный")
        other_curator = await s.member(
            other, Person(11, "Cur2"), Role.CURATOR, name="Куратор Района"
        )
        other_mentor = await s.member(
            other, Person(21, "Men2"), Role.MENTOR, name="Наставник Районный"
        )
        third_curator = await s.member(third, Person(12, "Cur3"), Role.CURATOR, name="Чужой К")
        program = await s.program(org, mentor, [mentee])
    return CardSchool(
        org,
        other,
        third,
        curator,
        mentor,
        mentee,
        free,
        other_curator,
        other_mentor,
        third_curator,
        program,
    )


async def add_plan(
    sessionmaker: async_sessionmaker[AsyncSession],
    program_id: int,
    now: datetime,
    dues: list[tuple[date | None, bool]],
) -> list[int]:
    """One plan item per (due day, done), each with one occurrence; the occurrence ids."""
    ids = []
    async with sessionmaker() as s, s.begin():
        for index, (due, done) in enumerate(dues):
            item = PlanItem(
                program_id=program_id,
                position=index,
                title=f"Пункт {index + 1}",
                deadline_kind="date" if due else "as_needed",
                deadline_spec={"date": due.isoformat()} if due else {},
                created_at=now,
            )
            s.add(item)
            await s.flush()
            occurrence = PlanOccurrence(
                item_id=item.id,
                program_id=program_id,
                due_on=due,
                done_at=now if done else None,
            )
            s.add(occurrence)
            await s.flush()
            ids.append(occurrence.id)
    return ids


async def add_meeting(
    sessionmaker: async_sessionmaker[AsyncSession],
    program_id: int,
    org_id: int,
    proposed_by: int,
    starts_at: datetime,
    held: bool | None,
    **values: object,
) -> int:
    async with sessionmaker() as s, s.begin():
        meeting = Meeting(
            program_id=program_id,
            org_id=org_id,
            proposed_by=proposed_by,
            starts_at=starts_at,
            mode="offline",
            status="confirmed",
            held=held,
            created_at=starts_at - timedelta(days=1),
            **values,
        )
        s.add(meeting)
        await s.flush()
        return meeting.id
