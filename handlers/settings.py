"""/settings: the organization's time zone, working and quiet hours, school calendar."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.builders import SETTINGS_FIELDS, org_pick_rows, settings_keyboard
from bot.keyboards.callbacks import SettingsCb
from bot.states import SettingsForm
from handlers.access import ManagedOrg
from handlers.flows import pick_in_pages
from models.calendar import current_calendar, today_in
from models.people import Organization, Roles, curator_orgs, may_manage
from models.questions import apply_settings
from models.settings_input import FIELDS, calendar_lines, parse_setting

router = Router(name="settings")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


async def show_settings(
    message: Message, session: AsyncSession, t: Translator, org_id: int, clock: Clock
) -> None:
    org = await session.get(Organization, org_id)
    assert org is not None
    calendar = current_calendar(org.calendar or {}, today_in(org.timezone, clock.now()))
    days = ", ".join(t.plain(f"weekday-{WEEKDAYS[int(d) - 1]}") for d in org.work_days.split(","))
    await message.answer(
        t(
            "settings-card",
            org=org.name,
            zone=org.timezone,
            days=days,
            work=f"{org.work_start}–{org.work_end}",
            quiet=f"{org.quiet_start}–{org.quiet_end}",
            year=calendar.get("year", "—"),
            calendar="\n".join(calendar_lines(calendar)),
        ),
        reply_markup=settings_keyboard(t, org_id),
    )


@router.message(Command("settings"))
async def settings_command(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    clock: Clock,
    state: FSMContext,
) -> None:
    orgs = await curator_orgs(session, roles)
    if not orgs:
        await message.answer(t("not-allowed-curator"))
        return
    if len(orgs) > 1:
        await pick_in_pages(message, t("pick-org"), org_pick_rows("settings", "", orgs), state, t)
        return
    await show_settings(message, session, t, orgs[0][0], clock)


@router.callback_query(SettingsCb.filter(), ManagedOrg())
async def edit_setting(
    query: CallbackQuery,
    callback_data: SettingsCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    if callback_data.field not in SETTINGS_FIELDS:
        await query.answer(t("not-allowed"), show_alert=True)
        return
    await query.answer()
    await state.set_state(SettingsForm.value)
    await state.set_data({"org": callback_data.org_id, "field": callback_data.field})
    if isinstance(query.message, Message):
        await query.message.answer(
            t(f"settings-ask-{callback_data.field}"), reply_markup=ForceReply()
        )


@router.message(SettingsForm.value, F.text & ~F.text.startswith("/"))
async def got_setting(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    org_id, field = int(data.get("org", 0)), str(data.get("field", ""))
    org = await session.get(Organization, org_id)
    if org is None or not may_manage(roles, org_id) or field not in FIELDS:
        await state.clear()
        await message.answer(t("not-allowed"))
        return
    now = clock.now()
    try:
        values = parse_setting(
            field, message.text or "", org.calendar or {}, today_in(org.timezone, now)
        )
    except ValueError as exc:
        await message.answer(t(str(exc)))
        return
    await apply_settings(session, org, values, now)
    await state.clear()
    await message.answer(t("settings-saved"))
    await show_settings(message, session, t, org_id, clock)


@router.message(SettingsForm.value, ~F.text)
async def setting_needs_text(message: Message, t: Translator) -> None:
    await message.answer(t("expect-text"))
