"""/settings changes move what was timed by the old settings: the SLA deadlines of open
questions and the reminders held for quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.people import Organization
from models.questions import sla_catch_up, sla_times
from tests.support.botclient import BotClient
from tests.support.onboard import said
from tests.support.seed import World, questions, to

REMIND, ESCALATE = 4, 16  # the SLA hours of the test settings


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC) - timedelta(hours=3)


async def _set(client: BotClient, w: World, field: str, text: str) -> None:
    me = w.curator.person
    said(client, await client.press(me, f"st:{w.org}:{field}"), "ru", f"settings-ask-{field}")
    calls = await client.send(me, text)
    assert calls[-2].text == client.locales.get("ru")("settings-saved")


async def test_hours_and_calendar_move_open_questions(client: BotClient, w: World) -> None:
    # Asked on Monday 23.11 at 12:00 in Moscow; the school works 08:00-18:00.
    await client.send(w.mentee.person, "Вопрос наставнику А")
    [q] = await questions(client)
    assert q.remind_due_at == msk(2026, 11, 23, 16, 0)
    # Two working hours a day from now on: 2 on Tuesday, 2 on Wednesday.
    await _set(client, w, "hours", "1-5 10:00-12:00")
    [q] = await questions(client)
    assert q.remind_due_at == msk(2026, 11, 25, 12, 0)
    async with client.sessionmaker() as s:
        org = await s.get(Organization, w.org)
        assert (q.remind_due_at, q.escalate_due_at) == sla_times(org, q.asked_at, REMIND, ESCALATE)
    # The government moves Saturday's day off to Wednesday: Thursday is the next chance.
    me = w.curator.person
    said(client, await client.press(me, f"st:{w.org}:transfers"), "ru", "settings-ask-transfers")
    said(client, await client.send(me, "28.11-25.11"), "ru", "settings-bad-transfers")
    said(client, await client.send(me, "31.02→25.11"), "ru", "settings-bad-transfers")
    calls = await client.send(me, "28.11→25.11")
    assert "28.11.2026→25.11.2026" in calls[-1].text
    [q] = await questions(client)
    assert q.remind_due_at == msk(2026, 11, 26, 12, 0)
    # A new time zone: the same working hours, two hours later in UTC.
    await _set(client, w, "timezone", "Asia/Yekaterinburg")
    [q] = await questions(client)
    assert q.remind_due_at == msk(2026, 11, 26, 10, 0)


async def test_quiet_hours_move_held_reminders(client: BotClient, w: World) -> None:
    await client.send(w.mentee.person, "Вопрос наставнику А")
    # Monday 22:00 in Moscow: the reminder is due but quiet hours (21:00-08:00) hold it.
    late = msk(2026, 11, 23, 22, 0)
    client.clock.set(late)
    async with client.sessionmaker() as s, s.begin():
        assert await sla_catch_up(s, late) == 1

    async def held() -> datetime:
        [row] = [r for r in await client.notices() if r.kind == "question-remind"]
        assert row.status == "pending"
        return row.due_at

    assert await held() == msk(2026, 11, 24, 8, 0)
    await _set(client, w, "quiet", "21:00-09:00")
    assert await held() == msk(2026, 11, 24, 9, 0)
    assert not to(await client.tick(), w.mentor_a)
    # Quiet hours that end before ten at night let it go now.
    await _set(client, w, "quiet", "23:00-07:00")
    assert await held() == late
    assert to(await client.tick(), w.mentor_a)
