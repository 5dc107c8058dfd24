"""An ended program's weekly series is called off with one notice per person (one .ics
removing every meeting), not a message per meeting."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from models.changes import EndReason
from models.lifecycle import end_program
from models.meetings import CANCELLED, SERIES_CANCELLED, Meeting, propose_meeting
from models.outbox import OutboxMessage
from tests.support.botclient import BotClient
from tests.support.seed import World


async def test_an_ended_programs_series_is_called_off_in_one_notice(
    client: BotClient, w: World
) -> None:
    now = client.clock.now()
    start = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    async with client.sessionmaker() as s, s.begin():
        series = await propose_meeting(
            s, w.program_b, w.mentor_b.user_id, start, "online", None, None, True, now
        )
        assert len(series) > 5
        ended = await end_program(
            s,
            w.program_b,
            end_reason=EndReason.NON_FULFILMENT,
            actor_id=w.curator.user_id,
            now=now,
            reason="Не выполняется",
        )
        assert ended is not None
    async with client.sessionmaker() as s:
        statuses = set(
            await s.scalars(select(Meeting.status).where(Meeting.program_id == w.program_b))
        )
        rows = list(
            await s.scalars(
                select(OutboxMessage).where(OutboxMessage.kind.in_((CANCELLED, SERIES_CANCELLED)))
            )
        )
    assert statuses == {"cancelled"}
    per_person = Counter((r.user_id, r.kind) for r in rows)
    assert per_person == {
        (w.mentor_b.user_id, SERIES_CANCELLED): 1,
        (w.mentee3.user_id, SERIES_CANCELLED): 1,
    }
    [row] = [r for r in rows if r.user_id == w.mentee3.user_id]
    assert row.args["why"] == "ended" and row.args["count"] == len(series)
    assert len(row.args["series"]) == len(series)
    calls = await client.tick()
    captions = [
        c.method.caption or ""
        for c in calls
        if c.name == "sendDocument" and c.chat_id == w.mentee3.person.id
    ]
    assert len(captions) == 1 and "Программа завершена" in captions[0], captions
    assert f"({len(series)}," in captions[0]
