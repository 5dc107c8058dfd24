"""Replies to the person acting go out after the commit.

While a handler runs, its transaction is open (and on SQLite the write gate is held). A
request middleware collects the calls the handler makes to Telegram instead of sending
them, and hands back a stand-in result; the DB middleware sends them, in order, once the
transaction has committed. A handler that fails sends nothing: its collected replies are
dropped with its transaction, and the error handler speaks instead.

Reads (getMe, getFile, getChat…) go through at once: they change nothing a rollback
would have to undo. A handler cannot use the message id of its own reply; messages
whose id matters are outbox rows, whose ids the sender records.

An acknowledgement ("your question went to …") is a reply that waits for the first
try of the rows it speaks of, and then says whether they went through, are queued
because Telegram asked us to wait, or cannot be delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, get_args

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Chat, Message, MessageId

log = logging.getLogger(__name__)

# How long an acknowledgement waits for the first try of what it speaks of.
ACK_WAIT_SECONDS = 2.0


@dataclass
class Acknowledgement:
    chat_id: int
    rows: list[int]
    sent: str  # the rows went through
    queued: str  # Telegram made them wait; they will go later
    undelivered: str  # refused for good (the reader blocked the bot)
    markup: Any = None  # buttons under it, whatever it says


Reply = TelegramMethod[Any] | Acknowledgement

# The replies collected for the update being handled; None outside a handler.
COLLECTED: ContextVar[list[Reply] | None] = ContextVar("collected", default=None)


def acknowledge(ack: Acknowledgement) -> None:
    """Queue an acknowledgement with the handler's replies (outside a handler: no-op)."""
    collected = COLLECTED.get()
    if collected is not None:
        collected.append(ack)


def _stand_in(method: TelegramMethod[Any]) -> Any:
    """What the handler gets back instead of Telegram's answer; None: not deferrable."""
    if method.__api_method__.startswith("get"):
        return None
    returning = method.__returning__
    if returning is bool:
        return True
    if returning is Message or getattr(returning, "__name__", "") == "Message":
        chat_id = getattr(method, "chat_id", 0)
        chat = Chat(id=chat_id if isinstance(chat_id, int) else 0, type="private")
        return Message(message_id=0, date=datetime.now(UTC), chat=chat)
    if returning is MessageId:
        return MessageId(message_id=0)
    if getattr(returning, "__origin__", None) is list:
        return []
    if bool in get_args(returning):  # edits answer Message | bool
        return True
    return None


def _answered_already(collected: list[Reply], method: TelegramMethod[Any]) -> bool:
    query_id = getattr(method, "callback_query_id", None)
    if method.__api_method__ != "answerCallbackQuery" or query_id is None:
        return False
    return any(getattr(r, "callback_query_id", None) == query_id for r in collected)


class CollectRepliesMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        collected = COLLECTED.get()
        if collected is not None:
            stand_in = _stand_in(method)
            if stand_in is not None:
                # Telegram takes one answer per button press: a later one (a fallback
                # after a refusing filter) would only fail, so it is dropped here.
                if not _answered_already(collected, method):
                    collected.append(method)
                return stand_in  # type: ignore[no-any-return]
        return await make_request(bot, method)


class Deliveries(Protocol):
    """What the sender tells about rows handed to it (bot/sender.py OutboxSender)."""

    async def attempted(self, ids: list[int]) -> None: ...

    async def outcome(self, ids: list[int], wait: float) -> str: ...


async def send_collected(
    bot: Bot, replies: list[Reply], sender: Deliveries, queued: list[Any]
) -> None:
    """Send what a committed handler said, in order; a failure loses only that reply.

    Answers to button presses go first (Telegram shows a spinner until then). In a chat
    that also gets outbox rows from this update, the replies follow the rows' first try
    (a question shown, then the prompt to answer it), waited for at most ACK_WAIT_SECONDS."""
    answers = [r for r in replies if getattr(r, "__api_method__", "") == "answerCallbackQuery"]
    for method in answers:
        await _send(bot, method)
    chats = {getattr(r, "chat_id", None) for r in replies}
    first = [row.id for row in queued if row.chat_id in chats]
    if first:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(ACK_WAIT_SECONDS):
                await sender.attempted(first)
    for reply in replies:
        if any(reply is answer for answer in answers):
            continue
        if isinstance(reply, Acknowledgement):
            result = await sender.outcome(reply.rows, ACK_WAIT_SECONDS)
            text = {"sent": reply.sent, "queued": reply.queued}.get(result, reply.undelivered)
            await _send(
                bot, SendMessage(chat_id=reply.chat_id, text=text, reply_markup=reply.markup)
            )
        else:
            await _send(bot, reply)


async def _send(bot: Bot, method: TelegramMethod[Any]) -> None:
    try:
        await bot(method)
    except TelegramAPIError as exc:
        log.warning("reply %s not sent: %s", method.__api_method__, exc.message)
