"""Carrying a person's message to another chat as one message with a header.

A message to carry is described as data (`carried_of`), so it can wait in an outbox row
and be sent after the commit. Text goes by sendMessage with the header in front and the
entities shifted. Media is copied with the header as its caption when that fits;
otherwise (and for video notes and stickers) a header message goes first and the copy
replies to it. Texts over the limit are split, so the header never causes a Telegram 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message, MessageEntity, ReplyParameters

from bot.texts import CAPTION_LIMIT, MESSAGE_LIMIT, split_text, utf16_len

CAPTIONABLE = {"photo", "document", "video", "audio", "voice", "animation"}
SUPPORTED = CAPTIONABLE | {"text", "video_note", "sticker"}


def kind_of(message: Message) -> str:
    for kind in ("text", "photo", "document", "video", "audio", "voice", "animation"):
        if getattr(message, kind, None):
            return kind
    if message.video_note:
        return "video_note"
    if message.sticker:
        return "sticker"
    return "other"


def preview_of(message: Message) -> str:
    return (message.text or message.caption or "").strip()


def _entities_json(entities: list[MessageEntity] | None) -> list[dict[str, Any]]:
    return [e.model_dump(mode="json", exclude_none=True) for e in entities or []]


def carried_of(message: Message) -> dict[str, Any]:
    """What an outbox row needs to carry this message later: where the original is, and
    its text or caption with their entities (sendMessage cannot copy a text with a
    header in front)."""
    data: dict[str, Any] = {
        "chat": message.chat.id,
        "mid": message.message_id,
        "kind": kind_of(message),
    }
    if message.text is not None:
        data["text"] = message.text
        data["entities"] = _entities_json(message.entities)
    elif message.caption is not None:
        data["caption"] = message.caption
        data["entities"] = _entities_json(message.caption_entities)
    if message.media_group_id:
        data["album"] = message.media_group_id
    return data


@dataclass
class Resume:
    """How far an interrupted delivery of several messages got."""

    done: int  # messages already sent
    head: int | None  # the first of them: the rest reply to it


@dataclass
class Sent:
    message_id: int
    is_copy: bool  # carries the original's content (edits go here)
    with_header: bool


def _shift(entities: list[dict[str, Any]] | None, by: int) -> list[MessageEntity]:
    shifted = []
    for raw in entities or []:
        entity = MessageEntity.model_validate(raw)
        shifted.append(entity.model_copy(update={"offset": entity.offset + by}))
    return shifted


def _bold(header: str) -> list[MessageEntity]:
    return [MessageEntity(type="bold", offset=0, length=utf16_len(header))]


def _reply(message_id: int | None) -> ReplyParameters | None:
    if not message_id:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


async def send_header(
    bot: Bot,
    chat_id: int,
    header: str,
    *,
    silent: bool = False,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Sent:
    head = await bot.send_message(
        chat_id,
        header,
        parse_mode=None,
        entities=_bold(header),
        disable_notification=silent,
        reply_markup=markup,
        reply_parameters=_reply(reply_to),
    )
    return Sent(head.message_id, False, True)


async def copy_plain(
    bot: Bot, chat_id: int, carried: dict[str, Any], *, silent: bool, reply_to: int | None
) -> Sent:
    """The original as it is, no header (an album's later parts, a resent original)."""
    copied = await bot.copy_message(
        chat_id,
        carried["chat"],
        carried["mid"],
        disable_notification=silent,
        reply_parameters=_reply(reply_to),
    )
    return Sent(copied.message_id, True, False)


async def deliver(
    bot: Bot,
    chat_id: int,
    carried: dict[str, Any],
    header: str,
    *,
    silent: bool = False,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
    progress: list[Sent] | None = None,
    resume: Resume | None = None,
) -> list[Sent]:
    """Send the carried message; returns what was sent. When it takes several messages,
    each is added to `progress` as soon as Telegram took it, and `resume` (what an
    earlier, interrupted try had sent) makes this try go on from there."""
    kind = carried.get("kind")
    reply = _reply(reply_to)
    shift = utf16_len(header) + 2
    done = resume.done if resume else 0
    progress = progress if progress is not None else []
    if kind == "text":
        full = f"{header}\n\n{carried.get('text', '')}"
        if utf16_len(full) <= MESSAGE_LIMIT:
            sent = await bot.send_message(
                chat_id,
                full,
                parse_mode=None,
                entities=_bold(header) + _shift(carried.get("entities"), shift),
                disable_notification=silent,
                reply_markup=markup,
                reply_parameters=reply,
            )
            return [Sent(sent.message_id, True, True)]
        pieces = split_text(full, MESSAGE_LIMIT)
        for index, piece in enumerate(pieces):
            if index < done:
                continue
            sent = await bot.send_message(
                chat_id,
                piece,
                parse_mode=None,
                entities=_bold(header) if index == 0 else None,
                disable_notification=silent,
                reply_markup=markup if index == len(pieces) - 1 else None,
                reply_parameters=reply if index == 0 else None,
            )
            progress.append(Sent(sent.message_id, index == 0, index == 0))
        return list(progress)
    if kind in CAPTIONABLE:
        caption = carried.get("caption") or ""
        full = f"{header}\n\n{caption}" if caption else header
        if utf16_len(full) <= CAPTION_LIMIT:
            copied = await bot.copy_message(
                chat_id,
                carried["chat"],
                carried["mid"],
                caption=full,
                parse_mode=None,
                caption_entities=_bold(header) + _shift(carried.get("entities"), shift),
                disable_notification=silent,
                reply_markup=markup,
                reply_parameters=reply,
            )
            return [Sent(copied.message_id, True, True)]
    if resume is not None and resume.done and resume.head is not None:
        head_id = resume.head
    else:
        head = await send_header(
            bot, chat_id, header, silent=silent, markup=markup, reply_to=reply_to
        )
        progress.append(head)
        head_id = head.message_id
    progress.append(await copy_plain(bot, chat_id, carried, silent=silent, reply_to=head_id))
    return list(progress)


async def apply_edit(
    bot: Bot,
    chat_id: int,
    copy_id: int,
    carried: dict[str, Any],
    header: str | None,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Update our copy after the original was edited; False when that is impossible."""
    prefix = f"{header}\n\n" if header else ""
    entities = _bold(header) if header else []
    try:
        if carried.get("kind") == "text":
            full = prefix + carried.get("text", "")
            if utf16_len(full) > MESSAGE_LIMIT:
                return False
            await bot.edit_message_text(
                text=full,
                chat_id=chat_id,
                message_id=copy_id,
                parse_mode=None,
                entities=entities + _shift(carried.get("entities"), utf16_len(prefix)),
                reply_markup=markup,
            )
            return True
        caption = prefix + (carried.get("caption") or "")
        if utf16_len(caption) > CAPTION_LIMIT:
            return False
        await bot.edit_message_caption(
            chat_id=chat_id,
            message_id=copy_id,
            caption=caption,
            parse_mode=None,
            caption_entities=entities + _shift(carried.get("entities"), utf16_len(prefix)),
            reply_markup=markup,
        )
        return True
    except TelegramBadRequest:
        return False
