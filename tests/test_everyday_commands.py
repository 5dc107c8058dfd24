"""Everyday commands at the dispatcher level: /cancel, /profile, /lang, /help, /start,
/settings, /people paging and removing a role, /mydata, /forget, flood control."""

from __future__ import annotations

import json

from aiogram.types import PhotoSize, Update
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.config import Settings
from models.people import Organization, Profile, Role, User
from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Person
from tests.support.world import make_member, make_org
from tests.test_onboarding import join, new_org


async def test_cancel_leaves_the_flow(client: BotClient) -> None:
    code = await new_org(client)
    person = Person(10, "Cur")
    await client.send(person, f"/start {code}")
    await client.press(person, "cs:1")
    assert "Отменено" in (await client.send(person, "/cancel"))[-1].text
    calls = await client.send(person, "Петрова Ольга")
    assert "фамилия" not in calls[-1].text
    async with client.sessionmaker() as s:
        user = await s.scalar(select(User).where(User.tg_id == person.id))
        assert user.full_name is None
    assert "Нечего отменять" in (await client.send(person, "/cancel"))[-1].text


async def test_profile_shows_and_edits(client: BotClient) -> None:
    code = await new_org(client)
    person = Person(10, "Cur")
    await join(client, person, code, name="Петрова Ольга", dirs=False)
    calls = await client.send(person, "/profile")
    assert "Петрова Ольга" in calls[-1].text and "математика" in calls[-1].text
    await client.press(person, "pe:subject")
    await client.send(person, "физика")
    calls = client.sent_to(person.id)
    assert "Сохранено" in calls[-2].text and "физика" in calls[-1].text
    assert "недоступно" in client.callback_answers(await client.press(person, "pe:bogus"))[0].text


async def test_lang_help_and_start(client: BotClient) -> None:
    stranger = Person(40, "Str")
    assert "приглашение" in (await client.send(stranger, "/start"))[-1].text
    assert "/neworg" not in (await client.send(stranger, "/help"))[-1].text
    assert "/neworg" in (await client.send(ADMIN, "/help"))[-1].text
    code = await new_org(client)
    curator = Person(10, "Cur")
    await join(client, curator, code, name="Куратор", dirs=False)
    help_text = (await client.send(curator, "/help"))[-1].text
    assert "/invite" in help_text and "/myquestions" not in help_text
    await client.send(curator, "/lang")
    calls = await client.press(curator, "lg:en")
    assert "Language: English" in calls[-1].text
    assert any(c.name == "setMyCommands" for c in calls)
    assert "Everyone" in (await client.send(curator, "/help"))[-1].text
    async with client.sessionmaker() as s:
        assert (await s.scalar(select(User).where(User.tg_id == curator.id))).language == "en"


async def test_settings_valid_and_invalid(client: BotClient) -> None:
    code = await new_org(client)
    curator = Person(10, "Cur")
    await join(client, curator, code, name="Куратор", dirs=False)
    card = (await client.send(curator, "/settings"))[-1]
    assert "Europe/Moscow" in card.text and "Q1 01.09.2026-24.10.2026" in card.text
    async with client.sessionmaker() as s:
        org_id = (await s.scalar(select(Organization))).id
    for field, bad, good in (
        ("timezone", "Moon/Base", "Asia/Yekaterinburg"),
        ("hours", "8-18", "1-6 09:00-17:00"),
        ("quiet", "22:00-22:00", "22:00-07:00"),
        (
            "calendar",
            "Q1 31.02.2027-01.03.2027",
            "Q1 01.09.2026-25.10.2026\nQ2 05.11.2026-"
            "28.12.2026\nQ3 12.01.2027-21.03.2027\nQ4 01.04.2027-31.05.2027\nH 04.11.2026",
        ),
    ):
        await client.press(curator, f"st:{org_id}:{field}")
        assert "Не понял" in (await client.send(curator, bad))[-1].text or "Неизвестный" in (
            client.last_text(curator.id)
        )
        await client.send(curator, good)
        assert "Настройки сохранены" in client.sent_to(curator.id)[-2].text
    async with client.sessionmaker() as s:
        org = await s.get(Organization, org_id)
        assert (org.timezone, org.work_days, org.work_start, org.quiet_end) == (
            "Asia/Yekaterinburg",
            "1,2,3,4,5,6",
            "09:00",
            "07:00",
        )
        assert org.calendar["holidays"] == ["2026-11-04"]


