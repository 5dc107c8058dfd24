"""Splitting long texts to Telegram's limits, counted in UTF-16 code units."""

from __future__ import annotations

from collections.abc import Sequence

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters: spaces squeezed, a cut marked with «…»."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut at a line break or space when possible.

    The text is plain (no markup), so a cut can never break an HTML tag.
    """
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        cut = max(1, _fit(rest, limit))
        window = rest[:cut]
        for sep in ("\n\n", "\n", " "):
            at = window.rfind(sep)
            if at > cut // 2:
                cut = at + len(sep)
                break
        piece = rest[:cut].rstrip()
        if piece:
            pieces.append(piece)
        rest = rest[cut:].lstrip("\n")
    if rest.strip() or not pieces:
        pieces.append(rest)
    return pieces


def _fit(text: str, limit: int) -> int:
    """The longest prefix length (in characters) within `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def pack_lines(
    header: str, lines: Sequence[str], limit: int = MESSAGE_LIMIT, max_lines: int | None = None
) -> list[tuple[str, range]]:
    """Whole lines packed into as few messages as fit: (text, indices of its lines).

    The header opens the first message. Lines may carry HTML: a line is never cut, so a
    tag is never broken (a line is far shorter than a message). At most `max_lines` lines
    go in one message (a keyboard with a button per line has its own limit).
    """
    packed: list[tuple[str, range]] = []
    text, start = header, 0
    for index, line in enumerate(lines):
        joined = f"{text}\n{line}" if text else line
        full = max_lines is not None and index - start >= max_lines
        if index > start and (full or utf16_len(joined) > limit):
            packed.append((text, range(start, index)))
            text, start = line, index
        else:
            text = joined
    packed.append((text, range(start, len(lines))))
    return packed
