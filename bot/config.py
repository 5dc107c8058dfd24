"""Application settings, read from the environment and an optional .env file."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.clock import MOVABLE_CLOCK_ENVS
from models.meetings import parse_offsets

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/mentorbot.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr
    database_url: str = DEFAULT_DATABASE_URL
    # SQLite runs on the event loop (models/db.py InlineSqlite); false: in aiosqlite's thread.
    sqlite_on_loop: bool = True
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    telegram_api_base: str | None = None
    default_timezone: str = "Europe/Moscow"
    default_language: Literal["ru", "en"] = "ru"
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    question_remind_hours: float = Field(default=4, gt=0)
    question_escalate_hours: float = Field(default=16, gt=0)
    # Meeting reminders: how long before the start each goes, e.g. "24h,1h" or "2d,30m".
    meeting_reminders: str = "24h,1h"
    global_rate_limit: float = Field(default=25, gt=0)
    chat_rate_limit: float = Field(default=1, gt=0)
    chat_burst: int = Field(default=3, ge=1)
    group_rate_per_minute: int = Field(default=20, ge=1)
    tick_seconds: float = Field(default=5, gt=0)
    # Plan deadlines: reminded this many days before (0: not before) and on the day, at
    # this local time of the school; overdue items reach the curator after this many days.
    plan_remind_days_before: int = Field(default=3, ge=0, le=14)
    plan_remind_at: time = time(9, 0)
    overdue_curator_days: int = Field(default=7, ge=2, le=90)
    outbox_retention_days: int = Field(default=30, ge=1)
    tasks_concurrency_limit: int = Field(default=64, ge=1)
    flood_messages_per_second: int = Field(default=5, ge=1)
    # A flow (a form, a reply being written) left this long is dropped at the next message.
    flow_timeout_minutes: int = Field(default=30, ge=1, le=1440)
    redis_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # sandbox: `mentorbot sandbox` runs the bot against its Telegram stand-in (may move time).
    app_env: Literal["production", "development", "test", "sandbox"] = "production"
    test_clock_file: str | None = None
    log_level: str = "INFO"

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value().strip()
        head, sep, tail = raw.partition(":")
        if not (sep and head.isdigit() and len(tail) >= 5):
            raise ValueError("expected the form 123456789:ABC... from @BotFather")
        return SecretStr(raw)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("expected Telegram user ids separated by commas") from None
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("meeting_reminders")
    @classmethod
    def _reminder_offsets(cls, value: str) -> str:
        if not parse_offsets(value):
            raise ValueError("expected offsets like 24h,1h")
        return value

    @property
    def flow_timeout(self) -> timedelta:
        return timedelta(minutes=self.flow_timeout_minutes)

    @property
    def meeting_offsets(self) -> tuple[timedelta, ...]:
        """MEETING_REMINDERS as offsets before a meeting's start, largest first."""
        return parse_offsets(self.meeting_reminders)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("expected DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("expected sqlite+aiosqlite:///path or postgresql+asyncpg://...")
        return value

    @model_validator(mode="after")
    def _test_only_settings(self) -> Settings:
        if self.test_clock_file and self.app_env not in MOVABLE_CLOCK_ENVS:
            raise ValueError("TEST_CLOCK_FILE is allowed only with APP_ENV=test or sandbox")
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        if self.question_escalate_hours <= self.question_remind_hours:
            raise ValueError("QUESTION_ESCALATE_HOURS must be greater than QUESTION_REMIND_HOURS")
        return self


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "_".join(str(p) for p in err.get("loc", ()) if p != "__root__").upper()
        message = err.get("msg", "invalid value").removeprefix("Value error, ")
        if err.get("type") == "missing":
            message = "is required"
            if name == "BOT_TOKEN":
                message += " (from @BotFather); to try the bot without one: mentorbot sandbox"
        raise ConfigError(f"{name or 'configuration'}: {message}".strip()) from None
