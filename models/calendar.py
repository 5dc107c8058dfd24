"""Organization time: working hours, quiet hours and the school calendar.

All stored times are UTC; these helpers convert to the organization's zone. SLA ages
count working time only: working days and hours, minus holidays of the school calendar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.dates import parse_time

# The fixed non-working holidays of the Labour Code, art. 112: 1-6 and 8 January (New Year
# holidays), 7 January (Christmas), 23 February, 8 March, 1 May, 9 May, 12 June, 4 November.
# They hold in every year, whatever school year a school's stored calendar describes.
PUBLIC_HOLIDAYS = frozenset(
    [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
)


def school_year_of(day: date) -> int:
    """The year the school year containing `day` started in (September)."""
    return day.year if day.month >= 8 else day.year - 1


def today_in(zone: str, now: datetime) -> date:
    """The date it is in `zone` at the instant `now`."""
    return now.astimezone(ZoneInfo(zone)).date()


def default_calendar(start_year: int) -> dict[str, Any]:
    """The usual Russian school year: four quarters and the holidays between them."""
    y, n = start_year, start_year + 1
    quarters = [
        (f"{y}-09-01", f"{y}-10-24"),
        (f"{y}-11-05", f"{y}-12-27"),
        (f"{n}-01-11", f"{n}-03-20"),
        (f"{n}-03-30", f"{n}-05-26"),
    ]
    breaks = [
        (f"{y}-10-25", f"{y}-11-04"),
        (f"{y}-12-28", f"{n}-01-10"),
        (f"{n}-03-21", f"{n}-03-29"),
    ]
    holidays = [f"{yy}-{m:02d}-{d:02d}" for yy in (y, n) for m, d in sorted(PUBLIC_HOLIDAYS)]
    holidays = [h for h in holidays if f"{y}-09-01" <= h <= f"{n}-08-31"]
    return {
        "year": f"{y}/{str(n)[-2:]}",
        "quarters": [{"start": s, "end": e} for s, e in quarters],
        "breaks": [{"start": s, "end": e} for s, e in breaks],
        "holidays": sorted(holidays),
    }


def calendar_year(calendar: dict[str, Any]) -> int | None:
    """The start year of the school year a stored calendar describes ("2026/27" → 2026)."""
    year = str(calendar.get("year", ""))[:4]
    return int(year) if year.isdigit() else None


def current_calendar(calendar: dict[str, Any], today: date) -> dict[str, Any]:
    """The calendar of the school year `today` falls in: the stored one while it is that
    year's, else the default one of the new year. The transfers of days off carry over."""
    year = school_year_of(today)
    if calendar_year(calendar) == year:
        return calendar
    rolled = default_calendar(year)
    if calendar.get("transfers"):
        rolled["transfers"] = calendar["transfers"]
    return rolled


