"""Deep links and local-time formatting shared by the handlers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def format_local(instant: datetime, zone: str, with_time: bool = True) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    return local.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")
