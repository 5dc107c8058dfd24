"""The user side: fake Telegram users and groups that talk to the bot."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .entities import command_entities
from .models import BotMessage, CallbackQuery, Chat, strip_reply

if TYPE_CHECKING:
    from .server import FakeTelegram

Predicate = Callable[[BotMessage], bool]


class UserMessage(dict):
    """A message a fake user sent: the Message JSON, with attribute access."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _message_id(value: int | BotMessage | dict | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, BotMessage):
        return value.message_id
    if isinstance(value, dict):
        return int(value["message_id"])
    return int(value)


def _matches(message: BotMessage, contains: str | None, predicate: Predicate | None) -> bool:
    if contains is not None and contains not in message.text:
        return False
    return predicate is None or predicate(message)


class _Inbox:
    """Reading what the bot sent to one chat, with a read cursor."""

    def __init__(self, fake: FakeTelegram, chat_id: int) -> None:
        self._fake = fake
        self.chat_id = chat_id
        self._cursor = 0

    @property
    def _chat(self) -> Chat:
        return self._fake.chats[self.chat_id]

    @property
    def messages(self) -> list[BotMessage]:
        """Everything the bot sent to this chat, oldest first."""
        with self._fake._lock:
            return list(self._chat.bot_messages)

    @property
    def last(self) -> BotMessage | None:
        with self._fake._lock:
            messages = self._chat.bot_messages
            return messages[-1] if messages else None

    def skip(self) -> None:
        """Move the read cursor past every message received so far."""
        with self._fake._lock:
            self._cursor = len(self._chat.bot_messages)

    def _describe(self, start: int = 0) -> str:
        lines = [
            f"  [{'new' if index >= self._cursor else 'read'}] {message}"
            for index, message in enumerate(self._chat.bot_messages[start:], start)
        ]
        return "\n".join(lines) or "  (nothing)"

    def wait_for(
        self,
        contains: str | None = None,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
    ) -> BotMessage:
        """Wait for the next unread message matching; move the cursor past it."""
        deadline = time.monotonic() + timeout
        with self._fake._cond:
            while True:
                messages = self._chat.bot_messages
                for index in range(self._cursor, len(messages)):
                    if _matches(messages[index], contains, predicate):
                        self._cursor = index + 1
                        return messages[index]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"chat {self.chat_id}: no message containing {contains!r} "
                        f"within {timeout} s; received:\n{self._describe()}"
                    )
                self._fake._cond.wait(remaining)

    def wait_edit(
        self,
        message: BotMessage | int,
        contains: str | None = None,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
    ) -> BotMessage:
        """Wait until ``message`` has been edited and its current version matches."""
        message_id = _message_id(message)
        deadline = time.monotonic() + timeout
        with self._fake._cond:
            while True:
                live = self._chat.bot_by_id.get(message_id)  # type: ignore[arg-type]
                if live is not None and live.edits and _matches(live, contains, predicate):
                    return live
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    state = "unknown message" if live is None else f"{live} edits={live.edits}"
                    raise AssertionError(
                        f"chat {self.chat_id}: message {message_id} got no edit containing "
                        f"{contains!r} within {timeout} s; now: {state}"
                    )
                self._fake._cond.wait(remaining)

    def assert_no_message(self, within: float = 0.5, contains: str | None = None) -> None:
        """Fail if an unread message (optionally containing ``contains``) arrives in time."""
        deadline = time.monotonic() + within
        with self._fake._cond:
            while True:
                messages = self._chat.bot_messages
                for message in messages[self._cursor :]:
                    if _matches(message, contains, None):
                        raise AssertionError(
                            f"chat {self.chat_id}: unexpected message {message}; "
                            f"received:\n{self._describe()}"
                        )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._fake._cond.wait(remaining)