@dataclass(frozen=True)
class WorkSchedule:
    """An organization's week and calendar, ready for arithmetic."""

    zone: ZoneInfo
    work_days: frozenset[int]  # ISO weekdays, Monday is 1
    work_start: time
    work_end: time
    quiet_start: time
    quiet_end: time
    days_off: frozenset[date]
    # Weekend days the government made working days by moving their day off elsewhere.
    extra_working: frozenset[date] = frozenset()

    @classmethod
    def of(cls, org: Any) -> WorkSchedule:
        days_off: set[date] = set()
        calendar = org.calendar or {}
        for iso in calendar.get("holidays", []):
            days_off.add(date.fromisoformat(iso))
        for period in calendar.get("days_off", []):
            start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
            while start <= end:
                days_off.add(start)
                start += timedelta(days=1)
        extra_working: set[date] = set()
        for transfer in calendar.get("transfers", []):
            extra_working.add(date.fromisoformat(transfer["from"]))
            days_off.add(date.fromisoformat(transfer["to"]))
        return cls(
            zone=ZoneInfo(org.timezone),
            work_days=frozenset(int(d) for d in org.work_days.split(",") if d),
            work_start=parse_time(org.work_start),
            work_end=parse_time(org.work_end),
            quiet_start=parse_time(org.quiet_start),
            quiet_end=parse_time(org.quiet_end),
            days_off=frozenset(days_off),
            extra_working=frozenset(extra_working - days_off),
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.days_off or (day.month, day.day) in PUBLIC_HOLIDAYS:
            return False
        return day in self.extra_working or day.isoweekday() in self.work_days

    def is_quiet(self, instant: datetime) -> bool:
        local = instant.astimezone(self.zone).time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end

    def quiet_ends_at(self, instant: datetime) -> datetime:
        """The first moment at or after `instant` outside quiet hours."""
        if not self.is_quiet(instant):
            return instant
        local = instant.astimezone(self.zone)
        end = datetime.combine(local.date(), self.quiet_end, self.zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.quiet_end, self.zone)
        return end.astimezone(UTC)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, self.work_start, self.zone).astimezone(UTC)
        end = datetime.combine(day, self.work_end, self.zone).astimezone(UTC)
        return start, end

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant when `amount` of working time has passed since `start`."""
        remaining = amount
        day = start.astimezone(self.zone).date()
        for _ in range(3660):
            if self.is_working_day(day):
                open_at, close_at = self._window(day)
                begin = max(open_at, start)
                if begin < close_at:
                    available = close_at - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("no working time in the next ten years")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        total = timedelta()
        if end <= start:
            return total
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self.is_working_day(day):
                open_at, close_at = self._window(day)
                begin, finish = max(open_at, start), min(close_at, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total


# School periods ---------------------------------------------------------------------------

PERIOD_RE = re.compile(r"^(\d{4})/(\d{2})-Q([1-9])$")


def school_quarters(
    org_calendar: dict[str, Any] | None, first: date, last: date
) -> list[tuple[int, int, date, date]]:
    """(school year, quarter number, start, end) of every quarter of the school years
    from `first` to `last`, in order."""
    found = []
    for year in range(school_year_of(first), school_year_of(last) + 1):
        quarters = current_calendar(org_calendar or {}, date(year, 9, 1)).get("quarters", [])
        for number, q in enumerate(quarters, start=1):
            found.append(
                (year, number, date.fromisoformat(q["start"]), date.fromisoformat(q["end"]))
            )
    return found


def period_label(year: int, quarter: int) -> str:
    """The name of a school period: 2026, 2 → "2026/27-Q2"."""
    return f"{year}/{str(year + 1)[-2:]}-Q{quarter}"


def parse_period(text: str) -> tuple[int, int] | None:
    """(school year, quarter) of "2026/27-Q2"; None for anything else (Q1–Q4 only)."""
    found = PERIOD_RE.match(text.strip().upper().replace("К", "Q"))
    if found is None:
        return None
    year, tail, quarter = int(found[1]), found[2], int(found[3])
    if str(year + 1)[-2:] != tail or not 1 <= quarter <= 4:
        return None
    return year, quarter


def period_bounds(
    org_calendar: dict[str, Any] | None, year: int, quarter: int
) -> tuple[date, date] | None:
    """First and last day of a school quarter in the organization's calendar."""
    for q_year, number, start, end in school_quarters(
        org_calendar, date(year, 9, 1), date(year, 9, 1)
    ):
        if (q_year, number) == (year, quarter):
            return start, end
    return None


def period_of(org_calendar: dict[str, Any] | None, day: date) -> tuple[int, int]:
    """The school period `day` counts in: the quarter it falls in, or during a break or
    the summer the quarter that ended last (before the first quarter, the first)."""
    year = school_year_of(day)
    quarters = school_quarters(org_calendar, date(year, 9, 1), date(year, 9, 1))
    current = (year, 1)
    for q_year, number, start, _end in quarters:
        if start <= day:
            current = (q_year, number)
    return current
