"""Meetings at the dispatcher level: /meet typed and by buttons, the invitation with its
.ics, confirming, proposing another time (no stale reminder), cancelling, the mentor's
mark (only the mentor, only after the start, once), forged buttons and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.types import BufferedInputFile
from sqlalchemy import select, update

from bot import ics
from bot.keyboards.changes import NewMentorCb
from models.audit import AuditEntry
from models.changes import Proposal
from models.meetings import Meeting, parse_offsets, reschedule
from models.outbox import OutboxMessage
from models.people import Role
from tests.support.botclient import BotClient, Call, Person
from tests.support.seed import World, seed

pytestmark = pytest.mark.usefixtures("no_errors")

# The clock starts on Monday 23.11.2026, 12:00 in Moscow (09:00 UTC).
WED_1530 = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)  # 25.11 15:30 in Moscow


async def _meetings(client: BotClient) -> list[Meeting]:
    async with client.sessionmaker() as s:
        return list((await s.scalars(select(Meeting).order_by(Meeting.id))).all())


async def _rows(client: BotClient, kind: str, status: str | None = None) -> list[OutboxMessage]:
    async with client.sessionmaker() as s:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind)
        if status is not None:
            query = query.where(OutboxMessage.status == status)
        return list((await s.scalars(query.order_by(OutboxMessage.id))).all())


def _documents(calls: list[Call], chat_id: int) -> list[Call]:
    return [c for c in calls if c.name == "sendDocument" and c.chat_id == chat_id]


def _ics(call: Call) -> bytes:
    document = call.method.document  # type: ignore[attr-defined]
    assert isinstance(document, BufferedInputFile)
    assert document.filename.endswith(".ics")
    return document.data


def _fields(data: bytes) -> dict[str, str]:
    return dict(line.split(":", 1) for line in ics.unfold(data))


def _alert(client: BotClient, calls: list[Call]) -> str:
    answers = client.callback_answers(calls)
    assert answers, [c.name for c in calls]
    return answers[-1].text or ""


async def _schedule_typed(
    client: BotClient, w: World, moment: str = "25.11 15:30", topic: str | None = None
) -> list[Call]:
    """Mentor B proposes a one-off online meeting to mentee 3 with a typed moment."""
    who = w.mentor_b.person
    calls = await client.send(who, "/meet")
    assert "Когда?" in calls[-1].text, calls[-1].text
    calls = await client.send(who, moment)
    assert "Формат встречи" in calls[-1].text, calls[-1].text
    calls = await client.press(who, client.button_data(calls, "онлайн"))
    calls = await client.send(who, "https://meet.example/abc")
    assert "Тема" in calls[-1].text
    if topic is None:
        calls = await client.press(who, client.button_data(calls, "Пропустить"))
    else:
        calls = await client.send(who, topic)
    calls = await client.press(who, client.button_data(calls, "Один раз"))
    assert "Проверьте встречу" in calls[-1].text
    return await client.press(who, client.button_data(calls, "✅ Отправить"))


async def test_meet_typed_invitation_ics_confirm(client: BotClient, w: World) -> None:
    calls = await _schedule_typed(client, w, topic="Открытый урок; план, цели")
    assert "Встреча #1 предложена на 25.11.2026 15:30" in client.last_text(w.mentor_b.person.id)
    [meeting] = await _meetings(client)
    assert (meeting.starts_at, meeting.mode, meeting.status) == (WED_1530, "online", "proposed")
    assert meeting.place == "https://meet.example/abc" and meeting.proposed_by == w.mentor_b.user_id

    # the invitation: a document with the text as its caption and two buttons
    [invite] = _documents(calls, w.mentee3.person.id)
    assert "Приглашение на встречу" in invite.text and "25.11.2026 15:30" in invite.text
    assert [d for _, d in invite.buttons] == [f"mc:{meeting.id}", f"mv:{meeting.id}"]
    assert not _documents(calls, w.mentor_b.person.id)
    data = _ics(invite)
    fields = _fields(data)
    assert fields["UID"] == f"meeting-{meeting.id}@mentorbot"
    assert fields["DTSTART"] == "20261125T123000Z" and fields["DTEND"] == "20261125T133000Z"
    assert fields["METHOD"] == "REQUEST" and fields["SEQUENCE"] == "0"
    assert fields["SUMMARY"] == "Встреча: Открытый урок\\; план\\, цели"
    assert fields["LOCATION"] == "https://meet.example/abc"
    assert data.count(b"\r\n") == data.count(b"\n")  # CRLF only

    # reminders for both, 24 h and 1 h before, each expiring at the start
    reminders = await _rows(client, "meeting-reminder", "pending")
    assert {(r.chat_id, r.due_at) for r in reminders} == {
        (chat, WED_1530 - offset)
        for chat in (w.mentor_b.person.id, w.mentee3.person.id)
        for offset in (timedelta(hours=24), timedelta(hours=1))
    }
    # each expires when the next, nearer one is due; the last at the start
    assert {(r.due_at, r.expires_at) for r in reminders} == {
        (WED_1530 - timedelta(hours=24), WED_1530 - timedelta(hours=1)),
        (WED_1530 - timedelta(hours=1), WED_1530),
    }
    # the mentor's «did it take place?» waits for a confirmation
    assert await _rows(client, "meeting-held-ask") == []

    # the mentor cannot confirm their own proposal; the mentee can, once
    calls = await client.press(w.mentor_b.person, f"mc:{meeting.id}")
    assert "не ждёт" in _alert(client, calls)
    calls = await client.press(w.mentee3.person, f"mc:{meeting.id}")
    assert "подтвердили" in _alert(client, calls)
    [ask] = await _rows(client, "meeting-held-ask", "pending")
    assert ask.chat_id == w.mentor_b.person.id and ask.due_at == WED_1530 + timedelta(hours=1)
    [meeting] = await _meetings(client)
    assert meeting.status == "confirmed" and meeting.confirmed_by == w.mentee3.user_id
    assert "подтвердил(а) встречу 25.11.2026 15:30" in client.last_text(w.mentor_b.person.id)
    calls = await client.press(w.mentee3.person, f"mc:{meeting.id}")
    assert "не ждёт" in _alert(client, calls)
    async with client.sessionmaker() as s:
        actions = list((await s.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all())
    assert actions == ["meeting-proposed", "meeting-confirmed"]

    # the reminder goes when due, and not after the start
    client.clock.set(WED_1530 - timedelta(hours=24))
    calls = await client.tick()
    assert sorted(c.chat_id for c in calls if "Напоминание" in c.text) == sorted(
        [w.mentor_b.person.id, w.mentee3.person.id]
    )
    client.clock.set(WED_1530 + timedelta(minutes=5))
    calls = await client.tick()
    assert not [c for c in calls if "Напоминание" in c.text]
    assert len(await _rows(client, "meeting-reminder", "dropped")) == 2


async def test_bad_input_keeps_the_flow(client: BotClient, w: World) -> None:
    who = w.mentor_b.person
    await client.send(who, "/meet")
    for text, answer in [
        ("31.02 10:00", "нет в календаре"),
        ("25.13 10:00", "нет в календаре"),
        ("25.11 25:00", "не бывает"),
        ("23.11 10:00", "уже прошло"),
        ("01.06.2027 10:00", "в сроки программы"),
        ("завтра", "не похоже на дату"),
    ]:
        calls = await client.send(who, text)
        assert answer in calls[-1].text, (text, calls[-1].text)
    calls = await client.send_sticker(who)
    assert "текстом" in calls[-1].text
    calls = await client.send(who, "25.11.2026 15:30")
    assert "Формат встречи" in calls[-1].text
    calls = await client.press(who, client.button_data(calls, "очно"))
    calls = await client.send(who, "x" * 301)
    assert "не больше 300" in calls[-1].text
    assert await _meetings(client) == []


async def test_buttons_and_a_weekly_series(client: BotClient, w: World) -> None:
    who = w.mentor_a.person  # a group: both mentees are invited
    calls = await client.send(who, "/meet")
    days = [text for text, _ in calls[-1].buttons]
    assert days[0] == "вт 24.11" and "сб 28.11" not in days
    calls = await client.press(who, client.button_data(calls, "ср 25.11"))
    assert "25.11.2026" in calls[-1].text
    calls = await client.press(who, client.button_data(calls, "15:00"))
    calls = await client.press(who, client.button_data(calls, "смешанный"))
    calls = await client.press(who, client.button_data(calls, "Пропустить"))
    calls = await client.press(who, client.button_data(calls, "Пропустить"))
    calls = await client.press(who, client.button_data(calls, "Каждую неделю"))
    assert "каждую неделю до 26.05.2027" in calls[-1].text, calls[-1].text
    calls = await client.press(who, client.button_data(calls, "✅ Отправить"))
    meetings = await _meetings(client)
    assert len(meetings) == 27 and {m.series_id for m in meetings} == {meetings[0].id}
    assert meetings[0].starts_at == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert meetings[1].starts_at - meetings[0].starts_at == timedelta(days=7)
    for mentee in (w.mentee, w.mentee2):
        [invite] = _documents(calls, mentee.person.id)
        assert "встреч: 27" in invite.text
        uids = [line for line in ics.unfold(_ics(invite)) if line.startswith("UID:")]
        assert len(uids) == 27
    # one confirmation takes the series
    await client.press(w.mentee.person, f"mc:{meetings[0].id}")
    assert {m.status for m in await _meetings(client)} == {"confirmed"}
    # the flow's buttons are spent
    calls = await client.press(who, "my:1")
    assert "больше не действует" in _alert(client, calls)
    assert len(await _meetings(client)) == 27


async def test_another_time_leaves_no_stale_reminder(client: BotClient, w: World) -> None:
    await _schedule_typed(client, w)
    [meeting] = await _meetings(client)
    old = {r.id for r in await _rows(client, "meeting-reminder", "pending")}
    assert len(old) == 4

    calls = await client.press(w.mentee3.person, f"mv:{meeting.id}")
    assert "Новое время" in calls[-1].text
    calls = await client.send(w.mentee3.person, "26.11 10:00")
    assert "перенесена на 26.11.2026 10:00" in client.last_text(w.mentee3.person.id)
    new_start = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    pending = await _rows(client, "meeting-reminder", "pending")
    assert not old & {r.id for r in pending}
    assert {r.due_at for r in pending} == {
        new_start - timedelta(hours=24),
        new_start - timedelta(hours=1),
    }
    assert len(await _rows(client, "meeting-reminder", "cancelled")) == 4
    assert await _rows(client, "meeting-held-ask", "pending") == []  # not confirmed yet

    [moved] = _documents(calls, w.mentor_b.person.id)
    assert "с 25.11.2026 15:30 на 26.11.2026 10:00" in moved.text
    fields = _fields(_ics(moved))
    assert fields["SEQUENCE"] == "1" and fields["DTSTART"] == "20261126T070000Z"
    [meeting] = await _meetings(client)
    assert meeting.status == "proposed" and meeting.proposed_by == w.mentee3.user_id
    # now the mentor is the one to confirm
    calls = await client.press(w.mentee3.person, f"mc:{meeting.id}")
    assert "не ждёт" in _alert(client, calls)
    await client.press(w.mentor_b.person, f"mc:{meeting.id}")
    assert (await _meetings(client))[0].status == "confirmed"
    [ask] = await _rows(client, "meeting-held-ask", "pending")
    assert ask.due_at == new_start + timedelta(hours=1)

    # at the old 1 h mark only the new time's 24 h reminders go
    client.clock.set(WED_1530 - timedelta(hours=1))
    calls = await client.tick()
    texts = [c.text for c in calls if "Напоминание" in c.text]
    assert len(texts) == 2 and all("26.11.2026 10:00" in text for text in texts)

    # a bad new time is refused and the move can be retried
    calls = await client.press(w.mentor_b.person, f"mv:{meeting.id}")
    calls = await client.send(w.mentor_b.person, "31.02 10:00")
    assert "нет в календаре" in calls[-1].text
    calls = await client.send(w.mentor_b.person, "25.11 14:00")
    assert "уже прошло" in calls[-1].text

    # moved away and back to the same time: its reminders are queued again
    calls = await client.send(w.mentor_b.person, "27.11 10:00")
    await client.press(w.mentor_b.person, f"mv:{meeting.id}")
    await client.send(w.mentor_b.person, "26.11 10:00")
    pending = await _rows(client, "meeting-reminder", "pending")
    assert {r.due_at for r in pending} == {new_start - timedelta(hours=1)}  # 24 h one went
    assert len(pending) == 2
    assert await _rows(client, "meeting-held-ask", "pending") == []  # moved: to confirm again
    await client.press(w.mentee3.person, f"mc:{meeting.id}")
    [ask] = await _rows(client, "meeting-held-ask", "pending")
    assert ask.due_at == new_start + timedelta(hours=1)


async def test_meetings_list_cancel_and_mark(client: BotClient, w: World) -> None:
    await _schedule_typed(client, w)
    [meeting] = await _meetings(client)
    calls = await client.send(w.mentee3.person, "/meetings")
    assert "Предстоящие" in calls[-1].text and "ждёт подтверждения" in calls[-1].text
    assert [d for _, d in calls[-1].buttons] == [
        f"mc:{meeting.id}",
        f"mv:{meeting.id}",
        f"mx:{meeting.id}",
    ]
    # marking before the start is refused
    calls = await client.press(w.mentor_b.person, f"ma:{meeting.id}:1")
    assert "после её начала" in _alert(client, calls)
    await client.press(w.mentee3.person, f"mc:{meeting.id}")

    # after the end the mentor is asked, and only the mentor may answer, once
    client.clock.set(WED_1530 + timedelta(hours=1, minutes=1))
    calls = await client.tick()
    [ask] = [c for c in calls if c.chat_id == w.mentor_b.person.id and "состоялась?" in c.text]
    assert [d for _, d in ask.buttons] == [f"ma:{meeting.id}:1", f"ma:{meeting.id}:0"]
    calls = await client.press(w.mentee3.person, f"ma:{meeting.id}:0")
    assert "недоступно" in _alert(client, calls)
    calls = await client.press(w.mentor_b.person, f"ma:{meeting.id}:1")
    assert "состоялась" in _alert(client, calls)
    calls = await client.press(w.mentor_b.person, f"ma:{meeting.id}:0")
    assert "уже поставлена" in _alert(client, calls)
    [meeting] = await _meetings(client)
    assert meeting.held is True
    calls = await client.send(w.mentor_b.person, "/meetings")
    assert "Прошедшие" in calls[-1].text and "состоялась" in calls[-1].text
    calls = await client.press(w.mentor_b.person, f"mx:{meeting.id}")
    assert "нельзя отменить" in _alert(client, calls)

    # a second meeting, cancelled from the list: its rows go, the mentee is told
    client.clock.set(WED_1530 + timedelta(hours=2))
    await _schedule_typed(client, w, "27.11 11:00")
    second = (await _meetings(client))[-1]
    calls = await client.send(w.mentor_b.person, "/meetings")
    calls = await client.press(w.mentor_b.person, f"mx:{second.id}")
    assert "отменена" in client.last_text(w.mentor_b.person.id)
    [notice] = _documents(calls, w.mentee3.person.id)
    assert "Встреча отменена" in notice.text
    fields = _fields(_ics(notice))
    assert fields["METHOD"] == "CANCEL" and fields["STATUS"] == "CANCELLED"
    async with client.sessionmaker() as s:
        left = await s.scalars(
            select(OutboxMessage).where(
                OutboxMessage.ref_kind == "meeting",
                OutboxMessage.ref_id == second.id,
                OutboxMessage.status == "pending",
            )
        )
        assert list(left.all()) == []
    calls = await client.press(w.mentee3.person, f"mc:{second.id}")
    assert "не ждёт" in _alert(client, calls)


async def test_forged_buttons_do_nothing(client: BotClient, w: World) -> None:
    await _schedule_typed(client, w)
    [meeting] = await _meetings(client)
    outsider = w.mentor_a.person  # another pair's mentor
    for data in (f"mc:{meeting.id}", f"mv:{meeting.id}", f"mx:{meeting.id}"):
        calls = await client.press(outsider, data)
        assert "недоступно" in _alert(client, calls), data
    client.clock.set(WED_1530 + timedelta(hours=2))
    calls = await client.press(outsider, f"ma:{meeting.id}:1")
    assert "недоступно" in _alert(client, calls)
    calls = await client.press(w.curator.person, f"ma:{meeting.id}:1")
    assert "недоступно" in _alert(client, calls)
    calls = await client.press(outsider, "mc:9999")
    assert "недоступно" in _alert(client, calls)
    calls = await client.press(outsider, f"mp:{w.program_b}")
    assert "недоступно" in _alert(client, calls)
    [meeting] = await _meetings(client)
    assert (meeting.status, meeting.held, meeting.sequence) == ("proposed", None, 0)
    # a curator has no /meet
    calls = await client.send(w.curator.person, "/meet")
    assert "только" in calls[-1].text and "наставник" in calls[-1].text


async def test_a_reminder_already_due_goes_now(client: BotClient, w: World) -> None:
    client.clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # 15:00 in Moscow
    calls = await _schedule_typed(client, w)  # 15:30: 30 minutes ahead
    reminders = [c for c in calls if "Напоминание" in c.text]
    assert sorted(c.chat_id for c in reminders) == sorted(
        [w.mentor_b.person.id, w.mentee3.person.id]
    )
    assert len(await _rows(client, "meeting-reminder")) == 2  # the 24 h one is not queued


def test_offsets_and_the_ics_file() -> None:
    assert parse_offsets("24h, 1h,30m,2d") == (
        timedelta(days=2),
        timedelta(hours=24),
        timedelta(hours=1),
        timedelta(minutes=30),
    )
    with pytest.raises(ValueError):
        parse_offsets("soon")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    event = ics.Event(
        meeting_id=7,
        starts_at=datetime(2026, 11, 25, 12, 30, tzinfo=UTC),
        ends_at=datetime(2026, 11, 25, 13, 30, tzinfo=UTC),
        summary="Встреча: разбор урока, часть 1; итоги",
        location="Кабинет 12\\второй этаж",
        description="Строка первая\nСтрока вторая " + "очень длинное описание " * 10,
        sequence=3,
    )
    data = ics.calendar([event], now)
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    raw_lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in raw_lines)
    assert any(line.startswith(" ") for line in raw_lines)  # folded
    fields = _fields(data)
    assert fields["UID"] == "meeting-7@mentorbot" and fields["SEQUENCE"] == "3"
    assert fields["DTSTAMP"] == "20261123T090000Z"
    assert fields["SUMMARY"] == "Встреча: разбор урока\\, часть 1\\; итоги"
    assert fields["LOCATION"] == "Кабинет 12\\\\второй этаж"
    assert fields["DESCRIPTION"].startswith("Строка первая\\nСтрока вторая очень")
    assert fields["DESCRIPTION"].endswith("очень длинное описание ")
    assert ics.unfold(data)[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//mentorbot//meetings//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
    ]


async def test_a_mentee_proposes_in_their_schools_zone(client: BotClient) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        org = await s.org("Школа Владивостока", timezone="Asia/Vladivostok")
        mentor = await s.member(org, Person(50, "M"), Role.MENTOR, name="Наставник Восток")
        mentee = await s.member(org, Person(51, "T"), Role.MENTEE, name="Молодой Восток")
        await s.program(org, mentor, [mentee])
    who = mentee.person
    calls = await client.send(who, "/meet")
    assert "Asia/Vladivostok" in calls[-1].text
    calls = await client.send(who, "25.11 15:30")
    assert "Формат встречи" in calls[-1].text
    calls = await client.send(who, "онлайн")  # typed at a button step: no question
    assert "кнопкой" in calls[-1].text and len(calls) == 1
    await client.press(who, "mo:offline")
    await client.press(who, "mk:place")
    await client.press(who, "mk:topic")
    await client.press(who, "mw:0")
    calls = await client.press(who, "my:1")
    [meeting] = await _meetings(client)
    assert meeting.starts_at == datetime(2026, 11, 25, 5, 30, tzinfo=UTC)  # 15:30 at UTC+10
    [invite] = _documents(calls, mentor.person.id)
    assert "Молодой Восток предлагает встречу 25.11.2026 15:30" in invite.text
    assert _fields(_ics(invite))["DTSTART"] == "20261125T053000Z"
    calls = await client.press(mentor.person, f"mc:{meeting.id}")
    assert "подтвердили" in _alert(client, calls)


async def test_a_new_mentor_takes_over_the_meetings_ahead(client: BotClient, w: World) -> None:
    await _schedule_typed(client, w)  # Wed 25.11 15:30, two days ahead
    [meeting] = await _meetings(client)
    await client.press(w.mentee3.person, f"mc:{meeting.id}")
    old, new, mentee = w.mentor_b.person, w.mentor_a.person, w.mentee3.person

    # the mentee asks for another mentor, the curator picks mentor A
    await client.send(mentee, "/change_mentor")
    await client.send(mentee, "Не сработались")
    async with client.sessionmaker() as s:
        proposal = await s.scalar(select(Proposal).order_by(Proposal.id.desc()).limit(1))
        assert proposal is not None
    pick = NewMentorCb(proposal_id=proposal.id, mentor_id=w.mentor_a.user_id).pack()
    await client.press(w.curator.person, pick)
    # the new mentor is told what is ahead
    text = client.last_text(new.id)
    assert "встречи впереди (1)" in text and "25.11.2026 15:30" in text, text

    # 24 h before: the reminder reaches the new mentor and the mentee once, not the old one
    client.clock.set(WED_1530 - timedelta(hours=24))
    calls = await client.tick()
    reminded = sorted(c.chat_id for c in calls if "Напоминание" in c.text)
    assert reminded == sorted([new.id, mentee.id])

    # after the end the held question goes to the new mentor only, who marks it
    client.clock.set(WED_1530 + timedelta(hours=1, minutes=1))
    calls = await client.tick()
    asks = [c for c in calls if "состоялась?" in c.text]
    assert [c.chat_id for c in asks] == [new.id]
    assert [d for _, d in asks[0].buttons] == [f"ma:{meeting.id}:1", f"ma:{meeting.id}:0"]
    calls = await client.press(old, f"ma:{meeting.id}:1")
    assert "недоступно" in _alert(client, calls)
    calls = await client.press(new, f"ma:{meeting.id}:1")
    assert "состоялась" in _alert(client, calls)
    [meeting] = await _meetings(client)
    assert meeting.held is True
    assert not [c for c in client.sent_to(old.id) if "Напоминание" in c.text]


async def test_an_invitation_not_sent_by_the_start_is_dropped(client: BotClient, w: World) -> None:
    """A bot down past the start must not deliver an invitation (or a new time) with live
    buttons for a meeting already begun: both rows expire at the start."""
    await _schedule_typed(client, w)
    [meeting] = await _meetings(client)
    async with client.sessionmaker() as s, s.begin():
        await reschedule(
            s, meeting.id, w.mentee3.user_id, WED_1530 + timedelta(hours=2), client.clock.now()
        )
        # as if the bot had been down since: nothing was delivered
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind.in_(["meeting-invite", "meeting-moved"]))
            .values(status="pending", claimed_by=None)
        )
    client.clock.set(WED_1530 + timedelta(hours=2, minutes=5))
    calls = await client.tick()
    assert not [c for c in calls if "встреч" in c.text.lower()], [c.text for c in calls]
    for kind in ("meeting-invite", "meeting-moved"):
        assert [r.status for r in await _rows(client, kind)] == ["dropped"], kind


# Review findings 7–9 ---------------------------------------------------------------------


def _reminders(calls: list[Call], chat_id: int) -> list[Call]:
    return [c for c in calls if c.chat_id == chat_id and "Напоминание" in c.text]


async def test_reminders_name_the_other_side_and_the_confirmation(
    client: BotClient, w: World
) -> None:
    """Finding 7 and 8: a reminder says who the meeting is with and the topic; one of a
    meeting not confirmed says so, and asks the person who has to confirm it (with the
    invitation's buttons). Confirming after the reminders were queued shows at send
    time; the held question goes only after a confirmation, naming the mentee."""
    await _schedule_typed(client, w, topic="Разбор урока")
    [meeting] = await _meetings(client)
    # the rows carry no one's name or words: /forget has nothing to withdraw in them
    for row in await _rows(client, "meeting-reminder"):
        assert row.author_id is None and set(row.args) == {"meeting", "minutes"}

    client.clock.set(WED_1530 - timedelta(hours=24))
    calls = await client.tick()
    [mentee] = _reminders(calls, w.mentee3.person.id)
    assert "(не подтверждена)" in mentee.text and "С кем: Наставник Б" in mentee.text
    assert "Тема: Разбор урока" in mentee.text and "Вы ещё не подтвердили" in mentee.text
    assert [d for _, d in mentee.buttons] == [f"mc:{meeting.id}", f"mv:{meeting.id}"]
    [mentor] = _reminders(calls, w.mentor_b.person.id)
    assert "(не подтверждена)" in mentor.text and "С кем: Третий У" in mentor.text
    assert "не подтверждена другой стороной" in mentor.text and not mentor.buttons

    # the nudge's button confirms; the next reminder is rendered as it is then
    await client.press(w.mentee3.person, f"mc:{meeting.id}")
    client.clock.set(WED_1530 - timedelta(hours=1))
    calls = await client.tick()
    for chat, partner in ((w.mentee3, "Наставник Б"), (w.mentor_b, "Третий У")):
        [reminder] = _reminders(calls, chat.person.id)
        assert f"С кем: {partner}" in reminder.text and "подтвержд" not in reminder.text
        assert not reminder.buttons

    client.clock.set(WED_1530 + timedelta(hours=1))
    calls = await client.tick()
    [ask] = [c for c in calls if "состоялась?" in c.text]
    assert ask.chat_id == w.mentor_b.person.id
    assert "С кем: Третий У" in ask.text and "Тема: Разбор урока" in ask.text
    assert [d for _, d in ask.buttons] == [f"ma:{meeting.id}:1", f"ma:{meeting.id}:0"]


async def test_an_unconfirmed_past_meeting_did_not_take_place(client: BotClient, w: World) -> None:
    """Finding 8: the mentor is not asked whether a meeting never confirmed took place,
    /meetings shows it as not held (not confirmed), not «waiting», and it cannot be
    marked."""
    await _schedule_typed(client, w)
    [meeting] = await _meetings(client)
    client.clock.set(WED_1530 + timedelta(hours=2))
    calls = await client.tick()
    assert not [c for c in calls if "состоялась?" in c.text]
    assert await _rows(client, "meeting-held-ask") == []
    for member in (w.mentor_b, w.mentee3):
        calls = await client.send(member.person, "/meetings")
        assert "не состоялась (не подтверждена)" in calls[-1].text, calls[-1].text
        assert "ждёт подтверждения" not in calls[-1].text and not calls[-1].buttons
    calls = await client.press(w.mentor_b.person, f"ma:{meeting.id}:1")
    assert "не была подтверждена" in _alert(client, calls)
    [meeting] = await _meetings(client)
    assert meeting.held is None


async def _weekly_group_series(client: BotClient, w: World) -> list[Meeting]:
    """Mentor A proposes a weekly series (27 meetings) to the group of two mentees."""
    who = w.mentor_a.person
    calls = await client.send(who, "/meet")
    calls = await client.send(who, "25.11 15:00")
    calls = await client.press(who, client.button_data(calls, "очно"))
    calls = await client.press(who, client.button_data(calls, "Пропустить"))
    calls = await client.press(who, client.button_data(calls, "Пропустить"))
    calls = await client.press(who, client.button_data(calls, "Каждую неделю"))
    await client.press(who, client.button_data(calls, "✅ Отправить"))
    meetings = await _meetings(client)
    assert len(meetings) == 27
    return meetings


def _cancel_uids(calls: list[Call], chat_id: int) -> list[list[str]]:
    """Per CANCEL .ics the person got: the meetings' UIDs it removes."""
    found = []
    for call in _documents(calls, chat_id):
        lines = ics.unfold(_ics(call))
        if "METHOD:CANCEL" in lines:
            found.append([line[4:] for line in lines if line.startswith("UID:")])
    return found


async def test_a_group_series_in_the_list_and_cancelling_it(client: BotClient, w: World) -> None:
    """Finding 9 and 7: /meetings says how many more are ahead; cancelling a meeting of
    a series asks «this one only / the whole series» and does what was chosen (the
    series: one notice with one .ics removing them all); the mentor's reminder names
    both mentees of the group."""
    meetings = await _weekly_group_series(client, w)
    who = w.mentor_a.person
    calls = await client.send(who, "/meetings")
    text = calls[-1].text
    assert text.count("\n#") == 5 and "…и ещё 22 предстоящих." in text, text

    # this one only
    calls = await client.press(who, f"mx:{meetings[1].id}")
    assert "часть еженедельной серии: впереди ещё 25" in calls[-1].text, calls[-1].text
    labels = [label for label, _ in calls[-1].buttons]
    assert labels == ["Только эту", "Всю серию (будущие, 26)"]
    calls = await client.press(who, f"mxs:{meetings[1].id}:0")
    assert f"Встреча #{meetings[1].id} отменена" in client.last_text(who.id)
    for mentee in (w.mentee, w.mentee2):
        assert _cancel_uids(calls, mentee.person.id) == [[f"meeting-{meetings[1].id}@mentorbot"]]
    assert [m.status for m in await _meetings(client)].count("cancelled") == 1

    # the rest of the series from the third on: one notice, one .ics with 25 events
    calls = await client.press(who, f"mx:{meetings[2].id}")
    calls = await client.press(who, f"mxs:{meetings[2].id}:1")
    assert "Отменено встреч серии: 25" in client.last_text(who.id)
    for mentee in (w.mentee, w.mentee2):
        [uids] = _cancel_uids(calls, mentee.person.id)
        assert uids == [f"meeting-{m.id}@mentorbot" for m in meetings[2:]]
        [notice] = [c for c in _documents(calls, mentee.person.id)]
        assert "Наставник А отменил(а) 25 встреч серии" in notice.text, notice.text
    statuses = [m.status for m in await _meetings(client)]
    assert statuses[0] == "proposed" and set(statuses[1:]) == {"cancelled"}
    assert not [
        r for r in await _rows(client, "meeting-reminder", "pending") if r.ref_id != meetings[0].id
    ]
    # a second press of the spent question does nothing
    calls = await client.press(who, f"mxs:{meetings[2].id}:1")
    assert "нельзя отменить" in _alert(client, calls)
    # a forged scope button of someone outside the program does nothing
    calls = await client.press(w.mentee3.person, f"mxs:{meetings[0].id}:1")
    assert "недоступно" in _alert(client, calls)
    assert (await _meetings(client))[0].status == "proposed"

    # the one left: not in a series any more with others ahead, so cancelled at once…
    # …but first its reminder names both mentees for the mentor
    client.clock.set(meetings[0].starts_at - timedelta(hours=24))
    calls = await client.tick()
    [mentor] = _reminders(calls, w.mentor_a.person.id)
    assert "С кем: Молодой У, Второй У" in mentor.text, mentor.text
    for mentee in (w.mentee, w.mentee2):
        [reminder] = _reminders(calls, mentee.person.id)
        assert "С кем: Наставник А" in reminder.text and reminder.buttons
    calls = await client.press(who, f"mx:{meetings[0].id}")
    assert f"Встреча #{meetings[0].id} отменена" in client.last_text(who.id)
