"""The world of the question tests: one school with a curator, mentors A and B and three
mentees (two in A's group program, one with B), plus a second school with its own curator."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models.people import Role
from models.questions import Question
from tests.support.botclient import BotClient, Call, Person
from tests.support.world import Member, make_member, make_org, make_program


@dataclass
class World:
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
    sm, now = client.sessionmaker, client.clock.now()
    org = await make_org(sm, now)
    other = await make_org(sm, now, "Школа 2")
    curator = await make_member(sm, org, Person(10, "Cur"), Role.CURATOR, now, name="Куратор К")
    mentor_a = await make_member(sm, org, Person(20, "MenA"), Role.MENTOR, now, name="Наставник А")
    mentor_b = await make_member(
        sm, org, Person(21, "MenB"), Role.MENTOR, now, name="Наставник Б", subject="физика"
    )
    mentee = await make_member(sm, org, Person(30, "Tee"), Role.MENTEE, now, name="Молодой У")
    mentee2 = await make_member(
        sm, org, Person(32, "Tee2"), Role.MENTEE, now, name="Второй У", subject="химия"
    )
    mentee3 = await make_member(
        sm, org, Person(33, "Tee3"), Role.MENTEE, now, name="Третий У", subject="физика"
    )
    other_curator = await make_member(
        sm, other, Person(11, "Cur2"), Role.CURATOR, now, name="Чужой Куратор"
    )
    program_a = await make_program(sm, org, mentor_a, [mentee, mentee2], now)
    program_b = await make_program(sm, org, mentor_b, [mentee3], now)
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


def to(calls: list[Call], member: Member) -> list[Call]:
    return [c for c in calls if c.chat_id == member.person.id]


def named(calls: list[Call], name: str) -> list[Call]:
    return [c for c in calls if c.name == name]


async def questions(client: BotClient) -> list[Question]:
    async with client.sessionmaker() as s:
        return list((await s.scalars(select(Question).order_by(Question.id))).all())
