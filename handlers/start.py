"""/start: invite links, consent, and the way into the profile."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.builders import consent_keyboard
from bot.keyboards.callbacks import ConsentCb
from bot.states import Onboarding
from handlers.profile import Step, continue_profile
from models.invites import CONSENT_VERSION, check_invite, has_consent
from models.onboarding import join_by_invite
from models.people import Role, Roles, User

router = Router(name="start")


@router.message(CommandStart(deep_link=True))
async def start_with_code(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    user: User | None,
    roles: Roles,
    t: Translator,
    clock: Clock,
    state: FSMContext,
    bot: Bot,
    lang: str,
) -> None:
    code = (command.args or "").strip()
    check = await check_invite(session, code, clock.now())
    if check.problem is not None or check.invite is None or check.org is None:
        await message.answer(t(f"invite-{check.problem}"))
        return
    role = Role(check.invite.role)
    if roles.has(role, check.org.id):
        await message.answer(t("invite-already", role=role.value, org=check.org.name))
        return
    if user is not None and await has_consent(session, user.id, check.org.id):
        await _join(message, session, state, t, clock, bot, lang, code, roles.is_admin)
        return
    await state.set_state(Onboarding.consent)
    await state.set_data({"code": code})
    await message.answer(
        t("consent-text", org=check.org.name, version=CONSENT_VERSION, role=role.value),
        reply_markup=consent_keyboard(t),
    )


@router.callback_query(ConsentCb.filter(), Onboarding.consent)
async def consent_answer(
    query: CallbackQuery,
    callback_data: ConsentCb,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    state: FSMContext,
    bot: Bot,
    lang: str,
    roles: Roles,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    if not callback_data.agree:
        await state.clear()
        await bot.send_message(query.from_user.id, t("consent-declined"))
        return
    code = (await state.get_data()).get("code", "")
    await _join(query, session, state, t, clock, bot, lang, code, roles.is_admin)


@router.callback_query(ConsentCb.filter())
async def consent_out_of_flow(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-outdated"), show_alert=True)


@router.message(Onboarding.consent, ~F.text.startswith("/"))
async def consent_expected(message: Message, t: Translator) -> None:
    await message.answer(t("consent-press-button"), reply_markup=consent_keyboard(t))


async def _join(
    event: Message | CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    clock: Clock,
    bot: Bot,
    lang: str,
    code: str,
    is_admin: bool,
) -> None:
    tg_user = event.from_user
    assert tg_user is not None
    chat_id = tg_user.id
    now = clock.now()
    check = await check_invite(session, code, now)
    if check.problem is not None or check.invite is None or check.org is None:
        await state.clear()
        await bot.send_message(chat_id, t(f"invite-{check.problem}"))
        return
    role = Role(check.invite.role)
    joined = await join_by_invite(
        session,
        invite_id=check.invite.id,
        org_id=check.org.id,
        role=role,
        tg_id=tg_user.id,
        tg_name=tg_user.full_name[:200],
        language=lang,
        now=now,
    )
    if joined is None:
        await state.clear()
        await bot.send_message(chat_id, t("invite-used-up"))
        return
    await bot.send_message(chat_id, t("joined", role=role.value, org=check.org.name))
    step = Step(bot, chat_id, session, state, t, now, is_admin)
    await continue_profile(step, joined.user, check.org.id, role, onboarding=True)
