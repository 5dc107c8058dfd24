"""The sandbox page's view of a chat: the stand-in's state turned into «Message JSON».

Pure functions over ``fake_telegram`` state (see the sandbox contract). Everything the page
shows as HTML is built here from the message's entities, and every piece of text or attribute
is escaped, so a message can never inject markup into the page.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fake_telegram.api import scope_key
from fake_telegram.entities import utf16_len
from fake_telegram.models import message_content

if TYPE_CHECKING:
    from fake_telegram import FakeTelegram
    from fake_telegram.models import Chat

SNIPPET_CHARS = 80

# Schemes a link may open from the page; anything else (javascript:, data:, ...) stays text.
_SAFE_HREF = re.compile(r"^(?:https?://|tg:)", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
# Links Telegram clients would make clickable even where the sender gave no entity.
_BARE_URL = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)
# a command starts the text or follows a space or an opening bracket or quote (not "</b>")
_BARE_COMMAND = re.compile(
    r"(?:^|(?<=[\s(\[«\"']))/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])"
)
_TRAILING_PUNCTUATION = ".,;:!?…"
_START_LINK = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:t|telegram)\.me/([A-Za-z0-9_]{3,64})/?\?start=([A-Za-z0-9_\-]{1,64})$",
    re.IGNORECASE,
)
_LANGUAGE = re.compile(r"^[A-Za-z0-9_+\-.#]{1,32}$")
# Entities under which no link is detected: code is shown as typed, links are links already.
_NO_AUTOLINK = frozenset(
    {"code", "pre", "url", "text_link", "email", "bot_command", "text_mention"}
)

_MEDIA_LABELS = {
    "ru": {
        "photo": "📷 Фото",
        "document": "📎 Документ",
        "voice": "🎤 Голосовое сообщение",
        "video": "🎬 Видео",
        "video_note": "⏺ Видеосообщение",
        "audio": "🎵 Аудио",
        "sticker": "Стикер",
        "animation": "GIF",
        "contact": "👤 Контакт",
        "message": "Сообщение",
    },
    "en": {
        "photo": "📷 Photo",
        "document": "📎 Document",
        "voice": "🎤 Voice message",
        "video": "🎬 Video",
        "video_note": "⏺ Video message",
        "audio": "🎵 Audio",
        "sticker": "Sticker",
        "animation": "GIF",
        "contact": "👤 Contact",
        "message": "Message",
    },
}


# --------------------------------------------------------------------- entities → HTML


def _attrs(**values: str | None) -> str:
    """` name="value"` pairs, escaped; ``class_`` stands for ``class``, ``data_x`` for data-x."""
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        attribute = name.rstrip("_").replace("_", "-")
        parts.append(f' {attribute}="{html.escape(value, quote=True)}"')
    return "".join(parts)


def _start_code(url: str, bot_username: str | None) -> str | None:
    """The payload of an invite link ``https://t.me/<bot>?start=<code>`` (else None)."""
    match = _START_LINK.match(url)
    if match is None:
        return None
    if bot_username and match.group(1).lower() != bot_username.lower():
        return None
    return match.group(2)


def _link_tag(url: str, bot_username: str | None) -> str:
    start = _start_code(url, bot_username)
    return "<a" + _attrs(
        href=url,
        target="_blank",
        rel="noopener",
        class_="start-link" if start is not None else None,
        data_start=start,
    )


def _open_tag(entity: dict[str, Any], covered: str, bot_username: str | None) -> str | None:
    """The opening tag of an entity (``None``: shown as plain text)."""
    kind = entity.get("type")
    simple = {
        "bold": "<b>",
        "italic": "<i>",
        "underline": "<u>",
        "strikethrough": "<s>",
        "spoiler": '<span class="spoiler">',
        "code": "<code>",
        "blockquote": "<blockquote>",
        "expandable_blockquote": '<blockquote class="expandable">',
    }
    if kind in simple:
        return simple[kind]
    if kind == "pre":
        language = str(entity.get("language") or "")
        if _LANGUAGE.match(language):
            return "<pre><code" + _attrs(class_=f"language-{language}") + ">"
        return "<pre><code>"
    if kind == "text_link":
        url = str(entity.get("url") or "")
        return _link_tag(url, bot_username) + ">" if _SAFE_HREF.match(url) else None
    if kind == "url":
        url = covered.strip()
        if not _HAS_SCHEME.match(url):
            url = "http://" + url
        return _link_tag(url, bot_username) + ">" if _SAFE_HREF.match(url) else None
    if kind == "email":
        return "<a" + _attrs(href=f"mailto:{covered.strip()}") + ">"
    if kind == "bot_command":
        return '<a class="cmd"' + _attrs(data_command=covered.strip()) + ">"
    if kind in ("mention", "hashtag", "cashtag", "text_mention"):
        return '<span class="mention">'
    return None


def _close_tag(open_tag: str) -> str:
    if open_tag.startswith("<pre>"):
        return "</code></pre>"
    name = re.match(r"<([a-z]+)", open_tag)
    assert name is not None
    return f"</{name.group(1)}>"


