"""A mentor's absence: questions go to the curators until the date has passed."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models.people import User

DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?$")


def parse_away_date(text: str, today: date) -> date | None:
    """'25.12' or '25.12.2026'; a day-month without a year is the next such day. None when
    the date does not exist, is in the past, or is more than a year ahead."""
    match = DATE.match(text.strip())
    if not match:
        return None
    day, month, year = int(match[1]), int(match[2]), match[3]
    try:
        value = date(int(year) if year else today.year, month, day)
        if not year and value < today:
            value = date(today.year + 1, month, day)
    except ValueError:
        return None
    if value < today or (value - today).days > 366:
        return None
    return value


async def set_away(session: AsyncSession, user_id: int, until: date | None) -> None:
    await session.execute(update(User).where(User.id == user_id).values(away_until=until))


def is_away(user: User, today: date) -> bool:
    return user.away_until is not None and user.away_until >= today
