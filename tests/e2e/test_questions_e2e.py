"""Situational mentoring end to end: the real bot process, the fake Bot API, the moved
clock; 2 mentors, 3 mentees (two in a group under mentor A) and a curator. The last part
is the delivery model: Telegram's pauses, failures after a handler's effects and
misplaced buttons."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from fake_telegram import FakeTelegram
from models.db import create_engine, create_sessionmaker
from models.questions import Question, QuestionMessage
from tests.e2e.conftest import BotProcess
from tests.e2e.school import FRIDAY_1730, MONDAY_NOON, School, header


def test_questions_reach_the_right_mentor(school: School, fake: FakeTelegram) -> None:
    s = school
    s.anna.send("Как оформить рабочую программу?")
    got = s.mentor_a.wait_for(header(1))
    assert "Анна Молодая" in got.text and "физика" in got.text
    assert "рабочую программу" in got.text
    assert "Наставник Андрей" in s.anna.wait_for("№1").text
    s.mentor_b.assert_no_message(within=0.3)

    s.vera.send_photo(caption="Вот схема урока")
    photo = s.mentor_b.wait_for(header(2))
    assert photo.kind == "photo" and "Вот схема урока" in photo.text

    s.boris.send_document(caption="План", file_name="plan.docx")
    doc = s.mentor_a.wait_for(header(3))
    assert doc.kind == "document"

    s.vera.wait_for("№2")
    s.vera.send_video_note()  # question 2 is unanswered: this continues it, at once
    head = s.mentor_b.wait_for("Уточнение к вопросу №2")
    note = s.mentor_b.wait_for(predicate=lambda m: m.kind == "video_note")
    assert note.reply_to_message_id == head.message_id
    s.vera.wait_for("Уточнение к вопросу №2 отправлено")

    s.boris.wait_for("№3")
    # Question 3 is unanswered: the album continues it, as one unit.
    parts = s.boris.send_album(3, caption="Фото доски")
    first = s.mentor_a.wait_for("Уточнение к вопросу №3")
    assert first.kind == "photo" and "Фото доски" in first.text
    copies = [s.mentor_a.wait_for(predicate=lambda m: m.kind == "photo") for _ in parts[1:]]
    assert all(c.reply_to_message_id == first.message_id for c in copies)
    s.boris.wait_for("Уточнение к вопросу №3 отправлено")
    s.boris.assert_no_message(within=0.5, contains="№3")


def test_answer_follow_up_resolve_and_rate(school: School) -> None:
    s = school
    s.anna.send("Как провести родительское собрание?")
    question = s.mentor_a.wait_for(header(1))
    s.mentor_a.send("Начните с повестки", reply_to=question)
    answer = s.anna.wait_for("Ответ на вопрос №1")
    assert "Начните с повестки" in answer.text
    assert {"✅ Вопрос решён", "Уточнить"} <= set(answer.button_texts())
    s.mentor_a.wait_for("Ответ на вопрос №1 отправлен")

    s.anna.send("А сколько длится?", reply_to=answer)
    follow = s.mentor_a.wait_for("Уточнение к вопросу №1")
    assert "сколько длится" in follow.text
    s.mentor_a.press("Ответить", message=follow)
    s.mentor_a.wait_for("Напишите ответ на вопрос №1")
    s.mentor_a.send("Минут сорок")
    s.anna.wait_for("Минут сорок")

    s.anna.send("И ещё: где взять шаблон?")  # question 1 is answered: taken as new, at once
    taken = s.mentor_a.wait_for(header(2))
    s.anna.wait_for("№2")
    s.anna.press("Это продолжение вопроса №1")
    s.anna.wait_for("добавлено к вопросу №1")
    assert "Уточнение к вопросу №1" in s.mentor_a.wait_edit(taken, "Уточнение").text

    s.anna.press("✅ Вопрос решён")
    s.anna.wait_for("решён")
    s.anna.press("5")
    s.anna.skip()

    s.mentor_a.send("/mentees")
    s.mentor_a.wait_for("Кому написать")
    s.mentor_a.press("Борис Новый")
    s.mentor_a.wait_for("Напишите сообщение")
    s.mentor_a.send("Борис, как прошёл первый урок?")
    first = s.boris.wait_for("Сообщение от наставника")
    s.boris.send("Хорошо, спасибо!", reply_to=first)
    s.mentor_a.wait_for("Хорошо, спасибо!")


def test_sla_counts_working_hours(school: School, bot_process: BotProcess) -> None:
    s = school
    bot_process.set_time(FRIDAY_1730)
    s.vera.send("Срочно: как заполнить журнал?")
    s.mentor_b.wait_for(header(1))
    s.mentor_b.skip()
    s.curator.skip()
    bot_process.set_time(datetime(2026, 11, 28, 10, 0, tzinfo=UTC))  # Saturday
    s.mentor_b.assert_no_message(within=1.5)
    s.curator.assert_no_message(within=0.1)
    bot_process.set_time(datetime(2026, 11, 30, 8, 31, tzinfo=UTC))  # Monday 11:31 MSK
    assert "Напоминание" in s.mentor_b.wait_for("вопрос №1").text
    s.curator.assert_no_message(within=1.0)
    bot_process.set_time(datetime(2026, 12, 1, 10, 31, tzinfo=UTC))  # Tuesday 13:31 MSK
    escalation = s.curator.wait_for("без ответа")
    assert "Вера Юная" in escalation.text
    assert "Отвечу сам(а)" in escalation.button_texts()

    s.curator.press("Передать другому")
    s.curator.wait_for("Кому передать")
    s.curator.press("Наставник Андрей")
    s.mentor_a.wait_for(header(1))
    s.vera.wait_for("передан наставнику Наставник Андрей")


def test_away_and_blocked_mentor_route_to_curator(school: School, fake: FakeTelegram) -> None:
    s = school
    s.mentor_b.send("/away 10.12.2026")
    s.mentor_b.wait_for("отсутствие до 10.12.2026")
    s.vera.send("Вопрос во время отсутствия")
    s.curator.wait_for(header(1))
    assert "отсутствует до 10.12.2026" in s.vera.wait_for("куратору").text
    s.mentor_b.send("/back")
    s.mentor_b.wait_for("С возвращением")

    s.galina.send("У меня ещё нет наставника, но есть вопрос")
    assert "Галина Безпары" in s.curator.wait_for(header(2)).text
    assert "куратору" in s.galina.wait_for("№2").text

    s.mentor_a.block()
    s.curator.wait_for("заблокировал бота")
    s.anna.send("Вопрос заблокировавшему")
    question = s.curator.wait_for(header(3))
    assert "куратору" in s.anna.wait_for("№3").text
    s.curator.press("Передать другому", message=question)
    s.curator.wait_for("Кому передать")
    s.curator.press("Наставник Белла")
    s.mentor_b.wait_for(header(3))


def test_retry_after_is_delivered_later_exactly_once(school: School, fake: FakeTelegram) -> None:
    s = school
    fake.fail_next("sendMessage", code=429, retry_after=2, chat_id=20)
    s.anna.send("Вопрос под ограничением")
    got = s.mentor_a.wait_for(header(1), timeout=15)
    assert "под ограничением" in got.text
    s.mentor_a.assert_no_message(within=1.0, contains=header(1))
    assert sum(1 for m in s.mentor_a.messages if header(1) in m.text) == 1


# Decide, commit, then deliver ----------------------------------------------------------


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
