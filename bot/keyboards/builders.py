"""Inline keyboards, labelled from the locales."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import LANGUAGES, Translator
from bot.keyboards.callbacks import (
    ConsentCb,
    DirectionCb,
    ForgetCb,
    InviteRevokeCb,
    LangCb,
    OrgPickCb,
    PeoplePageCb,
    PersonCb,
    ProfileEditCb,
    RemoveRoleCb,
    SettingsCb,
)
from models.people import Direction, Role

# A button's label at the most (a name or a program's people can be long).
LABEL_MAX = 60

# A button: its label and what pressing it sends.
Button = tuple[str, CallbackData]


def keyboard(buttons: Iterable[Button], *sizes: int) -> InlineKeyboardMarkup:
    """The buttons in rows of `sizes` (the last size repeats; by default one a row)."""
    builder = InlineKeyboardBuilder()
    for text, callback_data in buttons:
        builder.button(text=text, callback_data=callback_data)
    builder.adjust(*(sizes or (1,)))
    return builder.as_markup()


def programs_keyboard(
    t: Translator,
    label_key: str,
    programs: Sequence[tuple[int, str, list[str]]],
    callback: Callable[[int], CallbackData],
) -> InlineKeyboardMarkup:
    """One button a program, (id, mentor's name, mentees' names), labelled by `label_key`
    (with `program`, `mentor`, `mentees`); pressing it sends `callback(program id)`."""
    return keyboard(
        (
            t.plain(label_key, program=pid, mentor=mentor, mentees=", ".join(mentees))[:LABEL_MAX],
            callback(pid),
        )
        for pid, mentor, mentees in programs
    )


PROFILE_FIELDS = ("name", "position", "subject", "experience", "directions", "difficulties")
SETTINGS_FIELDS = ("timezone", "hours", "quiet", "calendar", "transfers")


def consent_keyboard(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("consent-agree"), callback_data=ConsentCb(agree=True))
    builder.button(text=t.plain("consent-decline"), callback_data=ConsentCb(agree=False))
    builder.adjust(1)
    return builder.as_markup()


def directions_keyboard(t: Translator, chosen: Iterable[str]) -> InlineKeyboardMarkup:
    chosen = set(chosen)
    builder = InlineKeyboardBuilder()
    for direction in Direction:
        mark = "✅ " if direction.value in chosen else ""
        builder.button(
            text=mark + t.plain("direction-btn", direction=direction.value),
            callback_data=DirectionCb(code=direction.value),
        )
    builder.button(text=t.plain("directions-done"), callback_data=DirectionCb(code="done"))
    builder.adjust(1)
    return builder.as_markup()


def profile_keyboard(t: Translator, fields: Iterable[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for field in fields:
        builder.button(
            text=t.plain(f"profile-edit-{field}"), callback_data=ProfileEditCb(field=field)
        )
    builder.adjust(2)
    return builder.as_markup()


def invites_keyboard(t: Translator, invite_ids: Iterable[int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for invite_id in invite_ids:
        builder.button(
            text=t.plain("invites-revoke", id=invite_id),
            callback_data=InviteRevokeCb(invite_id=invite_id),
        )
    builder.adjust(2)
    return builder.as_markup()


def org_pick_keyboard(
    command: str, arg: str, orgs: Iterable[tuple[int, str]]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for org_id, name in orgs:
        builder.button(
            text=name[:60], callback_data=OrgPickCb(command=command, arg=arg, org_id=org_id)
        )
    builder.adjust(1)
    return builder.as_markup()


def people_keyboard(
    t: Translator, org_id: int, page: int, pages: int, user_ids: Iterable[int]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    ids = list(user_ids)
    for user_id in ids:
        builder.button(text=f"#{user_id}", callback_data=PersonCb(org_id=org_id, user_id=user_id))
    nav = 0
    if page > 0:
        builder.button(
            text=t.plain("people-prev"), callback_data=PeoplePageCb(org_id=org_id, page=page - 1)
        )
        nav += 1
    if page + 1 < pages:
        builder.button(
            text=t.plain("people-next"), callback_data=PeoplePageCb(org_id=org_id, page=page + 1)
        )
        nav += 1
    sizes = [5] * (len(ids) // 5) + ([len(ids) % 5] if len(ids) % 5 else [])
    builder.adjust(*sizes, nav or 1)
    return builder.as_markup()


def remove_role_keyboard(
    t: Translator, org_id: int, user_id: int, roles: Iterable[Role]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in roles:
        builder.button(
            text=t.plain("person-remove-role", role=t.plain(f"role-{role.value}")),
            callback_data=RemoveRoleCb(org_id=org_id, user_id=user_id, role=role.value),
        )
    builder.adjust(1)
    return builder.as_markup()


def settings_keyboard(t: Translator, org_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for field in SETTINGS_FIELDS:
        builder.button(
            text=t.plain(f"settings-edit-{field}"),
            callback_data=SettingsCb(org_id=org_id, field=field),
        )
    builder.adjust(2)
    return builder.as_markup()


def forget_keyboard(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("forget-confirm"), callback_data=ForgetCb(confirm=True))
    builder.button(text=t.plain("forget-keep"), callback_data=ForgetCb(confirm=False))
    builder.adjust(1)
    return builder.as_markup()


def language_keyboard(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in LANGUAGES:
        builder.button(text=t.plain(f"lang-name-{code}"), callback_data=LangCb(code=code))
    builder.adjust(2)
    return builder.as_markup()
