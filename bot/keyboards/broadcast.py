"""Buttons of /poll and /announce: the school, the audience, a question's type, «one more
question» / «send», confirm, and the results or status of what was sent."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.keyboards.builders import LABEL_MAX, keyboard
from models.people import AUDIENCES

POLL = "poll"
ANNOUNCE = "ann"


class BcOrgCb(CallbackData, prefix="bco"):
    what: str  # POLL or ANNOUNCE
    org_id: int


class BcAudienceCb(CallbackData, prefix="bca"):
    what: str
    org_id: int
    audience: str  # one of AUDIENCES


class BcKindCb(CallbackData, prefix="bck"):
    kind: str  # scale, single, text


class BcMoreCb(CallbackData, prefix="bcm"):
    more: bool  # True: one more question; False: to the preview


class BcConfirmCb(CallbackData, prefix="bcc"):
    what: str
    ok: bool


class BcNewCb(CallbackData, prefix="bcn"):
    what: str


class BcResultsCb(CallbackData, prefix="bcr"):
    poll_id: int


class BcStatusCb(CallbackData, prefix="bcs"):
    announcement_id: int


def org_rows(what: str, orgs: Iterable[tuple[int, str]]) -> list[list[str]]:
    """The school picker's rows of [label, callback data], shown a page at a time by
    bot/keyboards/builders.py `pick_page` (the admin may have hundreds of schools)."""
    return [[name[:LABEL_MAX], BcOrgCb(what=what, org_id=org_id).pack()] for org_id, name in orgs]


def audience_keyboard(t: Translator, what: str, org_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        (
            (
                t.plain("bc-audience", audience=a),
                BcAudienceCb(what=what, org_id=org_id, audience=a).pack(),
            )
            for a in AUDIENCES
        ),
        2,
    )


def kind_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return keyboard(
        (t.plain("poll-kind", kind=kind), BcKindCb(kind=kind).pack())
        for kind in ("scale", "single", "text")
    )


def more_keyboard(t: Translator, can_add: bool) -> InlineKeyboardMarkup:
    buttons = []
    if can_add:
        buttons.append((t.plain("poll-btn-more"), BcMoreCb(more=True).pack()))
    buttons.append((t.plain("poll-btn-send"), BcMoreCb(more=False).pack()))
    return keyboard(buttons, 2)


def confirm_keyboard(t: Translator, what: str) -> InlineKeyboardMarkup:
    return keyboard(
        (
            (t.plain("bc-btn-confirm"), BcConfirmCb(what=what, ok=True).pack()),
            (t.plain("bc-btn-cancel"), BcConfirmCb(what=what, ok=False).pack()),
        ),
        2,
    )


def polls_keyboard(t: Translator, poll_ids: Iterable[int]) -> InlineKeyboardMarkup:
    buttons = [
        (t.plain("poll-btn-results", id=pid), BcResultsCb(poll_id=pid).pack()) for pid in poll_ids
    ]
    buttons.append((t.plain("poll-btn-new"), BcNewCb(what=POLL).pack()))
    return keyboard(buttons)


def announcements_keyboard(t: Translator, ids: Iterable[int]) -> InlineKeyboardMarkup:
    buttons = [
        (t.plain("announce-btn-status", id=aid), BcStatusCb(announcement_id=aid).pack())
        for aid in ids
    ]
    buttons.append((t.plain("announce-btn-new"), BcNewCb(what=ANNOUNCE).pack()))
    return keyboard(buttons)
