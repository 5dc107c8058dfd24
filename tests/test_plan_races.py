"""The pair pressing «Взять дорожную карту» at the same moment get one template, not two:
the program's row is held while the empty plan is checked and filled."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from models.db import write_gate
from models.plans import PlanError, PlanItem, apply_template
from models.programs import Program
from tests.support.botclient import BotClient
from tests.support.seed import World


async def test_the_template_pressed_twice_at_once_is_applied_once(
    client: BotClient, w: World
) -> None:
    now = client.clock.now()

    async def press(actor: int) -> str:
        # SQLite's write gate (as in the app) lets one write at a time; PostgreSQL runs
        # both transactions side by side.
        async with write_gate(client.sessionmaker).hold(), client.sessionmaker() as s, s.begin():
            program = await s.get(Program, w.program_b)
            assert program is not None
            try:
                await apply_template(s, program, actor, now)
            except PlanError as error:
                return error.key
            await asyncio.sleep(0.05)  # hold the transaction open a little
            return "applied"

    results = await asyncio.gather(press(w.mentor_b.user_id), press(w.mentee3.user_id))
    assert sorted(results) == ["applied", "plan-err-not-empty"], results
    async with client.sessionmaker() as s:
        items = await s.scalar(
            select(func.count()).select_from(PlanItem).where(PlanItem.program_id == w.program_b)
        )
    assert items == 13
