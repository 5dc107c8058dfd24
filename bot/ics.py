"""iCalendar (RFC 5545) files for meeting invitations: one VEVENT per meeting, times in
UTC, CRLF line endings, TEXT values escaped and lines folded at 75 octets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//mentorbot//meetings//RU"
UID_DOMAIN = "mentorbot"
LINE_OCTETS = 75


@dataclass
class Event:
    meeting_id: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    sequence: int = 0


def uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@{UID_DOMAIN}"


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8
    character; each continuation starts with a space (RFC 5545 3.1)."""
    pieces: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1  # the leading space counts
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: list[Event], now: datetime, *, cancel: bool = False) -> bytes:
    """A VCALENDAR with METHOD:REQUEST (or CANCEL), as UTF-8 bytes."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancel else 'REQUEST'}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(event.meeting_id)}",
            f"DTSTAMP:{stamp(now)}",
            f"DTSTART:{stamp(event.starts_at)}",
            f"DTEND:{stamp(event.ends_at)}",
            f"SEQUENCE:{event.sequence}",
            f"SUMMARY:{escape(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        if cancel:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("".join(fold(line) + "\r\n" for line in lines)).encode("utf-8")


def unfold(data: bytes) -> list[str]:
    """The content lines of a calendar file (folding undone), for reading it back."""
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return [line for line in text.split("\r\n") if line]
