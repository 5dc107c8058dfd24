"""Loads the current person, their profile and their roles; admins come from ADMIN_IDS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TgUser

from models.people import Roles, load_person_by_tg


class UserMiddleware(BaseMiddleware):
    def __init__(self, admin_ids: frozenset[int]) -> None:
        self.admin_ids = admin_ids

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: TgUser | None = data.get("event_from_user")
        user = profile = None
        roles = Roles()
        if tg_user is not None:
            user, profile, roles.by_org = await load_person_by_tg(data["session"], tg_user.id)
            roles.is_admin = tg_user.id in self.admin_ids
        data["user"] = user
        data["roles"] = roles
        # The session's identity map holds objects weakly: held here, the profile stays
        # loaded for the whole update, and `session.get(Profile, user.id)` needs no SELECT.
        data["user_profile"] = profile
        return await handler(event, data)
