"""The curator's bank of people: invites, the list, removing a role."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Locales, Translator
from bot.keyboards.builders import (
    invites_keyboard,
    org_pick_rows,
    people_keyboard,
    remove_role_keyboard,
)
from bot.keyboards.callbacks import (
    InviteRevokeCb,
    OrgPickCb,
    PeoplePageCb,
    PersonCb,
    RemoveRoleCb,
)
from bot.links import format_local, invite_link
from bot.lists import send_lines
from bot.menus import refresh_menu
from handlers.access import ManagedInvite, ManagedOrg
from handlers.flows import pick_in_pages
from handlers.settings import show_settings
from models.changes import hand_over_mentor
from models.invites import Invite, create_invite, list_invites, revoke_invite
from models.outbox import enqueue
from models.people import (
    Organization,
    Role,
    Roles,
    User,
    curator_orgs,
    load_roles,
    may_manage,
    remove_role,
)
from models.roster import PersonRow, list_people, list_people_by_ids

router = Router(name="people")
PAGE_SIZE = 10
MAX_USES_CAP = 1000


async def _pick_org(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
    command: str,
    arg: str,
) -> int | None:
    """The organization a curator command applies to; asks when there are several."""
    orgs = await curator_orgs(session, roles)
    if not orgs:
        await message.answer(t("not-allowed-curator"))
        return None
    if len(orgs) == 1:
        return orgs[0][0]
    await pick_in_pages(message, t("pick-org"), org_pick_rows(command, arg, orgs), state, t)
    return None


def parse_invite_args(text: str) -> tuple[Role, int | None] | None:
    words = (text or "").split()
    if not words or words[0].lower() not in {r.value for r in Role} or len(words) > 2:
        return None
    cap = None
    if len(words) == 2:
        digits = words[1].isascii() and words[1].isdigit()  # int("²") fails
        if not digits or not 1 <= int(words[1]) <= MAX_USES_CAP:
            return None
        cap = int(words[1])
    return Role(words[0].lower()), cap


@router.message(Command("invite"))
async def invite(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    clock: Clock,
    settings: Settings,
    bot_username: str,
    state: FSMContext,
) -> None:
    parsed = parse_invite_args(command.args or "")
    if parsed is None:
        await message.answer(t("invite-usage", cap=MAX_USES_CAP))
        return
    # Button data cannot hold ":" (aiogram's separator): the words are joined with "_".
    arg = "_".join((command.args or "").lower().split())
    org_id = await _pick_org(message, session, roles, t, state, "invite", arg)
    if org_id is not None:
        await _make_invite(
            message, session, roles, user, t, clock, settings, bot_username, org_id, arg
        )


async def _make_invite(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    clock: Clock,
    settings: Settings,
    bot_username: str,
    org_id: int,
    arg: str,
) -> None:
    parsed = parse_invite_args(arg.replace("_", " "))
    org = await session.get(Organization, org_id)
    if parsed is None or org is None or not may_manage(roles, org_id):
        await message.answer(t("not-allowed-curator"))
        return
    role, cap = parsed
    now = clock.now()
    ttl = timedelta(days=settings.invite_ttl_days)
    created = await create_invite(session, org_id, role, user.id if user else None, now, ttl, cap)
    await message.answer(
        t(
            "invite-created",
            role=role.value,
            org=org.name,
            link=invite_link(bot_username, created.code),
            expires=format_local(created.expires_at, org.timezone),
            cap=cap or 0,
        )
    )


@router.message(Command("invites"))
async def invites(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    clock: Clock,
    bot: Bot,
    state: FSMContext,
) -> None:
    org_id = await _pick_org(message, session, roles, t, state, "invites", "")
    if org_id is not None:
        await _list_invites(message, session, t, clock, bot, org_id)


async def _list_invites(
    message: Message, session: AsyncSession, t: Translator, clock: Clock, bot: Bot, org_id: int
) -> None:
    org = await session.get(Organization, org_id)
    assert org is not None
    rows = await list_invites(session, org_id, clock.now())
    if not rows:
        await message.answer(t("invites-empty", org=org.name))
        return
    lines = [
        t(
            "invites-line",
            id=row.id,
            role=row.role,
            uses=row.uses,
            cap=row.max_uses or 0,
            expires=format_local(row.expires_at, org.timezone),
        )
        for row in rows
    ]
    await send_lines(
        bot,
        message.chat.id,
        t("invites-header", org=org.name),
        lines,
        keyboard=lambda part: invites_keyboard(t, [rows[i].id for i in part]),
    )


@router.callback_query(InviteRevokeCb.filter(), ManagedInvite())
async def revoke(
    query: CallbackQuery,
    invite: Invite,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    bot: Bot,
) -> None:
    done = await revoke_invite(session, invite.id, invite.org_id, clock.now())
    await query.answer(t("invite-revoke-done" if done else "invite-already-revoked", id=invite.id))
    if done:
        await bot.send_message(query.from_user.id, t("invite-revoke-done", id=invite.id))


@router.message(Command("people"))
async def people(
    message: Message, session: AsyncSession, roles: Roles, t: Translator, state: FSMContext
) -> None:
    org_id = await _pick_org(message, session, roles, t, state, "people", "")
    if org_id is not None:
        text, markup = await _people_page(session, t, org_id, 0)
        await message.answer(text, reply_markup=markup)


async def _people_page(session: AsyncSession, t: Translator, org_id: int, page: int):
    org = await session.get(Organization, org_id)
    assert org is not None
    rows, total = await list_people(session, org_id, page * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if page >= pages:  # a forged or outdated page number: the last page
        page = pages - 1
        rows, total = await list_people(session, org_id, page * PAGE_SIZE, PAGE_SIZE)
        pages = max(1, -(-total // PAGE_SIZE))
    if total == 0:
        return t("people-empty", org=org.name), None
    lines = [_person_line(t, row, org.timezone) for row in rows]
    header = t("people-header", org=org.name, total=total, page=page + 1, pages=pages)
    markup = people_keyboard(t, org_id, page, pages, [row.user.id for row in rows])
    return header + "\n\n" + "\n".join(lines), markup


def _person_line(t: Translator, row: PersonRow, zone: str) -> str:
    profile = row.profile
    return t(
        "people-line",
        id=row.user.id,
        name=row.user.display_name,
        roles=", ".join(t.plain(f"role-{r.value}") for r in row.roles),
        subject=(profile.subject if profile and profile.subject else "—"),
        experience=(
            profile.experience_years if profile and profile.experience_years is not None else -1
        ),
        consent=format_local(row.consent_at, zone, with_time=False) if row.consent_at else "—",
        pair=row.pair_status,
        reachable="yes" if row.user.reachable else "no",
    )


@router.callback_query(PeoplePageCb.filter(), ManagedOrg())
async def people_page(
    query: CallbackQuery,
    callback_data: PeoplePageCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
) -> None:
    if callback_data.page < 0:
        await query.answer(t("not-allowed"), show_alert=True)
        return
    await query.answer()
    text, markup = await _people_page(session, t, callback_data.org_id, callback_data.page)
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


@router.callback_query(PersonCb.filter(), ManagedOrg())
async def person_card(
    query: CallbackQuery,
    callback_data: PersonCb,
    org: Organization,
    session: AsyncSession,
    t: Translator,
    bot: Bot,
) -> None:
    org_id, user_id = callback_data.org_id, callback_data.user_id
    held = (await load_roles(session, user_id)).get(org_id, set())
    if not held:
        await query.answer(t("not-allowed"), show_alert=True)
        return
    await query.answer()
    rows = await list_people_by_ids(session, org_id, [user_id])
    order = [Role.CURATOR, Role.MENTOR, Role.MENTEE]
    await bot.send_message(
        query.from_user.id,
        _person_line(t, rows[0], org.timezone),
        reply_markup=remove_role_keyboard(t, org_id, user_id, sorted(held, key=order.index)),
    )


@router.callback_query(RemoveRoleCb.filter(), ManagedOrg())
async def remove_person_role(
    query: CallbackQuery,
    callback_data: RemoveRoleCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    clock: Clock,
    bot: Bot,
    locales: Locales,
) -> None:
    org_id, user_id = callback_data.org_id, callback_data.user_id
    if callback_data.role not in {r.value for r in Role}:
        await query.answer(t("not-allowed"), show_alert=True)
        return
    role = Role(callback_data.role)
    if user is not None and user.id == user_id and role == Role.CURATOR and not roles.is_admin:
        await query.answer(t("remove-self-curator"), show_alert=True)
        return
    now = clock.now()
    if not await remove_role(session, user_id, org_id, role, now):
        await query.answer(t("role-already-removed"), show_alert=True)
        return
    await query.answer()
    if role == Role.MENTOR:
        # Their mentees are handed over: the curators pick a new mentor per program.
        await hand_over_mentor(session, user_id, org_id, user.id if user else None, now)
    person = await session.get(User, user_id)
    org = await session.get(Organization, org_id)
    assert person is not None and org is not None
    await bot.send_message(
        query.from_user.id, t("role-removed", name=person.display_name, role=role.value)
    )
    if person.tg_id is not None:
        left = Roles(by_org=await load_roles(session, user_id))
        person_t = locales.get(person.language)
        await refresh_menu(bot, person.tg_id, left, person_t)
        await enqueue(
            session,
            chat_id=person.tg_id,
            user_id=person.id,
            org_id=org_id,
            kind="notice-role-removed",
            args={"role": role.value, "org": org.name},
            now=now,
        )


@router.callback_query(OrgPickCb.filter(), ManagedOrg())
async def org_picked(
    query: CallbackQuery,
    callback_data: OrgPickCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    clock: Clock,
    settings: Settings,
    bot_username: str,
    bot: Bot,
) -> None:
    org_id = callback_data.org_id
    if not isinstance(query.message, Message):
        await query.answer(t("not-allowed"), show_alert=True)
        return
    await query.answer()
    message = query.message
    if callback_data.command == "invite":
        await _make_invite(
            message,
            session,
            roles,
            user,
            t,
            clock,
            settings,
            bot_username,
            org_id,
            callback_data.arg,
        )
    elif callback_data.command == "invites":
        await _list_invites(message, session, t, clock, bot, org_id)
    elif callback_data.command == "people":
        text, markup = await _people_page(session, t, org_id, 0)
        await message.answer(text, reply_markup=markup)
    elif callback_data.command == "settings":
        await show_settings(message, session, t, org_id, clock)
    else:
        await query.answer(t("button-outdated"), show_alert=True)
