"""The regional coordinator: /neworg and /orgs."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator
from bot.links import format_local, invite_link
from bot.lists import send_lines
from models.invites import create_invite
from models.people import Role, Roles, clean_text_field, create_organization, list_organizations

router = Router(name="admin")


def split_name_and_zone(text: str, default: str) -> tuple[str, str | None]:
    """'<name> [tz]': a last word with a slash, or UTC, is the zone. None when unknown."""
    words = text.split()
    if words and ("/" in words[-1] or words[-1].upper() == "UTC"):
        zone = words[-1]
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            return " ".join(words[:-1]), None
        return " ".join(words[:-1]), zone
    return text, default


@router.message(Command("neworg"))
async def new_org(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    clock: Clock,
    settings: Settings,
    bot_username: str,
) -> None:
    raw_name, zone = split_name_and_zone(command.args or "", settings.default_timezone)
    if zone is None:
        await message.answer(t("neworg-bad-zone", zone=(command.args or "").split()[-1]))
        return
    name = clean_text_field(raw_name)
    if name is None:
        await message.answer(t("neworg-usage"))
        return
    now = clock.now()
    org = await create_organization(session, name, zone, now)
    invite = await create_invite(
        session, org.id, Role.CURATOR, None, now, timedelta(days=settings.invite_ttl_days), 1
    )
    await message.answer(
        t(
            "neworg-created",
            org=org.name,
            zone=zone,
            link=invite_link(bot_username, invite.code),
            expires=format_local(invite.expires_at, zone),
        )
    )


@router.message(Command("orgs"))
async def list_orgs(
    message: Message, session: AsyncSession, roles: Roles, t: Translator, bot: Bot
) -> None:
    rows = await list_organizations(session)
    if not rows:
        await message.answer(t("orgs-empty"))
        return
    lines = [
        t("orgs-line", id=org.id, org=org.name, zone=org.timezone, people=n) for org, n in rows
    ]
    await send_lines(bot, message.chat.id, t("orgs-header", count=len(rows)), lines)
