"""The sandbox page's view of a chat (sandbox/render.py) over a real Telegram stand-in.

The bot side is a real aiogram Bot talking to the stand-in over HTTP; the person's side is a
FakeUser. The tests check what the page would show: the HTML of a message, its quote, media,
buttons, the «edited» mark, the person's command menu and keyboards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from fake_telegram import FakeTelegram, FakeUser
from fake_telegram.entities import parse_html
from sandbox.render import chat_extras, entities_to_html, timeline
from tests.support.standin import bot_on

TOKEN = "123456:TEST-TOKEN"
BOT = "mentor_test_bot"
ZONE = "Europe/Moscow"
# 2026-11-23 12:05 in Moscow
NOW = datetime(2026, 11, 23, 12, 5, tzinfo=ZoneInfo(ZONE)).timestamp()
PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 50


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, bot_username=BOT, bot_id=123456, now=lambda: NOW) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with bot_on(fake) as client:
        yield client


@pytest.fixture
def ann(fake: FakeTelegram) -> FakeUser:
    return fake.user(700005, "Анна")


def shown(fake: FakeTelegram, chat_id: int, lang: str = "ru") -> list[dict]:
    with fake._lock:
        return timeline(fake, chat_id, ZONE, lang=lang)


def html_of(source: str) -> str:
    """What the page shows for a bot message sent with parse_mode HTML."""
    return entities_to_html(*parse_html(source), bot_username=BOT)


# --------------------------------------------------------------------- entities → HTML


def test_every_formatting_entity_renders_as_its_tag() -> None:
    assert html_of("<b>b</b> <i>i</i> <u>u</u> <s>s</s>") == "<b>b</b> <i>i</i> <u>u</u> <s>s</s>"
    assert html_of('<tg-spoiler>x</tg-spoiler> <span class="tg-spoiler">y</span>') == (
        '<span class="spoiler">x</span> <span class="spoiler">y</span>'
    )
    assert html_of("run <code>ls</code>") == "run <code>ls</code>"
    assert html_of('<pre><code class="language-python">x = 1\ny</code></pre>') == (
        '<pre><code class="language-python">x = 1\ny</code></pre>'
    )
    assert html_of("<pre>plain</pre>") == "<pre><code>plain</code></pre>"
    assert html_of("<blockquote>q</blockquote>") == "<blockquote>q</blockquote>"
    expandable = html_of("<blockquote expandable>long\nquote</blockquote>")
    assert expandable.startswith("<blockquote") and expandable.endswith("</blockquote>")
    assert "long\nquote" in expandable
    assert html_of('<a href="https://x.org/?a=1&amp;b=2">site</a>') == (
        '<a href="https://x.org/?a=1&amp;b=2" target="_blank" rel="noopener">site</a>'
    )
    assert html_of('<a href="tg://resolve?domain=x">tg</a>').startswith('<a href="tg://resolve')


def test_url_email_command_mention_and_hashtag_entities() -> None:
    text = "see example.org, mail a@b.ru, /people@mentor_test_bot now, @anna #тег"
    entities = [
        {"type": "url", "offset": 4, "length": 11},
        {"type": "email", "offset": 22, "length": 6},
        {"type": "bot_command", "offset": 30, "length": 23},
        {"type": "mention", "offset": 59, "length": 5},
        {"type": "hashtag", "offset": 65, "length": 4},
    ]
    assert entities_to_html(text, entities) == (
        'see <a href="http://example.org" target="_blank" rel="noopener">example.org</a>, '
        'mail <a href="mailto:a@b.ru">a@b.ru</a>, '
        '<a class="cmd" data-command="/people@mentor_test_bot">/people@mentor_test_bot</a> now, '
        '<span class="mention">@anna</span> <span class="mention">#тег</span>'
    )


def test_bare_links_and_commands_are_clickable_without_entities() -> None:
    text = "Откройте https://example.org/a_(b). Команды: /people и /help; и/или 1/2, /путь"
    assert entities_to_html(text, []) == (
        'Откройте <a href="https://example.org/a_(b)" target="_blank" rel="noopener">'
        "https://example.org/a_(b)</a>. Команды: "
        '<a class="cmd" data-command="/people">/people</a> и '
        '<a class="cmd" data-command="/help">/help</a>; и/или 1/2, /путь'
    )
    # a URL's path is not a command, and code stays as typed
    assert entities_to_html("https://x.org/start", []).count("<a") == 1
    assert entities_to_html("/start", [{"type": "code", "offset": 0, "length": 6}]) == (
        "<code>/start</code>"
    )


def test_nesting_overlap_and_emoji_offsets_in_utf16() -> None:
    source = "😀 <b>жирный <i>оба 👍</i></b> <u>👨‍👩‍👧 семья</u>"
    assert html_of(source) == "😀 <b>жирный <i>оба 👍</i></b> <u>👨‍👩‍👧 семья</u>"
    # explicit entities after emoji: 🎉 is 2 UTF-16 units
    text = "🎉🎉 Вопрос №1"
    assert entities_to_html(text, [{"type": "bold", "offset": 5, "length": 6}]) == (
        "🎉🎉 <b>Вопрос</b> №1"
    )
    # overlapping (not nested) entities still give well-formed HTML
    assert (
        entities_to_html(
            "abcdef",
            [
                {"type": "bold", "offset": 0, "length": 4},
                {"type": "italic", "offset": 2, "length": 4},
            ],
        )
        == "<b>ab<i>cd</i></b><i>ef</i>"
    )
    # entities reaching past the end are clipped
    assert entities_to_html("ab", [{"type": "bold", "offset": 1, "length": 9}]) == "a<b>b</b>"


def test_everything_is_escaped() -> None:
    text = '<script>alert("x")</script> & <b>'
    rendered = entities_to_html(text, [{"type": "italic", "offset": 0, "length": 8}])
    assert "<script" not in rendered
    assert rendered == ("<i>&lt;script&gt;</i>alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;")
    quoting = entities_to_html(
        "x",
        [
            {
                "type": "text_link",
                "offset": 0,
                "length": 1,
                "url": 'https://a.org/"onclick="alert(1)',
            }
        ],
    )
    assert quoting.startswith('<a href="https://a.org/&quot;onclick=&quot;alert(1)"')
    command = entities_to_html('/a"b', [{"type": "bot_command", "offset": 0, "length": 4}])
    assert command == '<a class="cmd" data-command="/a&quot;b">/a&quot;b</a>'


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "JaVaScRiPt:x"]
)
def test_a_link_to_an_unsafe_scheme_is_plain_text(url: str) -> None:
    entities = [{"type": "text_link", "offset": 0, "length": 5, "url": url}]
    assert entities_to_html("click", entities) == "click"
    assert entities_to_html(
        "javascript:alert(1)", [{"type": "url", "offset": 0, "length": 19}]
    ) == ("javascript:alert(1)")


def test_invite_links_are_marked_for_open_as() -> None:
    plain = entities_to_html(f"Ссылка: https://t.me/{BOT}?start=Ab_12-x\nДо встречи", [], BOT)
    assert plain == (
        f'Ссылка: <a href="https://t.me/{BOT}?start=Ab_12-x" target="_blank" rel="noopener" '
        f'class="start-link" data-start="Ab_12-x">https://t.me/{BOT}?start=Ab_12-x</a>\nДо встречи'
    )
    linked = html_of(f'<a href="https://t.me/{BOT}?start=code7">приглашение</a>')
    assert 'class="start-link" data-start="code7">приглашение</a>' in linked
    other_bot = entities_to_html("https://t.me/other_bot?start=zz", [], BOT)
    assert "start-link" not in other_bot and "<a href" in other_bot


# --------------------------------------------------------------------- timeline


async def test_messages_in_order_with_sender_time_and_html(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    ann.send("/start")
    await bot.send_message(ann.id, "<b>Вопрос №1</b> от 😀 <i>Анны</i>")
    gone = await bot.send_message(ann.id, "удалено")
    await bot.delete_message(ann.id, gone.message_id)
    messages = shown(fake, ann.id)
    assert [(m["id"], m["from"]) for m in messages] == [(1, "me"), (2, "bot")]
    assert messages[0]["html"] == '<a class="cmd" data-command="/start">/start</a>'
    assert messages[1]["html"] == "<b>Вопрос №1</b> от 😀 <i>Анны</i>"
    assert {m["time"] for m in messages} == {"12:05"}
    assert {m["day"] for m in messages} == {"2026-11-23"}  # the page draws day lines by it
    assert messages[1] | {"html": ""} == {
        "id": 2,
        "from": "bot",
        "time": "12:05",
        "day": "2026-11-23",
        "html": "",
        "edited": False,
        "reply": None,
        "media": None,
        "buttons": [],
        "force_reply": False,
    }
    with fake._lock:
        assert [m["id"] for m in timeline(fake, ann.id, ZONE, limit=1)] == [2]
        assert timeline(fake, 999, ZONE) == []


async def test_an_edited_message_shows_the_mark_and_the_new_text(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    sent = await bot.send_message(ann.id, "Вопрос <b>открыт</b>")
    assert shown(fake, ann.id)[0]["edited"] is False
    await bot.edit_message_text("Вопрос <b>решён</b>", chat_id=ann.id, message_id=sent.message_id)
    (message,) = shown(fake, ann.id)
    assert message["edited"] is True
    assert message["html"] == "Вопрос <b>решён</b>"
    mine = ann.send("Опечатка")
    ann.edit(mine, "Исправлено")
    assert shown(fake, ann.id)[-1] | {"time": "", "day": ""} == {
        "id": 2,
        "from": "me",
        "time": "",
        "day": "",
        "html": "Исправлено",
        "edited": True,
        "reply": None,
        "media": None,
        "buttons": [],
        "force_reply": False,
    }


async def test_a_reply_shows_its_quote(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    long_question = "Как " + "очень " * 30 + "длинно?"
    asked = ann.send(long_question)
    await bot.send_message(
        ann.id, "Ответ", reply_parameters=ReplyParameters(message_id=asked.message_id)
    )
    photo = await bot.send_photo(ann.id, photo="https://example.org/chart.png")
    document = await bot.send_document(ann.id, document="https://example.org/report.xlsx")
    ann.send("Спасибо за фото", reply_to=photo.message_id)
    ann.send("И за отчёт", reply_to=document.message_id)
    messages = {m["id"]: m for m in shown(fake, ann.id)}
    quote = messages[2]["reply"]
    assert quote["id"] == asked.message_id and quote["from"] == "me"
    assert len(quote["snippet"]) <= 80 and quote["snippet"].startswith("Как очень очень")
    assert quote["snippet"].endswith("…")
    assert messages[5]["reply"] == {"id": photo.message_id, "from": "bot", "snippet": "📷 Фото"}
    assert messages[6]["reply"] == {
        "id": document.message_id,
        "from": "bot",
        "snippet": "📎 report.xlsx",
    }
    english = {m["id"]: m for m in shown(fake, ann.id, lang="en")}
    assert english[5]["reply"]["snippet"] == "📷 Photo"


async def test_a_quote_follows_an_edit_of_the_quoted_message(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    sent = await bot.send_message(ann.id, "Встреча в <b>10:00</b>")
    ann.send("Буду", reply_to=sent.message_id)
    await bot.edit_message_text("Встреча в 11:00", chat_id=ann.id, message_id=sent.message_id)
    assert shown(fake, ann.id)[-1]["reply"]["snippet"] == "Встреча в 11:00"


async def test_a_photo_and_a_document_from_the_person_link_their_files(
    fake: FakeTelegram, ann: FakeUser
) -> None:
    ann.send_photo(caption="Доска <b>после</b> урока", content=PNG)
    ann.send_document(file_name="план.xlsx", content=b"PK\x03\x04sheet")
    photo, document = shown(fake, ann.id)
    assert photo["media"]["kind"] == "photo" and photo["media"]["name"] is None
    file_id = photo["media"]["url"].removeprefix("/files/")
    assert photo["media"]["url"] == f"/files/{file_id}"
    with fake._lock:
        assert fake.files.by_id[file_id].content == PNG  # the largest size, not the thumbnail
    assert photo["html"] == "Доска &lt;b&gt;после&lt;/b&gt; урока"
    assert document["html"] == ""
    assert document["media"]["kind"] == "document"
    assert document["media"]["name"] == "план.xlsx"
    with fake._lock:
        record = fake.files.by_id[document["media"]["url"].removeprefix("/files/")]
        assert record.content == b"PK\x03\x04sheet"


async def test_inline_buttons_by_kind(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Ответить", callback_data="q:answer:1"),
                InlineKeyboardButton(text="Сайт", url="https://example.org"),
            ],
            [InlineKeyboardButton(text="Поделиться", switch_inline_query="x")],
        ]
    )
    await bot.send_message(ann.id, "Новый вопрос", reply_markup=markup)
    (message,) = shown(fake, ann.id)
    assert message["buttons"] == [
        [
            {"text": "Ответить", "row": 0, "col": 0, "kind": "callback", "url": None},
            {"text": "Сайт", "row": 0, "col": 1, "kind": "url", "url": "https://example.org"},
        ],
        [{"text": "Поделиться", "row": 1, "col": 0, "kind": "url", "url": None}],
    ]


async def test_invite_link_in_a_bot_message_is_marked(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    await bot.send_message(ann.id, f"Ссылка для наставника:\nhttps://t.me/{BOT}?start=inv42")
    (message,) = shown(fake, ann.id)
    assert 'class="start-link" data-start="inv42"' in message["html"]


async def test_explicit_entities_from_the_bot(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    await bot.send_message(
        ann.id,
        "👍 /people",
        parse_mode=None,
        entities=[MessageEntity(type="bot_command", offset=3, length=7)],
    )
    (message,) = shown(fake, ann.id)
    assert message["html"] == '👍 <a class="cmd" data-command="/people">/people</a>'


# --------------------------------------------------------------------- menu and keyboards


async def test_commands_per_chat_scope_then_language_then_default(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    other = fake.user(700006, "Борис")
    with fake._lock:
        assert chat_extras(fake, ann.id, "ru")["commands"] == []
    await bot.set_my_commands([BotCommand(command="start", description="Начать")])
    await bot.set_my_commands(
        [BotCommand(command="start", description="Start")], language_code="en"
    )
    await bot.set_my_commands(
        [
            BotCommand(command="ask", description="Задать вопрос"),
            BotCommand(command="help", description="Помощь"),
        ],
        scope=BotCommandScopeChat(chat_id=ann.id),
    )
    with fake._lock:
        assert chat_extras(fake, ann.id, "ru")["commands"] == [
            {"command": "ask", "description": "Задать вопрос"},
            {"command": "help", "description": "Помощь"},
        ]
        assert chat_extras(fake, ann.id, "en")["commands"][0]["command"] == "ask"
        assert chat_extras(fake, other.id, "ru")["commands"] == [
            {"command": "start", "description": "Начать"}
        ]
        assert chat_extras(fake, other.id, "en")["commands"] == [
            {"command": "start", "description": "Start"}
        ]
    await bot.set_my_commands(
        [BotCommand(command="ask", description="Ask a question")],
        scope=BotCommandScopeChat(chat_id=ann.id),
        language_code="en",
    )
    with fake._lock:
        assert chat_extras(fake, ann.id, "en")["commands"] == [
            {"command": "ask", "description": "Ask a question"}
        ]
        assert len(chat_extras(fake, ann.id, "ru")["commands"]) == 2


async def test_reply_keyboard_until_removed(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    def extras() -> dict:
        with fake._lock:
            return chat_extras(fake, ann.id, "ru")

    assert extras() == {"commands": [], "reply_keyboard": None, "force_reply_to": None}
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Да"), KeyboardButton(text="Нет")]], resize_keyboard=True
    )
    await bot.send_message(ann.id, "Согласны?", reply_markup=keyboard)
    await bot.send_message(ann.id, "Подумайте")
    ann.send("Да")
    assert extras()["reply_keyboard"] == [["Да", "Нет"]]
    await bot.send_message(ann.id, "Спасибо", reply_markup=ReplyKeyboardRemove())
    assert extras()["reply_keyboard"] is None


async def test_force_reply_until_the_person_answers(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    def extras() -> dict:
        with fake._lock:
            return chat_extras(fake, ann.id, "ru")

    ann.send("/ask")
    prompt = await bot.send_message(ann.id, "Опишите вопрос", reply_markup=ForceReply())
    assert extras()["force_reply_to"] == prompt.message_id
    assert shown(fake, ann.id)[-1]["force_reply"] is True
    ann.send("Как вести журнал?", reply_to=prompt.message_id)
    assert extras()["force_reply_to"] is None
    second = await bot.send_message(ann.id, "Уточните класс", reply_markup=ForceReply())
    await bot.send_message(ann.id, "Или нажмите «Отмена»")
    assert extras()["force_reply_to"] is None  # the last bot message did not ask
    await bot.delete_message(ann.id, second.message_id + 1)
    assert extras()["force_reply_to"] == second.message_id
