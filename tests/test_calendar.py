"""Unit tests of the Russian school calendar: the holidays of the Labour Code, the school
year rolling over, and the government's transfers of days off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from models.calendar import WorkSchedule, current_calendar, default_calendar
from models.questions import sla_times
from models.settings_input import calendar_lines, parse_calendar, parse_setting, parse_transfers
from tests.support.seed import school_hours

TODAY = date(2026, 11, 30)
REMIND_HOURS = Settings.model_fields["question_remind_hours"].default
ESCALATE_HOURS = Settings.model_fields["question_escalate_hours"].default


school = school_hours


def msk(*args: int) -> datetime:
    """A Moscow wall-clock time as a UTC instant (Moscow is UTC+3 all year)."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=3)


def test_new_year_holidays_hold_the_sla() -> None:
    org = school()
    new_year_eve = msk(2026, 12, 31, 17, 0)  # a Thursday, one working hour left
    remind, escalate = sla_times(org, new_year_eve, REMIND_HOURS, ESCALATE_HOURS)
    first_working_day = msk(2027, 1, 11, 8, 0)  # 9 January is a Saturday
    assert remind >= first_working_day and escalate >= first_working_day
    assert remind == msk(2027, 1, 11, 11, 0)
    assert escalate == msk(2027, 1, 12, 13, 0)
    week = WorkSchedule.of(org)
    assert week.add_working_time(new_year_eve, timedelta(hours=2)) == msk(2027, 1, 11, 9, 0)


def test_labour_code_holidays_in_every_year() -> None:
    # The stored calendar is 2026/27's; the holidays hold in later years all the same.
    week = WorkSchedule.of(school())
    for year in (2027, 2030):
        for day in range(1, 9):
            assert not week.is_working_day(date(year, 1, day))
    holidays = [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
    for month, day in holidays:
        assert not week.is_working_day(date(2030, month, day))
    assert week.is_working_day(date(2030, 1, 9))  # a Wednesday
    assert week.is_working_day(date(2027, 2, 24))
    listed = default_calendar(2026)["holidays"]
    assert [h for h in listed if h.startswith("2027-01")] == [f"2027-01-0{d}" for d in range(1, 9)]


def test_the_calendar_rolls_over_to_the_next_school_year() -> None:
    stored = default_calendar(2026) | {"transfers": [{"from": "2027-01-02", "to": "2027-05-10"}]}
    assert current_calendar(stored, date(2027, 5, 31)) is stored
    rolled = current_calendar(stored, date(2027, 9, 1))
    assert rolled["year"] == "2027/28"
    assert rolled["quarters"][0]["start"] == "2027-09-01"
    assert "2028-01-08" in rolled["holidays"] and "2027-11-04" in rolled["holidays"]
    assert rolled["transfers"] == stored["transfers"]
    assert current_calendar({}, date(2031, 2, 1))["year"] == "2030/31"


def test_transfers_of_days_off() -> None:
    calendar = parse_transfers("02.01→10.05\n26.12 -> 31.12", default_calendar(2026), TODAY)[
        "calendar"
    ]
    assert calendar["transfers"] == [
        {"from": "2027-01-02", "to": "2027-05-10"},
        {"from": "2026-12-26", "to": "2026-12-31"},
    ]
    week = WorkSchedule.of(school(calendar=calendar))
    assert not week.is_working_day(date(2027, 5, 10))  # a Monday, now a day off
    assert not week.is_working_day(date(2027, 1, 2))  # still a New Year holiday
    assert week.is_working_day(date(2026, 12, 26))  # a Saturday, now a working day
    assert not week.is_working_day(date(2026, 12, 31))
    saturday_start = msk(2026, 12, 25, 17, 0)
    assert week.add_working_time(saturday_start, timedelta(hours=2)) == msk(2026, 12, 26, 9, 0)
    # With years, in a calendar, and back from what the /settings card shows.
    same = parse_transfers("02.01.2027→10.05.2027; 26.12.2026>31.12.2026", calendar, TODAY)
    assert same["calendar"] == calendar
    assert parse_calendar("\n".join(calendar_lines(calendar)))["calendar"] == calendar
    # A new calendar keeps the transfers; "-" removes them.
    typed = "\n".join(calendar_lines(default_calendar(2026)))
    assert parse_setting("calendar", typed, calendar, TODAY)["calendar"] == calendar
    cleared = parse_setting("transfers", "-", calendar, TODAY)["calendar"]
    assert "transfers" not in cleared and cleared["year"] == "2026/27"
    # Transfers typed after the school year turned belong to the new year.
    rolled = parse_transfers("01.11→03.11", calendar, date(2027, 9, 2))["calendar"]
    assert rolled["year"] == "2027/28"
    assert rolled["transfers"] == [{"from": "2027-11-01", "to": "2027-11-03"}]


@pytest.mark.parametrize(
    "text", ["02.01-10.05", "31.02→10.05", "02.01→02.01", "", "soon", "02.01→", "1.13→2.01"]
)
def test_bad_transfers(text: str) -> None:
    with pytest.raises(ValueError, match=r"^settings-bad-transfers$"):
        parse_transfers(text, default_calendar(2026), TODAY)
