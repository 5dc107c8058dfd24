"""Dispatcher-level test client: feeds Updates to the real Dispatcher and records every
Bot API call instead of sending it."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    Document,
    InlineKeyboardMarkup,
    Location,
    Message,
    MessageEntity,
    PhotoSize,
    Sticker,
    Update,
    VideoNote,
    Voice,
)
from aiogram.types import User as TgUser
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher, prepare_session
from bot.clock import FrozenClock
from bot.config import Settings
from bot.i18n import Locales
from bot.sender import OUTBOX_SEND, OutboxSender
from bot.storage import DbStorage
from models.outbox import OutboxMessage
from models.routing import CARRY, CARRY_EDIT

BOT_ID = 42
BOT_USERNAME = "mentor_test_bot"
TOKEN = f"{BOT_ID}:TEST-TOKEN-abcdef"
FAILING_PREFIXES = ("send", "copy", "forward", "edit")
DELIVERY_KINDS = (CARRY, CARRY_EDIT)


@dataclass
class Call:
    method: TelegramMethod[Any]
    result_id: int | None = None  # the message id the fake answered with
    error: str | None = None  # the exception class raised instead of answering
    outbox: bool = field(default_factory=OUTBOX_SEND.get)  # an outbox row's delivery

    @property
    def name(self) -> str:
        return self.method.__api_method__

    @property
    def chat_id(self) -> Any:
        return getattr(self.method, "chat_id", None)

    @property
    def text(self) -> str:
        return getattr(self.method, "text", None) or getattr(self.method, "caption", None) or ""

    @property
    def buttons(self) -> list[tuple[str, str]]:
        markup = getattr(self.method, "reply_markup", None)
        if not isinstance(markup, InlineKeyboardMarkup):
            return []
        return [
            (b.text, b.callback_data or b.url or "") for row in markup.inline_keyboard for b in row
        ]


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self._ids = itertools.count(1000)
        self._fail_for: dict[int, type[TelegramAPIError]] = {}
        self.fail_retry_after = 5

    def fail_for(self, chat_id: int, exc: type[TelegramAPIError] | None) -> None:
        """Make every send/copy/forward/edit to this chat raise `exc` (None: stop failing).

        TelegramForbiddenError plays a user who blocked the bot; TelegramRetryAfter uses
        `fail_retry_after` seconds; TelegramBadRequest a refused request."""
        if exc is None:
            self._fail_for.pop(chat_id, None)
        else:
            self._fail_for[chat_id] = exc

    def _failure(self, method: TelegramMethod[Any]) -> TelegramAPIError | None:
        chat_id = getattr(method, "chat_id", None)
        exc = self._fail_for.get(chat_id) if isinstance(chat_id, int) else None
        if exc is None or not method.__api_method__.startswith(FAILING_PREFIXES):
            return None
        if issubclass(exc, TelegramRetryAfter):
            return exc(
                method=method, message="Too Many Requests", retry_after=self.fail_retry_after
            )
        if issubclass(exc, TelegramForbiddenError):
            return exc(method=method, message="Forbidden: bot was blocked by the user")
        if issubclass(exc, TelegramBadRequest):
            return exc(method=method, message="Bad Request: chat not found")
        return exc(method=method, message="Telegram refused the request")

    async def close(self) -> None:
        return None

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        call = Call(method)
        self.calls.append(call)
        failure = self._failure(method)
        if failure is not None:
            call.error = type(failure).__name__
            raise failure
        returning = method.__returning__
        if returning is Message or getattr(returning, "__name__", "") == "Message":
            chat_id = getattr(method, "chat_id", 0)
            edited = (
                getattr(method, "message_id", None)
                if method.__api_method__.startswith("edit")
                else None
            )
            call.result_id = edited if isinstance(edited, int) else next(self._ids)
            return Message(  # type: ignore[return-value]
                message_id=call.result_id,
                date=datetime.now(UTC),
                chat=Chat(id=chat_id if isinstance(chat_id, int) else 0, type="private"),
                text=getattr(method, "text", None),
            )
        if getattr(returning, "__name__", "") == "User":
            return TgUser(  # type: ignore[return-value]
                id=BOT_ID, is_bot=True, first_name="Mentor", username=BOT_USERNAME
            )
        name = method.__api_method__
        if name == "copyMessage":
            from aiogram.types import MessageId

            call.result_id = next(self._ids)
            return MessageId(message_id=call.result_id)  # type: ignore[return-value]
        if name == "getMyCommands":
            return []  # type: ignore[return-value]
        return True  # type: ignore[return-value]

    async def stream_content(  # type: ignore[override]
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""


@dataclass
class Person:
    id: int
    first_name: str
    language_code: str = "ru"

    @property
    def tg(self) -> TgUser:
        return TgUser(
            id=self.id, is_bot=False, first_name=self.first_name, language_code=self.language_code
        )

    @property
    def chat(self) -> Chat:
        return Chat(id=self.id, type="private", first_name=self.first_name)


@dataclass
class BotClient:
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: FrozenClock
    settings: Settings
    session: RecordingSession = field(default_factory=RecordingSession)
    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    flood_limit: int = 1000  # fed updates arrive faster than any person types

    def __post_init__(self) -> None:
        self.locales = Locales()
        prepare_session(self.session, None)
        self.bot = Bot(
            TOKEN, session=self.session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
        )
        self.sender = OutboxSender(self.bot, self.sessionmaker, self.locales, self.clock)
        self.dp, self.db_middleware = build_dispatcher(
            self.settings,
            self.clock,
            self.sessionmaker,
            self.locales,
            DbStorage(self.sessionmaker, self.clock),
            self.sender,
            flood_limit=self.flood_limit,
        )
        self.dp["bot_username"] = BOT_USERNAME

    # Feeding updates -------------------------------------------------------------
    async def feed(self, update: Update) -> list[Call]:
        """Handle one update as the bot would: the handler commits, then what it queued
        is delivered; returns every call made meanwhile."""
        start = len(self.session.calls)
        await self.dp.feed_update(self.bot, update)
        await self.sender.settle()
        return self.session.calls[start:]

    async def tick(self) -> list[Call]:
        """What the tick's drain sends now (rows due by the clock)."""
        start = len(self.session.calls)
        await self.sender.drain()
        await self.sender.settle()
        return self.session.calls[start:]

    def make_message(self, who: Person, text: str | None = None, **extra: Any) -> Message:
        entities = None
        if text and text.startswith("/"):
            length = len(text.split()[0])
            entities = [MessageEntity(type="bot_command", offset=0, length=length)]
        return Message(
            message_id=next(self.message_ids),
            date=self.clock.now(),
            chat=extra.pop("chat", who.chat),
            from_user=who.tg,
            text=text,
            entities=entities,
            **extra,
        )

    async def send(self, who: Person, text: str, **extra: Any) -> list[Call]:
        message = self.make_message(who, text, **extra)
        return await self.feed(Update(update_id=next(self.update_ids), message=message))

    async def send_sticker(self, who: Person) -> list[Call]:
        sticker = Sticker(
            file_id="stk",
            file_unique_id="stku",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
        )
        message = self.make_message(who, None, sticker=sticker)
        return await self.feed(Update(update_id=next(self.update_ids), message=message))

    async def send_photo(self, who: Person, caption: str | None = None) -> list[Call]:
        photo = [PhotoSize(file_id="ph", file_unique_id="phu", width=90, height=90)]
        message = self.make_message(who, None, photo=photo, caption=caption)
        return await self.feed(Update(update_id=next(self.update_ids), message=message))

    async def send_voice(self, who: Person) -> list[Call]:
        voice = Voice(file_id="vc", file_unique_id="vcu", duration=3)
        message = self.make_message(who, None, voice=voice)
        return await self.feed(Update(update_id=next(self.update_ids), message=message))

    async def send_message(self, message: Message) -> list[Call]:
        """Feed a ready Message (for fields the other helpers do not cover)."""
        return await self.feed(Update(update_id=next(self.update_ids), message=message))

    async def send_formatted(
        self, who: Person, text: str, entities: list[MessageEntity], **extra: Any
    ) -> list[Call]:
        message = self.make_message(who, None, **extra).model_copy(
            update={"text": text, "entities": entities}
        )
        return await self.send_message(message)

    async def send_document(self, who: Person, caption: str | None = None) -> list[Call]:
        document = Document(file_id="doc", file_unique_id="docu", file_name="plan.pdf")
        message = self.make_message(who, None, document=document, caption=caption)
        return await self.send_message(message)

    async def send_video_note(self, who: Person) -> list[Call]:
        note = VideoNote(file_id="vn", file_unique_id="vnu", length=240, duration=5)
        return await self.send_message(self.make_message(who, None, video_note=note))

    async def send_contact(self, who: Person) -> list[Call]:
        contact = Contact(phone_number="+70000000000", first_name="Someone")
        return await self.send_message(self.make_message(who, None, contact=contact))

    async def send_location(self, who: Person) -> list[Call]:
        location = Location(latitude=55.75, longitude=37.62)
        return await self.send_message(self.make_message(who, None, location=location))

    async def send_album(
        self, who: Person, n: int, media_group_id: str, caption: str | None = None
    ) -> list[Call]:
        """n photo updates sharing media_group_id; the caption (if any) on the first."""
        calls: list[Call] = []
        for index in range(n):
            photo = [
                PhotoSize(file_id=f"al{index}", file_unique_id=f"alu{index}", width=90, height=90)
            ]
            message = self.make_message(
                who,
                None,
                photo=photo,
                media_group_id=media_group_id,
                caption=caption if index == 0 else None,
            )
            calls += await self.send_message(message)
        return calls

    async def send_edited(
        self, who: Person, message_id: int, text: str | None = None, **extra: Any
    ) -> list[Call]:
        """An edited_message update for a message this person sent earlier."""
        message = Message(
            message_id=message_id,
            date=self.clock.now(),
            edit_date=int(self.clock.now().timestamp()),
            chat=who.chat,
            from_user=who.tg,
            text=text,
            **extra,
        )
        return await self.feed(Update(update_id=next(self.update_ids), edited_message=message))

    async def reply(self, who: Person, call: Call, text: str | None, **extra: Any) -> list[Call]:
        """Reply in `who`'s chat to the message the recorded `call` produced (pass text None
        and e.g. photo=... for a media reply)."""
        assert call.result_id is not None, f"{call.name} returned no message"
        replied = Message(
            message_id=call.result_id, date=self.clock.now(), chat=who.chat, text="(bot)"
        )
        message = self.make_message(who, text, reply_to_message=replied, **extra)
        return await self.send_message(message)

    async def press(self, who: Person, data: str, message_id: int | None = None) -> list[Call]:
        """Press a button; by default on the last message sent to `who` that carries it
        (a forged payload, found on no message, is pressed on message 1)."""
        if message_id is None:
            message_id = self.message_with(who.id, data) or 1
        message = Message(
            message_id=message_id, date=self.clock.now(), chat=who.chat, text="(buttons)"
        )
        query = CallbackQuery(
            id=str(next(self.update_ids)),
            from_user=who.tg,
            chat_instance="ci",
            message=message,
            data=data,
        )
        return await self.feed(Update(update_id=next(self.update_ids), callback_query=query))

    def bot_user(self) -> TgUser:
        return TgUser(id=BOT_ID, is_bot=True, first_name="Mentor", username=BOT_USERNAME)

    # Reading ---------------------------------------------------------------------
    async def notices(self) -> list[OutboxMessage]:
        """Outbox rows that are notices (reminders, escalations, offers…), oldest first;
        the rows that carry a person's message or acknowledge it are left out."""
        async with self.sessionmaker() as s:
            rows = await s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind.not_in(DELIVERY_KINDS))
                .order_by(OutboxMessage.id)
            )
            return list(rows.all())

    def message_with(self, chat_id: int, data: str) -> int | None:
        """The id of the last message sent to this chat with a button carrying `data`."""
        for call in reversed(self.session.calls):
            if call.chat_id == chat_id and call.result_id is not None:
                if any(d == data for _, d in call.buttons):
                    return call.result_id
        return None

    @staticmethod
    def replies(calls: list[Call]) -> list[Call]:
        """The calls that answered the person acting directly (no outbox delivery)."""
        return [c for c in calls if not c.outbox]

    def sent_to(self, chat_id: int) -> list[Call]:
        return [c for c in self.session.calls if c.chat_id == chat_id]

    def last_text(self, chat_id: int) -> str:
        texts = [c.text for c in self.sent_to(chat_id) if c.text]
        return texts[-1] if texts else ""

    def button_data(self, calls: list[Call], label_startswith: str) -> str:
        for call in reversed(calls):
            for text, data in call.buttons:
                if text.startswith(label_startswith):
                    return data
        raise AssertionError(f"no button {label_startswith!r} in {[c.buttons for c in calls]}")

    def callback_answers(self, calls: list[Call]) -> list[Any]:
        return [c.method for c in calls if c.name == "answerCallbackQuery"]
