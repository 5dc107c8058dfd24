"""Flood control takes every content message (delayed, never silently dropped), and the
generic error and the flood warnings speak the language the person chose with /lang."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest

from bot.config import Settings
from bot.keyboards.callbacks import LangCb
from bot.middlewares.flood import FloodMiddleware
from models.people import Role
from tests.support.botclient import BotClient, Person
from tests.support.seed import build_world, questions, seed, to


class FakeTime:
    """Flood control's seconds: frozen, and moved on only by its own waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def flood_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr("bot.middlewares.flood.time", SimpleNamespace(monotonic=fake.monotonic))
    monkeypatch.setattr(
        "bot.middlewares.flood.asyncio", SimpleNamespace(sleep=fake.sleep), raising=False
    )
    return fake


@pytest.fixture
async def quick(sessionmaker, clock, settings: Settings) -> AsyncIterator[BotClient]:
    """A client with the production flood limit: five messages a second."""
    client = BotClient(sessionmaker=sessionmaker, clock=clock, settings=settings, flood_limit=5)
    yield client
    await client.dp.storage.close()


def flood_of(client: BotClient) -> FloodMiddleware:
    return next(m for m in client.dp.update.outer_middleware if isinstance(m, FloodMiddleware))


async def test_six_messages_in_a_second_from_a_mentee_are_all_taken(
    quick: BotClient, flood_time: FakeTime
) -> None:
    w = await build_world(quick)
    texts = [f"Пересылаю из чата родителей, сообщение {n}" for n in range(1, 7)]
    mentor = w.mentor_a.person.id
    calls = []
    for text in texts:
        sent = await quick.send(w.mentee.person, text)
        calls += sent
        replies = to(sent, w.mentee)
        assert replies, f"{text!r} was ignored"
        # carried to the mentor, or offered as the continuation of the open question
        carried = any(text in c.text for c in sent if c.chat_id == mentor)
        offered = any(b.startswith("qc:") for c in replies for _, b in c.buttons)
        assert carried or offered, text
    assert len(await questions(quick)) >= 1
    warnings = {quick.locales.get(lang)(key) for lang in ("ru", "en") for key in FLOOD_KEYS}
    assert not warnings & {c.text for c in calls}
    assert flood_time.slept  # the sixth waited for its turn instead of being lost


FLOOD_KEYS = ("flood-warning", "flood-not-taken")


async def test_a_burst_too_long_is_cut_off_and_the_person_told(
    quick: BotClient, flood_time: FakeTime
) -> None:
    flood_of(quick).max_delay = 2.0
    spammer = Person(90, "Spam")
    answered = 0
    told = []
    for n in range(30):
        calls = await quick.send(spammer, f"текст {n}")
        answered += bool(calls)
        told += [c for c in calls if c.text == quick.locales.get("ru")("flood-not-taken")]
    assert answered >= 15  # five a second for the bounded wait of two seconds, and then some
    assert len(told) == 1  # what could not be taken is said once, not per message
    # after a quiet second the person is heard again
    flood_time.now += 5
    assert await quick.send(spammer, "снова здесь")


async def english_by_choice(client: BotClient) -> Person:
    """A member whose Telegram is in Russian and who chose English with /lang."""
    now = client.clock.now()
    english = Person(55, "Eng", language_code="ru")
    async with seed(client.sessionmaker, now) as s:
        await s.member(await s.org(), english, Role.MENTOR, name="Smith J")
    await client.send(english, "/help")  # in Russian still
    calls = await client.press(english, LangCb(code="en").pack())
    assert client.locales.get("en")("lang-set") in [c.text for c in calls]
    return english


async def test_the_generic_error_is_in_the_language_chosen_with_lang(
    quick: BotClient, flood_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = await english_by_choice(quick)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the keyboard broke")

    monkeypatch.setattr("handlers.common.language_keyboard", broken)
    calls = await quick.send(english, "/lang")
    assert [c.text for c in calls] == [quick.locales.get("en")("error-generic")]


async def test_the_flood_warning_is_in_the_language_chosen_with_lang(
    quick: BotClient, flood_time: FakeTime
) -> None:
    english = await english_by_choice(quick)
    flood_time.now += 5
    calls = []
    for _ in range(6):
        calls += await quick.send(english, "/help")
    assert calls[-1].text == quick.locales.get("en")("flood-warning")
    assert quick.locales.get("ru")("flood-warning") not in [c.text for c in calls]
