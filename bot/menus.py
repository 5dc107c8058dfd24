"""Per-person command menus: everyone's commands plus those of each role held."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.i18n import LANGUAGES, Locales, Translator
from models.people import Role, Roles

log = logging.getLogger(__name__)

EVERYONE = ("start", "help", "profile", "lang", "mydata", "forget", "cancel")
BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.MENTEE: (
        "myquestions",
        "program",
        "plan",
        "meet",
        "meetings",
        "surveys",
        "change_mentor",
    ),
    Role.MENTOR: (
        "questions",
        "mentees",
        "program",
        "plan",
        "meet",
        "meetings",
        "surveys",
        "away",
        "back",
        "release",
    ),
    Role.CURATOR: (
        "invite",
        "invites",
        "people",
        "pair",
        "program",
        "plan",
        "questions",
        "settings",
        "surveys",
        "report",
        "export",
        "program_doc",
        "annual_report",
        "poll",
        "announce",
        "practices",
    ),
    "admin": ("neworg", "orgs", "report"),
}
# Admins coordinate every school: what a curator may do, they may do too.
ADMIN_ALSO = (Role.CURATOR, "admin")


def role_commands() -> list[str]:
    """Every command that some role holds (the rest are everyone's)."""
    return sorted({name for names in BY_ROLE.values() for name in names} - set(EVERYONE))


def refusal_for(roles: Roles, command: str) -> tuple[str, ...] | None:
    """None when the person may use the command; else every role that holds it, to name
    in the refusal (in the order of BY_ROLE)."""
    owners = [role for role, names in BY_ROLE.items() if command in names]
    if not owners:
        return None
    for role in owners:
        if role in ADMIN_ALSO and roles.is_admin:
            return None
        if role != "admin" and roles.has(Role(role)):
            return None
    return tuple(str(role.value if isinstance(role, Role) else role) for role in owners)


def refusal_text(owners: tuple[str, ...], t: Translator) -> str:
    """The refusal naming the role that holds a command, or every role when several do."""
    if len(owners) == 1:
        return t(f"not-allowed-{owners[0]}")
    names = ", ".join(t.plain(f"not-allowed-role-{role}") for role in owners)
    return t("not-allowed-roles", roles=names)


def command_names(roles: Roles) -> list[str]:
    names = list(EVERYONE)
    held: list[str] = [r for r in (Role.MENTEE, Role.MENTOR, Role.CURATOR) if roles.has(r)]
    if roles.is_admin:
        held.append("admin")
    for role in held:
        for name in BY_ROLE[role]:
            if name not in names:
                names.append(name)
    return names


def commands_for(roles: Roles, t: Translator) -> list[BotCommand]:
    return [BotCommand(command=n, description=t.plain(f"cmd-{n}")) for n in command_names(roles)]


async def refresh_menu(bot: Bot, chat_id: int, roles: Roles, t: Translator) -> None:
    """Set the chat's own menu. A failure here must not undo the action that caused it."""
    try:
        await bot.set_my_commands(
            commands_for(roles, t), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except TelegramAPIError as exc:
        log.warning("could not set the menu of chat %s: %s", chat_id, exc.message)


async def set_default_menus(bot: Bot, locales: Locales) -> None:
    """The menu of people without a role, in each language."""
    for language in LANGUAGES:
        t = locales.get(language)
        commands = commands_for(Roles(), t)
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=language)
    await bot.set_my_commands(commands_for(Roles(), locales.get(locales.default)))


def help_text(roles: Roles, t: Translator) -> str:
    if not roles.any:
        return t("help-stranger")
    parts = [t("help-everyone")]
    for role in (Role.MENTEE, Role.MENTOR, Role.CURATOR):
        if roles.has(role):
            parts.append(t(f"help-{role.value}"))
    if roles.is_admin:
        parts.append(t("help-admin"))
    return "\n\n".join(parts)
