"""The profile: filled in after consent, shown and edited with /profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.builders import directions_keyboard, profile_keyboard
from bot.keyboards.callbacks import DirectionCb, ProfileEditCb
from bot.menus import help_text, refresh_menu
from bot.states import ProfileForm
from models.onboarding import missing_profile_steps, tell_curators_of_join
from models.people import (
    NAME_MAX,
    Direction,
    Profile,
    Role,
    Roles,
    User,
    clean_text_field,
    get_profile,
    load_roles,
    parse_experience,
)

router = Router(name="profile")

LIST_STEPS = {"directions": "mentor_directions", "difficulties": "mentee_difficulties"}


@dataclass
class Step:
    """Where a profile flow is: who, for which organization and role, and why."""

    bot: Bot
    chat_id: int
    session: AsyncSession
    state: FSMContext
    t: Translator
    now: datetime
    is_admin: bool


async def continue_profile(
    step: Step, user: User, org_id: int, role: Role, onboarding: bool
) -> None:
    """Ask the next missing profile field, or finish when nothing is missing."""
    profile = await get_profile(step.session, user.id)
    by_org = await load_roles(step.session, user.id)
    held = {r for roles in by_org.values() for r in roles}
    missing = missing_profile_steps(user, profile, held)
    if missing:
        await step.state.set_data(
            {"mode": "onboarding" if onboarding else "edit", "org": org_id, "role": role.value}
        )
        await _ask(step, missing[0], profile)
        return
    await step.state.clear()
    roles = Roles(is_admin=step.is_admin, by_org=by_org)
    if not onboarding:
        await _show(step.bot, step.chat_id, step.t, user, profile, roles)
        return
    await refresh_menu(step.bot, step.chat_id, roles, step.t)
    await tell_curators_of_join(step.session, org_id=org_id, user=user, role=role, now=step.now)
    await step.bot.send_message(
        step.chat_id, step.t("profile-done") + "\n\n" + help_text(roles, step.t)
    )


async def _ask(step: Step, field: str, profile: Profile) -> None:
    await step.state.set_state(getattr(ProfileForm, field))
    t = step.t
    if field in LIST_STEPS:
        chosen = list(getattr(profile, LIST_STEPS[field]) or [])
        await step.state.update_data(dirs=chosen)
        await step.bot.send_message(
            step.chat_id, t(f"profile-ask-{field}"), reply_markup=directions_keyboard(t, chosen)
        )
        return
    await step.bot.send_message(
        step.chat_id,
        t(f"profile-ask-{field}"),
        reply_markup=ForceReply(input_field_placeholder=t.plain(f"profile-hint-{field}")[:64]),
    )


def _card(t: Translator, user: User, profile: Profile, roles: Roles) -> str:
    def names(codes: list[str]) -> str:
        return ", ".join(t.plain(f"direction-{c}") for c in codes) or t.plain("profile-empty")

    held = sorted(r.value for r in roles.all)
    return t(
        "profile-card",
        name=user.full_name or t.plain("profile-empty"),
        position=profile.position or t.plain("profile-empty"),
        subject=profile.subject or t.plain("profile-empty"),
        experience=profile.experience_years if profile.experience_years is not None else -1,
        roles=", ".join(t.plain(f"role-{r}") for r in held) or t.plain("profile-empty"),
        directions=names(profile.mentor_directions or []),
        difficulties=names(profile.mentee_difficulties or []),
    )


def _editable(roles: Roles) -> list[str]:
    fields = ["name", "position", "subject", "experience"]
    if roles.has(Role.MENTOR):
        fields.append("directions")
    if roles.has(Role.MENTEE):
        fields.append("difficulties")
    return fields


async def _show(
    bot: Bot, chat_id: int, t: Translator, user: User, profile: Profile, roles: Roles
) -> None:
    await bot.send_message(
        chat_id, _card(t, user, profile, roles), reply_markup=profile_keyboard(t, _editable(roles))
    )


def _step(
    event: Message | CallbackQuery,
    bot: Bot,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    clock: Clock,
    roles: Roles,
) -> Step:
    assert event.from_user is not None
    return Step(bot, event.from_user.id, session, state, t, clock.now(), roles.is_admin)


@router.message(Command("profile"))
async def show_profile(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    roles: Roles,
    t: Translator,
) -> None:
    if user is None:
        await message.answer(t("profile-none"))
        return
    profile = await get_profile(session, user.id)
    await _show(bot, message.chat.id, t, user, profile, roles)


@router.callback_query(ProfileEditCb.filter())
async def edit_field(
    query: CallbackQuery,
    callback_data: ProfileEditCb,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    roles: Roles,
    t: Translator,
    clock: Clock,
    state: FSMContext,
) -> None:
    if user is None or callback_data.field not in _editable(roles):
        await query.answer(t("not-allowed"), show_alert=True)
        return
    await query.answer()
    org_id = next(iter(sorted(roles.by_org)), 0)
    await state.set_data({"mode": "edit", "org": org_id, "role": ""})
    profile = await get_profile(session, user.id)
    await _ask(_step(query, bot, session, state, t, clock, roles), callback_data.field, profile)


async def _after_answer(
    event: Message | CallbackQuery,
    bot: Bot,
    session: AsyncSession,
    user: User,
    roles: Roles,
    t: Translator,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    step = _step(event, bot, session, state, t, clock, roles)
    if data.get("mode") == "onboarding":
        await continue_profile(step, user, int(data["org"]), Role(data["role"]), onboarding=True)
        return
    await state.clear()
    profile = await get_profile(session, user.id)
    await bot.send_message(step.chat_id, t("profile-saved"))
    await _show(bot, step.chat_id, t, user, profile, roles)


def _not_command() -> object:
    return F.text & ~F.text.startswith("/")


@router.message(ProfileForm.name, _not_command())
async def got_name(message: Message, **kw: object) -> None:
    value = clean_text_field(message.text, NAME_MAX)
    t: Translator = kw["t"]  # type: ignore[assignment]
    if value is None:
        await message.answer(t("profile-bad-name", limit=NAME_MAX))
        return
    user: User = kw["user"]  # type: ignore[assignment]
    user.full_name = value
    await _after_answer(message, **_pick(kw))


@router.message(ProfileForm.position, _not_command())
async def got_position(message: Message, **kw: object) -> None:
    await _text_field(message, "position", kw)


@router.message(ProfileForm.subject, _not_command())
async def got_subject(message: Message, **kw: object) -> None:
    await _text_field(message, "subject", kw)


async def _text_field(message: Message, field: str, kw: dict[str, object]) -> None:
    t: Translator = kw["t"]  # type: ignore[assignment]
    value = clean_text_field(message.text)
    if value is None:
        await message.answer(t("profile-bad-text", limit=200))
        return
    profile = await get_profile(kw["session"], kw["user"].id)  # type: ignore[arg-type, attr-defined]
    setattr(profile, field, value)
    await _after_answer(message, **_pick(kw))


@router.message(ProfileForm.experience, _not_command())
async def got_experience(message: Message, **kw: object) -> None:
    t: Translator = kw["t"]  # type: ignore[assignment]
    years = parse_experience(message.text)
    if years is None:
        await message.answer(t("profile-bad-experience"))
        return
    profile = await get_profile(kw["session"], kw["user"].id)  # type: ignore[arg-type, attr-defined]
    profile.experience_years = years
    await _after_answer(message, **_pick(kw))


@router.callback_query(DirectionCb.filter(), ProfileForm.directions)
@router.callback_query(DirectionCb.filter(), ProfileForm.difficulties)
async def toggle_direction(
    query: CallbackQuery, callback_data: DirectionCb, raw_state: str | None, **kw: object
) -> None:
    t: Translator = kw["t"]  # type: ignore[assignment]
    state: FSMContext = kw["state"]  # type: ignore[assignment]
    chosen: list[str] = list((await state.get_data()).get("dirs", []))
    valid = {d.value for d in Direction}
    if callback_data.code == "done":
        if not chosen:
            await query.answer(t("directions-pick-one"), show_alert=True)
            return
        await query.answer()
        field = "directions" if raw_state == ProfileForm.directions.state else "difficulties"
        profile = await get_profile(kw["session"], kw["user"].id)  # type: ignore[arg-type, attr-defined]
        setattr(profile, LIST_STEPS[field], [d for d in Direction if d.value in chosen])
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=None)
        await _after_answer(query, **_pick(kw))
        return
    if callback_data.code not in valid:
        await query.answer(t("button-outdated"), show_alert=True)
        return
    if callback_data.code in chosen:
        chosen.remove(callback_data.code)
    else:
        chosen.append(callback_data.code)
    await state.update_data(dirs=chosen)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=directions_keyboard(t, chosen))


@router.callback_query(DirectionCb.filter())
async def direction_out_of_flow(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-outdated"), show_alert=True)


@router.message(ProfileForm.directions, ~F.text.startswith("/"))
@router.message(ProfileForm.difficulties, ~F.text.startswith("/"))
async def directions_need_buttons(message: Message, t: Translator) -> None:
    await message.answer(t("directions-use-buttons"))


@router.message(ProfileForm.name, ~F.text)
@router.message(ProfileForm.position, ~F.text)
@router.message(ProfileForm.subject, ~F.text)
@router.message(ProfileForm.experience, ~F.text)
async def text_expected(message: Message, t: Translator) -> None:
    await message.answer(t("expect-text"))


def _pick(kw: dict[str, object]) -> dict[str, object]:
    names = ("bot", "session", "user", "roles", "t", "clock", "state")
    return {name: kw[name] for name in names}
