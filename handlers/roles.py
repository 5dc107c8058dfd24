"""One refusal for every command used without its role, built from the command table in
bot/menus.py. It comes first in the router tree: the handlers of role commands never see
a person without the role."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import Message

from bot.i18n import Translator
from bot.menus import refusal_for, refusal_text, role_commands
from models.people import Roles

router = Router(name="roles")


class LacksRole(Filter):
    """Matches a role command from someone without that role; gives the roles to name."""

    async def __call__(self, message: Message, command: CommandObject, roles: Roles) -> Any:
        owners = refusal_for(roles, command.command)
        return {"owners": owners} if owners is not None else False


@router.message(Command(*role_commands()), LacksRole())
async def refuse(message: Message, owners: tuple[str, ...], t: Translator) -> None:
    await message.answer(refusal_text(owners, t))
