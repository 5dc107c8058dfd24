"""HTML parse mode and entity helpers, with offsets in UTF-16 code units like Telegram."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import TelegramError, bad_request

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_WHITESPACE = " \t\n\r"
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}
_SUPPORTED_TAGS = {*_SIMPLE_TAGS, "a", "span", "tg-emoji"}
_BOT_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?(?=\s|$)")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The part of ``text`` covered by an entity (offsets in UTF-16 code units)."""
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def _parse_error(detail: str) -> TelegramError:
    return bad_request(f"can't parse entities: {detail}")


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, index: int) -> tuple[str, int] | None:
    """Decode an HTML character reference at ``source[index] == '&'``."""
    end = source.find(";", index + 1, index + 12)
    if end == -1:
        return None
    name = source[index + 1 : end]
    if name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name], end + 1 - index
    try:
        if name.startswith(("#x", "#X")):
            code = int(name[2:], 16)
        elif name.startswith("#"):
            code = int(name[1:], 10)
        else:
            return None
        if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), end + 1 - index
    except (ValueError, OverflowError):
        return None


def _unescape(value: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(value):
        if value[index] == "&" and (decoded := _decode_entity(value, index)):
            out.append(decoded[0])
            index += decoded[1]
            continue
        out.append(value[index])
        index += 1
    return "".join(out)


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    start: int
    byte_offset: int
    children: list[_OpenTag] = field(default_factory=list)


def _is_name_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-_")


def _parse_attributes(source: str, index: int, tag: str, tag_offset: int) -> tuple[dict, int]:
    """Parse attributes up to the closing ``>``; return them and the index after it."""
    attributes: dict[str, str] = {}
    size = len(source)
    while True:
        while index < size and source[index] in _WHITESPACE:
            index += 1
        if index >= size:
            raise _parse_error(f"Unclosed start tag at byte offset {tag_offset}")
        if source[index] == ">":
            return attributes, index + 1
        if source[index] == "/" and index + 1 < size and source[index + 1] == ">":
            return attributes, index + 2
        start = index
        while index < size and _is_name_char(source[index]):
            index += 1
        name = source[start:index].lower()
        if not name:
            raise _parse_error(
                f'Empty attribute name in the tag "{tag}" at byte offset {tag_offset}'
            )
        while index < size and source[index] in _WHITESPACE:
            index += 1
        if index >= size or source[index] != "=":
            attributes[name] = ""
            continue
        index += 1
        while index < size and source[index] in _WHITESPACE:
            index += 1
        if index >= size:
            raise _parse_error(f"Unclosed start tag at byte offset {tag_offset}")
        if source[index] in "\"'":
            quote = source[index]
            end = source.find(quote, index + 1)
            if end == -1:
                raise _parse_error(
                    f'Unclosed end of attribute value in the tag "{tag}" '
                    f"at byte offset {tag_offset}"
                )
            value = source[index + 1 : end]
            index = end + 1
        else:
            start = index
            while index < size and source[index] not in _WHITESPACE + ">":
                index += 1
            value = source[start:index]
        attributes[name] = _unescape(value)


def _entity_for(tag: _OpenTag, offset: int, length: int) -> dict[str, Any] | None:
    """Translate a closed tag into a MessageEntity dict (None = no entity)."""
    attributes = tag.attributes
    if tag.name == "a":
        href = attributes.get("href", "")
        if not href:
            return None
        if href.startswith("tg://user?id="):
            user_id = href.removeprefix("tg://user?id=")
            if user_id.isdigit():
                user = {"id": int(user_id), "is_bot": False, "first_name": ""}
                return {"type": "text_mention", "offset": offset, "length": length, "user": user}
        return {"type": "text_link", "offset": offset, "length": length, "url": href}
    if tag.name == "span":
        return {"type": "spoiler", "offset": offset, "length": length}
    if tag.name == "tg-emoji":
        emoji_id = attributes.get("emoji-id", "")
        if not emoji_id:
            return None
        return {
            "type": "custom_emoji",
            "offset": offset,
            "length": length,
            "custom_emoji_id": emoji_id,
        }
    if tag.name == "blockquote" and "expandable" in attributes:
        return {"type": "expandable_blockquote", "offset": offset, "length": length}
    entity: dict[str, Any] = {"type": _SIMPLE_TAGS[tag.name], "offset": offset, "length": length}
    if tag.name == "pre":
        for child in tag.children:
            language = child.attributes.get("class", "")
            if child.name == "code" and language.startswith("language-"):
                entity["language"] = language.removeprefix("language-")
    return entity


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram's HTML parse mode into plain text and entities.

    Raises ``TelegramError`` (400 "can't parse entities: ...") on malformed markup.
    """
    out: list[str] = []
    position = 0  # UTF-16 offset in the output
    stack: list[_OpenTag] = []
    entities: list[tuple[int, dict[str, Any]]] = []
    index = 0
    size = len(source)
    while index < size:
        char = source[index]
        if char == "&":
            decoded = _decode_entity(source, index)
            text, step = decoded if decoded else ("&", 1)
            out.append(text)
            position += utf16_len(text)
            index += step
            continue
        if char != "<":
            out.append(char)
            position += utf16_len(char)
            index += 1
            continue
        tag_offset = _byte_offset(source, index)
        if index + 1 < size and source[index + 1] == "/":
            end = source.find(">", index)
            if end == -1:
                raise _parse_error(f"Unclosed end tag at byte offset {tag_offset}")
            name = source[index + 2 : end].strip().lower()
            if not stack:
                raise _parse_error(f"Unexpected end tag at byte offset {tag_offset}")
            tag = stack.pop()
            if name != tag.name:
                raise _parse_error(
                    f'Unmatched end tag at byte offset {tag_offset}, expected "</{tag.name}>", '
                    f'found "</{name}>"'
                )
            inside_pre = any(parent.name == "pre" for parent in stack)
            if stack:
                stack[-1].children.append(tag)
            if not (tag.name == "code" and inside_pre):
                entity = _entity_for(tag, tag.start, position - tag.start)
                if entity is not None and entity["length"] > 0:
                    entities.append((len(entities), entity))
            index = end + 1
            continue
        name_end = index + 1
        while name_end < size and _is_name_char(source[name_end]):
            name_end += 1
        name = source[index + 1 : name_end].lower()
        if name not in _SUPPORTED_TAGS:
            raise _parse_error(f'Unsupported start tag "{name}" at byte offset {tag_offset}')
        attributes, index = _parse_attributes(source, name_end, name, tag_offset)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise _parse_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {tag_offset}'
            )
        stack.append(_OpenTag(name, attributes, position, tag_offset))
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    ordered = sorted(entities, key=lambda item: (item[1]["offset"], -item[1]["length"], item[0]))
    return "".join(out), [entity for _, entity in ordered]


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim leading/trailing whitespace like Telegram, shifting and clipping entities."""
    stripped = text.strip(_WHITESPACE)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_WHITESPACE))])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def format_text(
    text: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Apply ``parse_mode`` (which wins over explicit entities, like the Bot API)."""
    text = text or ""
    mode = (parse_mode or "").lower()
    if text and mode == "html":
        plain, parsed = parse_html(text)
    elif text and mode in ("markdown", "markdownv2"):
        plain, parsed = text, []
    else:
        plain = text
        parsed = sorted(
            (dict(entity) for entity in entities or []),
            key=lambda entity: (entity.get("offset", 0), -entity.get("length", 0)),
        )
    return strip_text(plain, parsed)


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram adds for a leading ``/command``."""
    match = _BOT_COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]
