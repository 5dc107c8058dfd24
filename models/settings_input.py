"""Parsing what a curator types into /settings. Each parser returns the new column
values, or raises ValueError with a locale key naming the problem."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.calendar import calendar_year, current_calendar, school_year_of
from models.dates import parse_full_day, parse_time

HOURS = re.compile(r"^(?:(\d)\s*-\s*(\d)\s+)?(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$")
PERIOD = re.compile(r"^(Q[1-4]|B|H)\s+(\d{2}\.\d{2}\.\d{4})(?:\s*-\s*(\d{2}\.\d{2}\.\d{4}))?$")
# A transfer of a day off: "02.01→10.05" or "02.01.2027 -> 10.05.2027" (the day off of the
# first date moves to the second; the first becomes a working day unless it is a holiday).
DAY = r"(\d{1,2}\.\d{1,2}(?:\.\d{4})?)"
TRANSFER = re.compile(rf"^{DAY}\s*(?:→|->|>)\s*{DAY}$")
MAX_TRANSFERS = 30


def parse_timezone(text: str) -> dict[str, Any]:
    zone = text.strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("settings-bad-timezone") from None
    if "/" not in zone and zone.upper() != "UTC":
        raise ValueError("settings-bad-timezone")
    return {"timezone": zone}


def _span(text: str) -> tuple[str | None, str, str]:
    match = HOURS.match(" ".join(text.split()))
    if not match:
        raise ValueError("settings-bad-hours")
    first, last, start, end = match.groups()
    try:
        start_t, end_t = parse_time(start), parse_time(end)
    except ValueError:
        raise ValueError("settings-bad-hours") from None
    days = None
    if first:
        a, b = int(first), int(last)
        if not (1 <= a <= b <= 7):
            raise ValueError("settings-bad-hours")
        days = ",".join(str(d) for d in range(a, b + 1))
    return days, start_t.strftime("%H:%M"), end_t.strftime("%H:%M")


def parse_work_hours(text: str) -> dict[str, Any]:
    days, start, end = _span(text)
    if start >= end:
        raise ValueError("settings-bad-hours")
    values: dict[str, Any] = {"work_start": start, "work_end": end}
    if days:
        values["work_days"] = days
    return values


def parse_quiet_hours(text: str) -> dict[str, Any]:
    try:
        days, start, end = _span(text)
    except ValueError:
        raise ValueError("settings-bad-quiet") from None
    if days or start == end:
        raise ValueError("settings-bad-quiet")
    return {"quiet_start": start, "quiet_end": end}


def _day(text: str) -> date:
    try:
        return parse_full_day(text)
    except ValueError:
        raise ValueError("settings-bad-calendar") from None


def _transfer(line: str, start_year: int | None) -> dict[str, str] | None:
    """One transfer line, or None when the line is not one. A date without a year lies in
    the school year starting in `start_year` (September to August)."""
    match = TRANSFER.match(line)
    if not match:
        return None
    days = []
    for text in match.groups():
        parts = text.split(".")
        if len(parts) == 2:
            if start_year is None:
                raise ValueError("settings-bad-transfers")
            year = start_year if int(parts[1]) >= 8 else start_year + 1
            parts.append(str(year))
        try:
            days.append(parse_full_day(".".join(parts)))
        except ValueError:
            raise ValueError("settings-bad-transfers") from None
    if days[0] == days[1]:
        raise ValueError("settings-bad-transfers")
    return {"from": days[0].isoformat(), "to": days[1].isoformat()}


def parse_transfers(text: str, calendar: dict[str, Any], today: date) -> dict[str, Any]:
    """The government's transfers of days off, replacing those stored; "-" clears them."""
    current = current_calendar(calendar, today)
    start_year = calendar_year(current) or school_year_of(today)
    transfers: list[dict[str, str]] = []
    if text.strip() not in ("-", "—"):
        for raw in re.split(r"[\n,;]", text):
            line = " ".join(raw.split())
            if not line:
                continue
            transfer = _transfer(line, start_year)
            if transfer is None:
                raise ValueError("settings-bad-transfers")
            if transfer not in transfers:
                transfers.append(transfer)
        if not transfers or len(transfers) > MAX_TRANSFERS:
            raise ValueError("settings-bad-transfers")
    rest = {k: v for k, v in current.items() if k != "transfers"}
    return {"calendar": rest | ({"transfers": transfers} if transfers else {})}


def parse_calendar(text: str) -> dict[str, Any]:
    quarters: dict[int, dict[str, str]] = {}
    breaks: list[dict[str, str]] = []
    holidays: list[str] = []
    transfers: list[dict[str, str]] = []
    for raw in text.strip().splitlines():
        line = " ".join(raw.replace("–", "-").split()).upper()
        if not line:
            continue
        try:
            transfer = _transfer(line, None)
        except ValueError:
            raise ValueError("settings-bad-calendar") from None
        if transfer is not None:
            transfers.append(transfer)
            continue
        match = PERIOD.match(line)
        if not match:
            raise ValueError("settings-bad-calendar")
        kind, first, last = match.groups()
        start = _day(first)
        end = _day(last) if last else start
        if end < start:
            raise ValueError("settings-bad-calendar")
        if kind == "H":
            holidays.extend(
                date.fromordinal(d).isoformat()
                for d in range(start.toordinal(), end.toordinal() + 1)
            )
        elif kind == "B":
            breaks.append({"start": start.isoformat(), "end": end.isoformat()})
        else:
            quarters[int(kind[1])] = {"start": start.isoformat(), "end": end.isoformat()}
    if sorted(quarters) != [1, 2, 3, 4]:
        raise ValueError("settings-bad-calendar")
    ordered = [quarters[n] for n in (1, 2, 3, 4)]
    if any(a["end"] >= b["start"] for a, b in itertools.pairwise(ordered)):
        raise ValueError("settings-bad-calendar")
    first_year = ordered[0]["start"][:4]
    calendar: dict[str, Any] = {
        "year": f"{first_year}/{str(int(first_year) + 1)[-2:]}",
        "quarters": ordered,
        "breaks": breaks,
        "holidays": sorted(set(holidays)),
    }
    if transfers:
        calendar["transfers"] = transfers
    return {"calendar": calendar}


PARSERS = {
    "timezone": parse_timezone,
    "hours": parse_work_hours,
    "quiet": parse_quiet_hours,
    "calendar": parse_calendar,
}
FIELDS = (*PARSERS, "transfers")


def parse_setting(field: str, text: str, calendar: dict[str, Any], today: date) -> dict[str, Any]:
    """The new column values for one /settings field. A new calendar keeps the transfers
    stored before unless it lists its own."""
    if field == "transfers":
        return parse_transfers(text, calendar, today)
    values = PARSERS[field](text)
    new = values.get("calendar")
    if new is not None and "transfers" not in new and calendar.get("transfers"):
        new["transfers"] = calendar["transfers"]
    return values


def calendar_lines(calendar: dict[str, Any]) -> list[str]:
    """The calendar in the same form the curator types it."""

    def ru(iso: str) -> str:
        return date.fromisoformat(iso).strftime("%d.%m.%Y")

    lines = [
        f"Q{n} {ru(q['start'])}-{ru(q['end'])}"
        for n, q in enumerate(calendar.get("quarters", []), 1)
    ]
    lines += [f"B {ru(b['start'])}-{ru(b['end'])}" for b in calendar.get("breaks", [])]
    lines += [f"H {ru(h)}" for h in calendar.get("holidays", [])]
    lines += [f"{ru(t['from'])}→{ru(t['to'])}" for t in calendar.get("transfers", [])]
    return lines
