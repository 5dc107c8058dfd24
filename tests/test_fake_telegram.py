"""Tests of the fake Telegram Bot API server, driven by a real aiogram Bot and Dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    ReplyParameters,
    Update,
)
from aiohttp import ClientSession, web

from fake_telegram import BotMessage, FakeTelegram, FakeUser
from fake_telegram.entities import parse_html, utf16_len
from fake_telegram.errors import TelegramError
from tests.support.standin import bot_on

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, bot_username="mentor_test_bot", bot_id=123456) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with bot_on(fake) as client:
        yield client


@contextlib.asynccontextmanager
async def polling(dp: Dispatcher, bot: Bot, fake: FakeTelegram) -> AsyncIterator[None]:
    """Run ``dp`` against the fake until the block ends."""
    before = len(fake.calls_of("getUpdates"))
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=1, close_bot_session=False)
    )
    deadline = time.monotonic() + 5
    while len(fake.calls_of("getUpdates")) == before:
        assert time.monotonic() < deadline, "polling did not start"
        assert not task.done(), task
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        await dp.stop_polling()
        await task


async def wait_for(user: FakeUser, *args: Any, **kwargs: Any) -> BotMessage:
    """``user.wait_for`` without blocking the event loop the dispatcher runs on."""
    return await asyncio.to_thread(user.wait_for, *args, **kwargs)


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in pairs
        ]
    )


# --------------------------------------------------------------------- flows


async def test_echo_text_and_start_payload(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(f"start <b>{command.args}</b>")

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.reply(f"echo: {message.text}")

    ann = fake.user(101, "Ann")
    async with polling(dp, bot, fake):
        sent = ann.send("hello")
        reply = await wait_for(ann, "echo:")
        ann.send("/start CODE42")
        greeting = await wait_for(ann, "start")
    assert sent.message_id == 1 and sent["text"] == "hello"
    assert reply.text == "echo: hello"
    assert reply.reply_to_message_id == sent.message_id
    assert reply.message_id == 2
    assert greeting.text == "start CODE42"
    assert greeting.entities == [{"type": "bold", "offset": 6, "length": 6}]
    assert [message.text for message in ann.messages] == [reply.text, greeting.text]
    assert ann.last is greeting


async def test_photo_is_copied_back_with_caption(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(F.photo)
    async def photo(message: Message) -> None:
        await message.copy_to(message.chat.id, caption="<i>got</i> it 😀")

    ann = fake.user(102, "Ann")
    async with polling(dp, bot, fake):
        sent = ann.send_photo(caption="look")
        copied = await wait_for(ann)
    assert copied.kind == "photo"
    assert copied.text == "got it 😀"
    assert copied.entities == [{"type": "italic", "offset": 0, "length": 3}]
    assert copied.copied_from == (102, sent.message_id)
    assert copied.raw["photo"] == sent["photo"]
    assert copied.file_id == sent["photo"][-1]["file_id"]
    file = await bot.get_file(copied.file_id)
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == b"fake photo content"


async def test_button_press_edits_message(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()
    forged: list[str | None] = []

    @dp.message(Command("menu"))
    async def menu(message: Message) -> None:
        await message.answer("Pick one", reply_markup=keyboard(("Apple 🍏", "fruit:apple")))

    @dp.callback_query(F.data.startswith("fruit:"))
    async def chosen(query: CallbackQuery) -> None:
        await query.answer("noted", show_alert=True)
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"chosen <b>{query.data}</b>")

    @dp.callback_query()
    async def other(query: CallbackQuery) -> None:
        forged.append(query.data)
        await query.answer()

    ann = fake.user(103, "Ann")
    async with polling(dp, bot, fake):
        ann.send("/menu")
        menu_message = await wait_for(ann, "Pick")
        assert menu_message.button_texts() == ["Apple 🍏"]
        ann.press("Apple")
        edited = await asyncio.to_thread(ann.wait_edit, menu_message, "chosen")
        ann.press(data="forged:payload", message=menu_message)
        await asyncio.to_thread(fake.wait_idle)
    assert edited is menu_message
    assert edited.text == "chosen fruit:apple"
    assert edited.buttons == []
    assert edited.edits == [
        {
            "text": "Pick one",
            "entities": [],
            "buttons": [[{"text": "Apple 🍏", "callback_data": "fruit:apple"}]],
        }
    ]
    assert ann.callback_answers[0]["text"] == "noted"
    assert ann.callback_answers[0]["show_alert"] is True
    assert forged == ["forged:payload"]
    assert len(ann.callback_answers) == 2
    with pytest.raises(AssertionError, match="no inline button"):
        ann.press("Banana")


async def test_album_arrives_as_updates_sharing_media_group(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()
    seen: list[tuple[int, str | None, str | None]] = []

    @dp.update.outer_middleware()
    async def track(handler: Any, event: Update, data: dict[str, Any]) -> Any:
        assert event.message is not None
        seen.append((event.update_id, event.message.media_group_id, event.message.caption))
        return await handler(event, data)

    @dp.message(F.photo)
    async def photo(message: Message) -> None:
        return None

    ann = fake.user(104, "Ann")
    async with polling(dp, bot, fake):
        album = ann.send_album(3, caption="trip")
        await asyncio.to_thread(fake.wait_idle)
    assert len(seen) == 3
    assert len({update_id for update_id, _, _ in seen}) == 3
    assert {group for _, group, _ in seen} == {album[0]["media_group_id"]}
    assert [caption for _, _, caption in seen] == ["trip", None, None]


async def test_block_raises_forbidden_and_reports_member_update(
    fake: FakeTelegram, bot: Bot
) -> None:
    dp = Dispatcher()
    statuses: list[str] = []

    @dp.my_chat_member()
    async def member(event: ChatMemberUpdated) -> None:
        statuses.append(event.new_chat_member.status)

    ann = fake.user(105, "Ann")
    async with polling(dp, bot, fake):
        ann.block()
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(ann.id, "hello?")
        with pytest.raises(TelegramForbiddenError):
            await bot.send_chat_action(ann.id, "typing")
        ann.unblock()
        await asyncio.to_thread(fake.wait_idle)
        await bot.send_message(ann.id, "welcome back")
    assert statuses == ["kicked", "member"]
    assert [message.text for message in ann.messages] == ["welcome back"]


async def test_group_messages_and_bot_added(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()
    added: list[tuple[int, str]] = []

    @dp.my_chat_member()
    async def member(event: ChatMemberUpdated) -> None:
        added.append((event.chat.id, event.new_chat_member.status))

    @dp.message(F.chat.type == "group")
    async def group_message(message: Message) -> None:
        assert message.from_user is not None
        await message.answer(f"{message.from_user.first_name} said {message.text}")

    ann = fake.user(106, "Ann")
    group = fake.group(-500, "Teachers")
    async with polling(dp, bot, fake):
        group.add_bot(by=ann)
        group.send(ann, "hi all")
        answer = await asyncio.to_thread(group.wait_for, "said")
    assert added == [(-500, "member")]
    assert answer.text == "Ann said hi all"
    assert answer.chat_id == -500
    assert ann.messages == []


# --------------------------------------------------------------------- failures


async def test_fail_next_injects_errors(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(107, "Ann")
    other = fake.user(108, "Bob")
    fake.fail_next("sendMessage", code=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(107, "x")
    assert retry.value.retry_after == 3
    assert "Too Many Requests: retry after 3" in str(retry.value)

    fake.fail_next("sendMessage", code=502, times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(107, "x")

    fake.fail_next("sendMessage", code=400, description="Bad Request: custom", chat_id=107)
    await bot.send_message(other.id, "not affected")
    with pytest.raises(TelegramBadRequest, match="custom"):
        await bot.send_message(107, "x")
    await bot.send_message(107, "fine again")
    assert [message.text for message in fake.user(107).messages] == ["fine again"]


async def test_refused_connections_are_network_errors(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(109, "Ann")
    fake.refuse_connections(True)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(109, "lost")
    fake.refuse_connections(False)
    await bot.send_message(109, "delivered")
    assert fake.user(109).last is not None


async def test_global_rate_limit_and_delay(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(110, "Ann")
    fake.set_global_rate_limit(2)
    await bot.send_message(110, "1")
    await bot.send_message(110, "2")
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(110, "3")
    assert retry.value.retry_after == 1
    fake.set_global_rate_limit(None)

    fake.set_delay("sendChatAction", 0.3)
    started = time.monotonic()
    await bot.send_chat_action(110, "typing")
    assert time.monotonic() - started >= 0.3
    fake.set_delay("sendChatAction", 0)


SEND_MESSAGE_CASES: list[tuple[dict[str, Any], str | None]] = [
    ({"text": "x" * 4097}, "message is too long"),
    ({"text": "😀" * 2049}, "message is too long"),
    ({"text": "<b>" + "x" * 4096 + "</b>"}, None),
    ({"text": "   \n"}, "message text is empty"),
    ({"text": "<b>bold"}, "can't parse entities"),
    ({"text": "<foo>x</foo>"}, 'Unsupported start tag "foo"'),
    ({"text": "<b>x</i>"}, "Unmatched end tag"),
    ({"text": "a < b"}, "can't parse entities"),
    ({"text": "a &lt; b", "reply_markup": keyboard(("Go", "x" * 65))}, "BUTTON_DATA_INVALID"),
    ({"text": "ok", "reply_markup": keyboard(("Go", "é" * 32))}, None),
    ({"text": "ok", "reply_parameters": ReplyParameters(message_id=999)}, "replied not found"),
    (
        {
            "text": "ok",
            "reply_parameters": ReplyParameters(message_id=999, allow_sending_without_reply=True),
        },
        None,
    ),
    ({"text": "ok", "chat_id": 424242}, "chat not found"),
]


async def test_send_message_validation(fake: FakeTelegram, bot: Bot) -> None:
    ann = fake.user(111, "Ann")
    for kwargs, description in SEND_MESSAGE_CASES:
        params = {"chat_id": ann.id, **kwargs}
        before = len(ann.messages)
        if description is None:
            await bot.send_message(**params)
            assert len(ann.messages) == before + 1, kwargs
            continue
        with pytest.raises(TelegramBadRequest, match=description):
            await bot.send_message(**params)
        assert len(ann.messages) == before, kwargs


async def test_caption_edit_and_other_bad_requests(fake: FakeTelegram, bot: Bot) -> None:
    ann = fake.user(112, "Ann")
    photo = BufferedInputFile(b"\x89PNG fake", "pic.png")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(ann.id, photo, caption="c" * 1025)
    sent = await bot.send_photo(ann.id, photo, caption="c" * 1024)
    assert fake.user(112).last is not None and fake.user(112).last.kind == "photo"

    text = await bot.send_message(ann.id, "same", reply_markup=keyboard(("A", "a")))
    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new"):
        await bot.edit_message_text(
            "same", chat_id=ann.id, message_id=text.message_id, reply_markup=keyboard(("A", "a"))
        )
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("x", chat_id=ann.id, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=ann.id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(ann.id, ann.id, 999)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("no-such-query")
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(ann.id, "no-such-file-id")

    await bot.edit_message_caption(chat_id=ann.id, message_id=sent.message_id, caption="new")
    await bot.edit_message_reply_markup(chat_id=ann.id, message_id=text.message_id)
    live = {message.message_id: message for message in ann.messages}
    assert live[sent.message_id].text == "new"
    assert len(live[sent.message_id].edits) == 1
    assert live[text.message_id].buttons == []
    assert await bot.delete_message(ann.id, text.message_id)
    assert live[text.message_id].deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ann.id, text.message_id)


async def test_unknown_method_and_wrong_token(fake: FakeTelegram, bot: Bot) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    intruder = Bot("999:WRONG", session=session)
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await intruder.get_me()
    finally:
        await intruder.session.close()
    async with (
        ClientSession() as http,
        http.post(f"{fake.base_url}/bot{TOKEN}/noSuchMethod") as response,
    ):
        body = await response.json()
    assert response.status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert (await bot.get_me()).username == "mentor_test_bot"


# --------------------------------------------------------------------- bot features


async def test_media_group_documents_and_reply(fake: FakeTelegram, bot: Bot) -> None:
    ann = fake.user(113, "Ann")
    question = ann.send("question?")
    album = await bot.send_media_group(
        ann.id,
        [
            InputMediaPhoto(media=BufferedInputFile(b"one", "1.jpg"), caption="<b>first</b>"),
            InputMediaPhoto(media=BufferedInputFile(b"two", "2.jpg")),
        ],
        reply_parameters=ReplyParameters(message_id=question.message_id),
    )
    assert len(album) == 2
    document = await bot.send_document(
        ann.id, BufferedInputFile(b"%PDF-1.4", "report.pdf"), caption="report"
    )
    prompt = await bot.send_message(ann.id, "your name?", reply_markup=ForceReply())
    received = ann.messages
    assert [message.kind for message in received] == ["photo", "photo", "document", "text"]
    assert received[0].media_group_id == received[1].media_group_id is not None
    assert received[0].text == "first" and received[0].entities[0]["type"] == "bold"
    assert received[0].reply_to_message_id == question.message_id
    assert received[2].file_name == "report.pdf"
    assert document.document is not None and document.document.file_name == "report.pdf"
    assert received[3].force_reply
    file = await bot.get_file(document.document.file_id)
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == b"%PDF-1.4"
    answer = ann.send("Ann", reply_to=received[3])
    assert answer["reply_to_message"]["message_id"] == prompt.message_id
    copies = await bot.copy_messages(ann.id, ann.id, [album[0].message_id, album[1].message_id])
    assert len(copies) == 2
    assert ann.messages[-1].copied_from == (ann.id, album[1].message_id)


async def test_commands_per_scope(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(114, "Ann")
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(
        [BotCommand(command="admin", description="Admin panel")],
        scope=BotCommandScopeChat(chat_id=114),
        language_code="en",
    )
    assert fake.commands() == [{"command": "start", "description": "Start"}]
    assert fake.commands({"type": "chat", "chat_id": 114}, "en") == [
        {"command": "admin", "description": "Admin panel"}
    ]
    assert fake.commands({"type": "chat", "chat_id": 114}) == []
    got = await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=114), language_code="en")
    assert [command.command for command in got] == ["admin"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=114), language_code="en")
    assert fake.commands({"type": "chat", "chat_id": 114}, "en") == []
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(
            [BotCommand(command="x", description="x")], scope=BotCommandScopeChat(chat_id=9)
        )
    assert len(fake.calls_of("setMyCommands")) == 3


async def test_get_updates_offsets_and_long_polling(fake: FakeTelegram, bot: Bot) -> None:
    ann = fake.user(115, "Ann")
    ann.send("one")
    ann.send("two")
    first = await bot.get_updates()
    again = await bot.get_updates()
    assert [update.message.text for update in first if update.message] == ["one", "two"]
    assert [update.update_id for update in again] == [update.update_id for update in first]
    assert fake.pending_updates == 2
    limited = await bot.get_updates(offset=first[0].update_id + 1, limit=1)
    assert [update.update_id for update in limited] == [first[1].update_id]
    assert fake.pending_updates == 1
    assert await bot.get_updates(offset=first[1].update_id + 1) == []
    assert fake.pending_updates == 0

    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(offset=first[1].update_id + 1, timeout=5))
    await asyncio.sleep(0.2)
    ann.edit(1, "one, edited")
    woken = await poll
    assert time.monotonic() - started < 2
    assert woken[0].edited_message is not None
    assert woken[0].edited_message.text == "one, edited"


async def test_webhook_delivery_with_secret(fake: FakeTelegram, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    attempts = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            return web.Response(status=500)
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        await bot.set_webhook(url, secret_token="s3cret")
        ann = fake.user(116, "Ann")
        ann.send("via webhook")
        deadline = time.monotonic() + 5
        while not received:
            assert time.monotonic() < deadline, "webhook was not called"
            await asyncio.sleep(0.02)
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()
        info = await bot.get_webhook_info()
        assert info.url == url
        assert fake.webhook is not None and fake.webhook["secret_token"] == "s3cret"
        await bot.delete_webhook(drop_pending_updates=True)
        assert (await bot.get_webhook_info()).url == ""
    finally:
        await runner.cleanup()
    assert attempts == 2
    secret, body = received[0]
    assert secret == "s3cret"
    update = Update.model_validate(body)
    assert update.message is not None and update.message.text == "via webhook"
    assert await bot.get_updates() == []


def test_user_side_waits_time_out(fake: FakeTelegram) -> None:
    ann = fake.user(117, "Ann")
    assert fake.user(117, "Someone else") is ann
    with pytest.raises(AssertionError, match="no message containing 'never'"):
        ann.wait_for("never", timeout=0.2)
    ann.assert_no_message(within=0.1)
    with pytest.raises(AssertionError, match="no inline button"):
        ann.press("Go")
    with pytest.raises(TelegramError) as error:
        raise TelegramError(400, "Bad Request: example")
    assert error.value.to_json()["error_code"] == 400
    fake.wait_idle(timeout=2)


async def test_wait_for_cursor_and_assert_no_message(fake: FakeTelegram, bot: Bot) -> None:
    ann = fake.user(118, "Ann")
    await bot.send_message(ann.id, "first")
    await bot.send_message(ann.id, "second")
    assert ann.wait_for("second").text == "second"
    ann.assert_no_message(within=0.05)
    await bot.send_message(ann.id, "third")
    with pytest.raises(AssertionError, match="unexpected message"):
        ann.assert_no_message(within=0.05)
    ann.skip()
    ann.assert_no_message(within=0.05)
    with pytest.raises(AssertionError, match="first"):
        ann.wait_for("first", timeout=0.05)


# --------------------------------------------------------------------- HTML parsing


def test_html_parsing_counts_utf16() -> None:
    text, entities = parse_html(
        '😀 <b>bold <i>both</i></b> &lt;tag&gt; <a href="https://x.org/?a=1&amp;b=2">link</a>'
    )
    assert text == "😀 bold both <tag> link"
    assert utf16_len("😀") == 2
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "offset": 19, "length": 4, "url": "https://x.org/?a=1&b=2"},
    ]
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre>'
        '<tg-spoiler>s</tg-spoiler><span class="tg-spoiler">t</span>'
        "<blockquote expandable>q</blockquote>"
    )
    assert text == "x = 1stq"
    assert [entity["type"] for entity in entities] == [
        "pre",
        "spoiler",
        "spoiler",
        "expandable_blockquote",
    ]
    assert entities[0]["language"] == "python"
    with pytest.raises(TelegramError, match="Can't find end tag corresponding to start tag"):
        parse_html("<b>never closed")
    with pytest.raises(TelegramError, match='Tag "span" must have class "tg-spoiler"'):
        parse_html("<span>x</span>")
