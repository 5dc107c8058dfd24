"""Onboarding through the dispatcher, in any language, and small readers of the database."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from models.people import User
from tests.support.botclient import BotClient, Call, Person

LINK = re.compile(r"https://t\.me/mentor_test_bot\?start=(\w+)")


def code_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no invite link in {text!r}"
    return match.group(1)


def said(client: BotClient, calls: list[Call], lang: str, key: str, **args: Any) -> None:
    """The last text the bot replied with is exactly `key` rendered in `lang` (and the
    other language would have read differently, so the language is checked too)."""
    expected = client.locales.get(lang)(key, **args)
    other = client.locales.get("en" if lang == "ru" else "ru")(key, **args)
    texts = [c.text for c in client.replies(calls) if c.text]
    assert texts, f"no reply, expected {key}"
    assert texts[-1] == expected, f"expected {key} in {lang}, got {texts[-1]!r}"
    assert expected != other, f"{key} reads the same in both languages"


def alerted(client: BotClient, calls: list[Call], lang: str, key: str) -> None:
    """The callback was answered with an alert saying `key`, and nothing else was sent."""
    answers = client.callback_answers(calls)
    assert len(answers) == 1, [c.name for c in calls]
    assert answers[0].show_alert, answers[0]
    assert answers[0].text == client.locales.get(lang)(key)
    assert [c.name for c in calls] == ["answerCallbackQuery"], [c.name for c in calls]


async def new_org(client: BotClient, admin: Person, name: str = "Школа 5") -> str:
    calls = await client.send(admin, f"/neworg {name}")
    return code_in(calls[-1].text)


async def join(
    client: BotClient,
    who: Person,
    code: str,
    *,
    name: str = "Петрова Ольга Ивановна",
    years: str = "12",
) -> list[Call]:
    """Open the link, agree, answer every profile step; pick one direction when asked."""
    calls = await client.send(who, f"/start {code}")
    calls += await client.press(who, "cs:1")
    for answer in (name, "учитель", "математика", years):
        calls += await client.send(who, answer)
    for _ in range(2):  # directions (mentor), then difficulties (mentee)
        if not any(data.startswith("dr:") for c in calls[-1:] for _, data in c.buttons):
            break
        calls += await client.press(who, "dr:method")
        calls += await client.press(who, "dr:done")
    return calls


async def count(client: BotClient, model: type, *where: Any) -> int:
    async with client.sessionmaker() as s:
        query = select(func.count()).select_from(model)
        if where:
            query = query.where(*where)
        return await s.scalar(query) or 0


async def user_of(client: BotClient, who: Person) -> User | None:
    async with client.sessionmaker() as s:
        return await s.scalar(select(User).where(User.tg_id == who.id))
