"""Lists and pickers that outgrow one Telegram message or one button (issue 13, items 8-10):
long lists go out as several messages, each under Telegram's limit; an /invite with a use
cap works through the school picker; a forged page number shows the last page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.texts import MESSAGE_LIMIT, pack_lines, utf16_len
from models.invites import Invite, create_invite
from models.people import Role, create_organization
from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Call, Person
from tests.support.onboard import said
from tests.support.seed import Member, seed

CURATOR = Person(10, "Cur")
MENTOR = Person(20, "Men")


pytestmark = pytest.mark.usefixtures("no_errors")


def texts_to(client: BotClient, calls: list[Call], chat_id: int) -> list[str]:
    """The texts sent to this chat, each checked against Telegram's message limit."""
    sent = [c for c in client.replies(calls) if c.name == "sendMessage" and c.chat_id == chat_id]
    texts = [c.text for c in sent]
    assert texts, [c.name for c in calls]
    for text in texts:
        assert utf16_len(text) <= MESSAGE_LIMIT, utf16_len(text)
    return texts


def test_pack_lines_keeps_lines_whole_and_under_the_limit() -> None:
    lines = [f"<b>#{n}</b> " + "х" * 90 for n in range(200)]
    packed = pack_lines("<b>Список</b>", lines)
    assert len(packed) > 1
    assert all(utf16_len(text) <= MESSAGE_LIMIT for text, _ in packed)
    assert packed[0][0].startswith("<b>Список</b>\n")
    assert [i for _, part in packed for i in part] == list(range(200))
    assert "\n".join(text for text, _ in packed) == "\n".join(["<b>Список</b>", *lines])
    assert [len(part) for _, part in pack_lines("", ["a"] * 7, max_lines=3)] == [3, 3, 1]


async def test_questions_list_of_fifty_is_split(client: BotClient) -> None:
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        org_id = await s.org()
        mentor = await s.member(org_id, MENTOR, Role.MENTOR, name="Н")
        for n in range(50):
            tee = await s.member(
                org_id, Person(1000 + n, "T"), Role.MENTEE, name=f"Учитель {n:02d}"
            )
            preview = f"Вопрос {n:02d} " + "о длинном уроке и дисциплине в классе " * 3
            await s.question(org_id, tee, mentor, preview)
    calls = await client.send(MENTOR, "/questions")
    texts = texts_to(client, calls, MENTOR.id)
    assert len(texts) > 1
    joined = "\n".join(texts)
    assert all(f"Учитель {n:02d}" in joined for n in range(50))
    assert texts[0].startswith(client.locales.get("ru")("questions-header", count=50))


async def test_orgs_list_of_150_schools_is_split(client: BotClient) -> None:
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        for n in range(150):
            await create_organization(s, f"Средняя общеобразовательная школа № {n:03d}", "UTC", now)
    calls = await client.send(ADMIN, "/orgs")
    texts = texts_to(client, calls, ADMIN.id)
    assert len(texts) > 1
    joined = "\n".join(texts)
    assert all(f"школа № {n:03d}" in joined for n in range(150))


async def test_invites_list_is_split_with_each_part_keeping_its_revoke_buttons(
    client: BotClient,
) -> None:
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        org_id = await s.org()
        await s.member(org_id, CURATOR, Role.CURATOR, name="К")
        for _ in range(120):
            await create_invite(s.session, org_id, Role.MENTEE, None, now, timedelta(days=7), 5)
    async with client.sessionmaker() as s:
        ids = list(await s.scalars(select(Invite.id).order_by(Invite.id.desc())))
    calls = await client.send(CURATOR, "/invites")
    sent = [c for c in client.replies(calls) if c.name == "sendMessage"]
    texts = texts_to(client, calls, CURATOR.id)
    assert len(texts) > 1
    for call in sent:
        assert len(call.buttons) <= 100
        # every message's buttons revoke exactly the invites it lists
        listed = [i for i in ids if f"№{i} " in call.text]
        assert [data for _, data in call.buttons] == [f"ir:{i}" for i in listed]
    assert sorted(data for c in sent for _, data in c.buttons) == sorted(f"ir:{i}" for i in ids)


async def test_invite_with_a_cap_through_the_school_picker(client: BotClient) -> None:
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        first = await s.org("Школа 1")
        second = await s.org("Школа 2")
        for org_id in (first, second):
            await s.member(org_id, CURATOR, Role.CURATOR, name="К")
    for who in (CURATOR, ADMIN):
        calls = await client.send(who, "/invite mentee 5")
        buttons = client.replies(calls)[-1].buttons
        assert [label for label, _ in buttons] == ["Школа 1", "Школа 2"]
        picked = await client.press(who, buttons[1][1])
        text = client.replies(picked)[-1].text
        assert "Школа 2" in text and "использований: 5" in text, text
    async with client.sessionmaker() as s:
        made = list(await s.scalars(select(Invite)))
    assert [(i.org_id, i.role, i.max_uses) for i in made] == [(second, "mentee", 5)] * 2


async def test_people_page_past_the_end_shows_the_last_page(client: BotClient) -> None:
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        org_id = await s.org()
        curator: Member = await s.member(org_id, CURATOR, Role.CURATOR, name="Петрова Ольга")
        for n in range(22):
            await s.member(org_id, Person(100 + n, "P"), Role.MENTEE, name=f"Уч {n:02d}")
    ru = client.locales.get("ru")
    first = await client.send(curator.person, "/people")
    message_id = client.replies(first)[-1].result_id
    calls = await client.press(curator.person, f"pp:{org_id}:99", message_id=message_id)
    page = client.replies(calls)[-1]
    assert "23 (стр. 3/3)" in page.text, page.text
    assert page.text.count("<b>#") == 3
    assert "Уч 21" in page.text
    labels = [label for label, _ in page.buttons]
    assert ru.plain("people-prev") in labels and ru.plain("people-next") not in labels


async def test_invite_usage_still_refuses_bad_arguments(client: BotClient) -> None:
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        await s.org("Школа 1")
        await s.org("Школа 2")
    calls = await client.send(ADMIN, "/invite mentee 5 6")
    said(client, calls, "ru", "invite-usage", cap=1000)
