"""The life cycle by the regulation end to end, with the moved clock: an extension agreed
by both sides, another declined by one, a change of mentor carrying an open question over,
the end date's question to the curator, and an early termination with each reason
(the curator's for non-fulfilment, the mentor's or the mentee's initiative approved or
declined by the curator, an agreement of everyone) in the change log."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.keyboards.changes import VoteCb
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from models.audit import AuditEntry
from models.changes import EndReason
from models.db import create_engine, create_sessionmaker
from models.people import Role, User
from tests.e2e.conftest import BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
AGREE, DECLINE = "✅ Согласен", "❌ Не согласен"
TERMINATE = "⛔ Прекратить досрочно"
# The end reasons as their buttons, the notices and the card's header name them.
LABELS = {
    EndReason.MENTOR_INITIATIVE: "по инициативе наставника",
    EndReason.MENTEE_INITIATIVE: "по инициативе наставляемого",
    EndReason.AGREEMENT: "по обоюдному решению",
    EndReason.NON_FULFILMENT: "по решению куратора: программа не выполняется",
}


def _populate(
    database_url: str,
    people: dict[int, tuple[Role, str]],
    programs: dict[str, tuple[int, tuple[int, ...]]],
) -> dict[str, int]:
    """One school «Лицей» with `people` (Telegram id -> role, name) and the active
    `programs` (name -> mentor's id, mentees' ids); returns the programs' ids by name."""

    async def run() -> dict[str, int]:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=10)) as s:
            org = await s.org("Лицей")
            members = {
                tg: await s.member(org, Person(tg, name), role, name=name)
                for tg, (role, name) in people.items()
            }
            ids = {
                name: await s.program(org, members[mentor], [members[m] for m in mentees])
                for name, (mentor, mentees) in programs.items()
            }
        await engine.dispose()
        return ids

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _audit_log(database_url: str, program_id: int) -> list[tuple[str, str | None, Any, Any]]:
    """The program's audit log, oldest first: (action, actor's name, reason, end reason)."""

    async def run() -> list[tuple[str, str | None, Any, Any]]:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with sm() as session:
            rows = await session.execute(
                select(AuditEntry, User)
                .outerjoin(User, User.id == AuditEntry.actor_id)
                .where(AuditEntry.program_id == program_id)
                .order_by(AuditEntry.id)
            )
            log = [
                (e.action, u and u.display_name, e.reason, (e.details or {}).get("end_reason"))
                for e, u in rows.all()
            ]
        await engine.dispose()
        return log

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _card(user: FakeUser, program: int) -> BotMessage:
    """The /program card (its header: a notice naming the program does not match)."""
    user.send(f"/program #{program}")
    return user.wait_for(f"Программа #{program} —")


def _propose_end(
    user: FakeUser, program: int, end_reason: EndReason, reason: str, done: str = "отправлено"
) -> BotMessage:
    """From the card: «⛔ Прекратить досрочно», the end reason's button, the reason typed;
    the answer (`done`)."""
    _card(user, program)
    user.press(TERMINATE)
    user.wait_for(f"По какой причине прекратить программу #{program}")
    user.press(LABELS[end_reason])
    user.wait_for("причину")
    user.send(reason)
    return user.wait_for(done)


def _propose_new_end(user: FakeUser, program: int, day: str, reason: str) -> None:
    """From the card: «⏩ Продлить», the new last day and the reason typed."""
    _card(user, program)
    user.press("⏩ Продлить")
    user.wait_for("Введите новую дату")
    user.send(day)
    user.wait_for("причину")
    user.send(reason)
    user.wait_for("отправлено")


def _answer(users: Iterable[FakeUser], ask: str, button: str = AGREE) -> None:
    """Each waits for the ask and presses its button (on that very message)."""
    for user in users:
        user.press(button, message=user.wait_for(ask))


def _assert_ended(
    viewer: FakeUser,
    database_url: str,
    program: int,
    proposer: str,
    end_reason: EndReason,
    why: str,
    actor: str = "Куратор Ольга",
) -> None:
    """The card shows the program ended with that reason, no change buttons, and in its
    change log who proposed the ending and why and who ended it (the curator whose
    approval made it, or the last to agree); the audit log keeps the end reason."""
    card = _card(viewer, program)
    assert f"Программа #{program} — завершена" in card.text
    assert f": {LABELS[end_reason]}" in card.text
    assert f"{proposer}: предложено прекратить программу досрочно (причина: {why})" in card.text
    assert f"{actor}: программа прекращена досрочно (причина: {why})" in card.text
    assert TERMINATE not in card.button_texts()
    log = _audit_log(database_url, program)
    assert ("proposed-terminate", proposer, why, end_reason) in log
    assert [entry for entry in log if entry[0] == "terminated"] == [
        ("terminated", actor, why, end_reason)
    ]


