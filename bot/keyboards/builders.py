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


# A list of programs to pick from shows this many buttons a page.
PICK_PAGE = 10


class PickPageCb(CallbackData, prefix="pick"):
    """A page of the «which program?» list (the list itself is in the flow's FSM data)."""

    page: int


def initials(name: str) -> str:
    """Ivanova Anna Petrovna -> Ivanova A. P.: the surname, then initials."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return " ".join([parts[0], *(p[0].upper() + "." for p in parts[1:3])])


def surname(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else name


def program_label(t: Translator, program_id: int, mentor: str, mentees: Sequence[str]) -> str:
    """A program's button, one format in every picker: the mentee (surname and initials)
    first, what a curator looks for, then the mentor's surname, then the number."""
    first = initials(mentees[0]) if mentees else "—"
    if len(mentees) > 1:
        first += f" +{len(mentees) - 1}"
    label = t.plain("program-btn", mentees=first, mentor=surname(mentor), program=program_id)
    return label[:LABEL_MAX]


def programs_keyboard(
    t: Translator,
    programs: Sequence[tuple[int, str, list[str]]],
    callback: Callable[[int], CallbackData],
) -> InlineKeyboardMarkup:
    """One button a program, (id, mentor's name, mentees' names), labelled by
    `program_label`; pressing it sends `callback(program id)`."""
    return keyboard(
        (program_label(t, pid, mentor, mentees), callback(pid)) for pid, mentor, mentees in programs
    )


def pick_page(
    t: Translator, rows: Sequence[Sequence[str]], page: int
) -> tuple[InlineKeyboardMarkup, int]:
    """One page of a «which program?» list: rows of (label, callback data), ◀️ ▶️ under
    them when there are more pages. The page shown (clamped) comes back too."""
    pages = max(1, -(-len(rows) // PICK_PAGE))
    page = min(max(page, 0), pages - 1)
    builder = InlineKeyboardBuilder()
    shown = rows[page * PICK_PAGE : (page + 1) * PICK_PAGE]
    for text, data in shown:
        builder.button(text=text, callback_data=data)
    nav = []
    if page > 0:
        nav.append((t.plain("pick-prev"), PickPageCb(page=page - 1)))
    if page + 1 < pages:
        nav.append((t.plain("pick-next"), PickPageCb(page=page + 1)))
    for text, callback_data in nav:
        builder.button(text=text, callback_data=callback_data)
    builder.adjust(*[1] * len(shown), len(nav) or 1)
    return builder.as_markup(), page


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


def org_pick_rows(command: str, arg: str, orgs: Iterable[tuple[int, str]]) -> list[list[str]]:
    """«Which school?»: a row of [label, callback data] a school, shown a page at a time by
    `pick_page` (an admin may have hundreds)."""
    return [
        [name[:LABEL_MAX], OrgPickCb(command=command, arg=arg, org_id=org_id).pack()]
        for org_id, name in orgs
    ]


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
