"""Decide, commit, then deliver, end to end: Telegram's pauses, failures after a handler's
effects and misplaced buttons, against the real bot process and the fake Bot API."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from models.db import create_engine, create_sessionmaker
from models.questions import Question, QuestionMessage
from tests.e2e.conftest import BotProcess
from tests.e2e.school import MONDAY_NOON, School, header
from tests.fake_telegram import FakeTelegram


def _read(database_url: str, work) -> object:
    async def run() -> object:
        engine = create_engine(database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _questions(database_url: str) -> list[tuple[int, int]]:
    async def work(session) -> list[tuple[int, int]]:
        rows = await session.execute(select(Question.id, Question.number).order_by(Question.id))
        return [(i, n) for i, n in rows.all()]

    return _read(database_url, work)  # type: ignore[return-value]


def _links(database_url: str, chat_id: int) -> dict[int, int]:
    """The thread links of one chat: message id → question id."""

    async def work(session) -> dict[int, int]:
        rows = await session.execute(
            select(QuestionMessage.message_id, QuestionMessage.question_id).where(
                QuestionMessage.chat_id == chat_id
            )
        )
        return {m: q for m, q in rows.all()}

    return _read(database_url, work)  # type: ignore[return-value]


def test_a_paused_chat_stalls_nobody_and_its_question_arrives_once(
    school: School, fake: FakeTelegram
) -> None:
    s = school
    # Telegram asks for 8 s of quiet in mentor A's chat.
    fake.fail_next("sendMessage", code=429, retry_after=8, chat_id=20)
    s.anna.send("Вопрос, который придётся подождать")
    assert "стоит в очереди" in s.anna.wait_for("№1").text
    # Another pair is not held by it.
    s.vera.send("Вопрос другой пары")
    s.mentor_b.wait_for(header(2), timeout=1.0)
    assert "Наставник Белла" in s.vera.wait_for("№2").text
    # The delayed question arrives after the pause, once.
    s.mentor_a.assert_no_message(within=5.0, contains=header(1))
    s.mentor_a.wait_for(header(1), timeout=10)
    s.mentor_a.assert_no_message(within=1.0, contains=header(1))
    assert sum(1 for m in s.mentor_a.messages if header(1) in m.text) == 1

    # A long pause: the mentee is told it is queued, not that something failed.
    fake.fail_next("sendMessage", code=429, retry_after=30, chat_id=21)
    s.vera.send("Ещё вопрос под долгой паузой")  # continues her unanswered question 2
    queued = s.vera.wait_for("стоит в очереди")
    assert "№2" in queued.text and "ошибк" not in queued.text.lower()
    follow = "Уточнение к вопросу №2"
    s.mentor_b.assert_no_message(within=20.0, contains=follow)
    got = s.mentor_b.wait_for(follow, timeout=20)
    assert "долгой паузой" in got.text
    s.mentor_b.assert_no_message(within=1.0, contains=follow)


def test_failures_after_the_commit_leave_chats_and_database_in_agreement(
    school: School, fake: FakeTelegram, bot_process: BotProcess
) -> None:
    s = school
    # Every send fails with 5xx for a while, right after the handler has committed.
    for method in ("sendMessage", "copyMessage"):
        fake.fail_next(method, code=502, description="Bad Gateway", times=10_000)
    s.anna.send("Вопрос во время сбоя")
    s.mentor_a.assert_no_message(within=3.0)
    assert _questions(bot_process.database_url) == [(1, 1)]  # decided and kept
    fake.clear_failures()
    bot_process.set_time(MONDAY_NOON + timedelta(minutes=15))  # past every backoff
    got = s.mentor_a.wait_for(header(1), timeout=10)
    s.anna.wait_for("№1")
    s.mentor_a.assert_no_message(within=1.0, contains=header(1))

    # No copy without its question: each copy in the mentor's chat is linked to it.
    links = _links(bot_process.database_url, 20)
    copies = [m for m in s.mentor_a.messages if header(1) in m.text]
    assert [links.get(m.message_id) for m in copies] == [1]
    assert got.message_id in links
    # And the next question gets a new id and number.
    s.boris.send("Следующий вопрос")
    s.mentor_a.wait_for(header(2))
    assert _questions(bot_process.database_url) == [(1, 1), (2, 2)]


def test_a_button_acts_only_on_the_question_of_its_message(
    school: School, fake: FakeTelegram
) -> None:
    s = school
    s.anna.send("Первый вопрос")
    first = s.mentor_a.wait_for(header(1))
    s.vera.send("Вопрос другой пары")
    s.mentor_b.wait_for(header(2))
    # Mentor A presses buttons naming question 2 on the copy of question 1.
    for data in ("qa:2", "qx:2"):
        s.mentor_a.press(data=data, message=first)
    fake.wait_idle()
    answers = fake.users[20].callback_answers
    assert len(answers) == 2 and all(a["show_alert"] for a in answers)
    s.mentor_a.assert_no_message(within=0.5, contains="Напишите ответ")
    s.vera.assert_no_message(within=0.3, contains="закрыл")
    # The right button on the right message still works.
    s.mentor_a.press("Ответить", message=first)
    s.mentor_a.wait_for("Напишите ответ на вопрос №1")
