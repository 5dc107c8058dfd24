"""Onboarding end to end: the real bot process, the fake Bot API, several people."""

from __future__ import annotations

import re

from fake_telegram import BotMessage, FakeTelegram, FakeUser
from tests.e2e.conftest import ADMIN_ID, BotProcess

LINK = re.compile(r"https://t\.me/mentor_test_bot\?start=(\w+)")


def link_code(user: FakeUser, timeout: float = 10) -> str:
    message = user.wait_for("https://t.me/mentor_test_bot?start=", timeout=timeout)
    match = LINK.search(message.text)
    assert match, message.text
    return match.group(1)


def ticked(message: BotMessage) -> bool:
    return any(text.startswith("✅") for text in message.button_texts())


def join(user: FakeUser, code: str, name: str, *, direction: str | None = None) -> None:
    user.send(f"/start {code}")
    user.wait_for("Согласие на обработку")
    user.press("Согласен")
    user.wait_for("фамилия")
    user.send(name)
    user.wait_for("должность")
    user.send("учитель")
    user.wait_for("Предмет")
    user.send("математика")
    user.wait_for("стаж")
    user.send("7")
    if direction is not None:
        user.wait_for("направлени")
        user.press(direction)
        user.wait_edit(user.last, predicate=ticked)
        user.press("Готово")
    user.wait_for("Профиль заполнен")


def chat_commands(fake: FakeTelegram, chat_id: int) -> set[str]:
    return {c["command"] for c in fake.commands({"type": "chat", "chat_id": chat_id})}


def test_school_onboards_everyone(fake: FakeTelegram, bot: BotProcess) -> None:
    admin = fake.user(ADMIN_ID, "Админ")
    admin.send("/neworg Школа №5 Asia/Yekaterinburg")
    curator_code = link_code(admin)

    curator = fake.user(10, "Ольга")
    join(curator, curator_code, "Петрова Ольга Ивановна")
    assert {"invite", "people", "settings"} <= chat_commands(fake, 10)

    curator.send("/invite mentor")
    mentor_code = link_code(curator)
    curator.send("/invite mentee 5")
    mentee_code = link_code(curator)

    mentor = fake.user(20, "Иван")
    join(mentor, mentor_code, "Сидоров Иван Петрович", direction="Методическое")
    curator.wait_for("Новый участник", timeout=10)
    mentee = fake.user(30, "Анна", language_code="en")
    mentee.send(f"/start {mentee_code}")
    mentee.wait_for("Consent to personal data")
    mentee.press("I agree")
    mentee.wait_for("full name")
    mentee.send("Anna Smirnova")
    mentee.wait_for("position")
    mentee.send("teacher")
    mentee.wait_for("subject")
    mentee.send("physics")
    mentee.wait_for("experience")
    mentee.send("1")
    mentee.wait_for("find hard")
    mentee.press("ICT")
    mentee.wait_edit(mentee.last, predicate=ticked)
    mentee.press("Done")
    mentee.wait_for("profile is complete")
    curator.wait_for("Anna Smirnova", timeout=10)

    assert {"questions", "mentees", "away"} <= chat_commands(fake, 20)
    assert "invite" not in chat_commands(fake, 20)
    assert "myquestions" in chat_commands(fake, 30)
    assert "people" not in chat_commands(fake, 30)

    curator.skip()
    curator.send("/people")
    people = curator.wait_for("Участники")
    assert "Сидоров Иван Петрович" in people.text and "Anna Smirnova" in people.text

    curator.send("/invite curator")
    second_code = link_code(curator)
    second = fake.user(11, "Мария")
    join(second, second_code, "Кузнецова Мария")
    assert "people" in chat_commands(fake, 11)


def test_flow_survives_restart(fake: FakeTelegram, bot: BotProcess) -> None:
    admin = fake.user(ADMIN_ID, "Админ")
    admin.send("/neworg Гимназия")
    code = link_code(admin)
    curator = fake.user(10, "Ольга")
    curator.send(f"/start {code}")
    curator.wait_for("Согласие на обработку")
    curator.press("Согласен")
    curator.wait_for("фамилия")
    curator.send("Петрова Ольга")
    curator.wait_for("должность")

    bot.restart()

    curator.send("завуч")
    curator.wait_for("Предмет")
    curator.send("русский язык")
    curator.wait_for("стаж")
    curator.send("20")
    curator.wait_for("Профиль заполнен")
    curator.send("/profile")
    card = curator.wait_for("Профиль")
    assert "завуч" in card.text and "русский язык" in card.text
