"""The one date parser (models/dates.py): what it reads, what it refuses, and the refusal as
a person reads it in either language."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.i18n import Locales
from models.dates import (
    DateInputError,
    format_day,
    format_moment,
    parse_day,
    parse_moment,
    parse_range,
    parse_time,
)

TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, 19:00 in Vladivostok
MOSCOW = "Europe/Moscow"


def refusal(call, *args, **kwargs) -> DateInputError:  # type: ignore[no-untyped-def]
    with pytest.raises(DateInputError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_days() -> None:
    assert parse_day("25.12", TODAY) == date(2026, 12, 25)
    assert parse_day("30.11", TODAY) == TODAY  # today is still ahead
    assert parse_day("25.11", TODAY) == date(2027, 11, 25)  # the next such day
    assert parse_day(" 5.1.2027 ", TODAY) == date(2027, 1, 5)
    assert parse_day("29.02", TODAY) == date(2028, 2, 29)  # the next leap year
    assert parse_day("25.11.2026", TODAY, allow_past=True) == date(2026, 11, 25)
    assert refusal(parse_day, "25.11.2026", TODAY).key == "date-err-day-past"
    assert refusal(parse_day, "31.02", TODAY).key == "date-err-no-such-day"
    assert refusal(parse_day, "25.13", TODAY).key == "date-err-no-such-day"
    assert refusal(parse_day, "завтра", TODAY).key == "date-err-day-format"
    assert refusal(parse_day, "", TODAY).key == "date-err-day-format"
    far = refusal(parse_day, "02.12.2027", TODAY, max_days_ahead=366)
    assert (far.key, far.params["latest"]) == ("date-err-too-far", "01.12.2027")
    assert parse_day("01.12.2027", TODAY, max_days_ahead=366) == date(2027, 12, 1)


def test_times() -> None:
    assert parse_time("15:30") == time(15, 30)
    assert parse_time("9:05") == time(9, 5)
    assert parse_time("15.30") == time(15, 30)
    assert parse_time("0:00") == time(0, 0)
    assert refusal(parse_time, "25:00").key == "date-err-no-such-time"
    assert refusal(parse_time, "12:60").key == "date-err-no-such-time"
    assert refusal(parse_time, "9:5").key == "date-err-time-format"
    assert refusal(parse_time, "полдень").key == "date-err-time-format"


def test_moments_are_local_and_ahead() -> None:
    assert parse_moment("25.12 15:30", TODAY, MOSCOW, NOW) == datetime(
        2026, 12, 25, 12, 30, tzinfo=UTC
    )
    assert parse_moment("25.12.2026 15:30", TODAY, MOSCOW, NOW) == datetime(
        2026, 12, 25, 12, 30, tzinfo=UTC
    )
    vladivostok = parse_moment("01.12 9.05", TODAY, "Asia/Vladivostok", NOW)
    assert vladivostok == datetime(2026, 11, 30, 23, 5, tzinfo=UTC)
    assert format_moment(vladivostok, "Asia/Vladivostok") == "01.12.2026 09:05"
    assert format_moment(vladivostok, MOSCOW) == "01.12.2026 02:05"
    assert parse_moment("30.11 12:01", TODAY, MOSCOW, NOW) == datetime(
        2026, 11, 30, 9, 1, tzinfo=UTC
    )
    assert format_day(TODAY) == "30.11.2026"


@pytest.mark.parametrize(
    ("text", "key", "ru", "en"),
    [
        (
            "31.02 10:00",
            "date-err-no-such-day",
            "Даты «31.02» нет в календаре",
            "There is no date “31.02” in the calendar",
        ),
        (
            "25.13 10:00",
            "date-err-no-such-day",
            "Даты «25.13» нет в календаре",
            "There is no date “25.13” in the calendar",
        ),
        (
            "25.11 25:00",
            "date-err-no-such-time",
            "Времени «25:00» не бывает",
            "There is no time “25:00”",
        ),
        (
            "30.11 11:59",  # a minute ago in Moscow
            "date-err-moment-past",
            "30.11.2026 11:59 уже прошло (сейчас 30.11.2026 12:00)",
            "30.11.2026 11:59 is over (it is 30.11.2026 12:00 now)",
        ),
        (
            "30.11.2026 12:00",  # exactly now
            "date-err-moment-past",
            "Укажите время позже, например <code>01.12.2026 12:00</code>",
            "Give a later time, e.g. <code>01.12.2026 12:00</code>",
        ),
        (
            "завтра <b>в 10</b>",
            "date-err-moment-format",
            "«завтра &lt;b&gt;в 10&lt;/b&gt;» — не похоже на дату и время",
            "“завтра &lt;b&gt;в 10&lt;/b&gt;” does not look like a date and time",
        ),
    ],
)
def test_bad_moments_are_explained_in_both_languages(text: str, key: str, ru: str, en: str) -> None:
    error = refusal(parse_moment, text, TODAY, MOSCOW, NOW)
    assert error.key == key
    locales = Locales()
    assert ru in locales.get("ru")(error.key, **error.params)
    assert en in locales.get("en")(error.key, **error.params)


def test_every_refusal_renders_in_both_languages() -> None:
    errors = [
        refusal(parse_day, "x", TODAY),
        refusal(parse_day, "31.02", TODAY),
        refusal(parse_day, "01.11.2026", TODAY),
        refusal(parse_day, "01.01.2028", TODAY, max_days_ahead=366),
        refusal(parse_time, "x"),
        refusal(parse_time, "24:00"),
        refusal(parse_moment, "x", TODAY, MOSCOW, NOW),
        refusal(parse_moment, "01.11.2026 10:00", TODAY, MOSCOW, NOW),
        refusal(parse_range, "x"),
        refusal(parse_range, "15.12"),
        refusal(parse_range, "31.05.2027-01.12.2026"),
    ]
    locales = Locales()
    for error in errors:
        for language in ("ru", "en"):
            text = locales.get(language)(error.key, **error.params)
            assert text and "{" not in text and error.key not in text, (language, text)


def test_ranges() -> None:
    assert parse_range("01.12.2026-31.05.2027") == (date(2026, 12, 1), date(2027, 5, 31))
    assert parse_range("15.12.2026") == (date(2026, 12, 15), date(2026, 12, 15))
    # with today, a day-month is the next such day, the end's on or after the start
    assert parse_range("01.12-31.05", TODAY) == (date(2026, 12, 1), date(2027, 5, 31))
    assert refusal(parse_range, "01.12-31.05").key == "date-err-year-needed"
    order = refusal(parse_range, "31.05.2027-01.12.2026")
    assert (order.key, order.params) == (
        "date-err-range-order",
        {"start": "31.05.2027", "end": "01.12.2026"},
    )


def test_a_long_text_is_quoted_short() -> None:
    error = refusal(parse_day, "x" * 5000, TODAY)
    assert len(error.params["text"]) <= 40
