"""Questions at the dispatcher level: how a question is carried, threads of answers and
follow-ups, routing exceptions, edits, the SLA, faults, and who may act on a question."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter, TelegramServerError
from aiogram.types import Message, MessageEntity, PhotoSize, Update
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.texts import CAPTION_LIMIT, MESSAGE_LIMIT, utf16_len
from models import questions as qs_module
from models.outbox import OutboxMessage
from models.people import Organization, Role, User
from models.programs import Program
from models.questions import Question, QuestionMessage, sla_catch_up
from tests.support.botclient import BotClient, Call, Person
from tests.support.seed import Member, World, named, questions, seed, to

# In a school with one pair ------------------------------------------------------------


@pytest.fixture
async def world(client: BotClient):
    """A smaller school than `w`: one pair, a second mentor and a mentee without a mentor."""
    async with seed(client.sessionmaker, client.clock.now()) as s:
        org = await s.org()
        w = {
            "org": org,
            "curator": await s.member(org, Person(10, "Cur"), Role.CURATOR, name="Куратор К"),
            "mentor": await s.member(org, Person(20, "MenA"), Role.MENTOR, name="Наставник А"),
            "mentor_b": await s.member(org, Person(21, "MenB"), Role.MENTOR, name="Наставник Б"),
            "mentee": await s.member(org, Person(30, "Tee"), Role.MENTEE, name="Молодой У"),
            "loner": await s.member(org, Person(31, "Lon"), Role.MENTEE, name="Без Пары"),
        }
        await s.program(org, w["mentor"], [w["mentee"]])
    return w


async def test_text_question_reaches_mentor_and_answer_comes_back(client: BotClient, world) -> None:
    mentee: Member = world["mentee"]
    mentor: Member = world["mentor"]
    calls = await client.send(mentee.person, "Как вести журнал?")
    to_mentor = [c for c in calls if c.chat_id == mentor.person.id]
    assert len(to_mentor) == 1
    assert to_mentor[0].text.startswith("Вопрос №1 · Молодой У · математика")
    assert "Как вести журнал?" in to_mentor[0].text
    assert "№1" in client.last_text(mentee.person.id) and "Наставник А" in client.last_text(
        mentee.person.id
    )
    calls = await _reply(client, mentor.person, to_mentor[0], "Откройте электронный журнал")
    to_mentee = [c for c in calls if c.chat_id == mentee.person.id]
    assert to_mentee and to_mentee[0].text.startswith("Ответ на вопрос №1")
    async with client.sessionmaker() as s:
        q = await s.scalar(select(Question))
        assert q.status == "answered" and q.first_answer_at is not None


async def _reply(client: BotClient, who: Person, call, text: str):
    message_id = call.result_id
    replied = Message(message_id=message_id, date=client.clock.now(), chat=who.chat, text="x")
    return await client.send(who, text, reply_to_message=replied)


async def test_mentee_without_mentor_reaches_curators(client: BotClient, world) -> None:
    calls = await client.send(world["loner"].person, "Помогите")
    assert any(c.chat_id == world["curator"].person.id for c in calls)
    assert "куратору" in client.last_text(world["loner"].person.id)


async def test_sla_escalates_to_curator(client: BotClient, world) -> None:
    await client.send(world["mentee"].person, "Вопрос")
    client.clock.set(client.clock.now() + timedelta(days=3))
    async with client.sessionmaker() as s, s.begin():
        made = await sla_catch_up(s, client.clock.now())
    assert made >= 2
    keys = sorted(r.kind for r in await client.notices())
    assert keys == ["question-escalated", "question-remind"]


async def test_forget_ends_programs_and_tells_partner(client: BotClient, world) -> None:
    mentor: Member = world["mentor"]
    await client.send(mentor.person, "/forget")
    await client.press(mentor.person, "fg:1")
    assert "удалены" in client.last_text(mentor.person.id)
    async with client.sessionmaker() as s:
        program = await s.scalar(select(Program))
        assert program.status == "ended" and program.end_reason == "consent-withdrawn"
        told = {
            r.chat_id
            for r in await s.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "notice-consent-withdrawn")
            )
        }
    assert told == {world["mentee"].person.id, world["curator"].person.id}


# In the school of `w` -------------------------------------------------------------------

HEADER = "Вопрос №1 · Молодой У · математика"


async def outbox_rows(client: BotClient) -> list[OutboxMessage]:
    return await client.notices()


def _photo(tag: str = "ans") -> list[PhotoSize]:
    return [PhotoSize(file_id=tag, file_unique_id=f"{tag}u", width=90, height=90)]


# How a question is carried -----------------------------------------------------------


async def test_text_question_carries_header_and_shifted_entities(
    client: BotClient, w: World
) -> None:
    text = "Как оценить контрольную?"
    bold = MessageEntity(type="bold", offset=4, length=8)  # "оценить"
    calls = await client.send_formatted(w.mentee.person, text, [bold])
    [copy] = to(calls, w.mentor_a)
    assert copy.name == "sendMessage"
    assert copy.text == f"{HEADER}\n\n{text}"
    assert copy.method.parse_mode is None
    shift = utf16_len(HEADER) + 2
    entities = [(e.type, e.offset, e.length) for e in copy.method.entities]
    assert ("bold", 4 + shift, 8) in entities
    shifted = copy.text[4 + shift : 4 + shift + 8]
    assert shifted == text[4:12]
    assert not to(calls, w.mentor_b) and not to(calls, w.curator)
    told = to(calls, w.mentee)
    assert len(told) == 1 and "№1" in told[0].text and "Наставник А" in told[0].text
    [question] = await questions(client)
    assert (question.owner_id, question.status, question.kind) == (
        w.mentor_a.user_id,
        "open",
        "text",
    )

    # the same update delivered twice makes one question
    message = client.make_message(w.mentee2.person, "Вопрос один раз")
    first = await client.feed(Update(update_id=777, message=message))
    second = await client.feed(Update(update_id=777, message=message))
    assert len(to(first, w.mentor_a)) == 1 and second == []
    assert len(await questions(client)) == 2


async def test_media_is_copied_with_the_header_as_caption_or_after_a_header(
    client: BotClient, w: World
) -> None:
    calls = await client.send_photo(w.mentee.person, caption="Так верно?")
    [copy] = to(calls, w.mentor_a)
    assert copy.name == "copyMessage"
    assert copy.method.caption == f"{HEADER}\n\nТак верно?"
    assert copy.method.parse_mode is None
    assert copy.method.from_chat_id == w.mentee.person.id

    calls = await client.send_document(w.mentee2.person, caption=None)
    [copy] = to(calls, w.mentor_a)
    assert copy.name == "copyMessage"
    assert copy.method.caption == "Вопрос №2 · Второй У · химия"
    assert copy.method.parse_mode is None

    # a video note takes no caption: a header message first, the copy replies to it
    calls = await client.send_video_note(w.mentee3.person)
    head, copy = to(calls, w.mentor_b)
    assert (head.name, copy.name) == ("sendMessage", "copyMessage")
    assert head.text == "Вопрос №3 · Третий У · физика" and head.method.parse_mode is None
    assert copy.method.reply_parameters.message_id == head.result_id
    assert copy.method.caption is None
    assert [q.kind for q in await questions(client)] == ["photo", "document", "video_note"]


async def test_album_is_one_question_with_one_header(client: BotClient, w: World) -> None:
    calls = await client.send_album(w.mentee.person, 3, "album-1", caption="Три страницы")
    copies = to(calls, w.mentor_a)
    assert [c.name for c in copies] == ["copyMessage"] * 3
    first, *rest = copies
    assert first.method.caption == f"{HEADER}\n\nТри страницы"
    for part in rest:
        assert part.method.caption is None
        assert part.method.reply_parameters.message_id == first.result_id
    assert sum(HEADER in c.text for c in calls) == 1
    assert len(to(calls, w.mentee)) == 1
    [question] = await questions(client)
    assert question.media_group_id == "album-1"
    # every part threads back to the question
    async with client.sessionmaker() as s:
        linked = await s.scalars(
            select(QuestionMessage.message_id).where(
                QuestionMessage.chat_id == w.mentor_a.person.id
            )
        )
        assert set(linked.all()) == {c.result_id for c in copies}


async def test_texts_and_captions_over_the_limits(client: BotClient, w: World) -> None:
    words = [f"слово😀{i:04d}" for i in range(420)]
    text = " ".join(words)[:4000]
    assert len(text) == 4000
    calls = await client.send(w.mentee.person, text)
    copies = named(to(calls, w.mentor_a), "sendMessage")
    assert len(copies) >= 2
    assert all(utf16_len(c.text) <= MESSAGE_LIMIT for c in named(calls, "sendMessage"))
    assert all(c.method.parse_mode is None for c in copies)
    assert copies[0].text.startswith(HEADER)
    received = " ".join(c.text for c in copies).split()
    assert received == f"{HEADER}\n\n{text}".split()
    # the last piece carries the buttons, and a reply to any piece reaches the mentee
    assert copies[-1].buttons and not copies[0].buttons
    calls = await client.reply(w.mentor_a.person, copies[-1], "Разбейте на абзацы")
    assert to(calls, w.mentee)[0].text.startswith("Ответ на вопрос №1")

    # a caption that does not fit under the header: a header message, then a plain copy
    caption = "к" * 1000
    calls = await client.send_photo(w.mentee2.person, caption=caption)
    header2 = "Вопрос №2 · Второй У · химия"
    assert utf16_len(f"{header2}\n\n{caption}") > CAPTION_LIMIT
    head, copy = to(calls, w.mentor_a)
    assert head.name == "sendMessage" and head.text == header2
    assert copy.name == "copyMessage" and copy.method.caption is None
    assert copy.method.reply_parameters.message_id == head.result_id
    assert all(utf16_len(getattr(c.method, "caption", None) or "") <= 1024 for c in calls)


async def test_empty_and_unsupported_messages_are_refused(client: BotClient, w: World) -> None:
    for text in ("   ", "\u200b", "\u200b \u2060\ufeff"):
        calls = await client.send(w.mentee.person, text)
        assert not to(calls, w.mentor_a)
        assert "Пустое сообщение" in client.last_text(w.mentee.person.id)
    for send in (client.send_contact, client.send_location):
        calls = await send(w.mentee.person)
        assert not to(calls, w.mentor_a)
        assert "не передаётся" in client.last_text(w.mentee.person.id)
    assert await questions(client) == []


# Threads ------------------------------------------------------------------------------


async def test_answer_follow_up_resolve_and_rate(client: BotClient, w: World) -> None:
    calls = await client.send(w.mentee.person, "Как вести журнал?")
    [copy] = to(calls, w.mentor_a)
    calls = await client.reply(w.mentor_a.person, copy, "Откройте электронный журнал")
    [answer] = to(calls, w.mentee)
    assert answer.text == "Ответ на вопрос №1 · Наставник А\n\nОткройте электронный журнал"
    assert answer.method.parse_mode is None
    data = [d for _, d in answer.buttons]
    assert data[:2] == ["qr:1", "qf:1"]
    assert data[2:] == [f"qs:1:{n}" for n in range(1, 6)]
    assert "отправлен" in client.last_text(w.mentor_a.person.id)
    [question] = await questions(client)
    assert question.status == "answered" and question.first_answer_at == client.clock.now()

    calls = await client.reply(w.mentee.person, answer, "А если журнал не открывается?")
    [followup] = to(calls, w.mentor_a)
    assert followup.text.startswith("Уточнение к вопросу №1")
    assert "А если журнал не открывается?" in followup.text
    [question] = await questions(client)
    assert question.status == "open"

    calls = await client.reply(w.mentor_a.person, followup, "Напишите в поддержку")
    [answer2] = to(calls, w.mentee)
    # the follow-up button asks for the text, and the text threads to the mentor
    calls = await client.press(w.mentee.person, "qf:1")
    assert named(to(calls, w.mentee), "sendMessage")[0].method.reply_markup.force_reply
    calls = await client.send(w.mentee.person, "И последнее")
    assert to(calls, w.mentor_a)[0].text.startswith("Уточнение к вопросу №1")
    calls = await client.reply(w.mentor_a.person, to(calls, w.mentor_a)[0], "Готово")
    calls = await client.press(w.mentee.person, answer2.buttons[0][1])
    assert "решён" in named(to(calls, w.mentee), "sendMessage")[-1].text
    # The answer's buttons are done: the rating is asked once, in its own message.
    [cleared] = named(calls, "editMessageReplyMarkup")
    assert cleared.method.reply_markup is None
    # A second tap on «Вопрос решён» (before its buttons went) asks for no second rating.
    calls = await client.press(w.mentee.person, answer2.buttons[0][1])
    assert not named(to(calls, w.mentee), "sendMessage")
    assert not [n for n in await client.notices() if n.kind == "question-resolved"][1:]
    calls = await client.press(w.mentee.person, "qs:1:5")
    [question] = await questions(client)
    assert (question.status, question.rating) == ("resolved", 5)
    [rated] = named(calls, "editMessageReplyMarkup")
    assert rated.method.reply_markup is None  # a rating is given once


async def test_a_rating_before_resolving_keeps_resolve_and_follow_up(
    client: BotClient, w: World
) -> None:
    [copy] = to(await client.send(w.mentee.person, "Как вести журнал?"), w.mentor_a)
    [answer] = to(await client.reply(w.mentor_a.person, copy, "Так"), w.mentee)
    calls = await client.press(w.mentee.person, "qs:1:4", message_id=answer.result_id)
    [edit] = named(calls, "editMessageReplyMarkup")
    assert edit.method.message_id == answer.result_id
    assert [b.callback_data for row in edit.method.reply_markup.inline_keyboard for b in row] == [
        "qr:1",
        "qf:1",
    ]
    [question] = await questions(client)
    assert (question.status, question.rating) == ("answered", 4)


async def test_a_message_while_a_question_is_live_goes_at_once(client: BotClient, w: World) -> None:
    [_first] = to(await client.send(w.mentee.person, "Первый вопрос"), w.mentor_a)
    # Unanswered: taken as a continuation, delivered at once.
    calls = await client.send(w.mentee.person, "Ещё про это")
    [followup] = to(calls, w.mentor_a)
    assert followup.text.startswith("Уточнение к вопросу №1") and "Ещё про это" in followup.text
    [told] = to(calls, w.mentee)
    assert "Уточнение к вопросу №1 отправлено" in told.text
    # One tap: it was a new question after all; the mentor's copy is relabelled.
    split = client.button_data([told], "Это новый вопрос")
    calls = await client.press(w.mentee.person, split)
    [relabel] = to(calls, w.mentor_a)
    assert relabel.name == "editMessageText" and relabel.method.message_id == followup.result_id
    assert relabel.method.text.startswith("Вопрос №2 · Молодой У")
    assert "вопрос №2" in client.replies(calls)[-1].text
    assert [q.number for q in await questions(client)] == [1, 2]
    calls = await client.press(w.mentee.person, split)  # a switch cannot be replayed
    assert not to(calls, w.mentor_a) and len(await questions(client)) == 2

    # Answered: taken as a new question; one tap makes it a continuation of №2.
    await client.reply(w.mentor_a.person, followup, "Ответ на второй")
    calls = await client.send(w.mentee.person, "Совсем другое")
    [copy] = to(calls, w.mentor_a)
    assert copy.text.startswith("Вопрос №3 · Молодой У")
    [told] = to(calls, w.mentee)
    join = client.button_data([told], "Это продолжение вопроса №2")
    calls = await client.press(w.mentee.person, join)
    [relabel] = to(calls, w.mentor_a)
    assert relabel.method.text.startswith("Уточнение к вопросу №2")
    _, q2, q3 = await questions(client)
    assert (q2.status, q3.status) == ("open", "merged")
    # the mentor's reply to the relabelled copy answers question 2
    calls = await client.reply(w.mentor_a.person, copy, "Про это тоже")
    assert to(calls, w.mentee)[0].text.startswith("Ответ на вопрос №2")


async def test_answer_button_then_a_photo_answer(client: BotClient, w: World) -> None:
    await client.send(w.mentee.person, "Покажите пример")
    calls = await client.press(w.mentor_a.person, "qa:1")
    [prompt] = named(to(calls, w.mentor_a), "sendMessage")
    assert "№1" in prompt.text and prompt.method.reply_markup.force_reply
    message = client.make_message(w.mentor_a.person, None, photo=_photo(), caption="Вот так")
    calls = await client.send_message(message)
    [answer] = to(calls, w.mentee)
    assert answer.name == "copyMessage"
    assert answer.method.caption == "Ответ на вопрос №1 · Наставник А\n\nВот так"
    assert answer.method.from_chat_id == w.mentor_a.person.id
    [question] = await questions(client)
    assert question.status == "answered"


async def test_mentor_writes_first_and_the_reply_threads_back(client: BotClient, w: World) -> None:
    calls = await client.send(w.mentor_a.person, "/mentees")
    data = client.button_data(calls, "Второй У")
    assert data == f"wf:{w.mentee2.user_id}"
    await client.press(w.mentor_a.person, data)
    calls = await client.send(w.mentor_a.person, "Как прошёл первый урок?")
    [first] = to(calls, w.mentee2)
    assert "Наставник А" in first.text and "Как прошёл первый урок?" in first.text
    calls = await client.reply(w.mentee2.person, first, "Хорошо, но шумно")
    [back] = to(calls, w.mentor_a)
    assert "Хорошо, но шумно" in back.text
    [question] = await questions(client)
    assert question.mentee_id == w.mentee2.user_id and question.status == "open"


async def test_several_programs_mentee_picks_the_mentor(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        second = await s.program(w.org, w.mentor_b, [w.mentee])
    calls = await client.send(w.mentee.person, "Кому-нибудь")
    assert not to(calls, w.mentor_a) and not to(calls, w.mentor_b)
    assert await questions(client) == []
    data = client.button_data(calls, "Наставник Б")
    assert data.startswith(f"qp:{second}:")
    forged = data.replace(f"qp:{second}:", f"qp:{w.program_b}:")
    calls = await client.press(w.mentee.person, forged)
    assert client.callback_answers(calls)[0].show_alert
    assert not to(calls, w.mentor_b) and await questions(client) == []

    calls = await client.press(w.mentee.person, data)
    [copy] = to(calls, w.mentor_b)
    assert copy.text.startswith("Вопрос №1 · Молодой У") and "Кому-нибудь" in copy.text
    assert not to(calls, w.mentor_a)
    [question] = await questions(client)
    assert (question.owner_id, question.program_id) == (w.mentor_b.user_id, second)


# Away ----------------------------------------------------------------------------------


async def test_away_routes_to_the_curator_until_back(client: BotClient, w: World) -> None:
    for bad in ("31.02.2027", "01.11.2026", "завтра", ""):
        await client.send(w.mentor_a.person, f"/away {bad}".strip())
        assert "Формат: /away" in client.last_text(w.mentor_a.person.id)
    async with client.sessionmaker() as s:
        assert (await s.get(User, w.mentor_a.user_id)).away_until is None

    await client.send(w.mentor_a.person, "/away 05.12.2026")
    assert "05.12.2026" in client.last_text(w.mentor_a.person.id)
    calls = await client.send(w.mentee.person, "Пока наставника нет")
    assert not to(calls, w.mentor_a)
    [copy] = to(calls, w.curator)
    assert copy.text.startswith("Вопрос №1 · Молодой У")
    assert "отсутствует до 05.12.2026" in client.last_text(w.mentee.person.id)

    await client.send(w.mentor_a.person, "/back")
    assert "С возвращением" in client.last_text(w.mentor_a.person.id)
    calls = await client.send(w.mentee2.person, "Наставник вернулся?")
    assert to(calls, w.mentor_a) and not to(calls, w.curator)

    # an absence ends by itself once its last day has passed in the school's zone
    await client.send(w.mentor_b.person, "/away 24.11.2026")
    calls = await client.send(w.mentee3.person, "Наставник Б?")
    assert to(calls, w.curator) and not to(calls, w.mentor_b)
    client.clock.set(datetime(2026, 11, 24, 21, 30, tzinfo=UTC))  # 00:30 on 25.11 in Moscow
    calls = await client.send(w.mentee3.person, "Уже вернулись?")  # continues the first
    calls = await client.press(w.mentee3.person, client.button_data(calls, "Это новый вопрос"))
    assert to(calls, w.mentor_b)[0].text.startswith("Вопрос №")  # a new question goes to B
    assert [c.name for c in to(calls, w.curator)] == ["editMessageText"]  # relabelled only


# Edits ---------------------------------------------------------------------------------


async def test_edits_reach_the_other_side(client: BotClient, w: World) -> None:
    own = client.make_message(w.mentee.person, "Как провести урок?")
    [copy] = to(await client.send_message(own), w.mentor_a)
    calls = await client.send_edited(w.mentee.person, own.message_id, "Как провести открытый урок?")
    [edit] = to(calls, w.mentor_a)
    assert edit.name == "editMessageText"
    assert edit.method.message_id == copy.result_id
    assert edit.method.text == f"{HEADER}\n\nКак провести открытый урок?"
    assert edit.method.parse_mode is None
    assert edit.buttons == copy.buttons and edit.buttons  # the mentor keeps the buttons

    # the mentor's answer, edited, changes the mentee's copy
    calls = await client.reply(w.mentor_a.person, copy, "Ответ с опечаткой")
    [answer] = to(calls, w.mentee)
    own_id = next(client.message_ids) - 1  # the mentor's reply was the last message made
    calls = await client.send_edited(w.mentor_a.person, own_id, "Ответ без опечатки")
    [edit] = to(calls, w.mentee)
    assert edit.name == "editMessageText" and edit.method.message_id == answer.result_id
    assert edit.method.text == "Ответ на вопрос №1 · Наставник А\n\nОтвет без опечатки"
    assert edit.buttons == answer.buttons and edit.buttons  # and so does the mentee

    # an edit that no longer fits under the header comes as a notice and a fresh copy
    long_text = "д" * 4090
    calls = await client.send_edited(w.mentee.person, own.message_id, long_text)
    notice, fresh = to(calls, w.mentor_a)
    assert notice.name == "sendMessage" and "изменено" in notice.text
    assert notice.method.reply_parameters.message_id == copy.result_id
    assert fresh.name == "copyMessage" and fresh.method.message_id == own.message_id

    # a photo's caption is edited as a caption
    calls = await client.send_photo(w.mentee2.person, caption="Старая подпись")
    [copy] = to(calls, w.mentor_a)
    calls = await client.send_edited(
        w.mentee2.person, copy.method.message_id, None, photo=_photo("ph"), caption="Новая"
    )
    [edit] = to(calls, w.mentor_a)
    assert edit.name == "editMessageCaption"
    assert edit.method.message_id == copy.result_id
    assert edit.method.caption == "Вопрос №2 · Второй У · химия\n\nНовая"


# SLA -----------------------------------------------------------------------------------

FRIDAY_1730_MSK = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
MONDAY_1130_MSK = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)
# 16 working hours (08:00-18:00) after Friday 17:30: 0.5 h on Friday, 10 h on Monday,
# 5.5 h on Tuesday.
TUESDAY_1330_MSK = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


async def _catch_up(client: BotClient, at: datetime) -> int:
    client.clock.set(at)
    async with client.sessionmaker() as s, s.begin():
        return await sla_catch_up(s, at)


async def test_sla_counts_working_hours_over_the_weekend(client: BotClient, w: World) -> None:
    client.clock.set(FRIDAY_1730_MSK)
    await client.send(w.mentee.person, "Вопрос в пятницу вечером")
    [question] = await questions(client)
    assert question.remind_due_at == MONDAY_1130_MSK
    assert question.escalate_due_at == TUESDAY_1330_MSK

    assert await _catch_up(client, datetime(2026, 11, 28, 12, 0, tzinfo=UTC)) == 0  # Saturday
    assert await _catch_up(client, MONDAY_1130_MSK - timedelta(minutes=1)) == 0
    assert await outbox_rows(client) == []

    assert await _catch_up(client, MONDAY_1130_MSK) == 1
    [remind] = await outbox_rows(client)
    assert (remind.kind, remind.chat_id, remind.due_at) == (
        "question-remind",
        w.mentor_a.person.id,
        MONDAY_1130_MSK,
    )
    assert await _catch_up(client, MONDAY_1130_MSK + timedelta(minutes=5)) == 0

    assert await _catch_up(client, TUESDAY_1330_MSK - timedelta(minutes=1)) == 0
    assert await _catch_up(client, TUESDAY_1330_MSK) == 1
    assert await _catch_up(client, TUESDAY_1330_MSK) == 0
    rows = await outbox_rows(client)
    assert [r.kind for r in rows] == ["question-remind", "question-escalated"]
    escalation = rows[1]
    assert escalation.chat_id == w.curator.person.id and escalation.due_at == TUESDAY_1330_MSK
    assert escalation.due_at.astimezone(ZoneInfo("Europe/Moscow")).isoweekday() == 2
    assert (escalation.ref_kind, escalation.ref_id) == ("question", question.id)
    client.clock.set(TUESDAY_1330_MSK)
    sent = [c for c in await client.tick() if c.chat_id == w.curator.person.id]
    assert [d for _, d in sent[-1].buttons] == [
        f"qm:{question.id}",
        f"qn:{question.id}",
        f"qg:{question.id}",
    ]

    # a second run that found the marks unset (two schedulers racing) adds no duplicate
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(Question)
            .where(Question.id == question.id)
            .values(reminded_at=None, escalated_at=None)
        )
    assert await _catch_up(client, TUESDAY_1330_MSK + timedelta(hours=1)) == 0
    assert len(await outbox_rows(client)) == 2


async def _round_the_clock(client: BotClient, org_id: int) -> None:
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(Organization)
            .where(Organization.id == org_id)
            .values(
                work_start="00:00",
                work_end="23:59",
                quiet_start="21:00",
                quiet_end="08:00",
            )
        )


async def test_quiet_hours_delay_reminders_and_silence_questions(
    client: BotClient, w: World
) -> None:
    await _round_the_clock(client, w.org)
    client.clock.set(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # Monday 18:00 Moscow
    calls = await client.send(w.mentee.person, "Вечерний вопрос")
    assert to(calls, w.mentor_a)[0].method.disable_notification is False
    await _catch_up(client, datetime(2026, 11, 23, 19, 0, tzinfo=UTC))  # 22:00 Moscow
    [remind] = await outbox_rows(client)
    assert remind.kind == "question-remind"
    assert remind.due_at == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # 08:00 Moscow

    # a question asked in quiet hours arrives without a sound
    calls = await client.send(w.mentee2.person, "Поздний вопрос")
    assert to(calls, w.mentor_a)[0].method.disable_notification is True
    calls = await client.send_photo(w.mentee3.person, caption="Фото ночью")
    assert to(calls, w.mentor_b)[0].method.disable_notification is True


# Curators ------------------------------------------------------------------------------


async def _escalated(client: BotClient, w: World) -> Question:
    """A question the curators were told about, with the notice in their chats."""
    await client.send(w.mentee.person, "Срочно нужна помощь")
    later = client.clock.now() + timedelta(days=7)
    await _catch_up(client, later)
    client.clock.set(later)
    await client.tick()
    [question] = await questions(client)
    assert question.escalated_at is not None
    return question


async def test_two_curators_claim_at_once_one_wins(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        second = await s.member(w.org, Person(12, "Cur3"), Role.CURATOR, name="Ку")
    question = await _escalated(client, w)
    data = f"qm:{question.id}"
    start = len(client.session.calls)
    await asyncio.gather(client.press(w.curator.person, data), client.press(second.person, data))
    calls = client.session.calls[start:]  # both presses, interleaved
    [q] = await questions(client)
    assert q.curator_claimed_by in (w.curator.user_id, second.user_id)
    assert q.owner_id == q.curator_claimed_by
    winner, loser = (w.curator, second) if q.owner_id == w.curator.user_id else (second, w.curator)
    answers = client.callback_answers(calls)
    assert len(answers) == 2
    assert [a.text for a in answers if a.show_alert] == ["Этот вопрос уже взял другой куратор."]
    assert not to(calls, loser)
    won = to(calls, winner)
    assert won[0].text.startswith("Вопрос №1 · Молодой У")
    assert any(c.name == "copyMessage" for c in won)
    assert won[-1].method.reply_markup.force_reply
    # the winner's answer reaches the mentee
    calls = await client.send(winner.person, "Отвечаю за наставника")
    assert to(calls, w.mentee)[0].text.startswith("Ответ на вопрос №1")


async def test_curator_reminds_then_reassigns(client: BotClient, w: World) -> None:
    question = await _escalated(client, w)
    assert [r.kind for r in await outbox_rows(client)] == ["question-remind", "question-escalated"]
    calls = await client.press(w.curator.person, f"qn:{question.id}")
    [remind] = to(calls, w.mentor_a)
    assert "Напоминание: вопрос №1" in remind.text and "Молодой У" in remind.text
    assert "напомнили" in client.callback_answers(calls)[0].text

    calls = await client.press(w.curator.person, f"qg:{question.id}")
    choices = [d for c in calls for _, d in c.buttons]
    assert choices == [f"qt:{question.id}:{w.mentor_b.user_id}"]
    calls = await client.press(w.curator.person, choices[0])
    head, copy = to(calls, w.mentor_b)
    assert head.text == HEADER and copy.name == "copyMessage"
    assert copy.method.from_chat_id == w.mentee.person.id
    assert "Наставник Б" in to(calls, w.mentee)[0].text
    assert "Наставник Б" in to(calls, w.curator)[0].text
    [q] = await questions(client)
    assert q.owner_id == w.mentor_b.user_id

    # mentor B lets it lie as well: B is reminded and the curator told again, once
    assert await _catch_up(client, client.clock.now() + timedelta(days=7)) == 2
    assert await _catch_up(client, client.clock.now() + timedelta(days=1)) == 0
    sla = ("question-remind", "question-escalated")
    rows = [r for r in await outbox_rows(client) if r.kind in sla]
    assert [(r.kind, r.chat_id) for r in rows[-2:]] == [
        ("question-remind", w.mentor_b.person.id),
        ("question-escalated", w.curator.person.id),
    ]
    assert rows[-1].args["mentor"] == "Наставник Б"

    # the new owner answers by replying to the header
    calls = await client.reply(w.mentor_b.person, head, "Беру на себя")
    assert to(calls, w.mentee)[0].text.startswith("Ответ на вопрос №1 · Наставник Б")


# Faults --------------------------------------------------------------------------------


async def test_blocked_mentor_escalates_and_reassignment_recovers(
    client: BotClient, w: World
) -> None:
    client.session.fail_for(w.mentor_a.person.id, TelegramForbiddenError)
    calls = await client.send_album(w.mentee.person, 2, "album-2", caption="Вы меня слышите?")
    assert [c.error for c in to(calls, w.mentor_a)] == ["TelegramForbiddenError"]
    [told] = to(calls, w.mentee)  # the mentee is told where the question went
    assert "передан куратору" in told.text
    async with client.sessionmaker() as s:
        assert (await s.get(User, w.mentor_a.user_id)).reachable is False
    rows = await outbox_rows(client)
    notice = [r for r in rows if r.kind == "notice-unreachable"]
    assert [r.chat_id for r in notice] == [w.curator.person.id]
    assert "заблокировал бота" in client.locales.get("ru")(notice[0].kind, **notice[0].args)
    escalations = [r for r in rows if r.kind == "question-escalated"]
    assert [r.chat_id for r in escalations] == [w.curator.person.id]
    [question] = await questions(client)
    assert question.status == "open" and question.escalated_at is not None

    # reassigned, the question reaches the new owner whole: a header and both photos
    await client.press(w.curator.person, f"qg:{question.id}")
    calls = await client.press(w.curator.person, f"qt:{question.id}:{w.mentor_b.user_id}")
    head, *parts = to(calls, w.mentor_b)
    assert head.text == HEADER
    assert [(c.name, c.method.from_chat_id) for c in parts] == [
        ("copyMessage", w.mentee.person.id)
    ] * 2
    [question] = await questions(client)
    assert question.owner_id == w.mentor_b.user_id and question.status == "open"

    # the mentee blocks the bot: the mentor learns the answer was not delivered
    client.session.fail_for(w.mentee.person.id, TelegramForbiddenError)
    calls = await client.reply(w.mentor_b.person, head, "Ответ")
    assert "заблокировал" in to(calls, w.mentor_b)[-1].text
    async with client.sessionmaker() as s:
        assert (await s.get(User, w.mentee.user_id)).reachable is False


async def test_flood_wait_queues_the_question_and_delivers_it_once(
    client: BotClient, w: World
) -> None:
    client.session.fail_for(w.mentor_a.person.id, TelegramRetryAfter)  # retry_after 5 s
    calls = await client.send(w.mentee.person, "Вопрос при флуде")
    assert [c.error for c in to(calls, w.mentor_a)] == ["TelegramRetryAfter"]
    assert "стоит в очереди" in client.last_text(w.mentee.person.id)
    [question] = await questions(client)  # committed: nothing is lost
    client.session.fail_for(w.mentor_a.person.id, None)
    assert not to(await client.tick(), w.mentor_a)  # Telegram's pause is respected
    client.clock.set(client.clock.now() + timedelta(seconds=6))
    [copy] = to(await client.tick(), w.mentor_a)
    assert copy.text.startswith(HEADER) and copy.error is None
    assert not to(await client.tick(), w.mentor_a)  # once
    calls = await client.reply(w.mentor_a.person, copy, "Ответ после паузы")
    assert to(calls, w.mentee)[0].text.startswith(f"Ответ на вопрос №{question.number}")


async def test_album_waits_for_the_mentor_choice_and_arrives_whole(
    client: BotClient, w: World
) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        await s.program(w.org, w.mentor_b, [w.mentee])
    calls = await client.send_album(w.mentee.person, 3, "grp-choice", caption="Доска")
    prompts = [c for c in to(calls, w.mentee) if "Кому задать вопрос" in c.text]
    assert len(prompts) == 1
    assert not to(calls, w.mentor_a) and not to(calls, w.mentor_b)
    calls = await client.press(w.mentee.person, client.button_data(prompts, "Наставник Б"))
    to_b = to(calls, w.mentor_b)
    assert len(to_b) == 3 and "Вопрос №1" in to_b[0].text
    assert all(c.method.reply_parameters.message_id == to_b[0].result_id for c in to_b[1:])
    assert len(await questions(client)) == 1


async def test_answers_in_quiet_hours_arrive_silently(client: BotClient, w: World) -> None:
    client.clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))  # Monday 22:00 Moscow
    calls = await client.send(w.mentee.person, "Поздний вопрос")
    [copy] = to(calls, w.mentor_a)
    calls = await client.reply(w.mentor_a.person, copy, "Ответ поздно вечером")
    [answer] = to(calls, w.mentee)[:1]
    assert answer.text.startswith("Ответ на вопрос №1")
    assert answer.method.disable_notification is True


async def test_curator_lists_questions_waiting_for_any_curator(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        loner = await s.member(w.org, Person(40, "Lon"), Role.MENTEE, name="Без Наставника")
    await client.send(loner.person, "Вопрос без наставника")
    calls = await client.send(w.curator.person, "/questions")
    assert "Без Наставника" in calls[-1].text
    calls = await client.send(w.other_curator.person, "/questions")
    assert "Без Наставника" not in calls[-1].text


async def test_the_first_curator_to_answer_takes_the_question(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        second = await s.member(w.org, Person(12, "Cur3"), Role.CURATOR, name="Ку")
        loner = await s.member(w.org, Person(40, "Lon"), Role.MENTEE, name="Л")
    calls = await client.send(loner.person, "Вопрос без наставника")
    [first_copy] = to(calls, w.curator)
    [second_copy] = to(calls, second)
    calls = await client.reply(w.curator.person, first_copy, "Отвечаю первой")
    assert to(calls, loner)[0].text.startswith("Ответ на вопрос №1")
    calls = await client.reply(second.person, second_copy, "И я отвечу")
    assert not to(calls, loner)  # the mentee gets one answer
    assert client.replies(calls)[-1].text == client.locales.get("ru")(
        "question-taken", number=1, name="Куратор К"
    )
    [q] = await questions(client)
    assert q.curator_claimed_by == w.curator.user_id == q.owner_id


async def test_a_follow_up_to_a_resolved_question_can_be_answered(
    client: BotClient, w: World
) -> None:
    [copy] = to(await client.send(w.mentee.person, "Вопрос"), w.mentor_a)
    [answer] = to(await client.reply(w.mentor_a.person, copy, "Ответ"), w.mentee)
    [q] = await questions(client)
    await client.press(w.mentee.person, f"qr:{q.id}")  # resolved
    assert (await questions(client))[0].status == "resolved"
    calls = await client.reply(w.mentee.person, answer, "Ещё одно уточнение")
    [follow] = to(calls, w.mentor_a)
    assert "Уточнение к вопросу №1" in follow.text
    [q] = await questions(client)
    assert q.status == "open" and q.remind_due_at is not None  # reopened, with its SLA
    calls = await client.reply(w.mentor_a.person, follow, "Ответ на уточнение")
    assert to(calls, w.mentee)[0].text.startswith("Ответ на вопрос №1")


async def test_an_explicit_reply_follows_the_reply_not_a_stale_answer_mode(
    client: BotClient, w: World
) -> None:
    [first] = to(await client.send(w.mentee.person, "Первый вопрос"), w.mentor_a)
    [second] = to(await client.send(w.mentee2.person, "Второй вопрос"), w.mentor_a)
    q1, _ = await questions(client)
    await client.press(w.mentor_a.person, f"qa:{q1.id}", message_id=first.result_id)
    # The mentor then uses Telegram's reply on question 2's copy.
    calls = await client.reply(w.mentor_a.person, second, "Это про второй")
    assert to(calls, w.mentee2)[0].text.startswith("Ответ на вопрос №2")
    assert not to(calls, w.mentee)


async def test_an_answer_mode_ends_after_half_an_hour_or_with_cancel(
    client: BotClient, w: World
) -> None:
    [copy] = to(await client.send(w.mentee.person, "Вопрос"), w.mentor_a)
    [q] = await questions(client)
    await client.press(w.mentor_a.person, f"qa:{q.id}", message_id=copy.result_id)
    client.clock.set(client.clock.now() + timedelta(minutes=31))
    calls = await client.send(w.mentor_a.person, "Поздний ответ")
    assert not to(calls, w.mentee)
    assert client.replies(calls)[-1].text == client.locales.get("ru")("flow-expired")

    await client.press(w.mentor_a.person, f"qa:{q.id}", message_id=copy.result_id)
    await client.send(w.mentor_a.person, "/cancel")
    calls = await client.send(w.mentor_a.person, "Ответ после отмены")
    assert not to(calls, w.mentee)
    assert (await questions(client))[0].status == "open"


async def _album_reply(client: BotClient, who: Person, to_call: Any, n: int, group: str) -> list:
    """n photos sent as one album in reply to the message of `to_call`."""
    replied = Message(
        message_id=to_call.result_id, date=client.clock.now(), chat=who.chat, text="(bot)"
    )
    calls: list = []
    for index in range(n):
        part = client.make_message(
            who,
            None,
            photo=_photo(f"{group}{index}"),
            media_group_id=group,
            reply_to_message=replied,
        )
        calls += await client.send_message(part)
    return calls


async def test_albums_stay_whole_in_answers_and_follow_ups(client: BotClient, w: World) -> None:
    [copy] = to(await client.send(w.mentee.person, "Покажите пример доски"), w.mentor_a)
    [q] = await questions(client)
    # An answer of three photos after «Ответить».
    await client.press(w.mentor_a.person, f"qa:{q.id}", message_id=copy.result_id)
    calls = []
    for index in range(3):
        part = client.make_message(
            w.mentor_a.person, None, photo=_photo(f"a{index}"), media_group_id="ans-album"
        )
        calls += await client.send_message(part)
    first, *rest = to(calls, w.mentee)
    assert first.text.startswith("Ответ на вопрос №1") and len(rest) == 2
    assert all(c.method.reply_parameters.message_id == first.result_id for c in rest)
    assert not [c for c in client.replies(calls) if "Не понял" in c.text]
    # A follow-up album, replying to the answer: one follow-up, no new question.
    calls = await _album_reply(client, w.mentee.person, first, 3, "fu-album")
    head, *parts = to(calls, w.mentor_a)
    assert "Уточнение к вопросу №1" in head.text and len(parts) == 2
    assert all(c.method.reply_parameters.message_id == head.result_id for c in parts)
    assert len(await questions(client)) == 1


# Cost ------------------------------------------------------------------------------------


async def test_a_new_question_is_one_transaction_and_its_delivery_one_more(
    client: BotClient, w: World, engine: AsyncEngine
) -> None:
    await client.send(w.mentee3.person, "Прогрев: первый вопрос")  # loads the FSM copy
    transactions: list[list[str]] = []

    def begin(conn: Any) -> None:
        transactions.append([])

    def statement(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if sql.split()[0].upper() != "BEGIN":  # SQLite's explicit BEGIN: not a statement
            transactions[-1].append(sql.split()[0].upper())

    event.listen(engine.sync_engine, "begin", begin)
    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    try:
        calls = await client.send(w.mentee.person, "Сколько длится урок?")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", statement)
        event.remove(engine.sync_engine, "begin", begin)
    assert to(calls, w.mentor_a)[0].text.startswith("Вопрос №2")
    # The handler: the update id, the person, the open question, the programs with their
    # school, the number, the question, its outbox row and the mentee's own link. Then the
    # sender: the row marked sent and the copy linked, in one more transaction.
    handler, delivery = transactions
    assert len(handler) <= 8, handler
    assert delivery == ["UPDATE", "INSERT"]


async def test_a_button_acts_only_on_the_question_of_its_message(
    client: BotClient, w: World
) -> None:
    first = to(await client.send(w.mentee.person, "Первый вопрос"), w.mentor_a)[0]
    await client.send(w.mentee2.person, "Второй вопрос")
    [q1, q2] = await questions(client)
    # Question 2's buttons pressed on the copy of question 1 (a payload moved by hand).
    for data in (f"qa:{q2.id}", f"qx:{q2.id}", f"qh:{q2.id}"):
        calls = await client.press(w.mentor_a.person, data, message_id=first.result_id)
        [alert] = client.callback_answers(calls)
        assert alert.show_alert and alert.text == client.locales.get("ru")("not-allowed")
        assert len(calls) == 1  # nothing else happened
    assert [q.status for q in await questions(client)] == ["open", "open"]
    # The same buttons on the right message work.
    calls = await client.press(w.mentor_a.person, f"qa:{q1.id}", message_id=first.result_id)
    assert "Напишите ответ на вопрос №1" in client.replies(calls)[-1].text


async def test_a_delivery_cut_short_goes_on_from_where_it_stopped(
    client: BotClient, w: World
) -> None:
    real = client.session.make_request
    failed: list[object] = []

    async def flaky(bot: Any, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
        if method.__api_method__ == "copyMessage" and not failed:
            failed.append(method)
            raise TelegramServerError(method=method, message="Bad Gateway")
        return await real(bot, method, timeout)

    client.session.make_request = flaky  # type: ignore[method-assign]
    # A video note goes as a header message, then the copy replying to it.
    calls = await client.send_video_note(w.mentee.person)
    [head] = to(calls, w.mentor_a)
    assert head.text.startswith(HEADER) and failed
    # What went is part of the thread already: replying to the header answers.
    [question] = await questions(client)
    async with client.sessionmaker() as s:
        assert await qs_module.is_linked(s, question.id, w.mentor_a.person.id, head.result_id)
    client.clock.set(client.clock.now() + timedelta(seconds=10))
    [copy] = to(await client.tick(), w.mentor_a)  # no second header
    assert copy.name == "copyMessage"
    assert copy.method.reply_parameters.message_id == head.result_id


async def test_an_album_continuing_an_unanswered_question_stays_whole(
    client: BotClient, w: World
) -> None:
    await client.send(w.mentee.person, "Вопрос без ответа")
    calls = await client.send_album(w.mentee.person, 3, "cont-album", caption="Ещё фото")
    head, *parts = to(calls, w.mentor_a)
    assert "Уточнение к вопросу №1" in head.text and len(parts) == 2
    assert all(c.method.reply_parameters.message_id == head.result_id for c in parts)
    assert len(await questions(client)) == 1


# Who may act on a question. Buttons can be forged, so every payload is sent from the
# wrong person's own chat and must be refused without any effect. ----------------------


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


async def _escalated_unanswered(client: BotClient, w: World) -> Question:
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
    q = await _escalated_unanswered(client, w)
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
    q = await _escalated_unanswered(client, w)
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
