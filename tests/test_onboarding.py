"""Onboarding at the dispatcher level: organization, invites, consent, profile."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from models.invites import Consent, Invite
from models.people import Membership, Organization, Profile, User
from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Person

LINK = re.compile(r"https://t\.me/mentor_test_bot\?start=(\w+)")


def code_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(1)


async def new_org(client: BotClient, name: str = "Школа 5") -> str:
    calls = await client.send(ADMIN, f"/neworg {name}")
    return code_in(calls[-1].text)


async def join(client: BotClient, who: Person, code: str, *, name: str, dirs: bool) -> None:
    await client.send(who, f"/start {code}")
    calls = await client.press(who, "cs:1")
    assert "фамилия" in calls[-1].text or "full name" in calls[-1].text
    await client.send(who, name)
    await client.send(who, "учитель")
    await client.send(who, "математика")
    calls = await client.send(who, "12")
    if dirs:
        await client.press(who, client.button_data(calls, "Метод").replace("dr:", "dr:"))
        await client.press(who, "dr:done")


async def test_curator_joins_and_invites(client: BotClient, session) -> None:
    code = await new_org(client)
    curator = Person(10, "Cur")
    await join(client, curator, code, name="Петрова Ольга Ивановна", dirs=False)
    assert "Профиль заполнен" in client.last_text(curator.id)
    calls = await client.send(curator, "/invite mentor")
    mentor_code = code_in(calls[-1].text)
    mentor = Person(11, "Men")
    await join(client, mentor, mentor_code, name="Сидоров Пётр", dirs=True)
    assert "Профиль заполнен" in client.last_text(mentor.id)
    calls = await client.send(curator, "/people")
    assert "#2" in calls[-1].text and "Сидоров" in calls[-1].text
    users = (await session.scalars(select(User).order_by(User.id))).all()
    assert [u.full_name for u in users] == ["Петрова Ольга Ивановна", "Сидоров Пётр"]
    profile = await session.get(Profile, users[1].id)
    assert profile.mentor_directions == ["method"]
    assert profile.experience_years == 12
    assert await session.scalar(select(func.count()).select_from(Consent)) == 2
    assert await session.scalar(select(func.count()).select_from(Membership)) == 2
    org = await session.scalar(select(Organization))
    assert org.name == "Школа 5"
    invite = await session.scalar(select(Invite).where(Invite.code == mentor_code))
    assert invite.uses == 1