async def test_people_pages_and_removing_a_role(client: BotClient) -> None:
    now = client.clock.now()
    org = await make_org(client.sessionmaker, now)
    curator = await make_member(
        client.sessionmaker, org, Person(10, "C"), Role.CURATOR, now, name="Куратор"
    )
    for n in range(22):
        await make_member(
            client.sessionmaker,
            org,
            Person(100 + n, "P"),
            Role.MENTEE,
            now,
            name=f"Учитель {n:02d}",
        )
    first = await client.send(curator.person, "/people")
    assert "стр. 1/3" in first[-1].text and first[-1].text.count("<b>#") == 10
    page = await client.press(curator.person, client.button_data(first, "Вперёд"))
    assert "стр. 2/3" in page[-1].text
    target = await make_member(
        client.sessionmaker, org, Person(300, "T"), Role.MENTOR, now, name="Снимаемый"
    )
    card = await client.press(curator.person, f"pc:{org}:{target.user_id}")
    removal = client.button_data(card, "Снять роль")
    calls = await client.press(curator.person, removal)
    assert "снята роль" in calls[-1].text or any("снята роль" in c.text for c in calls)
    menus = [c for c in calls if c.name == "setMyCommands" and c.chat_id is None]
    assert menus and "questions" not in [cmd.command for cmd in menus[-1].method.commands]
    again = await client.press(curator.person, removal)
    assert client.callback_answers(again)[0].show_alert


async def test_mydata_and_forget(client: BotClient) -> None:
    code = await new_org(client)
    curator = Person(10, "Cur")
    await join(client, curator, code, name="Петрова Ольга", dirs=False)
    calls = await client.send(curator, "/mydata")
    document = calls[-1].method.document
    body = json.loads(document.data)
    assert body["user"]["full_name"] == "Петрова Ольга"
    await client.send(curator, "/forget")
    await client.press(curator, "fg:1")
    async with client.sessionmaker() as s:
        user = (await s.scalars(select(User))).one()
        profile = await s.get(Profile, user.id)
        assert (user.tg_id, user.full_name, user.forgotten_at is not None) == (None, None, True)
        assert profile.subject is None
    assert "не храним" in (await client.send(curator, "/mydata"))[-1].text


async def test_flood_is_ignored_with_one_warning(sessionmaker, settings: Settings) -> None:
    from datetime import UTC, datetime

    client = BotClient(
        sessionmaker=sessionmaker,
        clock=FrozenClock(datetime(2026, 11, 23, 9, tzinfo=UTC)),
        settings=settings,
        flood_limit=5,
    )
    person = Person(77, "Fast")
    replies = []
    for n in range(8):
        replies += await client.send(person, f"сообщение {n}")
    warnings = [c for c in replies if "Слишком много" in c.text]
    assert len(warnings) == 1
    assert len(replies) == 6  # five answers, then one warning, then silence

    album_client = BotClient(
        sessionmaker=sessionmaker,
        clock=FrozenClock(datetime(2026, 11, 23, 9, tzinfo=UTC)),
        settings=settings,
        flood_limit=5,
    )
    album_client.update_ids = iter(range(10_000, 20_000))  # type: ignore[assignment]
    other = Person(78, "Album")
    calls = []
    for n in range(8):
        photo = [PhotoSize(file_id=f"p{n}", file_unique_id=f"u{n}", width=9, height=9)]
        message = album_client.make_message(other, None, photo=photo, media_group_id="g1")
        calls += await album_client.feed(
            Update(update_id=next(album_client.update_ids), message=message)
        )
    assert not [c for c in calls if "Слишком много" in c.text]
