"""Carrying a person's message to another chat as one message with a header.

Text goes by sendMessage with the header in front and the entities shifted. Media is
copied with the header as its caption when that fits; otherwise (and for video notes
and stickers) a header message goes first and the copy replies to it. Texts over the
limit are split, so the header never causes a Telegram 400.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass
class Sent:
    message_id: int
    is_copy: bool  # carries the original's content (edits go here)
    with_header: bool


def _shift(entities: list[MessageEntity] | None, by: int) -> list[MessageEntity]:
    return [e.model_copy(update={"offset": e.offset + by}) for e in entities or []]


def _bold(header: str) -> list[MessageEntity]:
    return [MessageEntity(type="bold", offset=0, length=utf16_len(header))]


async def deliver(
    bot: Bot,
    chat_id: int,
    source: Message,
    header: str,
    *,
    silent: bool = False,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> list[Sent]:
    kind = kind_of(source)
    reply = (
        ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
    )
    if kind == "text":
        body = source.text or ""
        full = f"{header}\n\n{body}"
        if utf16_len(full) <= MESSAGE_LIMIT:
            sent = await bot.send_message(
                chat_id,
                full,
                parse_mode=None,
                entities=_bold(header) + _shift(source.entities, utf16_len(header) + 2),
                disable_notification=silent,
                reply_markup=markup,
                reply_parameters=reply,
            )
            return [Sent(sent.message_id, True, True)]
        result: list[Sent] = []
        pieces = split_text(full, MESSAGE_LIMIT)
        for index, piece in enumerate(pieces):
            sent = await bot.send_message(
                chat_id,
                piece,
                parse_mode=None,
                entities=_bold(header) if index == 0 else None,
                disable_notification=silent,
                reply_markup=markup if index == len(pieces) - 1 else None,
                reply_parameters=reply if index == 0 else None,
            )
            result.append(Sent(sent.message_id, index == 0, index == 0))
        return result
    if kind in CAPTIONABLE:
        caption = source.caption or ""
        full = f"{header}\n\n{caption}" if caption else header
        if utf16_len(full) <= CAPTION_LIMIT:
            copied = await bot.copy_message(
                chat_id,
                source.chat.id,
                source.message_id,
                caption=full,
                parse_mode=None,
                caption_entities=_bold(header)
                + _shift(source.caption_entities, utf16_len(header) + 2),
                disable_notification=silent,
                reply_markup=markup,
                reply_parameters=reply,
            )
            return [Sent(copied.message_id, True, True)]
    head = await bot.send_message(
        chat_id,
        header,
        parse_mode=None,
        entities=_bold(header),
        disable_notification=silent,
        reply_markup=markup,
        reply_parameters=reply,
    )
    copied = await bot.copy_message(
        chat_id,
        source.chat.id,
        source.message_id,
        disable_notification=silent,
        reply_parameters=ReplyParameters(message_id=head.message_id),
    )
    return [Sent(head.message_id, False, True), Sent(copied.message_id, True, False)]


async def apply_edit(
    bot: Bot, chat_id: int, copy_id: int, source: Message, header: str | None
) -> bool:
    """Update our copy after the original was edited; False when that is impossible."""
    prefix = f"{header}\n\n" if header else ""
    entities = _bold(header) if header else []
    try:
        if source.text is not None:
            full = prefix + source.text
            if utf16_len(full) > MESSAGE_LIMIT:
                return False
            await bot.edit_message_text(
                text=full,
                chat_id=chat_id,
                message_id=copy_id,
                parse_mode=None,
                entities=entities + _shift(source.entities, utf16_len(prefix)),
            )
            return True
        caption = prefix + (source.caption or "")
        if utf16_len(caption) > CAPTION_LIMIT:
            return False
        await bot.edit_message_caption(
            chat_id=chat_id,
            message_id=copy_id,
            caption=caption,
            parse_mode=None,
            caption_entities=entities + _shift(source.caption_entities, utf16_len(prefix)),
        )
        return True
    except TelegramBadRequest:
        return False