class FakeUser(_Inbox):
    """A Telegram user chatting with the bot in a private chat (chat id == user id)."""

    def __init__(
        self,
        fake: FakeTelegram,
        id: int,
        first_name: str,
        language_code: str | None = "ru",
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        super().__init__(fake, id)
        self.id = id
        self.first_name = first_name
        self.language_code = language_code
        self.last_name = last_name
        self.username = username
        self.callback_answers: list[dict[str, Any]] = []

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.first_name!r})"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    # ----------------------------------------------------------------- sending

    def _post(
        self,
        chat: Chat,
        content: dict[str, Any],
        reply_to: int | BotMessage | dict | None = None,
    ) -> UserMessage:
        """Store a message from this user in ``chat`` and queue the update."""
        fake = self._fake
        with fake._cond:
            message_id = chat.next_message_id()
            raw: dict[str, Any] = {
                "message_id": message_id,
                "from": self.to_json(),
                "chat": chat.to_json(),
                "date": fake.unix_now(),
                **copy.deepcopy(content),
            }
            reply_id = _message_id(reply_to)
            if reply_id is not None:
                replied = chat.message(reply_id)
                if replied is None:
                    raise AssertionError(f"message {reply_id} does not exist in chat {chat.id}")
                raw["reply_to_message"] = strip_reply(replied)
            chat.messages[message_id] = raw
        fake.push_update("message", raw)
        return UserMessage(copy.deepcopy(raw))

    def _media(
        self,
        kind: str,
        caption: str | None = None,
        file_name: str | None = None,
        content: bytes | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        with self._fake._lock:
            media = self._fake.files.create_media(kind, content, file_name)
        content: dict[str, Any] = {kind: media, **extra}
        if caption:
            content["caption"] = caption
        return content

    def send(
        self,
        text: str,
        reply_to: int | BotMessage | dict | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> UserMessage:
        """Send a text message (a leading ``/command`` gets a bot_command entity)."""
        content: dict[str, Any] = {"text": text}
        found = entities if entities is not None else command_entities(text)
        if found:
            content["entities"] = found
        return self._post(self._chat, content, reply_to)

    def send_photo(
        self,
        caption: str | None = None,
        reply_to: int | BotMessage | dict | None = None,
        content: bytes | None = None,
    ) -> UserMessage:
        """Send a photo (``content``: the image's bytes; a placeholder when omitted)."""
        return self._post(self._chat, self._media("photo", caption, content=content), reply_to)

    def send_document(
        self,
        caption: str | None = None,
        file_name: str = "doc.pdf",
        reply_to: int | BotMessage | dict | None = None,
        content: bytes | None = None,
    ) -> UserMessage:
        media = self._media("document", caption, file_name, content=content)
        return self._post(self._chat, media, reply_to)

    def send_voice(self, reply_to: int | BotMessage | dict | None = None) -> UserMessage:
        return self._post(self._chat, self._media("voice"), reply_to)

    def send_video(
        self, caption: str | None = None, reply_to: int | BotMessage | dict | None = None
    ) -> UserMessage:
        return self._post(self._chat, self._media("video", caption), reply_to)

    def send_video_note(self, reply_to: int | BotMessage | dict | None = None) -> UserMessage:
        return self._post(self._chat, self._media("video_note"), reply_to)

    def send_audio(self, reply_to: int | BotMessage | dict | None = None) -> UserMessage:
        return self._post(self._chat, self._media("audio", file_name="track.mp3"), reply_to)

    def send_sticker(self, reply_to: int | BotMessage | dict | None = None) -> UserMessage:
        return self._post(self._chat, self._media("sticker"), reply_to)

    def send_album(self, n: int = 2, caption: str | None = None) -> list[UserMessage]:
        """``n`` photo messages sharing a media_group_id (one update each)."""
        with self._fake._lock:
            self._fake._query_counter += 1
            group_id = f"9{self.id}{self._fake._query_counter:06d}"
        return [
            self._post(
                self._chat,
                self._media("photo", caption if index == 0 else None, media_group_id=group_id),
            )
            for index in range(n)
        ]

    def send_contact(
        self, phone_number: str = "+79990000000", first_name: str | None = None
    ) -> UserMessage:
        """Share this user's own contact."""
        contact = {
            "phone_number": phone_number,
            "first_name": first_name or self.first_name,
            "user_id": self.id,
        }
        return self._post(self._chat, {"contact": contact})

    def edit(self, message_id: int | dict, new_text: str) -> UserMessage:
        """Edit one of this user's text messages (an ``edited_message`` update)."""
        target = _message_id(message_id)
        fake = self._fake
        with fake._cond:
            raw = self._chat.message(target)  # type: ignore[arg-type]
            if raw is None or raw.get("from", {}).get("id") != self.id:
                raise AssertionError(f"user {self.id} has no message {target} to edit")
            raw["text"] = new_text
            raw.pop("entities", None)
            found = command_entities(new_text)
            if found:
                raw["entities"] = found
            raw["edit_date"] = fake.unix_now()
            snapshot = copy.deepcopy(raw)
        fake.push_update("edited_message", snapshot)
        return UserMessage(snapshot)

    def press(
        self,
        button_text: str | None = None,
        data: str | None = None,
        message: BotMessage | None = None,
    ) -> str:
        """Press an inline button (or send a forged ``data`` payload); return the query id."""
        fake = self._fake
        with fake._lock:
            chat = self._chat
            if button_text is not None:
                candidates = [message] if message is not None else reversed(chat.bot_messages)
                target, button = None, None
                for candidate in candidates:
                    if candidate.deleted and message is None:
                        continue
                    button = candidate.find_button(button_text)
                    if button is not None:
                        target = candidate
                        break
                if target is None or button is None:
                    raise AssertionError(
                        f"user {self.id}: no inline button {button_text!r}; "
                        f"received:\n{self._describe()}"
                    )
                if "callback_data" not in button:
                    raise AssertionError(f"button {button_text!r} has no callback_data: {button}")
                payload = button["callback_data"]
            else:
                target = message if message is not None else (chat.bot_messages or [None])[-1]
                if target is None:
                    raise AssertionError(f"user {self.id}: no bot message to attach a query to")
                payload = data
            query_id = fake.new_callback_query_id(self.id)
            fake.callback_queries[query_id] = CallbackQuery(
                query_id, self.id, chat.id, target.message_id, payload
            )
            if target.deleted:
                attached: dict[str, Any] = {
                    "chat": chat.to_json(),
                    "message_id": target.message_id,
                    "date": 0,
                }
            else:
                attached = copy.deepcopy(target.raw)
            query: dict[str, Any] = {
                "id": query_id,
                "from": self.to_json(),
                "chat_instance": f"-{abs(chat.id)}777",
                "message": attached,
            }
            if payload is not None:
                query["data"] = payload
        fake.push_update("callback_query", query)
        return query_id

    def wait_answer(self, query_id: str, timeout: float = 10.0) -> str:
        """Wait until the bot answers the press ``query_id``; the answer's text (a toast)."""
        deadline = time.monotonic() + timeout
        with self._fake._cond:
            while True:
                for answer in self.callback_answers:
                    if answer["id"] == query_id:
                        return answer.get("text") or ""
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"user {self.id}: press {query_id} got no answer")
                self._fake._cond.wait(remaining)

    def _member_update(self, old: str, new: str) -> None:
        bot = self._fake.bot_user()
        old_member: dict[str, Any] = {"status": old, "user": bot}
        new_member: dict[str, Any] = {"status": new, "user": bot}
        for member in (old_member, new_member):
            if member["status"] == "kicked":
                member["until_date"] = 0
        self._fake.push_update(
            "my_chat_member",
            {
                "chat": self._chat.to_json(),
                "from": self.to_json(),
                "date": self._fake.unix_now(),
                "old_chat_member": old_member,
                "new_chat_member": new_member,
            },
        )

    def block(self) -> None:
        """Block the bot: sends to this chat now get 403; a my_chat_member update is queued."""
        with self._fake._lock:
            self._chat.blocked = True
        self._member_update("member", "kicked")

    def unblock(self) -> None:
        with self._fake._lock:
            self._chat.blocked = False
        self._member_update("kicked", "member")


class FakeGroup(_Inbox):
    """A group chat containing fake users and (after ``add_bot``) the bot."""

    def __init__(self, fake: FakeTelegram, chat_id: int, title: str) -> None:
        super().__init__(fake, chat_id)
        self.id = chat_id
        self.title = title

    def __repr__(self) -> str:
        return f"FakeGroup({self.id}, {self.title!r})"

    def send(
        self,
        from_user: FakeUser,
        text: str,
        reply_to: int | BotMessage | dict | None = None,
    ) -> UserMessage:
        content: dict[str, Any] = {"text": text}
        found = command_entities(text)
        if found:
            content["entities"] = found
        return from_user._post(self._chat, content, reply_to)

    def _member_update(self, by: FakeUser, old: str, new: str) -> None:
        bot = self._fake.bot_user()
        self._fake.push_update(
            "my_chat_member",
            {
                "chat": self._chat.to_json(),
                "from": by.to_json(),
                "date": self._fake.unix_now(),
                "old_chat_member": {"status": old, "user": bot},
                "new_chat_member": {"status": new, "user": bot},
            },
        )

    def add_bot(self, by: FakeUser, status: str = "member") -> None:
        """``by`` adds the bot to this group (``status`` may be "administrator")."""
        if status == "administrator":
            self._admin_update(by)
            return
        self._member_update(by, "left", status)

    def remove_bot(self, by: FakeUser) -> None:
        self._member_update(by, "member", "left")

    def _admin_update(self, by: FakeUser) -> None:
        bot = self._fake.bot_user()
        rights = {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": True,
            "can_manage_video_chats": True,
            "can_restrict_members": True,
            "can_promote_members": False,
            "can_change_info": True,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
        }
        self._fake.push_update(
            "my_chat_member",
            {
                "chat": self._chat.to_json(),
                "from": by.to_json(),
                "date": self._fake.unix_now(),
                "old_chat_member": {"status": "left", "user": bot},
                "new_chat_member": {"status": "administrator", "user": bot, **rights},
            },
        )
