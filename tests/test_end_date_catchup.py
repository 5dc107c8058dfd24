"""The end-date catch-up (models/changes.py `program_end_catch_up`) over many programs
in several schools and time zones ending on the same day: each curator of each school is
asked once per program, on the school's own day, and never again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import changes
from models.people import Role
from models.plans import PlanItem, PlanOccurrence
from models.programs import Program
from tests.support.botclient import BotClient, Person
from tests.support.seed import seed

pytestmark = pytest.mark.usefixtures("no_errors")

ZONES = ("Europe/Kaliningrad", "Europe/Moscow", "Asia/Kamchatka")


async def _asks(client: BotClient) -> list[tuple[int, int, int]]:
    """(program, curator's chat, done) of every end-of-program question written."""
    return sorted(
        (r.ref_id or 0, r.chat_id, r.args["done"])
        for r in await client.notices()
        if r.kind == "program-end-ask"
    )


async def _run(client: BotClient) -> int:
    async with client.sessionmaker() as s, s.begin():
        return await changes.program_end_catch_up(s, client.clock.now())


async def test_a_district_ending_on_one_day_asks_each_curator_once(client: BotClient) -> None:
    now = client.clock.now()
    programs: dict[str, list[int]] = {}
    curators: dict[str, list[int]] = {}
    async with seed(client.sessionmaker, now) as s:
        # A curator of two schools (Moscow and Kamchatka) is asked about each school's programs.
        shared = Person(90, "Both")
        for n, zone in enumerate(ZONES):
            org = await s.org(f"Школа {n + 1}", zone)
            own = await s.member(org, Person(100 + n, f"C{n}"), Role.CURATOR, name=f"Куратор {n}")
            curators[zone] = [own.person.id]
            if zone != "Europe/Kaliningrad":
                await s.member(org, shared, Role.CURATOR, name="Куратор Двух Школ")
                curators[zone].append(shared.id)
            programs[zone] = []
            for k in range(4):
                mentor = await s.member(
                    org, Person(1000 + 10 * n + k, "M"), Role.MENTOR, name=f"Наставник {n}{k}"
                )
                mentee = await s.member(
                    org, Person(2000 + 10 * n + k, "T"), Role.MENTEE, name=f"Молодой {n}{k}"
                )
                programs[zone].append(await s.program(org, mentor, [mentee]))
        # The first Moscow program's plan is done; the second's has an open occurrence.
        first, second = programs["Europe/Moscow"][:2]
        for program_id, done in ((first, True), (second, False)):
            item = PlanItem(
                program_id=program_id, title="Урок", deadline_kind="as_needed", created_at=now
            )
            s.session.add(item)
            await s.session.flush()
            s.session.add(
                PlanOccurrence(
                    item_id=item.id, program_id=program_id, seq=1, done_at=now if done else None
                )
            )
    # Every program ends on 31.05.2027. At 13:00 UTC on 30.05 it is 31.05 in Kamchatka only.
    client.clock.set(datetime(2027, 5, 30, 13, 0, tzinfo=UTC))
    assert await _run(client) == 4 * 2
    assert {p for p, _, _ in await _asks(client)} == set(programs["Asia/Kamchatka"])
    # The next morning every school's day has come; twice over, nobody is asked again.
    client.clock.set(datetime(2027, 5, 31, 6, 0, tzinfo=UTC))
    assert await _run(client) == 4 * 1 + 4 * 2
    assert await _run(client) == 0
    await client.tick()
    expected = sorted(
        (program_id, chat, int(program_id == first))
        for zone in ZONES
        for program_id in programs[zone]
        for chat in curators[zone]
    )
    assert await _asks(client) == expected
    async with client.sessionmaker() as s:
        asked = await s.scalars(select(Program.completion_asked_at))
        assert all(at is not None for at in asked)
