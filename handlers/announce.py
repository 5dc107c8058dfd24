"""/announce: a curator's announcement to everyone of the school or to one role (issue 15,
item 8), and what became of it.

/announce shows the recent announcements of the curator's schools with «Статус» and
«Новое объявление» (with none yet, a new one starts at once). A new one: the school (a
curator of several, or the admin, picks one) → the audience → the text → the preview →
confirm. Confirmed: models/announcements.py writes the announcement and one outbox
notice per recipient, due when the school's quiet hours end; the drain sends them within
the rate limits. «Статус» counts delivered, waiting and unreachable from those rows.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards import broadcast as kb
from bot.links import format_local
from bot.states import AnnounceForm
from bot.texts import shorten
from handlers import broadcast as bc
from handlers.flows import drop_buttons, end_flow, say
from models import announcements as ann
from models.calendar import WorkSchedule
from models.people import (
    AUDIENCES,
    Organization,
    Roles,
    User,
    audience_of,
    curator_orgs,
    may_manage,
)

router = Router(name="announce")

PREVIEW = 60  # characters of an announcement in the list


@router.message(Command("announce"))
async def announce_command(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    await state.clear()
    orgs = await curator_orgs(session, roles)
    if not orgs:
        await message.answer(t("not-allowed-curator"))
        return
    found = await ann.recent(session, bc.managed_ids(roles, orgs))
    if not found:
        await bc.start_new(message, kb.ANNOUNCE, orgs, t, state)
        return
    names = dict(orgs)
    zones = await bc.zones(session, {a.org_id for a in found})
    lines = [t("announce-list-header")]
    for a in found:
        lines.append(
            t(
                "announce-list-line",
                id=a.id,
                date=format_local(a.created_at, zones[a.org_id], with_time=False),
                org=names.get(a.org_id, ""),
                audience=t.plain("bc-audience-to", audience=a.audience),
                preview=shorten(a.text, PREVIEW) if a.text else t.plain("announce-text-erased"),
            )
        )
    await message.answer(
        "\n".join(lines), reply_markup=kb.announcements_keyboard(t, [a.id for a in found])
    )


@router.callback_query(kb.BcAudienceCb.filter(F.what == kb.ANNOUNCE))
async def audience_pressed(
    query: CallbackQuery,
    callback_data: kb.BcAudienceCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    org = await bc.audience_picked(query, callback_data, session, roles, t)
    if org is None:
        return
    await state.set_state(AnnounceForm.text)
    await state.set_data({"org": org.id, "audience": callback_data.audience})
    await say(query, t("announce-ask-text", limit=ann.TEXT_MAX))


async def _draft(
    state: FSMContext, roles: Roles, session: AsyncSession
) -> tuple[str, Organization] | None:
    """The audience and school of the announcement being drafted, while the person still
    manages the school."""
    data = await state.get_data()
    org_id, audience = data.get("org"), data.get("audience")
    if not isinstance(org_id, int) or audience not in AUDIENCES or not may_manage(roles, org_id):
        return None
    org = await session.get(Organization, org_id)
    return (str(audience), org) if org is not None else None


@router.message(AnnounceForm.text, F.text & ~F.text.startswith("/"))
async def text_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, session)
    if draft is None or user is None:
        await end_flow(message, state, t("not-allowed"))
        return
    audience, org = draft
    try:
        text = ann.check_text(message.text)
    except ann.AnnouncementError as error:
        await message.answer(t(error.key, **error.params))
        return
    people = await audience_of(session, org.id, audience, exclude=user.id)
    count, unreachable = bc.reach(people)
    audience_text = t.plain("bc-audience-to", audience=audience)
    if count == 0:
        lines = [t("announce-err-no-recipients", org=org.name, audience=audience_text)]
        await end_flow(message, state, "\n".join(lines + bc.unreachable_lines(t, unreachable)))
        return
    await state.update_data(text=text)
    await state.set_state(AnnounceForm.confirm)
    preview = t("announce-preview", org=org.name, audience=audience_text, count=count, text=text)
    await message.answer(
        "\n\n".join([preview, *bc.unreachable_lines(t, unreachable), t("announce-preview-footer")]),
        reply_markup=kb.confirm_keyboard(t, kb.ANNOUNCE),
    )


@router.message(AnnounceForm.text, ~F.text)
async def needs_text(message: Message, t: Translator) -> None:
    await message.answer(t("announce-err-need-text"))


@router.callback_query(kb.BcConfirmCb.filter(F.what == kb.ANNOUNCE))
async def confirm_pressed(
    query: CallbackQuery,
    callback_data: kb.BcConfirmCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    if await state.get_state() != AnnounceForm.confirm.state:
        await query.answer(t.plain("button-outdated"), show_alert=True)
        return
    draft = await _draft(state, roles, session)
    text = (await state.get_data()).get("text")
    if draft is None or user is None or not isinstance(text, str):
        await state.clear()
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    audience, org = draft
    await query.answer()
    await drop_buttons(query)
    await state.clear()
    if not callback_data.ok:
        await say(query, t("announce-cancelled"))
        return
    now = clock.now()
    try:
        row, count, unreachable = await ann.create(session, org.id, user, audience, text, now)
    except ann.AnnouncementError as error:
        await say(query, t(error.key, **error.params))
        return
    lines = [t("announce-sent", id=row.id, count=count), *bc.unreachable_lines(t, unreachable)]
    due = WorkSchedule.of(org).quiet_ends_at(now)
    if due > now:
        lines.append(t("announce-sent-later", time=format_local(due, org.timezone)))
    await say(query, "\n".join(lines))


@router.callback_query(kb.BcStatusCb.filter())
async def status_pressed(
    query: CallbackQuery,
    callback_data: kb.BcStatusCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
) -> None:
    found = await session.get(ann.Announcement, callback_data.announcement_id)
    if found is None or not may_manage(roles, found.org_id):
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    status = await ann.status(session, found.id)
    org = await session.get(Organization, found.org_id)
    assert status is not None and org is not None
    await query.answer()
    lines = [
        t(
            "announce-status",
            id=found.id,
            date=format_local(found.created_at, org.timezone),
            org=org.name,
            audience=t.plain("bc-audience-to", audience=found.audience),
            delivered=status.delivered,
            waiting=status.waiting,
            unreachable=status.unreachable,
        )
    ]
    if status.withdrawn:
        lines.append(t("announce-status-withdrawn", count=status.withdrawn))
    if status.names:
        lines.append(t("announce-status-names", names=bc.names_text(t, status.names)))
    await say(query, "\n".join(lines))
