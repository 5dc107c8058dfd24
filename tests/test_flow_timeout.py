"""A flow does not last forever (FLOW_TIMEOUT_MINUTES, 30 by default): a message that
arrives when the person's flow has waited longer than that is handled as outside every
flow (a mentee's becomes a question), and the person is told once. Within the limit the
flow goes on; an album sent in a flow gets one answer, not one per photo."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.people import Role, User
from tests.support.botclient import BotClient, Person
from tests.support.seed import World, questions, seed, to

pytestmark = pytest.mark.usefixtures("no_errors")

TIMED_OUT = "Диалог «заполнение профиля» прерван: прошло больше 30 минут."


async def test_a_flow_left_open_does_not_eat_a_later_question(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    calls = await client.send(who, "/profile")
    await client.press(who, client.button_data(calls, "ФИО"))
    client.clock.set(client.clock.now() + timedelta(days=3))
    calls = await client.send(who, "Как оформить рабочую программу по физике?")
    assert next(c.text for c in client.replies(calls)) == TIMED_OUT
    asked = await questions(client)
    assert [q.preview for q in asked] == ["Как оформить рабочую программу по физике?"]
    assert to(calls, w.mentor_b)
    # Told once: the next message is the question's follow-up, without the notice.
    calls = await client.send(who, "И ещё: где взять шаблон?")
    assert TIMED_OUT not in [c.text for c in client.replies(calls)]
    assert len(await questions(client)) == 1


async def test_within_the_limit_the_flow_goes_on(client: BotClient, w: World) -> None:
    who = w.mentee3.person
    calls = await client.send(who, "/profile")
    await client.press(who, client.button_data(calls, "ФИО"))
    client.clock.set(client.clock.now() + timedelta(minutes=29))
    calls = await client.send(who, "Третьякова Ирина Петровна")
    assert not [c for c in client.replies(calls) if "прерван" in c.text]
    assert await questions(client) == [] and not to(calls, w.mentor_b)
    async with client.sessionmaker() as session:
        user = await session.get(User, w.mentee3.user_id)
        assert user is not None and user.full_name == "Третьякова Ирина Петровна"


async def test_a_button_only_step_lets_go_after_the_limit(client: BotClient, w: World) -> None:
    """/pair waits for a button: within the limit a typed message is told to finish the
    step; after it, the message goes on as outside every flow, told once."""
    async with seed(client.sessionmaker, client.clock.now()) as s:
        await s.member(w.org, Person(40, "Free"), Role.MENTEE, name="Свободный У")
    curator = w.curator.person
    await client.send(curator, "/pair")
    await client.send(curator, "привет")
    assert client.last_text(curator.id) == (
        "Сначала завершите шаг «формирование пары»: ответьте на вопрос выше или отправьте /cancel."
    )
    client.clock.set(client.clock.now() + timedelta(minutes=31))
    calls = await client.send(curator, "привет")
    texts = [c.text for c in client.replies(calls)]
    assert texts[0] == "Диалог «формирование пары» прерван: прошло больше 30 минут."
    assert not [t for t in texts if t.startswith("Сначала завершите шаг")]
    calls = await client.send(curator, "привет")
    assert not [c for c in client.replies(calls) if "прерван" in c.text]


async def test_an_album_in_a_flow_gets_one_answer(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        await s.member(w.org, Person(40, "Free"), Role.MENTEE, name="Свободный У")
    curator = w.curator.person
    await client.send(curator, "/pair")
    calls = await client.send_album(curator, 3, "album-1")
    answered = [c.text for c in client.replies(calls)]
    assert len(answered) == 1 and answered[0].startswith("Сначала завершите шаг")
    # Another album is answered again.
    calls = await client.send_album(curator, 2, "album-2")
    assert len(client.replies(calls)) == 1
    assert await questions(client) == []


async def test_the_limit_holds_across_a_restart(client: BotClient, w: World) -> None:
    """After a restart the storage's copy is read back from the table, with the time of
    each flow's last step: a flow left before the restart still times out."""
    who = w.mentee3.person
    calls = await client.send(who, "/profile")
    await client.press(who, client.button_data(calls, "ФИО"))
    copy = client.dp.storage._copy  # type: ignore[attr-defined]
    copy.rows.clear()
    copy.at.clear()
    copy.loaded = False
    client.clock.set(client.clock.now() + timedelta(hours=2))
    calls = await client.send(who, "Где взять КТП по физике?")
    assert TIMED_OUT in [c.text for c in client.replies(calls)]
    assert [q.preview for q in await questions(client)] == ["Где взять КТП по физике?"]
