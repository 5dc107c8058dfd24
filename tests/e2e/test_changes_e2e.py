"""The life cycle by the regulation end to end, with the moved clock: an extension agreed
by both sides, another declined by one, a change of mentor carrying an open question over,
the end date's question to the curator, and an early termination in the change log."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from bot.keyboards.changes import VoteCb
from models.db import create_engine, create_sessionmaker
from models.people import Role
from tests.e2e.conftest import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


def _populate(database_url: str) -> dict[str, int]:
    async def run() -> dict[str, int]:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=10)) as s:
            org = await s.org("Лицей")
            await s.member(org, Person(10, "c"), Role.CURATOR, name="Куратор Ольга")
            old = await s.member(org, Person(20, "m"), Role.MENTOR, name="Иван Опытный")
            new = await s.member(org, Person(21, "n"), Role.MENTOR, name="Мария Новая")
            anna = await s.member(org, Person(30, "e"), Role.MENTEE, name="Анна Новая")
            boris = await s.member(org, Person(31, "b"), Role.MENTEE, name="Борис Юный")
            first = await s.program(org, old, [anna])
            second = await s.program(org, new, [boris])
        await engine.dispose()
        return {"first": first, "second": second}

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_extension_mentor_change_end_date_and_termination(
    fake: FakeTelegram, bot_process: BotProcess
) -> None:
    ids = _populate(bot_process.database_url)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    curator, old, new = fake.user(10, "Ольга"), fake.user(20, "Иван"), fake.user(21, "Мария")
    anna, boris = fake.user(30, "Анна"), fake.user(31, "Борис")
    first, second = ids["first"], ids["second"]

    # The curator proposes an extension from the card; both sides agree.
    curator.send(f"/program #{first}")
    curator.wait_for(f"Программа #{first}")
    curator.press("⏩ Продлить")
    curator.wait_for("Введите новую дату")
    curator.send("30.06.2027")
    curator.wait_for("причину")
    curator.send("Открытый урок перенесён на июнь")
    curator.wait_for("отправлено")
    for side in (old, anna):
        side.wait_for("продлить программу до 30.06.2027")
        side.press("✅ Согласен")
    curator.wait_for("принято всеми сторонами")

    # Another extension: the mentee declines, the date stays.
    curator.send(f"/program #{first}")
    curator.wait_for("30.06.2027")
    curator.press("⏩ Продлить")
    curator.wait_for("Введите новую дату")
    curator.send("31.07.2027")
    curator.wait_for("причину")
    curator.send("Ещё месяц на итоговый отчёт")
    old.wait_for("продлить программу до 31.07.2027")
    anna.wait_for("продлить программу до 31.07.2027")
    anna.press("❌ Не согласен")
    curator.wait_for("не согласен(на) Анна Новая")
    # a second answer to the same proposal (its buttons are gone) changes nothing
    anna.press(data=VoteCb(proposal_id=2, agree=True).pack())
    curator.send(f"/program #{first}")
    card = curator.wait_for(f"Программа #{first}").text
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
    curator.send(f"/program #{first}")
    curator.wait_for(f"Программа #{first}")
    curator.press("⛔ Прекратить досрочно")
    curator.wait_for("По какой причине")
    curator.press("по решению куратора: программа не выполняется")
    curator.wait_for("причину")
    curator.send("Встречи не проводятся два месяца")
    curator.wait_for(f"Программа #{first} завершена")
    anna.wait_for(f"Программа #{first} завершена")
    curator.send(f"/program #{first}")
    card = curator.wait_for(f"Программа #{first}").text
    assert "программа прекращена досрочно (причина: Встречи не проводятся два месяца)" in card
    assert "сменился наставник (причина: Разные предметы, нужен словесник)" in card
    assert "Анна Новая: предложено сменить наставника" in card
    assert "⏩ Продлить" not in str(card)
