"""What the sandbox refuses to start with: anything that could reach production."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# The stand-in's token: the shape the bot's settings accept, never a real bot's.
SANDBOX_TOKEN = "7000000:sandbox"
# What @BotFather hands out: the bot's id, a colon, 35 characters of [A-Za-z0-9_-].
_REAL_TOKEN = re.compile(r"^\d{6,12}:[A-Za-z0-9_-]{30,}$")


def looks_real(token: str) -> bool:
    return bool(_REAL_TOKEN.match(token.strip()))


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _same_file(url: str, own: Path) -> bool:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return False
    return Path(parsed.database).expanduser().resolve() == own.resolve()


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unreadable)"


def refusal(environ: Mapping[str, str], own_database: Path) -> str | None:
    """One line saying why the sandbox will not start, or None when it may."""
    token = environ.get("BOT_TOKEN", "").strip()
    if token and looks_real(token):
        return (
            "refusing to start: BOT_TOKEN looks like a real bot's token, and the sandbox "
            "never talks to Telegram; unset BOT_TOKEN to try the bot here"
        )
    url = environ.get("DATABASE_URL", "").strip()
    if url and not _same_file(url, own_database):
        return (
            f"refusing to start: DATABASE_URL={_shown(url)} is not the sandbox's own file "
            f"{own_database}; unset DATABASE_URL to try the bot here"
        )
    return None
