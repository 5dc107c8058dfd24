"""/announce at the dispatcher level: the audience of one role of one school only, the
text escaped, quiet hours respected, the status naming a blocked reader, refusals of bad
input and of people who are not curators, and /forget erasing the text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram.exceptions import TelegramForbiddenError
from sqlalchemy import select, update

from bot.i18n import Locales
from models import announcements as ann
from models.outbox import OutboxMessage
from models.people import User
from models.personal_data import export_person, forget_person
from tests.support.botclient import BotClient, Call
from tests.support.seed import World

pytestmark = pytest.mark.usefixtures("no_errors")


def to(calls: list[Call], chat_id: int) -> list[Call]:
    return [c for c in calls if c.chat_id == chat_id and c.text]


async def announce(client: BotClient, w: World, audience: str, text: str) -> list[Call]:
    """The curator's whole flow up to the confirm; returns the calls of the confirm."""
    cur = w.curator.person
    calls = await client.send(cur, "/announce")
    if any(label.startswith("➕") for c in calls for label, _ in c.buttons):
        calls = await client.press(cur, client.button_data(calls, "➕"))
    await client.press(cur, client.button_data(calls, _label(audience)))
    calls = await client.send(cur, text)
    assert "Отправить?" in client.last_text(cur.id)
    return await client.press(cur, client.button_data(calls, "✅"))


def _label(audience: str) -> str:
    return {"all": "Все", "mentor": "Наставники", "mentee": "Наставляемые"}.get(
        audience, "Кураторы"
    )


async def test_mentees_only_of_this_school_get_it_escaped(client: BotClient, w: World) -> None:
    calls = await announce(client, w, "mentee", "Собрание в <b>пятницу</b> & не опаздывать")
    assert "отправляется 3 адресатам" in client.last_text(w.curator.person.id)
    assert not [c for c in calls if c.outbox]  # the drain sends them, within the limits
    sent = await client.tick()
    got = {c.chat_id for c in sent if c.text and "Объявление" in c.text}
    assert got == {w.mentee.person.id, w.mentee2.person.id, w.mentee3.person.id}
    text = to(sent, w.mentee.person.id)[0].text
    assert "&lt;b&gt;пятницу&lt;/b&gt; &amp; не опаздывать" in text
    assert "Куратор К" in text and "Школа 1" in text
    # nobody else: not the mentors, not the other school's curator
    for other in (w.mentor_a, w.mentor_b, w.other_curator, w.curator):
        assert not to(sent, other.person.id)


async def test_everyone_but_the_author(client: BotClient, w: World) -> None:
    await announce(client, w, "all", "Всем привет")
    sent = await client.tick()
    got = {c.chat_id for c in sent if c.text and "Всем привет" in c.text}
    everyone = (w.mentor_a, w.mentor_b, w.mentee, w.mentee2, w.mentee3)
    assert got == {m.person.id for m in everyone}


async def test_quiet_hours_then_sent_when_they_end(client: BotClient, w: World) -> None:
    client.clock.set(datetime(2026, 11, 23, 19, 30, tzinfo=UTC))  # 22:30 in Moscow
    await announce(client, w, "mentor", "Завтра методсовет")
    assert "тихие часы" in client.last_text(w.curator.person.id)
    assert not [c for c in await client.tick() if c.text and "методсовет" in c.text]
    client.clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # 08:00 in Moscow
    sent = await client.tick()
    assert {c.chat_id for c in sent if c.text and "методсовет" in c.text} == {
        w.mentor_a.person.id,
        w.mentor_b.person.id,
    }


async def test_status_counts_a_blocked_reader_as_unreachable(client: BotClient, w: World) -> None:
    client.session.fail_for(w.mentor_b.person.id, TelegramForbiddenError)
    await announce(client, w, "mentor", "Проверка связи")
    await client.tick()
    cur = w.curator.person
    calls = await client.send(cur, "/announce")
    assert "Проверка связи" in client.last_text(cur.id)
    await client.press(cur, client.button_data(calls, "Статус"))
    status = client.last_text(cur.id)
    assert "Доставлено: 1" in status and "Недоступны: 1" in status
    assert "Ожидают отправки: 0" in status
    assert "Не получили: Наставник Б" in status
    # a second announcement: the blocked mentor is unreachable from the start
    await announce(client, w, "mentor", "Ещё раз")
    assert "Недоступны (заблокировали бота): 1" in client.last_text(cur.id)
    async with client.sessionmaker() as s:
        [second] = list(await s.scalars(select(ann.Announcement).order_by(ann.Announcement.id)))[1:]
        found = await ann.status(s, second.id)
        assert found is not None
        assert (found.waiting, found.unreachable, found.names) == (1, 1, ["Наставник Б"])


