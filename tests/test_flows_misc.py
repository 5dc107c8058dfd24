"""Everyday flows at the dispatcher level: /cancel, /profile, /lang, /help, /start,
/settings, /people, removing a role, /mydata, /forget, group chats, flood control."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from aiogram.types import (
    BotCommandScopeChat,
    Chat,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Update,
)
from sqlalchemy import select

from bot.config import Settings
from models.invites import Consent, create_invite
from models.outbox import OutboxMessage
from models.people import Membership, Organization, Profile, Role, User
from models.personal_data import PERSONAL
from models.runtime import FsmState
from tests.conftest import ADMIN, CURATOR
from tests.support.botclient import BotClient, Call, Person
from tests.support.onboard import alerted, count, said, user_of
from tests.support.seed import Member, seed

STRANGER = Person(40, "Str")


pytestmark = pytest.mark.usefixtures("no_errors")


async def user_org(client: BotClient, member: Member) -> Organization:
    async with client.sessionmaker() as s:
        return await s.scalar(
            select(Organization)
            .join(Membership, Membership.org_id == Organization.id)
            .where(Membership.user_id == member.user_id)
        )


async def fsm_rows(client: BotClient, who: Person) -> list[FsmState]:
    async with client.sessionmaker() as s:
        rows = await s.scalars(select(FsmState).where(FsmState.key.like(f"%:{who.id}:{who.id}:%")))
        return list(rows)


def menu_of(calls: list[Call], chat_id: int) -> list[str] | None:
    """The commands of the last setMyCommands call scoped to this chat."""
    menus = [
        c.method
        for c in calls
        if c.name == "setMyCommands"
        and isinstance(c.method.scope, BotCommandScopeChat)
        and c.method.scope.chat_id == chat_id
    ]
    return [cmd.command for cmd in menus[-1].commands] if menus else None


async def test_cancel_leaves_a_flow(client: BotClient, school5: tuple[int, Member]) -> None:
    _, curator = school5
    person = Person(20, "New")
    org_id = (await user_org(client, curator)).id
    async with client.sessionmaker() as s, s.begin():
        now = client.clock.now()
        code = (
            await create_invite(s, org_id, Role.MENTOR, None, now, timedelta(days=1), None)
        ).code
    await client.send(person, f"/start {code}")
    said(client, await client.press(person, "cs:1"), "ru", "profile-ask-name")
    assert [r.state for r in await fsm_rows(client, person)] == ["ProfileForm:name"]
    said(client, await client.send(person, "/cancel"), "ru", "cancelled")
    assert await fsm_rows(client, person) == []
    calls = await client.send(person, "Сидоров Пётр")
    said(client, calls, "ru", "fallback-hint")
    assert (await user_of(client, person)).full_name is None
    said(client, await client.send(person, "/cancel"), "ru", "nothing-to-cancel")
    english = Person(21, "Eng", "en")
    said(client, await client.send(english, "/cancel"), "en", "nothing-to-cancel")
    # A settings prompt is left the same way.
    await client.press(curator.person, f"st:{org_id}:timezone")
    said(client, await client.send(curator.person, "/cancel"), "ru", "cancelled")
    said(client, await client.send(curator.person, "Asia/Omsk"), "ru", "fallback-hint")
    async with client.sessionmaker() as s:
        assert (await s.get(Organization, org_id)).timezone == "Europe/Moscow"


async def test_profile_shows_and_edits_a_field(
    client: BotClient, school5: tuple[int, Member]
) -> None:
    _, curator = school5
    me = curator.person
    ru = client.locales.get("ru")
    card = (await client.send(me, "/profile"))[-1]
    assert "Петрова Ольга" in card.text and "математика" in card.text and "5 лет" in card.text
    labels = [label for label, _ in card.buttons]
    assert ru.plain("profile-edit-experience") in labels
    assert ru.plain("profile-edit-directions") not in labels  # a curator only
    said(client, await client.press(me, "pe:experience"), "ru", "profile-ask-experience")
    said(client, await client.send(me, "семь"), "ru", "profile-bad-experience")
    calls = await client.send(me, "7")
    assert [c.text.split("\n")[0] for c in calls] == [ru("profile-saved"), "<b>Профиль</b>"]
    assert "7 лет" in calls[-1].text
    said(client, await client.press(me, "pe:name"), "ru", "profile-ask-name")
    await client.send(me, "  Петрова   Ольга   Ивановна ")
    async with client.sessionmaker() as s:
        user = await s.get(User, curator.user_id)
        profile = await s.get(Profile, curator.user_id)
    assert (user.full_name, profile.experience_years) == ("Петрова Ольга Ивановна", 7)
    alerted(client, await client.press(me, "pe:directions"), "ru", "not-allowed")
    said(client, await client.send(STRANGER, "/profile"), "ru", "profile-none")
    alerted(client, await client.press(STRANGER, "pe:name"), "ru", "not-allowed")


async def test_lang_switches_to_english(client: BotClient, school5: tuple[int, Member]) -> None:
    _, curator = school5
    me = curator.person
    calls = await client.send(me, "/lang")
    assert [d for _, d in calls[-1].buttons] == ["lg:ru", "lg:en"]
    calls = await client.press(me, "lg:en")
    said(client, calls, "en", "lang-set")
    menu = [c for c in calls if c.name == "setMyCommands"][-1].method
    assert menu.scope.chat_id == me.id
    assert {c.command: c.description for c in menu.commands}["people"] == "People"
    assert (await user_of(client, me)).language == "en"
    said(client, await client.send(me, "/nosuchcommand"), "en", "unknown-command")
    assert (await client.send(me, "/help"))[-1].text.startswith("<b>Everyone</b>")
    said(client, await client.press(me, "lg:ru"), "ru", "lang-set")
    assert (await user_of(client, me)).language == "ru"
    # Someone the bot does not store is told that Telegram's language is followed.
    said(client, await client.press(STRANGER, "lg:en"), "en", "lang-not-stored")
    assert await user_of(client, STRANGER) is None


async def test_help_and_start_per_role(client: BotClient) -> None:
    ru = client.locales.get("ru")
    said(client, await client.send(STRANGER, "/help"), "ru", "help-stranger")
    said(client, await client.send(STRANGER, "/start"), "ru", "start-no-role")
    said(client, await client.send(Person(41, "E", "en"), "/start"), "en", "start-no-role")
    admin_help = (await client.send(ADMIN, "/help"))[-1].text
    assert admin_help == ru("help-everyone") + "\n\n" + ru("help-admin")
    # An admin is in no school: /start is what gives them their commands in the menu.
    assert {"neworg", "orgs", "report"} <= set(
        menu_of(await client.send(ADMIN, "/start"), ADMIN.id)
    )
    async with seed(client.sessionmaker, client.clock.now()) as s:  # a school only now
        await s.member(await s.org("Школа 5"), CURATOR, Role.CURATOR, name="Петрова Ольга")
    curator_help = (await client.send(CURATOR, "/help"))[-1].text
    assert curator_help == ru("help-everyone") + "\n\n" + ru("help-curator")
    assert "/neworg" not in curator_help and "/myquestions" not in curator_help
    welcome = (await client.send(CURATOR, "/start"))[-1].text
    assert welcome == ru("start-welcome-back") + "\n\n" + curator_help
    assert await user_of(client, STRANGER) is None


CALENDAR = (
    "Q1 01.09.2026-25.10.2026\nQ2 05.11.2026-28.12.2026\n"
    "Q3 12.01.2027-21.03.2027\nQ4 01.04.2027-31.05.2027\nB 29.12.2026-11.01.2027\nH 04.11.2026"
)


async def test_settings_valid_and_invalid(client: BotClient, school5: tuple[int, Member]) -> None:
    org_id, curator = school5
    me = curator.person
    card = (await client.send(me, "/settings"))[-1]
    assert "Europe/Moscow" in card.text and "08:00–18:00" in card.text
    assert "Q1 01.09.2026-24.10.2026" in card.text
    steps = (
        ("timezone", ["Moon/Base", "Moscow", "../etc/passwd", "MSK"], "Asia/Yekaterinburg"),
        ("hours", ["8-18", "1-8 08:00-18:00", "18:00-08:00", "25:00-26:00"], "1-6 09:00-17:00"),
        ("quiet", ["22:00-22:00", "1-5 21:00-08:00", "later"], "22:00-07:00"),
        (
            "calendar",
            ["Q1 31.02.2027-01.03.2027", "Q1 01.09.2026-25.10.2026", CALENDAR.replace("Q3", "Q2")],
            CALENDAR,
        ),
    )
    for field, bad_inputs, good in steps:
        said(client, await client.press(me, f"st:{org_id}:{field}"), "ru", f"settings-ask-{field}")
        for bad in bad_inputs:
            error = "settings-bad-" + ("timezone" if field == "timezone" else field)
            said(client, await client.send(me, bad), "ru", error)
        said(client, await client.send_sticker(me), "ru", "expect-text")
        calls = await client.send(me, good)
        assert calls[-2].text == client.locales.get("ru")("settings-saved")
    async with client.sessionmaker() as s:
        org = await s.get(Organization, org_id)
    assert (org.timezone, org.work_days, org.work_start, org.work_end) == (
        "Asia/Yekaterinburg",
        "1,2,3,4,5,6",
        "09:00",
        "17:00",
    )
    assert (org.quiet_start, org.quiet_end) == ("22:00", "07:00")
    assert org.calendar["year"] == "2026/27"
    assert org.calendar["quarters"][1] == {"start": "2026-11-05", "end": "2026-12-28"}
    assert org.calendar["holidays"] == ["2026-11-04"]
    card = (await client.send(me, "/settings"))[-1].text
    assert "Asia/Yekaterinburg" in card and "B 29.12.2026-11.01.2027" in card
    assert "пн, вт, ср, чт, пт, сб" in card


async def test_people_pages(client: BotClient, school5: tuple[int, Member]) -> None:
    org_id, curator = school5
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        for n in range(22):
            await s.member(org_id, Person(100 + n, "P"), Role.MENTEE, name=f"Уч {n:02d}")
    ru = client.locales.get("ru")
    me = curator.person

    def page(calls: list[Call], number: int, lines: int) -> None:
        calls = client.replies(calls)
        text = calls[-1].text
        assert f"23 (стр. {number}/3)" in text, text
        assert text.count("<b>#") == lines, text
        labels = [label for label, _ in calls[-1].buttons]
        assert (ru.plain("people-prev") in labels) == (number > 1)
        assert (ru.plain("people-next") in labels) == (number < 3)

    first = await client.send(me, "/people")
    page(first, 1, 10)
    assert "Петрова Ольга" in first[-1].text and "Уч 08" in first[-1].text
    second = await client.press(me, client.button_data(first, ru.plain("people-next")))
    assert client.replies(second)[-1].name == "editMessageText"
    page(second, 2, 10)
    third = await client.press(me, client.button_data(second, ru.plain("people-next")))
    page(third, 3, 3)
    assert "Уч 21" in third[-1].text and "Уч 08" not in third[-1].text
    back = await client.press(me, client.button_data(third, ru.plain("people-prev")))
    page(back, 2, 10)


async def test_person_card_and_removing_a_role(
    client: BotClient, school5: tuple[int, Member]
) -> None:
    org_id, curator = school5
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        target = await s.member(org_id, Person(30, "T", "en"), Role.MENTOR, name="Снимаемый")
        await s.member(org_id, target.person, Role.MENTEE, name="Снимаемый")
    me = curator.person
    card = await client.press(me, f"pc:{org_id}:{target.user_id}")
    assert "Снимаемый" in card[-1].text
    assert [d for _, d in card[-1].buttons] == [
        f"rr:{org_id}:{target.user_id}:mentor",
        f"rr:{org_id}:{target.user_id}:mentee",
    ]
    calls = await client.press(me, f"rr:{org_id}:{target.user_id}:mentor")
    said(client, calls, "ru", "role-removed", name="Снимаемый", role="mentor")
    menu = menu_of(calls, target.person.id)
    assert menu is not None and "questions" not in menu and "mentees" not in menu
    assert "myquestions" in menu
    menu_call = [c for c in calls if c.name == "setMyCommands"][-1]
    assert {c.command: c.description for c in menu_call.method.commands}["help"] == "Help"
    async with client.sessionmaker() as s:
        roles = set(
            await s.scalars(
                select(Membership.role).where(
                    Membership.user_id == target.user_id, Membership.removed_at.is_(None)
                )
            )
        )
        notice = await s.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "notice-role-removed")
        )
    assert roles == {"mentee"}
    assert (notice.chat_id, notice.kind) == (target.person.id, "notice-role-removed")
    help_text = (await client.send(target.person, "/help"))[-1].text
    assert "/mentees" not in help_text and "/myquestions" in help_text
    again = await client.press(me, f"rr:{org_id}:{target.user_id}:mentor")
    alerted(client, again, "ru", "role-already-removed")


async def test_mydata_and_forget(client: BotClient, school5: tuple[int, Member]) -> None:
    _, curator = school5
    me = curator.person
    said(client, await client.send(STRANGER, "/mydata"), "ru", "mydata-nothing")
    said(client, await client.send(STRANGER, "/forget"), "ru", "mydata-nothing")
    calls = await client.send(me, "/mydata")
    assert calls[-1].name == "sendDocument"
    body = json.loads(calls[-1].method.document.data)
    assert body["user"]["full_name"] == "Петрова Ольга"
    assert body["profile"]["subject"] == "математика"
    assert [r["role"] for r in body["roles"]] == ["curator"]

    said(client, await client.send(me, "/forget"), "ru", "forget-ask")
    said(client, await client.press(me, "fg:0"), "ru", "forget-kept")
    assert (await user_of(client, me)).full_name == "Петрова Ольга"

    await client.send(me, "/forget")
    calls = await client.press(me, "fg:1")
    said(client, calls, "ru", "forget-done")
    assert any(c.name == "deleteMyCommands" for c in calls)
    async with client.sessionmaker() as s:
        user = await s.get(User, curator.user_id)
        profile = await s.get(Profile, curator.user_id)
        memberships = list(await s.scalars(select(Membership)))
        consents = list(await s.scalars(select(Consent)))
    assert user is not None and user.forgotten_at == client.clock.now()
    for column in PERSONAL["users"][1]:
        assert getattr(user, column) is None, column
    for column in PERSONAL["profiles"][1]:
        assert getattr(profile, column) in (None, []), column
    assert all(m.removed_at is not None for m in memberships)
    assert all(c.withdrawn_at is not None for c in consents)
    said(client, await client.send(me, "/mydata"), "ru", "mydata-nothing")
    said(client, await client.send(me, "/start"), "ru", "start-no-role")
    assert await count(client, User) == 1


def _member_update(chat: Chat, client: BotClient, old: object, new: object) -> Update:
    event = ChatMemberUpdated(
        chat=chat,
        from_user=ADMIN.tg,
        date=client.clock.now(),
        old_chat_member=old,
        new_chat_member=new,
    )
    return Update(update_id=next(client.update_ids), my_chat_member=event)


async def test_group_chats(client: BotClient, school5: tuple[int, Member]) -> None:
    group = Chat(id=-100500, type="group", title="Учительская")
    for text in ("/neworg В группе", "/help", "/people", "Здравствуйте", "/start abcdefghijk"):
        assert await client.send(ADMIN, text, chat=group) == []
        assert await client.send(CURATOR, text, chat=group) == []
    bot = client.bot_user()
    calls = await client.feed(
        _member_update(group, client, ChatMemberLeft(user=bot), ChatMemberMember(user=bot))
    )
    assert [c.name for c in calls] == ["sendMessage"]
    assert calls[0].chat_id == group.id
    assert calls[0].text == client.locales.get("ru")("group-note")
    rights = {
        name: False
        for name, info in ChatMemberAdministrator.model_fields.items()
        if info.is_required() and name not in {"user", "status"}
    }
    promoted = ChatMemberAdministrator(user=bot, **rights)
    assert (
        await client.feed(_member_update(group, client, ChatMemberMember(user=bot), promoted)) == []
    )
    kicked = ChatMemberBanned(user=bot, until_date=0)
    assert await client.feed(_member_update(group, client, promoted, kicked)) == []
    super_group = Chat(id=-100600, type="supergroup", title="Методобъединение")
    calls = await client.feed(
        _member_update(super_group, client, ChatMemberLeft(user=bot), ChatMemberMember(user=bot))
    )
    assert len(calls) == 1 and calls[0].chat_id == super_group.id
    assert await count(client, Organization) == 1
    assert await count(client, OutboxMessage) == 0


@pytest.fixture
def frozen_flood_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flood control counts real seconds; freeze them so 'quick' does not depend on the
    machine's speed."""
    monkeypatch.setattr("bot.middlewares.flood.time", SimpleNamespace(monotonic=lambda: 1000.0))


async def test_flood_control(
    sessionmaker, clock, settings: Settings, frozen_flood_time: None
) -> None:
    client = BotClient(sessionmaker=sessionmaker, clock=clock, settings=settings, flood_limit=5)
    try:
        fast = Person(77, "Fast")
        replies: list[Call] = []
        for n in range(7):
            replies += await client.send(fast, f"/help {n}")
        warning = client.locales.get("ru")("flood-warning")
        assert [c.text for c in replies].count(warning) == 1
        assert len(replies) == 6  # five answers, one warning, then silence
        assert await client.send(fast, "/help") == []

        album = Person(78, "Album", "en")
        calls: list[Call] = []
        calls += await client.send_album(album, 8, media_group_id="g1")
        calls += await client.send_album(album, 3, media_group_id="g2")
        for _ in range(3):
            calls += await client.send(album, "/help")
        assert client.locales.get("en")("flood-warning") not in [c.text for c in calls]
        assert len(calls) == 8 + 3 + 3  # every part of both albums and each /help answered
        calls = await client.send(album, "/help")
        assert calls[-1].text == client.locales.get("en")("flood-warning")
    finally:
        await client.dp.storage.close()
