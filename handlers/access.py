"""Object checks as filters: a button that names an object (a school, an invite, a
program, a mentee) acts only for someone who may act on it; otherwise one refusal and
no handler runs. (Question buttons: handlers/questions/thread.py QuestionButton;
commands by role: handlers/roles.py.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery

from models.invites import Invite
from models.people import Organization, may_manage
from models.programs import Program

# Loads what a button's data names, for the person pressing it; None: not theirs.
Loader = Callable[[Any, dict[str, Any]], Awaitable[Any]]


class Granted(Filter):
    """Gives the handler `name`, what `load` found for the pressed button; when `load`
    finds nothing the person may act on, one refusal."""

    def __init__(self, name: str, load: Loader) -> None:
        self.name = name
        self.load = load

    async def __call__(
        self, query: CallbackQuery, callback_data: Any, **data: Any
    ) -> bool | dict[str, Any]:
        found = await self.load(callback_data, data)
        if found is None:
            await query.answer(data["t"]("not-allowed"), show_alert=True)
            return False
        return {self.name: found}


async def _managed_org(callback_data: Any, data: dict[str, Any]) -> Organization | None:
    org_id = int(callback_data.org_id)
    if not may_manage(data["roles"], org_id):
        return None
    return await data["session"].get(Organization, org_id)


async def _managed_invite(callback_data: Any, data: dict[str, Any]) -> Invite | None:
    invite = await data["session"].get(Invite, int(callback_data.invite_id))
    return invite if invite is not None and may_manage(data["roles"], invite.org_id) else None


async def _offered_program(callback_data: Any, data: dict[str, Any]) -> Program | None:
    program = await data["session"].get(Program, int(callback_data.program_id))
    user = data.get("user")
    return (
        program
        if program is not None and user is not None and program.mentor_id == user.id
        else None
    )


def ManagedOrg() -> Granted:
    """`org`: the school the button's `org_id` names, for its curator or an admin."""
    return Granted("org", _managed_org)


def ManagedInvite() -> Granted:
    """`invite`: the invite the button names, for a curator of its school or an admin."""
    return Granted("invite", _managed_invite)


def OfferedProgram() -> Granted:
    """`program`: the program the button names, for the mentor it was offered to."""
    return Granted("program", _offered_program)
