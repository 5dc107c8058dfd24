"""The one parser of what people type as a date, a time, a moment or a period.

Days are written the Russian way, `25.11` or `25.11.2026`; times `15:30`, `9:05` or
`15.30`. Every refusal is a `DateInputError` whose key is a locale key of
locales/*/dates.ftl and whose args fill it: the text typed and, where it helps, an example.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.errors import RuleError

DAY_PATTERN = r"(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?"
TIME_PATTERN = r"(\d{1,2})[:.](\d{2})"
DAY_RE = re.compile(rf"^{DAY_PATTERN}$")
TIME_RE = re.compile(rf"^{TIME_PATTERN}$")
MOMENT_RE = re.compile(
    rf"^(?P<day>{DAY_PATTERN})(?:\s*,\s*|\s+)(?:в\s+|at\s+)?(?P<time>{TIME_PATTERN})$", re.I
)
RANGE_SPLIT = re.compile(r"\s*(?:-|–|—|\.\.)\s*")
# How much of what was typed an error message quotes back.
QUOTE_LIMIT = 40
# A day-month without a year is looked for in this many years from today (29.02 needs 4).
YEARS_AHEAD = 8


class DateInputError(RuleError):
    """What was typed is not a usable date or time."""


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def format_day(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def format_time(t: time) -> str:
    return t.strftime("%H:%M")


def format_moment(dt: datetime, zone: str) -> str:
    """`25.11.2026 15:30` in the zone's local time."""
    return dt.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def _day_of(day: int, month: int, year: str | None, today: date | None, text: str) -> date:
    """The date named by the parts; without a year, the next such day on/after today."""
    if year is not None:
        try:
            return date(int(year), month, day)
        except ValueError:
            raise DateInputError("date-err-no-such-day", text=_quote(text)) from None
    if today is None:
        raise DateInputError("date-err-year-needed", text=_quote(text))
    for candidate_year in range(today.year, today.year + YEARS_AHEAD):
        try:
            value = date(candidate_year, month, day)
        except ValueError:
            continue
        if value >= today:
            return value
    raise DateInputError("date-err-no-such-day", text=_quote(text))


def parse_day(
    text: str,
    today: date,
    *,
    allow_past: bool = False,
    max_days_ahead: int | None = None,
) -> date:
    """`25.11` or `25.11.2026`. A day-month without a year is the next such day on/after
    today. A day before today is refused unless `allow_past`; one more than
    `max_days_ahead` days ahead is refused when that is given."""
    text = (text or "").strip()
    match = DAY_RE.match(text)
    if not match:
        raise DateInputError("date-err-day-format", text=_quote(text))
    value = _day_of(int(match[1]), int(match[2]), match[3], today, text)
    if not allow_past and value < today:
        raise DateInputError("date-err-day-past", day=format_day(value), today=format_day(today))
    if max_days_ahead is not None and (value - today).days > max_days_ahead:
        latest = today + timedelta(days=max_days_ahead)
        raise DateInputError("date-err-too-far", day=format_day(value), latest=format_day(latest))
    return value


def parse_full_day(text: str) -> date:
    """`25.11.2026`: a day with its year, any day, past or future."""
    text = (text or "").strip()
    match = DAY_RE.match(text)
    if not match:
        raise DateInputError("date-err-day-format", text=_quote(text))
    return _day_of(int(match[1]), int(match[2]), match[3], None, text)


def _time_of(hours: str, minutes: str, text: str) -> time:
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        raise DateInputError("date-err-no-such-time", text=_quote(text)) from None


def parse_time(text: str) -> time:
    """`15:30`, `9:05` or `15.30`. `25:00` and `12:60` are refused."""
    text = (text or "").strip()
    match = TIME_RE.match(text)
    if not match:
        raise DateInputError("date-err-time-format", text=_quote(text))
    return _time_of(match[1], match[2], text)


def parse_moment(text: str, today: date, zone: str, now: datetime) -> datetime:
    """`25.11 15:30` or `25.11.2026 15:30` in the zone's local time, as an aware UTC
    datetime. A day-month without a year is the next such day on/after today; a moment not
    after `now` is refused."""
    text = " ".join((text or "").split())
    match = MOMENT_RE.match(text)
    if not match:
        raise DateInputError("date-err-moment-format", text=_quote(text))
    day = _day_of(int(match[2]), int(match[3]), match[4], today, match["day"])
    at = _time_of(match[6], match[7], match["time"])
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    moment = local.astimezone(UTC)
    if moment <= now:
        example = datetime.combine(today + timedelta(days=1), at)
        raise DateInputError(
            "date-err-moment-past",
            moment=local.strftime("%d.%m.%Y %H:%M"),
            now=format_moment(now, zone),
            example=example.strftime("%d.%m.%Y %H:%M"),
        )
    return moment


def parse_range(text: str, today: date | None = None) -> tuple[date, date]:
    """`01.12.2026-31.05.2027`, or one day `15.12.2026` (start == end). Without `today`
    each day needs its year; with it, a day-month is the next such day (the end's on/after
    the start). The end before the start is refused."""
    text = (text or "").strip()
    parts = [p for p in RANGE_SPLIT.split(text) if p]
    if len(parts) not in (1, 2) or not all(DAY_RE.match(p) for p in parts):
        raise DateInputError("date-err-range-format", text=_quote(text))
    days: list[date] = []
    for part in parts:
        match = DAY_RE.match(part)
        assert match is not None
        after = days[0] if days and today is not None else today
        days.append(_day_of(int(match[1]), int(match[2]), match[3], after, part))
    start, end = days[0], days[-1]
    if end < start:
        raise DateInputError("date-err-range-order", start=format_day(start), end=format_day(end))
    return start, end
