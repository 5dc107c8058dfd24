"""Bad input during onboarding and curator work: each gets a clear answer in the person's
language, nothing is logged as an error and no row is written that should not be."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from aiogram.types import Chat, ChatMemberLeft, ChatMemberMember, ChatMemberUpdated, Update
from sqlalchemy import func, select

from models.invites import Consent, Invite
from models.people import Membership, Organization, Profile, User
from models.runtime import FsmState
from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Person
from tests.test_onboarding import code_in, join, new_org


@pytest.fixture(autouse=True)
def no_errors(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.WARNING)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


async def count(client: BotClient, model: type) -> int:
    async with client.sessionmaker() as s:
        return await s.scalar(select(func.count()).select_from(model)) or 0


async def curator_org(client: BotClient) -> tuple[Person, str]:
    curator = Person(10, "Cur")
    await join(client, curator, await new_org(client), name="Петрова Ольга", dirs=False)
    return curator, code_in((await client.send(curator, "/invite mentee 1"))[-1].text)


async def test_bad_invite_codes(client: BotClient) -> None:
    curator, code = await curator_org(client)
    stranger = Person(50, "Str")
    english = Person(51, "Eng", "en")
    assert "не найдена" in (await client.send(stranger, "/start garbage!!"))[-1].text
    assert "not found" in (await client.send(english, "/start zzzzzzzzzzzz"))[-1].text

    await join(client, Person(60, "First"), code, name="Первый", dirs=True)
    used = await client.send(stranger, f"/start {code}")
    assert "максимальное число" in used[-1].text

    calls = await client.send(curator, "/invite mentor")
    mentor_code = code_in(calls[-1].text)
    calls = await client.send(curator, "/invites")
    revoke = client.button_data(calls, "Отозвать")
    await client.press(curator, revoke)
    assert "отозвана" in (await client.send(stranger, f"/start {mentor_code}"))[-1].text

    late_code = code_in((await client.send(curator, "/invite mentor"))[-1].text)
    client.clock.set(client.clock.now() + timedelta(days=15))
    assert "истёк" in (await client.send(stranger, f"/start {late_code}"))[-1].text
    assert "expired" in (await client.send(english, f"/start {late_code}"))[-1].text
    async with client.sessionmaker() as s:
        assert await s.scalar(select(User).where(User.tg_id == stranger.id)) is None


async def test_declining_consent_stores_nothing(client: BotClient) -> None:
    _, code = await curator_org(client)
    person = Person(70, "Dec")
    users_before = await count(client, User)
    await client.send(person, f"/start {code}")
    calls = await client.press(person, "cs:0")
    assert "ничего о вас не сохранили" in calls[-1].text
    assert await count(client, User) == users_before
    async with client.sessionmaker() as s:
        assert await s.scalar(select(FsmState).where(FsmState.key.like(f"%:{person.id}:%"))) is None
        invite = await s.scalar(select(Invite).where(Invite.code == code))
        assert invite.uses == 0


async def test_profile_answers_are_checked(client: BotClient) -> None:
    _, code = await curator_org(client)
    person = Person(80, "Pro")
    await client.send(person, f"/start {code}")
    await client.press(person, "cs:1")
    assert "не длиннее 200" in (await client.send(person, "Я" * 201))[-1].text
    assert "не длиннее 200" in (await client.send(person, "   "))[-1].text
    assert "текстом" in (await client.send_sticker(person))[-1].text
    assert "текстом" in (await client.send_photo(person))[-1].text
    assert "текстом" in (await client.send_voice(person))[-1].text
    await client.send(person, "Иванова Мария")
    await client.send(person, "учитель")
    await client.send(person, "история")
    for bad in ("abc", "-5", "80"):
        assert "от 0 до 60" in (await client.send(person, bad))[-1].text
    async with client.sessionmaker() as s:
        user = await s.scalar(select(User).where(User.tg_id == person.id))
        profile = await s.get(Profile, user.id)
        assert user.full_name == "Иванова Мария" and profile.experience_years is None


async def test_commands_by_people_without_the_role(client: BotClient) -> None:
    _, code = await curator_org(client)
    mentee = Person(90, "Tee")
    await join(client, mentee, code, name="Ученица", dirs=True)
    stranger = Person(91, "Str")
    for who in (mentee, stranger):
        assert "только куратору" in (await client.send(who, "/invite mentor"))[-1].text
        assert "только куратору" in (await client.send(who, "/people"))[-1].text
        assert "только координатору" in (await client.send(who, "/neworg Школа"))[-1].text
    assert "нет" in (await client.send(stranger, "/nosuchcommand"))[-1].text
    assert "Mars/Olympus" in (await client.send(ADMIN, "/neworg Школа Mars/Olympus"))[-1].text
    assert await count(client, Organization) == 1


async def test_forged_callbacks_change_nothing(client: BotClient) -> None:
    curator, _ = await curator_org(client)
    other_code = await new_org(client, "Чужая школа")
    other = Person(12, "Other")
    await join(client, other, other_code, name="Чужой Куратор", dirs=False)
    foreign = code_in((await client.send(other, "/invite mentor"))[-1].text)
    async with client.sessionmaker() as s:
        invite = await s.scalar(select(Invite).where(Invite.code == foreign))
        other_user = await s.scalar(select(User).where(User.tg_id == other.id))
    for payload in (
        f"rr:{invite.org_id}:{other_user.id}:curator",
        f"pp:{invite.org_id}:0",
        f"ir:{invite.id}",
        f"st:{invite.org_id}:timezone",
        f"pc:{invite.org_id}:{other_user.id}",
        "zz:1",
        "cs:1",
    ):
        calls = await client.press(curator, payload)
        answers = client.callback_answers(calls)
        assert answers and answers[0].show_alert, payload
    async with client.sessionmaker() as s:
        assert (await s.scalar(select(Invite).where(Invite.id == invite.id))).revoked_at is None
        assert (
            await s.scalar(
                select(func.count())
                .select_from(Membership)
                .where(Membership.removed_at.is_not(None))
            )
            == 0
        )


async def test_the_same_update_twice_has_one_effect(client: BotClient) -> None:
    message = client.make_message(ADMIN, "/neworg Дубль")
    update = Update(update_id=999, message=message)
    await client.feed(update)
    calls = await client.feed(update)
    assert calls == []
    assert await count(client, Organization) == 1


async def test_roles_already_held_and_new_roles(client: BotClient) -> None:
    curator, mentee_code = await curator_org(client)
    person = Person(95, "Both")
    mentor_code = code_in((await client.send(curator, "/invite mentor"))[-1].text)
    await join(client, person, mentor_code, name="Двойная Роль", dirs=True)
    again = code_in((await client.send(curator, "/invite mentor"))[-1].text)
    assert "уже наставник" in (await client.send(person, f"/start {again}"))[-1].text
    calls = await client.send(person, f"/start {mentee_code}")
    assert "затруднения" in calls[-1].text
    await client.press(person, "dr:ict")
    await client.press(person, "dr:done")
    async with client.sessionmaker() as s:
        user = await s.scalar(select(User).where(User.tg_id == person.id))
        roles = set(await s.scalars(select(Membership.role).where(Membership.user_id == user.id)))
        assert roles == {"mentor", "mentee"}
        assert await s.scalar(select(func.count()).select_from(Consent)) == 2


async def test_group_chats(client: BotClient) -> None:
    group = Chat(id=-100500, type="group", title="Учительская")
    calls = await client.send(ADMIN, "/neworg В группе", chat=group)
    assert calls == []
    added = ChatMemberUpdated(
        chat=group,
        from_user=ADMIN.tg,
        date=client.clock.now(),
        old_chat_member=ChatMemberLeft(user=client.bot_user()),
        new_chat_member=ChatMemberMember(user=client.bot_user()),
    )
    calls = await client.feed(Update(update_id=4242, my_chat_member=added))
    assert len(calls) == 1 and "только в личных" in calls[0].text
    assert await count(client, Organization) == 0
