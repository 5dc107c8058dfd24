"""Meetings end to end: the real bot process, the fake Bot API and the moved clock. A
meeting scheduled, moved to another time with no stale reminder, and marked held; and
restart safety: a reminder due while the bot was down goes once, an expired one never."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot import ics
from fake_telegram import FakeTelegram
from fake_telegram.models import BotMessage
from models.db import create_engine, create_sessionmaker
from models.outbox import OutboxMessage
from tests.e2e.conftest import BotProcess
from tests.e2e.school import MONDAY_NOON, School, schedule_meeting

MSK = timedelta(hours=3)


def _msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall time in November 2026, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - MSK


def _ics_of(fake: FakeTelegram, message: BotMessage) -> dict[str, str]:
    assert message.kind == "document" and (message.file_name or "").endswith(".ics")
    data = fake.files.by_id[message.file_id].content
    assert b"\r\n" in data and data.count(b"\r\n") == data.count(b"\n")
    return dict(line.split(":", 1) for line in ics.unfold(data))


def _reminder_statuses(database_url: str) -> list[str]:
    async def run() -> list[str]:
        engine = create_engine(database_url)
        try:
            async with create_sessionmaker(engine)() as s:
                rows = await s.scalars(
                    select(OutboxMessage.status)
                    .where(OutboxMessage.kind == "meeting-reminder")
                    .order_by(OutboxMessage.id)
                )
                return list(rows.all())
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_meeting_moved_without_stale_reminders_and_marked(
    school: School, fake: FakeTelegram, bot_process: BotProcess
) -> None:
    s = school
    schedule_meeting(s.mentor_b, "25.11 15:30")
    invite = s.vera.wait_for("Приглашение на встречу")
    assert "25.11.2026 15:30" in invite.text and "Кабинет 12" in invite.text
    fields = _ics_of(fake, invite)
    assert fields["UID"] == "meeting-1@mentorbot" and fields["DTSTART"] == "20261125T123000Z"
    assert fields["METHOD"] == "REQUEST" and fields["SEQUENCE"] == "0"

    s.vera.press("🕒 Предложить другое время", message=invite)
    s.vera.wait_for("Новое время для встречи #1")
    s.vera.send("26.11 10:00")
    s.vera.wait_for("перенесена на 26.11.2026 10:00")
    moved = s.mentor_b.wait_for("Встреча перенесена")
    fields = _ics_of(fake, moved)
    assert fields["SEQUENCE"] == "1" and fields["DTSTART"] == "20261126T070000Z"
    s.mentor_b.press("✅ Подтвердить", message=moved)
    s.vera.wait_for("подтвердил(а) встречу 26.11.2026 10:00")

    # Past the old time's 1 h mark: only the new time's 24 h reminder goes.
    bot_process.set_time(_msk(25, 14, 45))
    assert "26.11.2026 10:00" in s.vera.wait_for("Напоминание").text
    assert "26.11.2026 10:00" in s.mentor_b.wait_for("Напоминание").text
    s.vera.assert_no_message(within=1.0, contains="Напоминание")

    # After the end the mentor is asked and marks it.
    bot_process.set_time(_msk(26, 11, 5))
    ask = s.mentor_b.wait_for("состоялась?")
    s.mentor_b.press("✅ Состоялась", message=ask)
    s.mentor_b.send("/meetings")
    listing = s.mentor_b.wait_for("Прошедшие встречи")
    assert "#1 · 26.11.2026 10:00" in listing.text and "— состоялась" in listing.text
    s.vera.assert_no_message(within=0.5, contains="Напоминание")
    assert _reminder_statuses(bot_process.database_url).count("sent") == 2


def test_restart_safety_of_reminders(
    school: School, fake: FakeTelegram, bot_process: BotProcess
) -> None:
    s = school
    # Monday 12:00 in Moscow; the meeting is on Wednesday at 10:00, two days ahead.
    schedule_meeting(s.mentor_b, "25.11 10:00")
    s.vera.wait_for("Приглашение на встречу")
    bot_process.stop()

    # 23 h 30 min later: the 24 h reminder (due Tuesday 10:00) went due while down.
    bot_process.set_time(MONDAY_NOON + timedelta(hours=23, minutes=30))
    bot_process.start()
    for person in (s.vera, s.mentor_b):
        assert "25.11.2026 10:00" in person.wait_for("Напоминание").text
    s.vera.assert_no_message(within=0.5)
    s.mentor_b.assert_no_message(within=0.1)
    bot_process.stop()

    # Past the start: the 1 h reminder has expired and is dropped, not sent.
    bot_process.set_time(_msk(25, 10, 10))
    bot_process.start()
    s.vera.assert_no_message(within=0.4)
    s.mentor_b.assert_no_message(within=0.1)

    for _ in range(2):
        bot_process.restart()
        s.vera.assert_no_message(within=0.4)
        s.mentor_b.assert_no_message(within=0.1)
    assert sorted(_reminder_statuses(bot_process.database_url)) == [
        "dropped",
        "dropped",
        "sent",
        "sent",
    ]


def test_reminders_show_the_confirmation_as_it_is_at_send_time(
    school: School, fake: FakeTelegram, bot_process: BotProcess
) -> None:
    """A reminder of a meeting not confirmed says so and asks the mentee to confirm it;
    confirmed from that reminder, then a restart: the next reminder and the mentor's
    held question are rendered from the meeting as it is then, naming the other side."""
    s = school
    schedule_meeting(s.mentor_b, "25.11 15:30")
    s.vera.wait_for("Приглашение на встречу")

    bot_process.set_time(_msk(24, 15, 30))
    reminder = s.vera.wait_for("Напоминание")
    assert "(не подтверждена)" in reminder.text and "С кем: Наставник Белла" in reminder.text
    assert "Тема: Разбор открытого урока" in reminder.text
    mentor = s.mentor_b.wait_for("Напоминание")
    assert "(не подтверждена)" in mentor.text and "С кем: Вера Юная" in mentor.text
    s.vera.press("✅ Подтвердить", message=reminder)
    s.mentor_b.wait_for("подтвердил(а) встречу 25.11.2026 15:30")

    bot_process.restart()
    bot_process.set_time(_msk(25, 14, 30))
    for person, partner in ((s.vera, "Наставник Белла"), (s.mentor_b, "Вера Юная")):
        text = person.wait_for("Напоминание").text
        assert f"С кем: {partner}" in text and "подтвержд" not in text, text

    bot_process.set_time(_msk(25, 16, 35))
    ask = s.mentor_b.wait_for("состоялась?")
    assert "С кем: Вера Юная" in ask.text
    s.vera.assert_no_message(within=0.5, contains="состоялась")
