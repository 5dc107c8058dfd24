"""A mentor's absence: questions go to the curators until the date has passed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models.dates import parse_day
from models.people import User

MAX_AWAY_DAYS = 366


def parse_away_date(text: str, today: date) -> date:
    """'25.12' or '25.12.2026'; a day-month without a year is the next such day. Raises
    models.dates.DateInputError when the date does not exist, is in the past, or is more
    than a year ahead."""
    return parse_day(text, today, max_days_ahead=MAX_AWAY_DAYS)


async def set_away(session: AsyncSession, user_id: int, until: date | None) -> None:
    await session.execute(update(User).where(User.id == user_id).values(away_until=until))


def is_away(user: User, today: date) -> bool:
    return user.away_until is not None and user.away_until >= today
