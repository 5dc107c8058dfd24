"""A meeting reminder is stale once the next, nearer one is due: a bot that was down
through the 24 h point sends the 1 h reminder alone, not both."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models.lifecycle import change_mentor
from models.meetings import REMINDER, confirm, propose_meeting
from models.outbox import OutboxMessage
from tests.support.botclient import BotClient
from tests.support.seed import World


async def test_each_reminder_expires_when_the_next_is_due(client: BotClient, w: World) -> None:
    now = client.clock.now()
    start = (now + timedelta(hours=30)).replace(minute=0, second=0, microsecond=0)
    offsets = (timedelta(hours=24), timedelta(hours=1))
    async with client.sessionmaker() as s, s.begin():
        [meeting] = await propose_meeting(
            s,
            w.program_b,
            w.mentor_b.user_id,
            start,
            "online",
            None,
            None,
            False,
            now,
            offsets=offsets,
        )
    async with client.sessionmaker() as s:
        rows = list(
            await s.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == REMINDER, OutboxMessage.ref_id == meeting.id
                )
            )
        )
    windows = {(r.user_id, r.due_at, r.expires_at) for r in rows}
    for person in (w.mentor_b, w.mentee3):
        assert (person.user_id, start - offsets[0], start - offsets[1]) in windows
        assert (person.user_id, start - offsets[1], start) in windows
    assert len(rows) == 4


async def test_the_old_mentors_invitation_is_answered_by_the_mentee_after_a_change(
    client: BotClient, w: World
) -> None:
    """A meeting the old mentor proposed is now the mentor side's: the mentee can still
    confirm it, and the new mentor does not confirm their own side's proposal."""
    now = client.clock.now()
    start = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    async with client.sessionmaker() as s, s.begin():
        [meeting] = await propose_meeting(
            s, w.program_b, w.mentor_b.user_id, start, "online", None, None, False, now
        )
        changed = await change_mentor(
            s,
            w.program_b,
            w.mentor_a.user_id,
            actor_id=w.curator.user_id,
            now=now,
            hours=(4, 16),
        )
        assert changed is not None
    async with client.sessionmaker() as s, s.begin():
        assert await confirm(s, meeting.id, w.mentor_a.user_id, now) is None
        assert await confirm(s, meeting.id, w.mentee3.user_id, now)
