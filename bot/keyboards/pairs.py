"""Keyboards of /pair: choosing mentees and a mentor, the form, the mode, the decision."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.keyboards.callbacks import (
    PairConfirmCb,
    PairFormCb,
    PairMenteeCb,
    PairMenteesDoneCb,
    PairMentorCb,
    PairModeCb,
    PairOrgCb,
    PairPageCb,
)
from models.programs import Form, Mode

MENTEES_PAGE = 20
MENTORS_SHOWN = 8
LABEL_MAX = 60


def pair_org_keyboard(orgs: Iterable[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for org_id, name in orgs:
        builder.button(text=name[:LABEL_MAX], callback_data=PairOrgCb(org_id=org_id))
    builder.adjust(1)
    return builder.as_markup()


def pair_mentees_keyboard(
    t: Translator,
    org_id: int,
    mentees: list[tuple[int, str]],
    chosen: Iterable[int],
    page: int,
) -> InlineKeyboardMarkup:
    chosen = set(chosen)
    pages = max(1, -(-len(mentees) // MENTEES_PAGE))
    page = min(max(page, 0), pages - 1)
    builder = InlineKeyboardBuilder()
    shown = mentees[page * MENTEES_PAGE : (page + 1) * MENTEES_PAGE]
    for user_id, name in shown:
        mark = "✅ " if user_id in chosen else ""
        label = t.name(name)
        builder.button(
            text=f"{mark}{label}"[:LABEL_MAX] + ("" if label != name else f" #{user_id}"),
            callback_data=PairMenteeCb(org_id=org_id, user_id=user_id),
        )
    sizes = [1] * len(shown)
    nav = 0
    if page > 0:
        builder.button(
            text=t.plain("people-prev"), callback_data=PairPageCb(org_id=org_id, page=page - 1)
        )
        nav += 1
    if page + 1 < pages:
        builder.button(
            text=t.plain("people-next"), callback_data=PairPageCb(org_id=org_id, page=page + 1)
        )
        nav += 1
    if nav:
        sizes.append(nav)
    builder.button(
        text=t.plain("pair-btn-mentees-done", count=len(chosen)),
        callback_data=PairMenteesDoneCb(org_id=org_id),
    )
    sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def pair_mentors_keyboard(
    t: Translator, org_id: int, ranked: list[tuple[int, str, int]]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for user_id, name, score in ranked[:MENTORS_SHOWN]:
        builder.button(
            text=t.plain("pair-btn-mentor", name=name[:LABEL_MAX], id=user_id, score=score),
            callback_data=PairMentorCb(org_id=org_id, user_id=user_id),
        )
    builder.adjust(1)
    return builder.as_markup()


def pair_form_keyboard(t: Translator, org_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for form in Form:
        key = "pair-btn-form-default" if form == Form.SITUATIONAL else "pair-form-label"
        builder.button(
            text=t.plain(key, form=form.value),
            callback_data=PairFormCb(org_id=org_id, form=form.value),
        )
    builder.adjust(1)
    return builder.as_markup()


def pair_mode_keyboard(t: Translator, org_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for mode in Mode:
        builder.button(
            text=t.plain("pair-mode-label", mode=mode.value),
            callback_data=PairModeCb(org_id=org_id, mode=mode.value),
        )
    builder.adjust(3)
    return builder.as_markup()


def pair_confirm_keyboard(t: Translator, org_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("pair-btn-confirm"), callback_data=PairConfirmCb(org_id=org_id, ok=True)
    )
    builder.button(
        text=t.plain("pair-btn-cancel"), callback_data=PairConfirmCb(org_id=org_id, ok=False)
    )
    builder.adjust(2)
    return builder.as_markup()
