"""Who may act on a question. Buttons can be forged, so every payload is sent from the
wrong person's own chat and must be refused without any effect."""

from __future__ import annotations

from datetime import timedelta

from models.people import Role
from models.questions import Question, sla_catch_up
from tests.support.botclient import BotClient, Call, Person
from tests.support.seed import Member, World, named, questions, seed, to

REFUSED = "Это действие вам недоступно."


async def _snapshot(client: BotClient) -> list[tuple]:
    return [
        (q.id, q.owner_id, q.mentor_id, q.status, q.rating, q.curator_claimed_by, q.escalated_at)
        for q in await questions(client)
    ]


async def _outbox(client: BotClient) -> list[tuple[str, int]]:
    return [(r.kind, r.chat_id) for r in await client.notices()]


async def _refused(client: BotClient, who: Member, data: str, *others: Member) -> None:
    calls = await client.press(who.person, data)
    answers = client.callback_answers(calls)
    assert [(a.text, a.show_alert) for a in answers] == [(REFUSED, True)], data
    assert not named(calls, "sendMessage") and not named(calls, "copyMessage"), data
    for other in others:
        assert not to(calls, other), data


async def _ask(client: BotClient, w: World, text: str = "Вопрос наставнику А") -> Call:
    [copy] = to(await client.send(w.mentee.person, text), w.mentor_a)
    return copy


async def test_other_mentor_cannot_answer_close_hand_over_or_see(
    client: BotClient, w: World
) -> None:
    copy = await _ask(client, w, "Секретный вопрос")
    [q] = await questions(client)
    before = await _snapshot(client)
    b = w.mentor_b
    for data in (
        f"qa:{q.id}",
        f"qx:{q.id}",
        f"qh:{q.id}",
        f"qm:{q.id}",
        f"qn:{q.id}",
        f"qg:{q.id}",
        f"qt:{q.id}:{b.user_id}",
        f"wf:{w.mentee.user_id}",
    ):
        await _refused(client, b, data, w.mentee, w.mentor_a, w.curator)
    # no answer or write-first form was opened: B's next text goes nowhere
    calls = await client.send(b.person, "Отвечаю вместо А")
    assert not to(calls, w.mentee) and not to(calls, w.mentor_a)
    # a reply to a message id that exists only in A's chat is not a thread in B's chat
    calls = await client.reply(b.person, copy, "Ответ через чужой id")
    assert not to(calls, w.mentee)
    assert await _snapshot(client) == before
    assert await _outbox(client) == []

    await client.send(b.person, "/questions")
    listed = client.last_text(b.person.id)
    assert "Открытых вопросов нет" in listed and "Секретный" not in listed
    await client.send(w.mentor_a.person, "/questions")
    assert "Секретный вопрос" in client.last_text(w.mentor_a.person.id)


async def test_mentee_cannot_touch_another_mentees_question(client: BotClient, w: World) -> None:
    copy = await _ask(client, w)
    [answer] = to(await client.reply(w.mentor_a.person, copy, "Ответ"), w.mentee)
    [q] = await questions(client)
    before = await _snapshot(client)
    other = w.mentee2
    for data in (f"qr:{q.id}", f"qs:{q.id}:1", f"qf:{q.id}", f"qc:{q.id}:1"):
        await _refused(client, other, data, w.mentor_a, w.mentee)
    # nor act as the mentor of their own question's owner
    for data in (f"qa:{q.id}", f"qx:{q.id}", f"qm:{q.id}"):
        await _refused(client, w.mentee, data, w.mentor_a)
    assert await _snapshot(client) == before
    # the mentee's own buttons still work
    await client.press(w.mentee.person, answer.buttons[0][1])
    await client.press(w.mentee.person, f"qs:{q.id}:4")
    [q] = await questions(client)
    assert (q.status, q.rating) == ("resolved", 4)


async def _escalated(client: BotClient, w: World) -> Question:
    await _ask(client, w, "Вопрос без ответа")
    now = client.clock.now() + timedelta(days=7)
    client.clock.set(now)
    async with client.sessionmaker() as s, s.begin():
        await sla_catch_up(s, now)
    await client.tick()  # the curators get the notice with its buttons
    [q] = await questions(client)
    assert q.escalated_at is not None
    return q


async def test_curator_of_another_school_cannot_act(client: BotClient, w: World) -> None:
    q = await _escalated(client, w)
    before = await _snapshot(client)
    outbox = await _outbox(client)
    assert ("question-escalated", w.curator.person.id) in outbox
    assert all(chat != w.other_curator.person.id for _, chat in outbox)
    stranger = w.other_curator
    for data in (
        f"qm:{q.id}",
        f"qn:{q.id}",
        f"qg:{q.id}",
        f"qt:{q.id}:{w.mentor_b.user_id}",
        f"qa:{q.id}",
        f"qx:{q.id}",
    ):
        await _refused(client, stranger, data, w.mentor_a, w.mentor_b, w.mentee)
    assert await _snapshot(client) == before
    await client.send(stranger.person, "/questions")
    listed = client.last_text(stranger.person.id)
    assert "Открытых вопросов нет" in listed and "без ответа" not in listed


async def test_reassign_target_must_be_a_mentor_of_the_school(client: BotClient, w: World) -> None:
    q = await _escalated(client, w)
    async with seed(client.sessionmaker, client.clock.now()) as s:
        outsider = await s.member(
            w.other_org, Person(25, "MenX"), Role.MENTOR, name="Чужой Наставник"
        )
    before = await _snapshot(client)
    calls = await client.press(w.curator.person, f"qg:{q.id}")
    offered = [d for c in calls for _, d in c.buttons]
    assert offered == [f"qt:{q.id}:{w.mentor_b.user_id}"]
    for target in (outsider, w.mentee2, w.other_curator, w.curator):
        await _refused(client, w.curator, f"qt:{q.id}:{target.user_id}", target, w.mentee)
    await _refused(client, w.curator, f"qt:{q.id}:99999", w.mentee)
    assert await _snapshot(client) == before
