"""Object checks as filters: a button that names a school is pressed by someone who
manages it, or gets one refusal and reaches no handler. (Question buttons have their
own, handlers/questions/thread.py QuestionButton; commands by role, handlers/roles.py.)"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from models.people import Organization, Roles, may_manage


class ManagedOrg(Filter):
    """Gives the handler `org`, the school the button's `org_id` names, when the person
    may manage it (its curator, or an admin)."""

    async def __call__(
        self,
        query: CallbackQuery,
        callback_data: Any,
        session: AsyncSession,
        roles: Roles,
        t: Translator,
    ) -> bool | dict[str, Any]:
        org_id = int(callback_data.org_id)
        org = await session.get(Organization, org_id) if may_manage(roles, org_id) else None
        if org is None:
            await query.answer(t("not-allowed"), show_alert=True)
            return False
        return {"org": org}
