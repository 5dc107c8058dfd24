"""What /poll and /announce share: picking the school and the audience, and naming who
cannot be reached. The flows themselves live in handlers/polls.py and handlers/announce.py;
their buttons carry `what` (kb.POLL or kb.ANNOUNCE) and here one handler serves both."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.keyboards import broadcast as kb
from handlers.flows import drop_buttons, pick_in_pages, say
from models.people import AUDIENCES, Organization, Recipient, Roles, curator_orgs, may_manage

router = Router(name="broadcast")

NAMES_SHOWN = 50  # unreachable people named in a preview, a confirmation or a status


def reach(people: list[Recipient]) -> tuple[int, list[str]]:
    """Of the recipients with a chat: how many the bot can reach, and the names of those
    who blocked it."""
    with_chat = [p for p in people if p.chat_id is not None]
    return sum(1 for p in with_chat if p.reachable), [p.name for p in with_chat if not p.reachable]


def names_text(t: Translator, names: list[str]) -> str:
    shown = ", ".join(t.name(n) for n in names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += f", … (+{len(names) - NAMES_SHOWN})"
    return shown


def unreachable_lines(t: Translator, names: list[str]) -> list[str]:
    """«Unreachable (blocked the bot): N — names», when there are any."""
    return [t("bc-unreachable", count=len(names), names=names_text(t, names))] if names else []


def managed_ids(roles: Roles, orgs: list[tuple[int, str]]) -> list[int] | None:
    """The schools whose items are listed: None (all) for the admin."""
    return None if roles.is_admin else [org_id for org_id, _ in orgs]


async def zones(session: AsyncSession, org_ids: set[int]) -> dict[int, str]:
    """The time zone of each school, for local dates in a list."""
    rows = await session.execute(
        select(Organization.id, Organization.timezone).where(Organization.id.in_(org_ids))
    )
    return {org_id: zone for org_id, zone in rows.all()}


def _prefix(what: str) -> str:
    return "poll" if what == kb.POLL else "announce"


async def start_new(
    event: Message | CallbackQuery,
    what: str,
    orgs: list[tuple[int, str]],
    t: Translator,
    state: FSMContext,
) -> None:
    """The school (when there are several), then the audience."""
    await state.clear()
    if len(orgs) == 1:
        markup = kb.audience_keyboard(t, what, orgs[0][0])
        await say(event, t(f"{_prefix(what)}-pick-audience"), markup)
        return
    await pick_in_pages(event, t("bc-pick-org"), kb.org_rows(what, orgs), state, t)


@router.callback_query(kb.BcNewCb.filter())
async def new_pressed(
    query: CallbackQuery,
    callback_data: kb.BcNewCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    orgs = await curator_orgs(session, roles)
    if not orgs:
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    await query.answer()
    await start_new(query, callback_data.what, orgs, t, state)


@router.callback_query(kb.BcOrgCb.filter())
async def org_pressed(
    query: CallbackQuery, callback_data: kb.BcOrgCb, roles: Roles, t: Translator
) -> None:
    if not may_manage(roles, callback_data.org_id):
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    what = callback_data.what
    await say(
        query,
        t(f"{_prefix(what)}-pick-audience"),
        kb.audience_keyboard(t, what, callback_data.org_id),
    )


async def audience_picked(
    query: CallbackQuery,
    callback_data: kb.BcAudienceCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
) -> Organization | None:
    """The school of an audience button, once the presser may manage it and the audience is
    one of AUDIENCES; None (the press answered with an alert) otherwise."""
    org = await session.get(Organization, callback_data.org_id)
    if org is None or not may_manage(roles, org.id):
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return None
    if callback_data.audience not in AUDIENCES:
        await query.answer(t.plain(f"{_prefix(callback_data.what)}-err-audience"), show_alert=True)
        return None
    await query.answer()
    await drop_buttons(query)
    return org
