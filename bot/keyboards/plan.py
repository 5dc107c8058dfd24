"""The plan's buttons: open a program's plan, mark an occurrence done, add an item
(direction, deadline kind), edit or remove one, apply the «Учитель–учитель» template."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.keyboards import builders
from bot.keyboards.builders import LABEL_MAX, Button, keyboard
from models.people import Direction

# Telegram takes at most 100 buttons in one keyboard; up to three are the plan's actions.
DONE_BUTTONS_MAX = 96

# The deadline choices of the add flow: a DeadlineKind, or "every_<period>" (recurring).
KIND_CHOICES = (
    "date",
    "relative",
    "quarter",
    "every_quarter",
    "every_half_year",
    "schedule",
    "as_needed",
)


class PlanOpenCb(CallbackData, prefix="plo"):
    program_id: int


class PlanDoneCb(CallbackData, prefix="pld"):
    occ: int


class PlanAddCb(CallbackData, prefix="pla"):
    program_id: int


class PlanTemplateCb(CallbackData, prefix="plt"):
    program_id: int


class PlanRemoveCb(CallbackData, prefix="plr"):
    program_id: int


class PlanEditCb(CallbackData, prefix="ple"):
    program_id: int


class PlanDropCb(CallbackData, prefix="plx"):
    """Remove / Keep under the item a removal names."""

    item: int  # a PlanItem id
    confirm: bool


class PlanCancelCb(CallbackData, prefix="plc"):
    """Cancel under the plan's number prompts."""


# The fields of an item the edit flow changes, in the order of its buttons.
EDIT_FIELDS = ("title", "direction", "activity_form", "deadline", "expected_result", "criteria")


class PlanFieldCb(CallbackData, prefix="plf"):
    item: int  # a PlanItem id
    field: str  # one of EDIT_FIELDS


class PlanDirCb(CallbackData, prefix="pldr"):
    code: str  # a Direction value, or "" for none


class PlanKindCb(CallbackData, prefix="plk"):
    kind: str  # one of KIND_CHOICES


def plan_keyboard(
    t: Translator,
    program_id: int,
    done: Sequence[tuple[int, str]],
    *,
    can_add: bool,
    can_template: bool,
    can_remove: bool = False,
    can_edit: bool = False,
) -> InlineKeyboardMarkup | None:
    """A «done» button per open occurrence (id, label), then the plan's actions."""
    marks: list[Button] = [
        (label[:LABEL_MAX], PlanDoneCb(occ=occ_id)) for occ_id, label in done[:DONE_BUTTONS_MAX]
    ]
    actions: list[Button] = [
        (t.plain(key), callback(program_id=program_id))
        for key, callback, shown in (
            ("plan-btn-add", PlanAddCb, can_add),
            ("plan-btn-edit", PlanEditCb, can_edit),
            ("plan-btn-remove", PlanRemoveCb, can_remove),
            ("plan-btn-template", PlanTemplateCb, can_template),
        )
        if shown
    ]
    if not marks and not actions:
        return None
    return keyboard(marks + actions, *[3] * ((len(marks) + 2) // 3), *[1] * len(actions))


def programs_keyboard(
    t: Translator, programs: Sequence[tuple[int, str, list[str]]]
) -> InlineKeyboardMarkup:
    """One button per program: (id, mentor's name, mentees' names)."""
    return builders.programs_keyboard(t, programs, lambda pid: PlanOpenCb(program_id=pid))


def directions_keyboard(t: Translator) -> InlineKeyboardMarkup:
    buttons: list[Button] = [
        (t.plain("direction-btn", direction=direction.value), PlanDirCb(code=direction.value))
        for direction in Direction
    ]
    buttons.append((t.plain("plan-btn-no-direction"), PlanDirCb(code="")))
    return keyboard(buttons)


def fields_keyboard(t: Translator, item_id: int) -> InlineKeyboardMarkup:
    """What of an item to change."""
    return keyboard(
        (t.plain("plan-field", field=field), PlanFieldCb(item=item_id, field=field))
        for field in EDIT_FIELDS
    )


def kinds_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return keyboard(
        (t.plain("plan-btn-kind", kind=kind), PlanKindCb(kind=kind)) for kind in KIND_CHOICES
    )


def reminder_keyboard(t: Translator, occ_id: int) -> InlineKeyboardMarkup:
    """Under a deadline reminder to the pair: mark it done."""
    return keyboard([(t.plain("plan-btn-done"), PlanDoneCb(occ=occ_id))])


def cancel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return keyboard([(t.plain("plan-btn-cancel"), PlanCancelCb())])


def drop_keyboard(t: Translator, item_id: int) -> InlineKeyboardMarkup:
    """Removing an item: confirm it, or keep it."""
    return keyboard(
        [
            (t.plain("plan-btn-drop"), PlanDropCb(item=item_id, confirm=True)),
            (t.plain("plan-btn-keep"), PlanDropCb(item=item_id, confirm=False)),
        ],
        2,
    )


def open_keyboard(t: Translator, program_id: int) -> InlineKeyboardMarkup:
    return keyboard([(t.plain("plan-btn-open"), PlanOpenCb(program_id=program_id))])
