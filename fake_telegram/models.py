"""State kept by the fake server: chats, messages, files, callback queries."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

MEDIA_KINDS = (
    "photo",
    "document",
    "voice",
    "video",
    "video_note",
    "audio",
    "sticker",
    "animation",
)
CAPTION_KINDS = ("photo", "document", "voice", "video", "audio", "animation")


@dataclass
class BotMessage:
    """A message the bot sent (live object: edits and deletion update it in place)."""

    message_id: int
    chat_id: int
    kind: str
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    reply_to_message_id: int | None = None
    media_group_id: str | None = None
    disable_notification: bool = False
    force_reply: bool = False
    reply_keyboard: list[list[str]] | None = None
    remove_keyboard: bool = False
    edits: list[dict[str, Any]] = field(default_factory=list)
    copied_from: tuple[int, int] | None = None
    forwarded_from: tuple[int, int] | None = None
    deleted: bool = False
    file_name: str | None = None
    file_id: str | None = None
    method: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    # time.monotonic() when the fake stored the message (benchmarks measure hops with it)
    sent_at: float = field(default_factory=time.monotonic, repr=False, compare=False)

    def button_texts(self) -> list[str]:
        """All inline button texts, row by row."""
        return [button.get("text", "") for row in self.buttons for button in row]

    def find_button(self, text: str) -> dict[str, Any] | None:
        """The inline button whose text equals ``text`` or, failing that, starts with it."""
        flat = [button for row in self.buttons for button in row]
        for button in flat:
            if button.get("text") == text:
                return button
        for button in flat:
            if button.get("text", "").startswith(text):
                return button
        return None

    def snapshot(self) -> dict[str, Any]:
        """The editable content of this message (what ``edits`` records)."""
        return {
            "text": self.text,
            "entities": copy.deepcopy(self.entities),
            "buttons": copy.deepcopy(self.buttons),
        }

    def __str__(self) -> str:
        return f"<{self.kind} #{self.message_id} in {self.chat_id}: {self.text!r}>"


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None = None


@dataclass
class Chat:
    """A chat the fake knows about: a user's private chat or a group."""

    id: int
    type: str
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    title: str | None = None
    blocked: bool = False
    last_message_id: int = 0
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    bot_messages: list[BotMessage] = field(default_factory=list)
    bot_by_id: dict[int, BotMessage] = field(default_factory=dict)

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("first_name", "last_name", "username", "title"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def message(self, message_id: int) -> dict[str, Any] | None:
        """The current JSON of a live (not deleted) message in this chat."""
        if message_id in self.deleted:
            return None
        return self.messages.get(message_id)


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False


@dataclass
class PendingUpdate:
    update_id: int
    kind: str
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


def message_content(raw: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    """``(kind, text_or_caption, entities)`` of a message JSON."""
    if "contact" in raw:
        return "contact", "", []
    for kind in MEDIA_KINDS:
        if kind in raw:
            if kind == "document" and "animation" in raw:
                continue
            return kind, raw.get("caption", ""), list(raw.get("caption_entities", []))
    return "text", raw.get("text", ""), list(raw.get("entities", []))


def strip_reply(raw: dict[str, Any]) -> dict[str, Any]:
    """A message JSON suitable as ``reply_to_message`` (no nested reply)."""
    data = copy.deepcopy(raw)
    data.pop("reply_to_message", None)
    return data
