"""Unit tests: the school calendar, text splitting, settings, clocks, the rate limiter
and the locales."""

from __future__ import annotations

import itertools
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fluent.syntax import FluentParser, ast, visitor

from bot.clock import FileClock, SystemClock, make_clock
from bot.config import ConfigError, Settings, load_settings
from bot.i18n import LANGUAGES, LOCALES_DIR, Locales
from bot.menus import BY_ROLE, EVERYONE
from bot.sender import RateLimiter, TokenBucket
from bot.texts import CAPTION_LIMIT, MESSAGE_LIMIT, split_text, utf16_len
from models.calendar import WorkSchedule, default_calendar, school_year_of
from models.invites import InviteProblem
from models.people import Direction, Role
from models.settings_input import (
    calendar_lines,
    parse_calendar,
    parse_quiet_hours,
    parse_timezone,
    parse_work_hours,
)
from tests.support.seed import school_hours

ROOT = Path(__file__).resolve().parents[1]
MSK = 3  # Moscow is UTC+3 all year


def schedule(**overrides: Any) -> WorkSchedule:
    return WorkSchedule.of(school_hours(**overrides))


def msk(*args: int) -> datetime:
    """A Moscow wall-clock time as a UTC instant."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=MSK)


# The school calendar -----------------------------------------------------------------


def test_working_time_skips_the_weekend() -> None:
    week = schedule()
    friday_late = msk(2026, 11, 27, 17, 0)
    assert week.add_working_time(friday_late, timedelta(hours=2)) == msk(2026, 11, 30, 9, 0)
    saturday = msk(2026, 11, 28, 12, 0)
    assert week.add_working_time(saturday, timedelta(hours=1)) == msk(2026, 11, 30, 9, 0)
    assert week.working_time_between(friday_late, msk(2026, 11, 30, 9, 0)) == timedelta(hours=2)


def test_working_time_skips_a_holiday() -> None:
    week = schedule()
    assert date(2026, 11, 4) in week.days_off  # National Unity Day, a Wednesday
    tuesday_late = msk(2026, 11, 3, 17, 30)
    assert week.add_working_time(tuesday_late, timedelta(hours=1)) == msk(2026, 11, 5, 8, 30)
    assert week.add_working_time(tuesday_late, timedelta(minutes=30)) == msk(2026, 11, 3, 18, 0)
    before_opening = msk(2026, 11, 5, 6, 0)
    assert week.add_working_time(before_opening, timedelta(0)) == msk(2026, 11, 5, 8, 0)


def test_custom_days_off_and_a_six_day_week() -> None:
    calendar = default_calendar(2026) | {"days_off": [{"start": "2026-11-30", "end": "2026-12-01"}]}
    week = schedule(work_days="1,2,3,4,5,6", calendar=calendar)
    saturday = msk(2026, 11, 28, 17, 0)
    assert week.add_working_time(saturday, timedelta(hours=2)) == msk(2026, 12, 2, 9, 0)


def test_quiet_hours_across_midnight() -> None:
    week = schedule()
    assert week.is_quiet(msk(2026, 11, 23, 23, 0))
    assert week.is_quiet(msk(2026, 11, 24, 7, 59))
    assert week.is_quiet(msk(2026, 11, 23, 21, 0))
    assert not week.is_quiet(msk(2026, 11, 24, 8, 0))
    assert not week.is_quiet(msk(2026, 11, 23, 20, 59))
    assert week.quiet_ends_at(msk(2026, 11, 23, 23, 0)) == msk(2026, 11, 24, 8, 0)
    assert week.quiet_ends_at(msk(2026, 11, 24, 2, 0)) == msk(2026, 11, 24, 8, 0)
    noon = msk(2026, 11, 24, 12, 0)
    assert week.quiet_ends_at(noon) == noon


def test_quiet_hours_within_one_day_and_another_zone() -> None:
    week = schedule(timezone="Asia/Yekaterinburg", quiet_start="13:00", quiet_end="14:00")
    local_13_30 = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)  # UTC+5
    assert week.is_quiet(local_13_30)
    assert week.quiet_ends_at(local_13_30) == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert not week.is_quiet(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))


def test_default_calendar() -> None:
    calendar = default_calendar(2026)
    assert calendar["year"] == "2026/27"
    quarters = calendar["quarters"]
    assert len(quarters) == 4 and quarters[0]["start"] == "2026-09-01"
    for a, b in itertools.pairwise(quarters):
        assert a["start"] <= a["end"] < b["start"] <= b["end"]
    assert "2026-11-04" in calendar["holidays"] and "2027-01-01" in calendar["holidays"]
    assert all("2026-09-01" <= h <= "2027-08-31" for h in calendar["holidays"])
    assert calendar["holidays"] == sorted(calendar["holidays"])
    assert school_year_of(date(2026, 8, 31)) == 2026
    assert school_year_of(date(2027, 5, 31)) == 2026
    assert parse_calendar("\n".join(calendar_lines(calendar)))["calendar"] == calendar


# What a curator types into /settings -------------------------------------------------


def test_settings_parsers() -> None:
    assert parse_timezone(" Asia/Novosibirsk ") == {"timezone": "Asia/Novosibirsk"}
    assert parse_timezone("UTC") == {"timezone": "UTC"}
    assert parse_work_hours("8:00 - 17:30") == {"work_start": "08:00", "work_end": "17:30"}
    assert parse_work_hours("1-6 09:00-15:00")["work_days"] == "1,2,3,4,5,6"
    assert parse_quiet_hours("22:00-07:00") == {"quiet_start": "22:00", "quiet_end": "07:00"}
    holidays = parse_calendar(
        "q1 01.09.2026 – 24.10.2026\nQ2 05.11.2026-27.12.2026\nQ3 11.01.2027-20.03.2027\n"
        "Q4 30.03.2027-26.05.2027\nH 01.01.2027-03.01.2027"
    )["calendar"]["holidays"]
    assert holidays == ["2027-01-01", "2027-01-02", "2027-01-03"]
    bad = [
        (parse_timezone, "Mars/Olympus", "settings-bad-timezone"),
        (parse_timezone, "EST", "settings-bad-timezone"),
        (parse_timezone, "", "settings-bad-timezone"),
        (parse_work_hours, "18:00-08:00", "settings-bad-hours"),
        (parse_work_hours, "5-1 08:00-18:00", "settings-bad-hours"),
        (parse_work_hours, "08:00-24:00", "settings-bad-hours"),
        (parse_work_hours, "08:60-09:00", "settings-bad-hours"),
        (parse_quiet_hours, "21:00-21:00", "settings-bad-quiet"),
        (parse_quiet_hours, "1-5 21:00-08:00", "settings-bad-quiet"),
        (parse_quiet_hours, "tonight", "settings-bad-quiet"),
        (parse_quiet_hours, "25:00-08:00", "settings-bad-quiet"),
        (parse_calendar, "Q1 01.09.2026-24.10.2026", "settings-bad-calendar"),
        (parse_calendar, "Q1 24.10.2026-01.09.2026", "settings-bad-calendar"),
        (parse_calendar, "X 01.09.2026", "settings-bad-calendar"),
    ]
    for parser, text, key in bad:
        with pytest.raises(ValueError, match=f"^{key}$"):
            parser(text)


# Text splitting ----------------------------------------------------------------------


@pytest.mark.parametrize("limit", [MESSAGE_LIMIT, CAPTION_LIMIT, 50])
def test_split_text_respects_utf16_limits(limit: int) -> None:
    words = [f"слово{n}" if n % 3 else "😀👩‍🏫𝔸" * (1 + n % 4) for n in range(3000)]
    text = " ".join(words[:1000]) + "\n\n" + "\n".join(words[1000:])
    pieces = split_text(text, limit)
    assert len(pieces) > 1
    assert all(0 < utf16_len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())  # nothing lost
    if limit >= CAPTION_LIMIT:  # words are short next to the limit: none is cut
        assert " ".join(pieces).split() == text.split()


def test_split_text_without_spaces_and_short_texts() -> None:
    emoji = "😀" * 3000  # two UTF-16 units each
    pieces = split_text(emoji)
    assert [utf16_len(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == emoji
    assert split_text("коротко") == ["коротко"]
    assert split_text("") == [""]
    exact = "я" * MESSAGE_LIMIT
    assert split_text(exact) == [exact]


# Settings ----------------------------------------------------------------------------

SETTING_NAMES = [name.upper() for name in Settings.model_fields]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "abc:defghijk"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "123:"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "1:abcdef", "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"BOT_TOKEN": "1:abcdef", "INVITE_TTL_DAYS": "0"}, "INVITE_TTL_DAYS"),
        ({"BOT_TOKEN": "1:abcdef", "APP_ENV": "staging"}, "APP_ENV"),
    ],
)
def test_bad_settings_name_the_setting(
    env: dict[str, str], name: str, clean_env: pytest.MonkeyPatch
) -> None:
    for key, value in env.items():
        clean_env.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"{name}:") and "\n" not in message
    assert "abcdef" not in message and "not-a-token" not in message  # the secret stays out


def test_good_settings(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BOT_TOKEN", " 123456:ABCdef-ghi ")
    clean_env.setenv("ADMIN_IDS", "1, 2;3")
    settings = load_settings(_env_file=None)
    assert settings.bot_token.get_secret_value() == "123456:ABCdef-ghi"
    assert settings.admin_ids == frozenset({1, 2, 3})
    assert "ABCdef" not in repr(settings)


def test_test_clock_only_in_tests(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("BOT_TOKEN", "1:abcdef")
    clean_env.setenv("TEST_CLOCK_FILE", str(tmp_path / "clock"))
    with pytest.raises(ConfigError, match="TEST_CLOCK_FILE"):
        load_settings(_env_file=None)
    clean_env.setenv("APP_ENV", "development")
    with pytest.raises(ConfigError, match="TEST_CLOCK_FILE"):
        load_settings(_env_file=None)
    clean_env.setenv("APP_ENV", "test")
    assert load_settings(_env_file=None).test_clock_file == str(tmp_path / "clock")
    with pytest.raises(ValueError, match="TEST_CLOCK_FILE"):
        make_clock("production", str(tmp_path / "clock"))
    assert isinstance(make_clock("test", str(tmp_path / "clock")), FileClock)
    assert isinstance(make_clock("sandbox", str(tmp_path / "clock")), FileClock)
    clean_env.setenv("APP_ENV", "sandbox")
    assert load_settings(_env_file=None).test_clock_file == str(tmp_path / "clock")
    assert isinstance(make_clock("production", None), SystemClock)


def test_start_without_a_token_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "BOT_TOKEN" in lines[0] and "Traceback" not in result.stderr
    assert "mentorbot sandbox" in lines[0]  # the way to try the bot without a token
    assert not (tmp_path / "data").exists()  # no database was created


# Clocks ------------------------------------------------------------------------------


def test_file_clock_jumps_and_runs_on(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    clock = FileClock(path)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)  # no file: real time
    path.write_text("2027-03-01T09:00:00+03:00", encoding="utf-8")
    written = path.stat().st_mtime
    os.utime(path, (written - 100, written - 100))  # written 100 s ago
    now = clock.now()
    assert now.tzinfo is not None
    start = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
    assert start + timedelta(seconds=100) <= now < start + timedelta(seconds=160)
    path.write_text("2030-01-01T00:00:00", encoding="utf-8")  # naive: taken as UTC
    os.utime(path, (written + 5, written + 5))
    jumped = clock.now()
    assert datetime(2030, 1, 1, tzinfo=UTC) <= jumped < datetime(2030, 1, 1, 0, 1, tzinfo=UTC)
    assert clock.now() >= jumped  # time never runs backwards between jumps
    path.write_text("", encoding="utf-8")
    os.utime(path, (written + 10, written + 10))
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


# Rate limiting -----------------------------------------------------------------------


def test_token_bucket_reservations() -> None:
    bucket = TokenBucket(rate=1.0, capacity=3)
    assert [bucket.reserve(0.0) for _ in range(5)] == [0.0, 0.0, 0.0, 1.0, 2.0]
    assert bucket.reserve(2.0) == 1.0  # two tokens came back, three were owed
    assert bucket.reserve(10.0) == 0.0  # refilled, never above capacity
    assert [bucket.reserve(10.0) for _ in range(3)] == [0.0, 0.0, 1.0]


def test_rate_limiter_arithmetic() -> None:
    now = [100.0]
    limiter = RateLimiter(25, 1.0, 3, 20, timer=lambda: now[0])
    assert [limiter.delay_for(7) for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]
    assert limiter.delay_for(8) == 0.0  # another chat has its own bucket
    assert [limiter.delay_for(-100) for _ in range(4)] == [0.0, 0.0, 0.0, 3.0]  # 20/min
    limiter.pause(9, 30)
    assert limiter.paused_for(9) == 30.0
    assert limiter.delay_for(9) == 30.0
    now[0] += 10
    assert limiter.paused_for(9) == 20.0


def test_rate_limiter_slows_down_after_429s_on_several_chats() -> None:
    now = [0.0]
    limiter = RateLimiter(10, 1.0, 3, 20, timer=lambda: now[0])
    limiter.pause(1, 1)
    limiter.pause(2, 1)
    assert limiter.global_bucket.rate == 10
    limiter.pause(3, 1)
    assert limiter.global_bucket.rate == 5
    now[0] = 61.0
    limiter.delay_for(None)
    assert limiter.global_bucket.rate == 10
    global_only = RateLimiter(2, 100.0, 100, 20, timer=lambda: now[0])
    assert [global_only.delay_for(n) for n in range(4)] == [0.0, 0.0, 0.5, 1.0]


# Locales -----------------------------------------------------------------------------


def test_ru_and_en_have_the_same_keys() -> None:
    locales = Locales()
    ru, en = locales.keys("ru"), locales.keys("en")
    assert sorted(ru - en) == [] and sorted(en - ru) == []
    assert len(ru) > 100


KEY_CALL = re.compile(r"""\bt(?:\.plain)?\(\s*["']([a-z0-9-]+)["']""")
KEY_ARG = re.compile(r"""["']?key["']?\s*[=:]\s*["']([a-z0-9-]+)["']""")


def _used_keys() -> dict[str, str]:
    used: dict[str, str] = {}
    for folder in ("bot", "handlers", "models"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for key in KEY_CALL.findall(text) + KEY_ARG.findall(text):
                used.setdefault(key, str(path.relative_to(ROOT)))
    return used


def _built_keys() -> set[str]:
    """Keys the code builds with f-strings, from the values they are built from."""
    keys = {f"invite-{p.value}" for p in InviteProblem}
    keys |= {f"role-{r.value}" for r in Role} | {f"help-{r.value}" for r in Role}
    keys |= {f"direction-{d.value}" for d in Direction}
    fields = ("name", "position", "subject", "experience")
    keys |= {f"profile-hint-{f}" for f in fields}
    keys |= {f"profile-{kind}-{f}" for kind in ("ask", "edit") for f in (*fields, "directions")}
    keys |= {"profile-ask-difficulties", "profile-edit-difficulties"}
    for field in ("timezone", "hours", "quiet", "calendar", "transfers"):
        keys |= {f"settings-{kind}-{field}" for kind in ("ask", "edit", "bad")}
    names = set(EVERYONE) | {n for group in BY_ROLE.values() for n in group}
    keys |= {f"cmd-{n}" for n in names} | {f"lang-name-{code}" for code in LANGUAGES}
    keys |= {f"weekday-{d}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return keys


def test_every_key_the_code_uses_exists() -> None:
    used = _used_keys()
    assert len(used) > 50, "the pattern no longer finds the keys"
    for language in LANGUAGES:
        known = Locales().keys(language)
        missing = {k: where for k, where in used.items() if k not in known}
        assert not missing, f"{language}: {missing}"
        built = sorted(_built_keys() - known)
        assert not built, f"{language}: {built}"


class _References(visitor.Visitor):
    def __init__(self) -> None:
        self.variables: set[str] = set()
        self.messages: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.variables.add(node.id.name)
        self.generic_visit(node)

    def visit_MessageReference(self, node: ast.MessageReference) -> None:
        self.messages.add(node.id.name)
        self.generic_visit(node)


def _entries(language: str) -> list[tuple[str, ast.Message]]:
    entries = []
    for path in sorted((LOCALES_DIR / language).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        junk = [e for e in resource.body if isinstance(e, ast.Junk)]
        assert not junk, f"{path.name}: {[j.content[:60] for j in junk]}"
        entries += [(path.name, e) for e in resource.body if isinstance(e, ast.Message)]
    return entries


def _messages(language: str) -> dict[str, set[str]]:
    """Each message with the variables it needs, those of the messages it uses included."""
    refs: dict[str, _References] = {}
    for _, entry in _entries(language):
        refs[entry.id.name] = _References()
        refs[entry.id.name].visit(entry)

    def needs(key: str, seen: frozenset[str]) -> set[str]:
        found = set(refs[key].variables)
        for other in refs[key].messages - seen:
            found |= needs(other, seen | {other})
        return found

    return {key: needs(key, frozenset({key})) for key in refs}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_key_is_defined_twice(language: str) -> None:
    where: dict[str, list[str]] = {}
    for filename, entry in _entries(language):
        where.setdefault(entry.id.name, []).append(filename)
    twice = {key: files for key, files in where.items() if len(files) > 1}
    assert not twice, f"{language}: the first definition wins, the others are dead: {twice}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_renders(language: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    t = Locales().get(language)
    assert t("invite-revoked") != t("invite-revoke-done", id=7)
    messages = _messages(language)
    samples: list[Any] = ["mentor", "curator", "mentee", "text <b>", 0, 1, 3, -1, 21, 1000]
    for key, variables in messages.items():
        for sample in samples:
            text = t(key, **{name: sample for name in variables})
            assert text and text != key, key
            assert "{" not in text.replace("{ ", "").replace("{$", ""), (key, text)
    errors = [r.getMessage() for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, errors[:5]
    assert "&lt;b&gt;" in t("profile-bad-name", limit="<b>")  # arguments are escaped


def test_split_text_never_yields_an_empty_piece() -> None:
    from bot.texts import split_text as split

    text = "слово " + " " * 3000 + "конец " * 300
    pieces = split(text, 4096)
    assert all(piece.strip() for piece in pieces)
    assert " ".join(pieces).split() == text.split()