async def test_bad_input(client: BotClient, w: World) -> None:
    cur = w.curator.person
    calls = await client.send(cur, "/announce")
    await client.press(cur, client.button_data(calls, "Наставники"))
    await client.send(cur, "   ")
    assert "Текст пустой" in client.last_text(cur.id)
    await client.send(cur, "а" * (ann.TEXT_MAX + 1))
    assert f"можно до {ann.TEXT_MAX}" in client.last_text(cur.id)
    await client.send_sticker(cur)
    assert "Нужен текст" in client.last_text(cur.id)
    calls = await client.send(cur, "Годный текст")
    calls = await client.press(cur, client.button_data(calls, "✖️"))
    assert "отменено" in client.last_text(cur.id)
    assert not [n for n in await client.notices() if n.kind == ann.NOTICE]
    # a stale confirm does nothing but say so
    calls = await client.press(cur, "bcc:ann:1")
    answers = client.callback_answers(calls)
    assert answers and answers[0].show_alert and "больше не действует" in str(answers[0].text)
    async with client.sessionmaker() as s:
        assert await s.scalar(select(ann.Announcement.id)) is None
    assert not [n for n in await client.notices() if n.kind == ann.NOTICE]


async def test_mentor_and_mentee_refused_and_forged_buttons(client: BotClient, w: World) -> None:
    for member in (w.mentor_a, w.mentee):
        await client.send(member.person, "/announce")
        assert "куратор" in client.last_text(member.person.id).lower()
    await announce(client, w, "mentor", "Своё")
    # the other school's curator can neither start one here nor read its status
    other = w.other_curator.person
    calls = await client.press(other, f"bca:ann:{w.org}:all")
    assert client.callback_answers(calls)[0].show_alert
    calls = await client.press(other, "bcs:1")
    assert client.callback_answers(calls)[0].show_alert
    calls = await client.send(other, "/announce")  # their own school has none: a new one
    assert "Кому его отправить" in client.last_text(other.id)


async def test_forget_erases_the_text_and_status_still_works(client: BotClient, w: World) -> None:
    await announce(client, w, "mentor", "Секретный текст")
    async with client.sessionmaker() as s, s.begin():
        curator = await s.get(User, w.curator.user_id)
        assert curator is not None
        data = await export_person(s, curator)
        assert [a["text"] for a in data["announcements_by_you"]] == ["Секретный текст"]
        await forget_person(s, curator, client.clock.now())
    async with client.sessionmaker() as s:
        [row] = await s.scalars(select(ann.Announcement))
        assert row.text is None
        found = await ann.status(s, row.id)
        assert found is not None and found.withdrawn == 2 and found.unreachable == 0
        waiting = await s.scalars(select(OutboxMessage).where(OutboxMessage.ref_kind == ann.REF))
        assert {m.status for m in waiting} == {"cancelled"}
    assert not [c for c in await client.tick() if c.text and "Секретный" in c.text]


async def test_the_preview_and_the_confirmation_name_who_blocked_the_bot(
    client: BotClient, w: World
) -> None:
    async with client.sessionmaker() as s, s.begin():
        await s.execute(update(User).where(User.id == w.mentor_b.user_id).values(reachable=False))
    cur = w.curator.person
    calls = await client.send(cur, "/announce")
    await client.press(cur, client.button_data(calls, "Наставники"))
    calls = await client.send(cur, "Методсовет")
    preview = client.last_text(cur.id)
    assert "адресатов: 1)" in preview and preview.endswith("Отправить?")
    assert "Недоступны (заблокировали бота): 1 — Наставник Б" in preview
    await client.press(cur, client.button_data(calls, "✅"))
    sent = client.last_text(cur.id)
    assert "отправляется 1 адресату." in sent
    assert "Недоступны (заблокировали бота): 1 — Наставник Б" in sent


def test_english_texts_plural_and_quotes() -> None:
    en = Locales().get("en")
    assert "going out to 1 recipient." in en("announce-sent", id=1, count=1)
    assert "going out to 2 recipients." in en("announce-sent", id=1, count=2)
    text = en("announce-err-no-recipients", org="School", audience="mentors")
    assert "“School”" in text and "«" not in text
    ru = Locales().get("ru")
    assert "отправляется 21 адресату." in ru("announce-sent", id=1, count=21)
    assert "отправляется 5 адресатам." in ru("announce-sent", id=1, count=5)
