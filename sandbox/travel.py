"""The sandbox's time travel: where each step of the clock control lands."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.calendar import WorkSchedule, school_quarters
from models.people import Organization

STEPS = ("hour", "day", "monday", "quarter")
MORNING = time(9, 0)
# A fresh sandbox starting outside school hours starts at the next working morning instead:
# a visitor at 22:00 would otherwise see questions wait for the quiet hours to end.
_OPENS, _CLOSES = time(9, 0), time(17, 0)


def _at(day: date, moment: time, zone: str) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZoneInfo(zone))


def new_school_week(zone: str) -> WorkSchedule:
    """The working week of a school before /settings changes it (the columns' defaults):
    Monday to Friday, public holidays off."""
    columns = Organization.__table__.c
    week = {
        name: columns[name].default.arg
        for name in ("work_days", "work_start", "work_end", "quiet_start", "quiet_end")
    }
    return WorkSchedule.of(Organization(timezone=zone, calendar={}, **week))


def working_day_on_or_after(day: date, zone: str) -> date:
    week = new_school_week(zone)
    while not week.is_working_day(day):
        day += timedelta(days=1)
    return day


def first_instant(now: datetime, zone: str) -> datetime:
    """Where a fresh sandbox's clock starts: now on a working day's school hours, else the
    next working day at 10:00 in ``zone``."""
    local = now.astimezone(ZoneInfo(zone))
    if new_school_week(zone).is_working_day(local.date()) and _OPENS <= local.time() < _CLOSES:
        return now
    day = local.date() + timedelta(days=0 if local.time() < _OPENS else 1)
    return _at(working_day_on_or_after(day, zone), time(10, 0), zone)


def quarter_end_morning(now: datetime, zone: str, calendar: dict[str, Any] | None) -> datetime:
    """The morning after the last day of the school quarter under way (or the next one):
    the quarter is over there, so its questionnaires go out."""
    today = now.astimezone(ZoneInfo(zone)).date()
    for _year, _number, _start, end in school_quarters(calendar, today, today + timedelta(400)):
        target = _at(end + timedelta(days=1), MORNING, zone)
        if target > now:
            return target
    raise ValueError("no school quarter ahead")  # the default calendar always has one


def next_monday_morning(now: datetime, zone: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone))
    day = local.date() + timedelta(days=(7 - local.weekday()) % 7)
    target = _at(day, MORNING, zone)
    return target if target > now else target + timedelta(days=7)


def travel(step: str, now: datetime, zone: str, calendar: dict[str, Any] | None) -> datetime:
    if step == "hour":
        return now + timedelta(hours=1)
    if step == "day":
        return now + timedelta(days=1)
    if step == "monday":
        return next_monday_morning(now, zone)
    if step == "quarter":
        return quarter_end_morning(now, zone, calendar)
    raise ValueError(f"unknown step {step!r}")
