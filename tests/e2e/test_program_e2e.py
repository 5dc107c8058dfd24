"""The program card end to end: the admin borrows a district school's mentor for a small
school's mentee (an inter-school pair); the mentee confirms «ознакомлен» from the
notice; the mentor edits the note; the card shows progress, the confirmation time and
the change log to the pair and to both schools' curators; a question follows the pair."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from fake_telegram import FakeTelegram
from models.db import create_engine, create_sessionmaker
from models.people import Role
from tests.e2e.conftest import ADMIN_ID, BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


def _run(coro_factory):  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro_factory()).result()


def _populate(database_url: str) -> dict[str, int]:
    async def run() -> dict[str, int]:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=10)) as s:
            small = await s.org("Малая школа")
            district = await s.org("Районная школа", "Asia/Vladivostok")
            await s.member(small, Person(10, "c"), Role.CURATOR, name="Куратор Малой")
            mentee = await s.member(small, Person(30, "e"), Role.MENTEE, name="Анна Новая")
            await s.member(district, Person(11, "d"), Role.CURATOR, name="Куратор Района")
            mentor = await s.member(district, Person(21, "m"), Role.MENTOR, name="Иван Опытный")
            await s.member(district, Person(12, "x"), Role.MENTEE, name="Чужая Наставляемая")
        await engine.dispose()
        return {"mentor": mentor.user_id, "mentee": mentee.user_id}

    return _run(run)


def test_inter_school_pair_and_its_card(fake: FakeTelegram, bot_process: BotProcess) -> None:
    ids = _populate(bot_process.database_url)
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    admin = fake.user(ADMIN_ID, "Админ")
    curator, other_curator = fake.user(10, "Ольга"), fake.user(11, "Пётр")
    mentor, mentee, outsider = fake.user(21, "Иван"), fake.user(30, "Анна"), fake.user(12, "X")

    # A curator cannot borrow another school's mentor; the admin can.
    pair = f"/pair #{ids['mentor']} #{ids['mentee']} situational online 01.12.2026-31.05.2027"
    curator.send(pair)
    assert "Проверьте" not in curator.wait_for(f"#{ids['mentor']}").text
    admin.send(pair)
    admin.wait_for("Проверьте программу")
    admin.press("✅ Подтвердить")
    created = admin.wait_for("создана").text
    program = int(re.search(r"#(\d+)", created).group(1))  # type: ignore[union-attr]
    mentor.wait_for("Предложение стать наставником — Малая школа")
    mentor.press("✅ Принимаю")
    for school_curator in (curator, other_curator):
        school_curator.wait_for("Наставник Иван Опытный принял программу")

    # The mentor takes the «Учитель–учитель» roadmap as the plan.
    mentor.send("/plan")
    mentor.wait_for("План пока пуст")
    mentor.press("📋 Дорожная карта")
    mentor.wait_for("13 мероприятий")

    notice = mentee.wait_for("Вам назначен наставник: Иван Опытный")
    assert notice.button_texts() == ["✅ Ознакомлен", "📘 Программа"]
    mentee.press("✅ Ознакомлен", message=notice)
    mentee.wait_for("ознакомлены с программой")
    mentor.wait_for("Анна Новая подтвердил(а) ознакомление")
    mentee.press("📘 Программа")
    card = mentee.wait_for(f"Программа #{program}").text
    assert "Анна Новая — ознакомлен(а) 23.11.2026" in card
    assert "Иван Опытный (из другой школы: Районная школа)" in card
    assert "Анна Новая: подтверждено «ознакомлен»" in card
    assert "Иван Опытный: наставник принял программу" in card
    assert "Иван Опытный: добавлен пункт плана (×13)" in card

    # The mentor writes the goals through the card.
    mentor.send("/program")
    mentor.wait_for(f"Программа #{program}")
    mentor.press("✏️ Изменить записку")
    mentor.wait_for("Какое поле")
    mentor.press("Цели")
    mentor.wait_for("«Цели»")
    mentor.send("Освоить формирующее оценивание")
    mentor.wait_for("сохранено")

    # The mentee marks the first item done.
    mentee.send("/plan")
    mentee.wait_for(f"План программы №{program}")
    mentee.press("✅ 1")
    mentee.wait_for("Отметка о выполнении")
    mentee.send("Познакомилась со школой")
    mentee.wait_for("✅ Отмечено")
    for viewer in (curator, other_curator):
        viewer.send(f"/program #{program}")
        card = viewer.wait_for(f"Программа #{program}").text
        assert "Цели:</b>" not in card and "Цели: Освоить формирующее оценивание" in card
        assert re.search(r"План: выполнено 1 из \d+, просрочено \d+, впереди \d+", card), card
        assert "Иван Опытный: изменено поле записки «Цели»" in card
        assert "время — Europe/Moscow" in card  # the mentee's school's zone
    outsider.send(f"/program #{program}")
    outsider.wait_for("Программа не найдена или недоступна вам.")

    # A question follows the pair to the borrowed mentor.
    mentee.send("Как оценивать без отметок?")
    question = mentor.wait_for("Вопрос №1 · Анна Новая")
    mentor.send("Критериальное оценивание, начните с рубрики", reply_to=question)
    assert "с рубрики" in mentee.wait_for("Ответ на вопрос №1").text
