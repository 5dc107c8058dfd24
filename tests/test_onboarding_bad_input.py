"""Onboarding and curator work against bad input, at the dispatcher level.

Each case is answered with a clear message in the person's own language, nothing is
logged as an error, and no row is written that should not be."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.types import Update
from sqlalchemy import select

from models.invites import Consent, Invite
from models.outbox import OutboxMessage
from models.people import Membership, Organization, Profile, Role, User
from models.runtime import FsmState
from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Person
from tests.support.onboard import alerted, code_in, count, join, new_org, said, user_of

RU = Person(50, "Стас")
EN = Person(51, "Eve", "en")


pytestmark = pytest.mark.usefixtures("no_errors")


async def invite(client: BotClient, curator: Person, args: str) -> str:
    return code_in((await client.send(curator, f"/invite {args}"))[-1].text)


async def nothing_stored_for(client: BotClient, *people: Person) -> None:
    for who in people:
        assert await user_of(client, who) is None, who
    async with client.sessionmaker() as s:
        keys = list(await s.scalars(select(FsmState.key)))
    assert not [k for k in keys for who in people if f":{who.id}:{who.id}:" in k], keys


async def test_garbage_codes(client: BotClient, new_school: Person) -> None:
    for code in ("garbage!!", "x" * 64, "abc", "zzzzzzzzzzzz", "ab cd ef gh"):
        said(client, await client.send(RU, f"/start {code}"), "ru", "invite-unknown")
    said(client, await client.send(EN, "/start zzzzzzzzzzzz"), "en", "invite-unknown")
    await nothing_stored_for(client, RU, EN)


async def test_expired_code(client: BotClient, new_school: Person) -> None:
    curator = new_school
    code = await invite(client, curator, "mentee")
    ttl = timedelta(days=client.settings.invite_ttl_days)
    client.clock.set(client.clock.now() + ttl + timedelta(minutes=1))
    said(client, await client.send(RU, f"/start {code}"), "ru", "invite-expired")
    said(client, await client.send(EN, f"/start {code}"), "en", "invite-expired")
    await nothing_stored_for(client, RU, EN)


async def test_expiring_between_the_link_and_the_consent(
    client: BotClient, new_school: Person
) -> None:
    curator = new_school
    code = await invite(client, curator, "mentor")
    await client.send(EN, f"/start {code}")
    client.clock.set(client.clock.now() + timedelta(days=client.settings.invite_ttl_days))
    said(client, await client.press(EN, "cs:1"), "en", "invite-expired")
    await nothing_stored_for(client, EN)


async def test_revoked_code(client: BotClient, new_school: Person) -> None:
    curator = new_school
    code = await invite(client, curator, "mentor")
    await client.send(RU, f"/start {code}")  # RU opens it before the curator revokes it
    listing = await client.send(curator, "/invites")
    calls = await client.press(curator, client.button_data(listing, "Отозвать"))
    async with client.sessionmaker() as s:
        row = await s.scalar(select(Invite).where(Invite.code == code))
    said(client, calls, "ru", "invite-revoke-done", id=row.id)
    assert row.revoked_at is not None
    again = await client.press(curator, f"ir:{row.id}")
    said(client, again, "ru", "invite-already-revoked", id=row.id)
    assert [c.name for c in again] == ["answerCallbackQuery"]
    said(client, await client.send(EN, f"/start {code}"), "en", "invite-revoked")
    said(client, await client.press(RU, "cs:1"), "ru", "invite-revoked")
    await nothing_stored_for(client, RU, EN)


async def test_used_up_code(client: BotClient, new_school: Person) -> None:
    curator = new_school
    code = await invite(client, curator, "mentee 1")
    first = Person(60, "First")
    await client.send(first, f"/start {code}")
    await client.send(RU, f"/start {code}")  # both open it; only one use is left
    await join(client, first, code, name="Первая Наставляемая")
    said(client, await client.press(RU, "cs:1"), "ru", "invite-used-up")
    said(client, await client.send(EN, f"/start {code}"), "en", "invite-used-up")
    await nothing_stored_for(client, RU, EN)
    async with client.sessionmaker() as s:
        assert (await s.scalar(select(Invite).where(Invite.code == code))).uses == 1
    assert await count(client, Membership, Membership.role == Role.MENTEE) == 1


@pytest.mark.parametrize("who", [RU, EN], ids=["ru", "en"])
async def test_declining_consent_stores_nothing(
    client: BotClient, new_school: Person, who: Person
) -> None:
    curator = new_school
    code = await invite(client, curator, "mentor")
    before = [await count(client, m) for m in (User, Consent, Membership)]
    calls = await client.send(who, f"/start {code}")
    assert client.locales.get(who.language_code).plain("consent-decline") in [
        label for label, _ in calls[-1].buttons
    ]
    said(client, await client.send(who, "просто текст"), who.language_code, "consent-press-button")
    said(client, await client.press(who, "cs:0"), who.language_code, "consent-declined")
    assert [await count(client, m) for m in (User, Consent, Membership)] == before
    await nothing_stored_for(client, who)
    alerted(client, await client.press(who, "cs:1"), who.language_code, "button-outdated")
    assert [await count(client, m) for m in (User, Consent, Membership)] == before
    async with client.sessionmaker() as s:
        assert (await s.scalar(select(Invite).where(Invite.code == code))).uses == 0


@pytest.mark.parametrize("who", [RU, EN], ids=["ru", "en"])
async def test_profile_answers_are_checked(
    client: BotClient, new_school: Person, who: Person
) -> None:
    lang = who.language_code
    curator = new_school
    code = await invite(client, curator, "mentor")
    await client.send(who, f"/start {code}")
    calls = await client.press(who, "cs:1")
    said(client, calls, lang, "profile-ask-name")
    for bad in ("Я" * 201, "   ", "\n\t"):
        said(client, await client.send(who, bad), lang, "profile-bad-name", limit=200)
    said(client, await client.send_sticker(who), lang, "expect-text")
    said(client, await client.send_photo(who, caption="Иванова Мария"), lang, "expect-text")
    said(client, await client.send_voice(who), lang, "expect-text")
    said(client, await client.send(who, "/nosuchcommand"), lang, "unknown-command")
    assert (await user_of(client, who)).full_name is None
    said(client, await client.send(who, "Я" * 200), lang, "profile-ask-position")
    said(client, await client.send(who, "  учитель   физики "), lang, "profile-ask-subject")
    said(client, await client.send(who, "физика"), lang, "profile-ask-experience")
    for bad in ("abc", "-5", "80", "61", "3.5", "²", "1e3", ""):
        if bad:
            said(client, await client.send(who, bad), lang, "profile-bad-experience")
    said(client, await client.send_sticker(who), lang, "expect-text")
    said(client, await client.send(who, "60"), lang, "profile-ask-directions")
    said(client, await client.send_voice(who), lang, "directions-use-buttons")
    said(client, await client.send(who, "Методическое"), lang, "directions-use-buttons")
    alerted(client, await client.press(who, "dr:done"), lang, "directions-pick-one")
    alerted(client, await client.press(who, "dr:astrology"), lang, "button-outdated")
    await client.press(who, "dr:ict")
    calls = await client.press(who, "dr:done")
    assert client.replies(calls)[-1].text.startswith(client.locales.get(lang)("profile-done"))
    async with client.sessionmaker() as s:
        user = await s.scalar(select(User).where(User.tg_id == who.id))
        profile = await s.get(Profile, user.id)
    assert user.full_name == "Я" * 200
    assert (profile.position, profile.subject, profile.experience_years) == (
        "учитель физики",
        "физика",
        60,
    )
    assert profile.mentor_directions == ["ict"]
    assert user.language == lang


async def test_a_sticker_while_the_consent_waits(client: BotClient, new_school: Person) -> None:
    curator = new_school
    code = await invite(client, curator, "mentee")
    await client.send(EN, f"/start {code}")
    said(client, await client.send_sticker(EN), "en", "consent-press-button")
    said(client, await client.send_photo(EN), "en", "consent-press-button")
    assert await user_of(client, EN) is None


async def test_unknown_commands(client: BotClient, new_school: Person) -> None:
    curator = new_school
    said(client, await client.send(RU, "/nosuchcommand"), "ru", "unknown-command")
    said(client, await client.send(EN, "/nosuchcommand arg"), "en", "unknown-command")
    said(client, await client.send(curator, "/orgs_and_more"), "ru", "unknown-command")
    await nothing_stored_for(client, RU, EN)


async def test_curator_commands_without_the_role(client: BotClient, new_school: Person) -> None:
    curator = new_school
    mentee = Person(90, "Tee", "en")
    await join(client, mentee, await invite(client, curator, "mentee"), name="Mentee One")
    invites_before = await count(client, Invite)
    for who in (mentee, RU, EN):
        for command in ("/invite mentor", "/invite curator 5", "/people", "/invites", "/settings"):
            said(client, await client.send(who, command), who.language_code, "not-allowed-curator")
    assert await count(client, Invite) == invites_before
    usage = ("invite-usage", {"cap": 1000})
    for args in ("", "boss", "mentee 0", "mentee 1001", "mentee ²", "mentee 5 6", "mentee -1"):
        said(client, await client.send(curator, f"/invite {args}"), "ru", usage[0], **usage[1])
    assert await count(client, Invite) == invites_before


async def test_neworg_refused_and_checked(client: BotClient, new_school: Person) -> None:
    curator = new_school
    for who, lang in ((curator, "ru"), (EN, "en"), (RU, "ru")):
        said(client, await client.send(who, "/neworg Школа 7"), lang, "not-allowed-admin")
    said(
        client,
        await client.send(ADMIN, "/neworg Школа Mars/Olympus"),
        "ru",
        "neworg-bad-zone",
        zone="Mars/Olympus",
    )
    said(client, await client.send(ADMIN, "/neworg"), "ru", "neworg-usage")
    said(client, await client.send(ADMIN, "/neworg    "), "ru", "neworg-usage")
    english_admin = Person(ADMIN.id, "Admin", "en")
    said(
        client,
        await client.send(english_admin, "/neworg School Europe/Atlantis"),
        "en",
        "neworg-bad-zone",
        zone="Europe/Atlantis",
    )
    assert await count(client, Organization) == 1
    assert await count(client, Invite) == 1


async def test_forged_callbacks_change_nothing(client: BotClient, new_school: Person) -> None:
    curator = new_school
    mentor = Person(20, "Men")
    await join(client, mentor, await invite(client, curator, "mentor"), name="Наставник Свой")
    other_curator = Person(12, "Other", "en")
    await join(client, other_curator, await new_org(client, ADMIN, "Чужая школа"), name="Alien")
    foreign = await invite(client, other_curator, "mentor")
    async with client.sessionmaker() as s:
        own_org, other_org = list(await s.scalars(select(Organization.id).order_by("id")))
        alien = await s.scalar(select(User).where(User.tg_id == other_curator.id))
        own_mentor = await s.scalar(select(User).where(User.tg_id == mentor.id))
        me = await s.scalar(select(User).where(User.tg_id == curator.id))
        foreign_invite = await s.scalar(select(Invite).where(Invite.code == foreign))
    refused = {
        f"rr:{other_org}:{alien.id}:curator": "not-allowed",
        f"rr:{other_org}:{alien.id}:mentor": "not-allowed",
        f"rr:{own_org}:{own_mentor.id}:admin": "not-allowed",
        f"rr:{own_org}:{me.id}:curator": "remove-self-curator",
        f"pp:{other_org}:0": "not-allowed",
        "pp:999:0": "not-allowed",
        f"pp:{own_org}:-1": "not-allowed",
        f"pc:{other_org}:{alien.id}": "not-allowed",
        f"pc:{own_org}:{alien.id}": "not-allowed",
        f"ir:{foreign_invite.id}": "not-allowed",
        "ir:999": "not-allowed",
        "st:999:timezone": "not-allowed",
        f"st:{other_org}:timezone": "not-allowed",
        f"st:{own_org}:name": "not-allowed",
        f"op:people::{other_org}": "not-allowed",
        f"op:invite:mentor:{other_org}": "not-allowed",
        "pe:directions": "not-allowed",
        "lg:xx": "button-outdated",
        "zz:1": "button-outdated",
        "rr:abc": "button-outdated",
        "pp:1:2:3:4": "button-outdated",
        "cs:1": "button-outdated",
        "dr:ict": "button-outdated",
        "fg:maybe": "button-outdated",
        "": "button-outdated",
    }
    for payload, key in refused.items():
        alerted(client, await client.press(curator, payload), "ru", key)
    for payload in ("pp:999:0", f"op:people::{own_org + 900}", "st:999:timezone", "ir:999"):
        alerted(client, await client.press(ADMIN, payload), "ru", "not-allowed")
    async with client.sessionmaker() as s:
        assert (await s.get(Invite, foreign_invite.id)).revoked_at is None
        removed = select(Membership).where(Membership.removed_at.is_not(None))
        assert (await s.scalars(removed)).all() == []
        assert (await s.scalars(select(FsmState))).all() == []
    assert await count(client, Invite) == 4


async def test_the_same_update_twice_has_one_effect(client: BotClient) -> None:
    update = Update(update_id=999, message=client.make_message(ADMIN, "/neworg Дубль"))
    first = await client.feed(update)
    assert [c.name for c in first] == ["sendMessage"]
    assert await client.feed(update) == []
    assert await count(client, Organization) == 1
    assert await count(client, Invite) == 1

    code = code_in(first[-1].text)
    await client.send(RU, f"/start {code}")
    press = Update(
        update_id=1999,
        callback_query=(await _query(client, RU, "cs:1")),
    )
    await client.feed(press)
    assert await client.feed(press) == []
    assert await count(client, User) == 1
    assert await count(client, Consent) == 1
    assert await count(client, Membership) == 1
    async with client.sessionmaker() as s:
        assert (await s.scalar(select(Invite))).uses == 1


async def _query(client: BotClient, who: Person, data: str):  # type: ignore[no-untyped-def]
    from aiogram.types import CallbackQuery, Message

    message = Message(message_id=1, date=client.clock.now(), chat=who.chat, text="(buttons)")
    return CallbackQuery(id="dup", from_user=who.tg, chat_instance="ci", message=message, data=data)


async def test_a_link_for_a_role_already_held(client: BotClient, new_school: Person) -> None:
    curator = new_school
    mentor = Person(20, "Men", "en")
    await join(client, mentor, await invite(client, curator, "mentor"), name="Mentor Two")
    again = await invite(client, curator, "mentor 1")
    said(
        client,
        await client.send(mentor, f"/start {again}"),
        "en",
        "invite-already",
        role="mentor",
        org="Школа 5",
    )
    async with client.sessionmaker() as s:
        assert (await s.scalar(select(Invite).where(Invite.code == again))).uses == 0
    assert await count(client, Membership) == 2
    assert await count(client, Consent) == 2


async def test_a_link_for_a_new_role_adds_it(client: BotClient, new_school: Person) -> None:
    curator = new_school
    person = Person(30, "Both")
    await join(client, person, await invite(client, curator, "mentor"), name="Двойная Роль")
    outbox_before = await count(client, OutboxMessage)
    calls = await client.send(person, f"/start {await invite(client, curator, 'mentee')}")
    said(client, calls, "ru", "profile-ask-difficulties")
    ru = client.locales.get("ru")
    texts = [c.text for c in calls]
    assert texts[0] == ru("joined", role="mentee", org="Школа 5")  # no second consent
    for step in ("name", "position", "subject", "experience", "directions"):
        assert ru(f"profile-ask-{step}") not in texts, step
    await client.press(person, "dr:psych")
    calls = await client.press(person, "dr:done")
    assert client.replies(calls)[-1].text.startswith(client.locales.get("ru")("profile-done"))
    async with client.sessionmaker() as s:
        user = await s.scalar(select(User).where(User.tg_id == person.id))
        roles = set(await s.scalars(select(Membership.role).where(Membership.user_id == user.id)))
        profile = await s.get(Profile, user.id)
        consents = await s.scalars(select(Consent).where(Consent.user_id == user.id))
        notices = list(
            await s.scalars(select(OutboxMessage).where(OutboxMessage.id > outbox_before))
        )
    assert roles == {"mentor", "mentee"}
    assert (profile.mentor_directions, profile.mentee_difficulties) == (["method"], ["psych"])
    assert len(consents.all()) == 1
    assert [(n.kind, n.args["role"]) for n in notices] == [("notice-joined", "mentee")]
    help_text = (await client.send(person, "/help"))[-1].text
    assert "/myquestions" in help_text and "/mentees" in help_text


async def test_a_second_curator_joins_and_the_first_is_told(
    client: BotClient, new_school: Person
) -> None:
    first = new_school
    second = Person(11, "Second", "en")
    code = await invite(client, first, "curator")
    calls = await join(client, second, code, name="Second Curator")
    said(client, calls[:2], "en", "consent-text", org="Школа 5", version="2026-11", role="curator")
    joined = client.locales.get("en")("joined", role="curator", org="Школа 5")
    assert joined in [c.text for c in calls]
    assert client.replies(calls)[-1].text.startswith(client.locales.get("en")("profile-done"))
    assert "/invite" in client.replies(calls)[-1].text
    async with client.sessionmaker() as s:
        new = await s.scalar(select(User).where(User.tg_id == second.id))
        rows = list(
            await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice-joined"))
        )
    mine = [r for r in rows if r.chat_id == first.id]
    assert len(mine) == 1, rows
    notice = mine[-1]
    assert notice.kind == "notice-joined"
    assert notice.args == {"name": "Second Curator", "role": "curator", "id": new.id}
    [told] = [c for c in calls if c.chat_id == first.id]  # delivered after the commit
    assert told.buttons[0][1] == f"rr:{notice.org_id}:{new.id}:curator"
    assert not [r for r in rows if r.chat_id == second.id]
    calls = await client.send(second, "/invite mentee")
    assert code_in(calls[-1].text)
    calls = await client.send(second, "/people")
    assert "Second Curator" in calls[-1].text and "Куратор Первая" in calls[-1].text
