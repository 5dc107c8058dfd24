"""The Bot API methods served by the fake (all called under the owner's lock)."""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import errors as err
from .entities import format_text, utf16_len
from .errors import TelegramError, bad_request
from .models import CAPTION_KINDS, BotMessage, Chat, message_content, strip_reply

if TYPE_CHECKING:
    from .server import FakeTelegram

Upload = tuple[bytes, str | None]
MAX_TEXT = 4096
MAX_CAPTION = 1024
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SEND_MEDIA = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvoice": "voice",
    "sendvideo": "video",
    "sendvideonote": "video_note",
    "sendaudio": "audio",
    "sendsticker": "sticker",
    "sendanimation": "animation",
}


def scope_key(scope: dict[str, Any] | None) -> str:
    """Canonical JSON of a BotCommandScope (``None`` = default scope)."""
    scope = dict(scope or {"type": "default"})
    if "chat_id" in scope:
        try:
            scope["chat_id"] = int(scope["chat_id"])
        except (TypeError, ValueError):
            scope["chat_id"] = str(scope["chat_id"])
    if "user_id" in scope:
        scope["user_id"] = int(scope["user_id"])
    return json.dumps(scope, sort_keys=True, separators=(",", ":"))


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


class BotApi:
    """Implementation of the synchronous Bot API methods over the fake's state."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self._group_counter = itertools.count(1)
        self.methods: dict[str, Callable[[dict[str, Any], dict[str, Upload]], Any]] = {
            "getme": self.get_me,
            "sendmessage": self.send_message,
            "copymessage": self.copy_message,
            "copymessages": self.copy_messages,
            "forwardmessage": self.forward_message,
            "forwardmessages": self.forward_messages,
            "sendmediagroup": self.send_media_group,
            "getfile": self.get_file,
            "editmessagetext": self.edit_message_text,
            "editmessagecaption": self.edit_message_caption,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "deletemessage": self.delete_message,
            "deletemessages": self.delete_messages,
            "answercallbackquery": self.answer_callback_query,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "sendchataction": self.send_chat_action,
            "getchat": self.get_chat,
            "getchatmember": self.get_chat_member,
            "setwebhook": self.set_webhook,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "sendcontact": self.send_contact,
            "getuserprofilephotos": lambda params, files: {"total_count": 0, "photos": []},
        }
        for name in (
            "setchatmenubutton",
            "setmydescription",
            "setmyshortdescription",
            "setmyname",
            "setmydefaultadministratorrights",
            "setmessagereaction",
            "pinchatmessage",
            "unpinchatmessage",
            "unpinallchatmessages",
            "leavechat",
            "close",
            "logout",
        ):
            self.methods[name] = self.accept
        self.methods["getmydescription"] = lambda params, files: {"description": ""}
        self.methods["getmyshortdescription"] = lambda params, files: {"short_description": ""}
        self.methods["getmyname"] = lambda params, files: {"name": self.fake.bot_first_name}
        self.methods["getchatmenubutton"] = lambda params, files: {"type": "default"}
        for name, kind in _SEND_MEDIA.items():
            self.methods[name] = self._media_sender(kind)

    # ----------------------------------------------------------------- helpers

    def accept(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        if "chat_id" in params:
            self.chat(params)
        return True

    def chat(self, params: dict[str, Any], key: str = "chat_id") -> Chat:
        value = params.get(key)
        if value is None or value == "":
            raise bad_request(f"{key} is empty")
        chat = None
        if isinstance(value, str) and value.startswith("@"):
            for candidate in self.fake.chats.values():
                if candidate.username and f"@{candidate.username}" == value:
                    chat = candidate
        else:
            try:
                chat = self.fake.chats.get(int(value))
            except (TypeError, ValueError):
                chat = None
        if chat is None:
            raise bad_request(err.CHAT_NOT_FOUND)
        return chat

    @staticmethod
    def check_blocked(chat: Chat) -> None:
        if chat.blocked:
            raise TelegramError(403, err.BLOCKED)

    @staticmethod
    def formatted(
        params: dict[str, Any], text_key: str, entities_key: str, limit: int, too_long: str
    ) -> tuple[str, list[dict[str, Any]]]:
        text, entities = format_text(
            params.get(text_key), params.get("parse_mode"), params.get(entities_key)
        )
        if utf16_len(text) > limit:
            raise bad_request(too_long)
        return text, entities

    @staticmethod
    def markup(params: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """Validate reply_markup; return (JSON to put into the Message, BotMessage fields)."""
        markup = params.get("reply_markup")
        fields: dict[str, Any] = {"buttons": []}
        if not markup:
            return None, fields
        if isinstance(markup, str):
            try:
                markup = json.loads(markup)
            except ValueError as exc:
                raise bad_request("can't parse reply keyboard markup JSON object") from exc
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            for row in rows:
                for button in row:
                    if not button.get("text"):
                        raise bad_request("text buttons are unallowed in the inline keyboard")
                    data = button.get("callback_data")
                    if data is not None:
                        size = len(str(data).encode("utf-8"))
                        if size < 1 or size > 64:
                            raise bad_request(err.BUTTON_DATA_INVALID)
                    elif not any(
                        key in button
                        for key in (
                            "url",
                            "web_app",
                            "login_url",
                            "switch_inline_query",
                            "switch_inline_query_current_chat",
                            "switch_inline_query_chosen_chat",
                            "copy_text",
                            "callback_game",
                            "pay",
                        )
                    ):
                        raise bad_request("text buttons are unallowed in the inline keyboard")
            fields["buttons"] = copy.deepcopy(rows)
            return {"inline_keyboard": copy.deepcopy(rows)}, fields
        if markup.get("force_reply"):
            fields["force_reply"] = True
        elif markup.get("remove_keyboard"):
            fields["remove_keyboard"] = True
        elif "keyboard" in markup:
            fields["reply_keyboard"] = [
                [button if isinstance(button, str) else button.get("text", "") for button in row]
                for row in markup["keyboard"]
            ]
        return None, fields

    @staticmethod
    def reply_target(params: dict[str, Any], chat: Chat) -> dict[str, Any] | None:
        """The message being replied to (None when there is none or it may be missing)."""
        reply = params.get("reply_parameters")
        if isinstance(reply, str):
            reply = json.loads(reply)
        if reply:
            message_id = reply.get("message_id")
            allow = _flag(reply.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id"):
            message_id = params["reply_to_message_id"]
            allow = _flag(params.get("allow_sending_without_reply"))
        else:
            return None
        target = chat.message(int(message_id))
        if target is None and not allow:
            raise bad_request(err.REPLY_NOT_FOUND)
        return target

    def store(
        self,
        chat: Chat,
        kind: str,
        text: str,
        entities: list[dict[str, Any]],
        params: dict[str, Any],
        method: str,
        media: Any = None,
        reply: dict[str, Any] | None = None,
        markup: tuple[dict[str, Any] | None, dict[str, Any]] = (None, {"buttons": []}),
        media_group_id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> BotMessage:
        """Create a bot message in ``chat`` and return its live BotMessage."""
        message_id = chat.next_message_id()
        raw: dict[str, Any] = {
            "message_id": message_id,
            "from": self.fake.bot_user(),
            "chat": chat.to_json(),
            "date": self.fake.unix_now(),
        }
        if kind == "text":
            raw["text"] = text
            if entities:
                raw["entities"] = entities
        else:
            raw[kind] = copy.deepcopy(media)
            if kind == "animation":
                raw["document"] = copy.deepcopy(media)
            if text:
                raw["caption"] = text
                if entities:
                    raw["caption_entities"] = entities
        if media_group_id:
            raw["media_group_id"] = media_group_id
        if reply is not None:
            raw["reply_to_message"] = strip_reply(reply)
        markup_json, fields = markup
        if markup_json:
            raw["reply_markup"] = markup_json
        if extra:
            raw.update(extra)
        file_name = media.get("file_name") if isinstance(media, dict) else None
        file_id = None
        if isinstance(media, list) and media:
            file_id = media[-1]["file_id"]
        elif isinstance(media, dict):
            file_id = media.get("file_id")
        message = BotMessage(
            message_id=message_id,
            chat_id=chat.id,
            kind=kind,
            text=text,
            entities=list(entities),
            reply_to_message_id=reply["message_id"] if reply else None,
            media_group_id=media_group_id,
            disable_notification=_flag(params.get("disable_notification")),
            file_name=file_name,
            file_id=file_id,
            method=method,
            raw=raw,
            **fields,
        )
        chat.messages[message_id] = raw
        chat.bot_messages.append(message)
        chat.bot_by_id[message_id] = message
        return message

    def input_media(self, kind: str, value: Any, files: dict[str, Upload]) -> Any:
        """Resolve an InputFile value (file_id, URL or ``attach://`` upload) to media JSON."""
        store = self.fake.files
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(err.WRONG_FILE_ID)
            return store.create_media(kind, upload[0], upload[1])
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1] or None
            return store.create_media(kind, value.encode(), name)
        if isinstance(value, str) and (media := store.media_for(value)) is not None:
            return copy.deepcopy(media)
        raise bad_request(err.WRONG_FILE_ID)

    # ----------------------------------------------------------------- methods

    def get_me(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        return {
            **self.fake.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def send_message(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        chat = self.chat(params)
        text, entities = self.formatted(params, "text", "entities", MAX_TEXT, err.TEXT_TOO_LONG)
        if not text:
            raise bad_request(err.TEXT_EMPTY)
        markup = self.markup(params)
        reply = self.reply_target(params, chat)
        self.check_blocked(chat)
        message = self.store(
            chat, "text", text, entities, params, "sendMessage", reply=reply, markup=markup
        )
        return copy.deepcopy(message.raw)

    def send_contact(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        chat = self.chat(params)
        markup = self.markup(params)
        reply = self.reply_target(params, chat)
        self.check_blocked(chat)
        contact = {
            "phone_number": str(params.get("phone_number", "")),
            "first_name": str(params.get("first_name", "")),
        }
        message = self.store(chat, "contact", "", [], params, "sendContact", contact, reply, markup)
        return copy.deepcopy(message.raw)

    def _media_sender(self, kind: str) -> Callable[[dict[str, Any], dict[str, Upload]], Any]:
        def send(params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
            chat = self.chat(params)
            caption, entities = ("", [])
            if kind in CAPTION_KINDS:
                caption, entities = self.formatted(
                    params, "caption", "caption_entities", MAX_CAPTION, err.CAPTION_TOO_LONG
                )
            if params.get(kind) in (None, ""):
                raise bad_request(f"there is no {kind} in the request")
            markup = self.markup(params)
            reply = self.reply_target(params, chat)
            self.check_blocked(chat)
            media = self.input_media(kind, params[kind], files)
            method = "send" + "".join(part.title() for part in kind.split("_"))
            message = self.store(
                chat, kind, caption, entities, params, method, media, reply, markup
            )
            return copy.deepcopy(message.raw)

        return send

    def send_media_group(
        self, params: dict[str, Any], files: dict[str, Upload]
    ) -> list[dict[str, Any]]:
        chat = self.chat(params)
        media = params.get("media")
        if isinstance(media, str):
            media = json.loads(media)
        if not media:
            raise bad_request("media to send are not specified")
        if len(media) < 2:
            raise bad_request("too few messages to send as an album")
        if len(media) > 10:
            raise bad_request("too much messages to send as an album")
        prepared = []
        for item in media:
            kind = item.get("type")
            if kind not in ("photo", "video", "document", "audio"):
                raise bad_request("can't parse InputMedia: unsupported media type")
            caption, entities = self.formatted(
                item, "caption", "caption_entities", MAX_CAPTION, err.CAPTION_TOO_LONG
            )
            prepared.append((kind, caption, entities, item.get("media")))
        reply = self.reply_target(params, chat)
        self.check_blocked(chat)
        group_id = f"1{next(self._group_counter):017d}"
        result = []
        for kind, caption, entities, value in prepared:
            media_json = self.input_media(kind, value, files)
            message = self.store(
                chat,
                kind,
                caption,
                entities,
                params,
                "sendMediaGroup",
                media_json,
                reply,
                media_group_id=group_id,
            )
            result.append(copy.deepcopy(message.raw))
        return result

    def _copy_one(
        self,
        params: dict[str, Any],
        source_chat: Chat,
        target: Chat,
        source: dict[str, Any],
        method: str,
        group_ids: dict[str, str],
        forward: bool,
        reply: dict[str, Any] | None = None,
        markup: tuple[dict[str, Any] | None, dict[str, Any]] = (None, {"buttons": []}),
        override_caption: bool = False,
    ) -> BotMessage:
        kind, text, entities = message_content(source)
        if kind != "text" and override_caption:
            text, entities = self.formatted(
                params, "caption", "caption_entities", MAX_CAPTION, err.CAPTION_TOO_LONG
            )
        if kind != "text" and _flag(params.get("remove_caption")) and not forward:
            text, entities = "", []
        media = source.get(kind)
        group_id = None
        if source.get("media_group_id"):
            source_group = source["media_group_id"]
            if source_group not in group_ids:
                group_ids[source_group] = f"2{next(self._group_counter):017d}"
            group_id = group_ids[source_group]
        extra: dict[str, Any] = {}
        if forward:
            sender = source.get("from") or {}
            extra["forward_origin"] = {
                "type": "user",
                "sender_user": sender,
                "date": source.get("date", self.fake.unix_now()),
            }
        message = self.store(
            target,
            kind,
            text,
            entities,
            params,
            method,
            media,
            reply,
            markup,
            media_group_id=group_id,
            extra=extra,
        )
        if forward:
            message.forwarded_from = (source_chat.id, source["message_id"])
        else:
            message.copied_from = (source_chat.id, source["message_id"])
        return message

    def copy_message(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        source_chat = self.chat(params, "from_chat_id")
        target = self.chat(params)
        source = source_chat.message(int(params.get("message_id") or 0))
        if source is None:
            raise bad_request(err.COPY_NOT_FOUND)
        markup = self.markup(params)
        reply = self.reply_target(params, target)
        self.check_blocked(target)
        message = self._copy_one(
            params,
            source_chat,
            target,
            source,
            "copyMessage",
            {},
            forward=False,
            reply=reply,
            markup=markup,
            override_caption="caption" in params,
        )
        return {"message_id": message.message_id}

    def _many(self, params: dict[str, Any], forward: bool) -> list[dict[str, Any]]:
        source_chat = self.chat(params, "from_chat_id")
        target = self.chat(params)
        ids = params.get("message_ids") or []
        if isinstance(ids, str):
            ids = json.loads(ids)
        if not ids or len(ids) > 100:
            raise bad_request("message_ids is empty" if not ids else "too many messages")
        sources = [source_chat.message(int(item)) for item in sorted(ids)]
        found = [source for source in sources if source is not None]
        if not found:
            raise bad_request(err.FORWARD_NOT_FOUND if forward else err.COPY_NOT_FOUND)
        self.check_blocked(target)
        groups: dict[str, str] = {}
        method = "forwardMessages" if forward else "copyMessages"
        return [
            {
                "message_id": self._copy_one(
                    params, source_chat, target, source, method, groups, forward
                ).message_id
            }
            for source in found
        ]

    def copy_messages(self, params: dict[str, Any], files: dict[str, Upload]) -> list:
        return self._many(params, forward=False)

    def forward_messages(self, params: dict[str, Any], files: dict[str, Upload]) -> list:
        return self._many(params, forward=True)

    def forward_message(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        source_chat = self.chat(params, "from_chat_id")
        target = self.chat(params)
        source = source_chat.message(int(params.get("message_id") or 0))
        if source is None:
            raise bad_request(err.FORWARD_NOT_FOUND)
        self.check_blocked(target)
        message = self._copy_one(
            params, source_chat, target, source, "forwardMessage", {}, forward=True
        )
        return copy.deepcopy(message.raw)

    def get_file(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        record = self.fake.files.by_id.get(str(params.get("file_id", "")))
        if record is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.content),
            "file_path": record.file_path,
        }

    def _editable(self, params: dict[str, Any]) -> tuple[Chat, BotMessage]:
        if params.get("inline_message_id"):
            raise bad_request(err.EDIT_NOT_FOUND)
        chat = self.chat(params)
        message_id = int(params.get("message_id") or 0)
        if chat.message(message_id) is None:
            raise bad_request(err.EDIT_NOT_FOUND)
        message = chat.bot_by_id.get(message_id)
        if message is None:
            raise bad_request(err.CANT_EDIT)
        return chat, message

    def _apply_edit(
        self,
        message: BotMessage,
        text: str,
        entities: list[dict[str, Any]],
        markup: tuple[dict[str, Any] | None, dict[str, Any]],
    ) -> dict[str, Any]:
        markup_json, fields = markup
        buttons = fields["buttons"]
        if text == message.text and entities == message.entities and buttons == message.buttons:
            raise bad_request(err.NOT_MODIFIED)
        message.edits.append(message.snapshot())
        raw = message.raw
        text_key, entities_key = (
            ("text", "entities") if message.kind == "text" else ("caption", "caption_entities")
        )
        raw.pop(entities_key, None)
        raw.pop(text_key, None)
        if text or message.kind == "text":
            raw[text_key] = text
        if entities:
            raw[entities_key] = entities
        raw.pop("reply_markup", None)
        if markup_json:
            raw["reply_markup"] = markup_json
        raw["edit_date"] = self.fake.unix_now()
        message.text = text
        message.entities = list(entities)
        message.buttons = buttons
        return copy.deepcopy(raw)

    def edit_message_text(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        chat, message = self._editable(params)
        if message.kind != "text":
            raise bad_request(err.NO_TEXT_TO_EDIT)
        text, entities = self.formatted(params, "text", "entities", MAX_TEXT, err.TEXT_TOO_LONG)
        if not text:
            raise bad_request(err.TEXT_EMPTY)
        markup = self.markup(params)
        self.check_blocked(chat)
        return self._apply_edit(message, text, entities, markup)

    def edit_message_caption(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        chat, message = self._editable(params)
        if message.kind not in CAPTION_KINDS:
            raise bad_request(err.NO_CAPTION_TO_EDIT)
        caption, entities = self.formatted(
            params, "caption", "caption_entities", MAX_CAPTION, err.CAPTION_TOO_LONG
        )
        markup = self.markup(params)
        self.check_blocked(chat)
        return self._apply_edit(message, caption, entities, markup)

    def edit_message_reply_markup(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        chat, message = self._editable(params)
        markup = self.markup(params)
        self.check_blocked(chat)
        return self._apply_edit(message, message.text, message.entities, markup)

    def delete_message(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        chat = self.chat(params)
        message_id = int(params.get("message_id") or 0)
        if chat.message(message_id) is None:
            raise bad_request(err.DELETE_NOT_FOUND)
        self._delete(chat, message_id)
        return True

    def delete_messages(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        chat = self.chat(params)
        ids = params.get("message_ids") or []
        if isinstance(ids, str):
            ids = json.loads(ids)
        for message_id in ids:
            if chat.message(int(message_id)) is not None:
                self._delete(chat, int(message_id))
        return True

    @staticmethod
    def _delete(chat: Chat, message_id: int) -> None:
        chat.deleted.add(message_id)
        if message_id in chat.bot_by_id:
            chat.bot_by_id[message_id].deleted = True

    def answer_callback_query(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        query = self.fake.callback_queries.get(str(params.get("callback_query_id", "")))
        if query is None or query.answered:
            raise bad_request(err.QUERY_INVALID)
        query.answered = True
        answer = {
            "id": query.id,
            "text": params.get("text"),
            "show_alert": _flag(params.get("show_alert")),
            "url": params.get("url"),
            "cache_time": params.get("cache_time"),
        }
        user = self.fake.users.get(query.user_id)
        if user is not None:
            user.callback_answers.append(answer)
        return True

    def set_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an array of BotCommand")
        for command in commands:
            if not _COMMAND_RE.match(str(command.get("command", "")).lower()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be non-empty")
        key = self._commands_key(params)
        self.fake.command_sets[key] = [
            {"command": str(item["command"]), "description": str(item["description"])}
            for item in commands
        ]
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        if isinstance(scope, str):
            scope = json.loads(scope)
        if scope and "chat_id" in scope:
            self.chat(scope)
        return scope_key(scope), str(params.get("language_code") or "")

    def get_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> list:
        return copy.deepcopy(self.fake.command_sets.get(self._commands_key(params), []))

    def delete_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        self.fake.command_sets.pop(self._commands_key(params), None)
        return True

    def send_chat_action(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        chat = self.chat(params)
        if not params.get("action"):
            raise bad_request("action is empty")
        self.check_blocked(chat)
        return True

    def get_chat(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        chat = self.chat(params)
        return {
            **chat.to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def get_chat_member(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        chat = self.chat(params)
        user_id = int(params.get("user_id") or 0)
        if user_id == self.fake.bot_id:
            if chat.blocked:
                return {"status": "kicked", "user": self.fake.bot_user(), "until_date": 0}
            return {"status": "member", "user": self.fake.bot_user()}
        user = self.fake.users.get(user_id)
        if user is None or (chat.type == "private" and chat.id != user_id):
            raise bad_request("user not found")
        return {"status": "member", "user": user.to_json()}

    def set_webhook(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            self.fake.remove_webhook(drop_pending=False)
            return True
        if not url.startswith(("http://", "https://")):
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        if params.get("drop_pending_updates") and _flag(params["drop_pending_updates"]):
            self.fake.drop_updates()
        allowed = params.get("allowed_updates")
        self.fake.install_webhook(
            url=url,
            secret_token=params.get("secret_token"),
            allowed_updates=allowed if isinstance(allowed, list) else None,
        )
        return True

    def delete_webhook(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        self.fake.remove_webhook(drop_pending=_flag(params.get("drop_pending_updates")))
        return True

    def get_webhook_info(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        return self.fake.webhook_info()