@dataclass
class _Span:
    start: int  # index into the Python string
    end: int
    order: int
    open: str
    close: str


def _utf16_starts(text: str) -> list[int]:
    """UTF-16 offset of each character of ``text``, plus the total length at the end."""
    starts = [0]
    for char in text:
        starts.append(starts[-1] + utf16_len(char))
    return starts


def _autolinks(text: str, taken: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """Bare URLs and /commands outside ``taken`` ranges: (type, start, end) in str indices."""
    found: list[tuple[str, int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(start < t_end and t_start < end for t_start, t_end in taken)

    for match in _BARE_URL.finditer(text):
        start, end = match.span()
        url = match.group(0)
        while url and (
            url[-1] in _TRAILING_PUNCTUATION or (url[-1] == ")" and url.count("(") < url.count(")"))
        ):
            url = url[:-1]
        end = start + len(url)
        if end > start and free(start, end):
            found.append(("url", start, end))
    links = [(start, end) for _, start, end in found]
    for match in _BARE_COMMAND.finditer(text):
        start, end = match.span()
        if free(start, end) and not any(
            start < l_end and l_start < end for l_start, l_end in links
        ):
            found.append(("bot_command", start, end))
    return found


def entities_to_html(
    text: str, entities: list[dict[str, Any]] | None, bot_username: str | None = None
) -> str:
    """Safe HTML of a message text and its entities (offsets in UTF-16 code units).

    Entities nest (and overlapping ones are closed and reopened so the HTML stays well formed);
    bare http(s) URLs and /commands in the remaining text become links as in Telegram clients.
    An invite link ``https://t.me/<bot_username>?start=<code>`` is marked
    ``class="start-link" data-start="<code>"`` (any bot's, when ``bot_username`` is None).
    """
    starts = _utf16_starts(text)
    total = starts[-1]
    raw_spans: list[tuple[str, int, int, dict[str, Any]]] = []
    for entity in entities or []:
        try:
            offset, length = int(entity.get("offset", 0)), int(entity.get("length", 0))
        except (TypeError, ValueError):
            continue
        begin, finish = max(0, offset), min(total, offset + length)
        if finish <= begin:
            continue
        # UTF-16 offsets → string indices (an offset inside a surrogate pair rounds outwards)
        start = bisect.bisect_right(starts, begin) - 1
        end = bisect.bisect_left(starts, finish)
        raw_spans.append((str(entity.get("type")), start, end, entity))
    taken = [(start, end) for kind, start, end, _ in raw_spans if kind in _NO_AUTOLINK]
    for kind, start, end in _autolinks(text, taken):
        raw_spans.append((kind, start, end, {"type": kind}))

    spans: list[_Span] = []
    for order, (_, start, end, entity) in enumerate(raw_spans):
        tag = _open_tag(entity, text[start:end], bot_username)
        if tag is not None:
            spans.append(_Span(start, end, order, tag, _close_tag(tag)))
    spans.sort(key=lambda span: (span.start, -span.end, span.order))

    points = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    stack: list[_Span] = []
    waiting = list(reversed(spans))  # pop() yields the next span to open
    for index, point in enumerate(points):
        if any(span.end == point for span in stack):
            # close down to the deepest span ending here; reopen the ones that go on
            depth = min(i for i, span in enumerate(stack) if span.end == point)
            closed = stack[depth:]
            del stack[depth:]
            out.extend(span.close for span in reversed(closed))
            for span in closed:
                if span.end > point:
                    out.append(span.open)
                    stack.append(span)
        while waiting and waiting[-1].start == point:
            span = waiting.pop()
            out.append(span.open)
            stack.append(span)
        if index + 1 < len(points):
            out.append(html.escape(text[point : points[index + 1]], quote=True))
    out.extend(span.close for span in reversed(stack))
    return "".join(out)


# --------------------------------------------------------------------- timeline


def _labels(lang: str) -> dict[str, str]:
    return _MEDIA_LABELS.get(lang, _MEDIA_LABELS["ru"])


def _sender(raw: dict[str, Any]) -> str:
    return "bot" if raw.get("from", {}).get("is_bot") else "me"


def _file_name(raw: dict[str, Any], kind: str) -> str | None:
    media = raw.get(kind)
    if isinstance(media, dict) and media.get("file_name"):
        return str(media["file_name"])
    return None


def _snippet(raw: dict[str, Any], lang: str) -> str:
    """A message as one plain line of at most SNIPPET_CHARS characters."""
    kind, text, _ = message_content(raw)
    line = " ".join(text.split())
    if not line:
        labels = _labels(lang)
        name = _file_name(raw, kind)
        if kind == "document" and name:
            line = f"📎 {name}"
        elif kind == "contact":
            contact = raw.get("contact", {})
            line = f"{labels['contact']}: {contact.get('first_name', '')}".strip()
        else:
            line = labels.get(kind, labels["message"])
    if len(line) > SNIPPET_CHARS:
        line = line[: SNIPPET_CHARS - 1].rstrip() + "…"
    return line


def _media(raw: dict[str, Any], kind: str) -> dict[str, Any] | None:
    if kind == "contact" or kind == "text":
        return None
    media = raw.get(kind)
    file_id = None
    if isinstance(media, list) and media:
        largest = max(
            media,
            key=lambda size: (
                size.get("width", 0) * size.get("height", 0),
                size.get("file_size", 0),
            ),
        )
        file_id = largest.get("file_id")
    elif isinstance(media, dict):
        file_id = media.get("file_id")
    if not file_id:
        return None
    return {"kind": kind, "url": f"/files/{file_id}", "name": _file_name(raw, kind)}


def _buttons(raw: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = raw.get("reply_markup") or {}
    rows = []
    for row_index, row in enumerate(markup.get("inline_keyboard") or []):
        cells = []
        for col_index, button in enumerate(row):
            cell: dict[str, Any] = {
                "text": str(button.get("text", "")),
                "row": row_index,
                "col": col_index,
                "kind": "url",
                "url": None,
            }
            if "callback_data" in button:
                cell["kind"] = "callback"
            elif isinstance(button.get("url"), str) and _SAFE_HREF.match(button["url"]):
                cell["url"] = button["url"]
            cells.append(cell)
        rows.append(cells)
    return rows


def _contact_html(raw: dict[str, Any], lang: str) -> str:
    contact = raw.get("contact", {})
    parts = [_labels(lang)["contact"], str(contact.get("first_name", ""))]
    if contact.get("phone_number"):
        parts.append(str(contact["phone_number"]))
    return html.escape(" ".join(part for part in parts if part), quote=True)


def _message_json(
    fake: FakeTelegram, chat: Chat, raw: dict[str, Any], zone: ZoneInfo, lang: str
) -> dict[str, Any]:
    message_id = int(raw["message_id"])
    kind, text, entities = message_content(raw)
    bot_message = chat.bot_by_id.get(message_id)
    if kind == "contact":
        body = _contact_html(raw, lang)
    else:
        body = entities_to_html(text, entities, fake.bot_username)
    reply = None
    quoted = raw.get("reply_to_message")
    if isinstance(quoted, dict) and "message_id" in quoted:
        quoted_id = int(quoted["message_id"])
        live = chat.message(quoted_id) or quoted  # the current (edited) text when it still exists
        reply = {"id": quoted_id, "from": _sender(live), "snippet": _snippet(live, lang)}
    sent = datetime.fromtimestamp(int(raw.get("date", 0)), zone)
    return {
        "id": message_id,
        "from": _sender(raw),
        "time": sent.strftime("%H:%M"),
        "day": sent.date().isoformat(),  # the page puts a day line where it changes
        "html": body,
        "edited": "edit_date" in raw or bool(bot_message and bot_message.edits),
        "reply": reply,
        "media": _media(raw, kind),
        "buttons": _buttons(raw),
        "force_reply": bool(bot_message and bot_message.force_reply),
    }


def timeline(
    fake: FakeTelegram, chat_id: int, zone: str, limit: int = 300, lang: str = "ru"
) -> list[dict[str, Any]]:
    """The chat's live messages as Message JSON, oldest first, the last ``limit`` of them.

    ``zone`` names the time zone of the shown times; ``lang`` the language of media labels.
    """
    tz = ZoneInfo(zone)
    with fake._lock:
        chat = fake.chats.get(chat_id)
        if chat is None:
            return []
        ids = sorted(id_ for id_ in chat.messages if id_ not in chat.deleted)
        return [_message_json(fake, chat, chat.messages[id_], tz, lang) for id_ in ids[-limit:]]


# --------------------------------------------------------------------- menu and keyboards


def _commands(fake: FakeTelegram, chat_id: int, language: str) -> list[dict[str, str]]:
    """The menu Telegram shows this person: the first set list, narrowest scope first."""
    chat_scope = scope_key({"type": "chat", "chat_id": chat_id})
    private_scope = scope_key({"type": "all_private_chats"})
    default_scope = scope_key(None)
    for scope in (chat_scope, private_scope, default_scope):
        for lang in dict.fromkeys((language, "")):
            commands = fake.command_sets.get((scope, lang))
            if commands:
                return [dict(command) for command in commands]
    return []


def chat_extras(fake: FakeTelegram, chat_id: int, language: str) -> dict[str, Any]:
    """``commands``, ``reply_keyboard`` and ``force_reply_to`` of a person's chat."""
    with fake._lock:
        commands = _commands(fake, chat_id, language or "")
        chat = fake.chats.get(chat_id)
        if chat is None:
            return {"commands": commands, "reply_keyboard": None, "force_reply_to": None}
        keyboard = None
        for message in chat.bot_messages:
            if message.reply_keyboard is not None:
                keyboard = [list(row) for row in message.reply_keyboard]
            elif message.remove_keyboard:
                keyboard = None
        force_reply_to = None
        live = [message for message in chat.bot_messages if not message.deleted]
        if live and live[-1].force_reply:
            last = live[-1].message_id
            answered = any(
                id_ > last and id_ not in chat.deleted and _sender(raw) == "me"
                for id_, raw in chat.messages.items()
            )
            if not answered:
                force_reply_to = last
        return {"commands": commands, "reply_keyboard": keyboard, "force_reply_to": force_reply_to}
