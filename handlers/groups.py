"""Group chats: the bot works in private chats only and says so once when added.

Private my_chat_member updates track whether a person has blocked the bot.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from models.people import User, mark_reachable, mark_unreachable

router = Router(name="groups")


@router.my_chat_member(
    F.chat.type.in_({"group", "supergroup"}), ChatMemberUpdatedFilter(JOIN_TRANSITION)
)
async def added_to_group(event: ChatMemberUpdated, t: Translator) -> None:
    await event.answer(t("group-note"))


@router.my_chat_member(F.chat.type == "private", ChatMemberUpdatedFilter(LEAVE_TRANSITION))
async def blocked(
    event: ChatMemberUpdated, session: AsyncSession, user: User | None, clock: Clock
) -> None:
    if user is not None:
        await mark_unreachable(session, user.id, clock.now())


@router.my_chat_member(F.chat.type == "private", ChatMemberUpdatedFilter(JOIN_TRANSITION))
async def unblocked(event: ChatMemberUpdated, session: AsyncSession, user: User | None) -> None:
    if user is not None:
        await mark_reachable(session, user.id)