def _asked(user: FakeUser) -> bool:
    return any("Вы согласны?" in (m.text or "") for m in user.messages)


def test_extension_mentor_change_end_date_and_termination(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    people = {
        10: (Role.CURATOR, "Куратор Ольга"),
        20: (Role.MENTOR, "Иван Опытный"),
        21: (Role.MENTOR, "Мария Новая"),
        30: (Role.MENTEE, "Анна Новая"),
        31: (Role.MENTEE, "Борис Юный"),
    }
    ids = _populate(bot_process.database_url, people, {"first": (20, (30,)), "second": (21, (31,))})
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    curator, old, new = fake.user(10, "Ольга"), fake.user(20, "Иван"), fake.user(21, "Мария")
    anna, boris = fake.user(30, "Анна"), fake.user(31, "Борис")
    first, second = ids["first"], ids["second"]

    # The curator proposes an extension from the card; both sides agree. Each ask keeps
    # its words and shows the answer given instead of its buttons.
    _propose_new_end(curator, first, "30.06.2027", "Открытый урок перенесён на июнь")
    for user in (old, anna):
        ask = user.wait_for("продлить программу до 30.06.2027")
        user.press(AGREE, message=ask)
        edited = user.wait_edit(ask, "Ваш ответ: согласен")
        assert "Вы согласны?" in (edited.text or "") and AGREE not in edited.button_texts()
    curator.wait_for("принято всеми сторонами")

    # Another extension: the mentee declines, the date stays.
    _propose_new_end(curator, first, "31.07.2027", "Ещё месяц на итоговый отчёт")
    old.wait_for("продлить программу до 31.07.2027")
    _answer((anna,), "продлить программу до 31.07.2027", DECLINE)
    curator.wait_for("не согласен(на) Анна Новая")
    # a second answer to the same proposal (its buttons are gone) changes nothing
    anna.press(data=VoteCb(proposal_id=2, agree=True).pack())
    card = _card(curator, first).text
    assert "31.07.2027" not in card
    # the change log keeps the extension, the proposal declined and who declined it
    assert "программа продлена (причина: Открытый урок перенесён на июнь)" in card
    assert "предложено продлить программу (причина: Ещё месяц на итоговый отчёт)" in card
    assert "Анна Новая: отклонено предложение продлить программу" in card
    assert any("повторное нажатие" in (a.get("text") or "") for a in anna.callback_answers)

    # An unanswered question, then the mentee asks for another mentor.
    anna.send("Как выстроить работу с родителями?")
    old.wait_for("Вопрос №1 · Анна Новая")
    anna.send("/change_mentor")
    anna.wait_for("причину")
    anna.send("Разные предметы, нужен словесник")
    curator.wait_for("просит другого наставника")
    curator.press("Мария Новая")
    curator.wait_for("сменён на Мария Новая")
    new.wait_for("Вопрос №1 · Анна Новая")
    anna.wait_for("Иван Опытный → Мария Новая")
    old.wait_for("Иван Опытный → Мария Новая")

    # The second program reaches its end date: the curator is asked once, and completes it.
    bot_process.set_time(datetime(2027, 5, 31, 6, 0, tzinfo=UTC))  # 09:00 in Moscow
    curator.wait_for(f"Программа #{second} дошла до даты окончания (31.05.2027)")
    curator.press("🏁 Завершить")
    curator.wait_for(f"Программа #{second} завершена: план выполнен")
    boris.wait_for(f"Программа #{second} завершена")

    # The curator ends the first early for non-fulfilment; the change log keeps it.
    why = "Встречи не проводятся два месяца"
    confirm = _propose_end(
        curator, first, EndReason.NON_FULFILMENT, why, done=f"Прекратить программу #{first}?"
    )
    curator.press("Да, прекратить", message=confirm)
    curator.wait_for("Стороны уведомлены")
    anna.wait_for(
        f"Программа #{first} завершена: {LABELS[EndReason.NON_FULFILMENT]}. Причина: {why}"
    )
    card_message = _card(curator, first)
    assert TERMINATE not in card_message.button_texts()
    card = card_message.text
    assert f"Программа #{first} — завершена" in card
    assert f": {LABELS[EndReason.NON_FULFILMENT]}" in card
    assert f"Куратор Ольга: программа прекращена досрочно (причина: {why})" in card
    assert "сменился наставник (причина: Разные предметы, нужен словесник)" in card
    assert "Анна Новая: предложено сменить наставника" in card
    log = _audit_log(bot_process.database_url, first)
    assert ("terminated", "Куратор Ольга", why, EndReason.NON_FULFILMENT) in log


def test_termination_by_initiative_and_by_agreement(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    people = {
        10: (Role.CURATOR, "Куратор Ольга"),
        40: (Role.MENTOR, "Пётр Строгий"),
        41: (Role.MENTOR, "Светлана Добрая"),
        42: (Role.MENTOR, "Тимур Спокойный"),
        50: (Role.MENTEE, "Вера Тихая"),
        51: (Role.MENTEE, "Глеб Смелый"),
        52: (Role.MENTEE, "Дарья Первая"),
        53: (Role.MENTEE, "Егор Второй"),
    }
    pairs = {"by_mentor": (40, (50,)), "by_mentee": (41, (51,)), "agreed": (42, (52, 53))}
    ids = _populate(bot_process.database_url, people, pairs)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    url = bot_process.database_url
    curator = fake.user(10, "Ольга")
    petr, svetlana, timur = fake.user(40, "Пётр"), fake.user(41, "Светлана"), fake.user(42, "Тимур")
    vera, gleb = fake.user(50, "Вера"), fake.user(51, "Глеб")
    darya, egor = fake.user(52, "Дарья"), fake.user(53, "Егор")
    by_mentor, by_mentee, agreed = ids["by_mentor"], ids["by_mentee"], ids["agreed"]

    def what(end_reason: EndReason) -> str:
        return f"прекратить программу досрочно ({LABELS[end_reason]})"

    def ask(program: int, end_reason: EndReason) -> str:
        return f"по программе #{program}: {what(end_reason)}"

    def ended(program: int, end_reason: EndReason, why: str) -> str:
        return f"Программа #{program} завершена: {LABELS[end_reason]}. Причина: {why}"

    # The mentor's initiative: the curator alone is asked and approves; everyone is told.
    mentor_why = "Перехожу на работу в другую школу"
    _propose_end(petr, by_mentor, EndReason.MENTOR_INITIATIVE, mentor_why)
    _answer((curator,), ask(by_mentor, EndReason.MENTOR_INITIATIVE))
    for person in (petr, vera, curator):
        person.wait_for(ended(by_mentor, EndReason.MENTOR_INITIATIVE, mentor_why))
    assert not _asked(vera)

    # The mentee's initiative declined by the curator: the pair is told, nothing ends.
    _propose_end(gleb, by_mentee, EndReason.MENTEE_INITIATIVE, "Не хватает времени")
    _answer((curator,), ask(by_mentee, EndReason.MENTEE_INITIATIVE), DECLINE)
    declined = f"({what(EndReason.MENTEE_INITIATIVE)}) отклонено: не согласен(на) Куратор Ольга"
    for person in (gleb, svetlana):
        person.wait_for(f"по программе #{by_mentee} {declined}")
    card = _card(gleb, by_mentee)
    assert f"Программа #{by_mentee} — действует" in card.text
    assert "Куратор Ольга: отклонено предложение прекратить программу досрочно" in card.text
    assert TERMINATE in card.button_texts()
    # Asked again with another reason, the curator approves.
    mentee_why = "Ухожу в декретный отпуск"
    _propose_end(gleb, by_mentee, EndReason.MENTEE_INITIATIVE, mentee_why)
    _answer((curator,), ask(by_mentee, EndReason.MENTEE_INITIATIVE))
    for person in (gleb, svetlana, curator):
        person.wait_for(ended(by_mentee, EndReason.MENTEE_INITIATIVE, mentee_why))
    assert not _asked(svetlana)

    # By agreement: the mentor, the other mentee and the curator are asked; the program
    # runs on until the last of them agrees.
    agreed_why = "Цели программы достигнуты раньше срока"
    _propose_end(darya, agreed, EndReason.AGREEMENT, agreed_why)
    _answer((timur, egor), ask(agreed, EndReason.AGREEMENT))
    last = curator.wait_for(ask(agreed, EndReason.AGREEMENT))
    assert f"Программа #{agreed} — действует" in _card(curator, agreed).text
    curator.press(AGREE, message=last)
    for person in (darya, timur, egor, curator):
        person.wait_for(ended(agreed, EndReason.AGREEMENT, agreed_why))
    for person in (timur, egor):
        assert any("Ждём остальных" in (a.get("text") or "") for a in person.callback_answers)
    assert any("Все стороны согласны" in (a.get("text") or "") for a in curator.callback_answers)
    assert not _asked(darya)

    _assert_ended(curator, url, by_mentor, "Пётр Строгий", EndReason.MENTOR_INITIATIVE, mentor_why)
    _assert_ended(curator, url, by_mentee, "Глеб Смелый", EndReason.MENTEE_INITIATIVE, mentee_why)
    assert ("declined-terminate", "Куратор Ольга", None, EndReason.MENTEE_INITIATIVE) in (
        _audit_log(url, by_mentee)
    )
    _assert_ended(curator, url, agreed, "Дарья Первая", EndReason.AGREEMENT, agreed_why)
