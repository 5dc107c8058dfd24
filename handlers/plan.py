"""/plan: the plan of a mentoring program (issue 14, item 2).

`/plan` lists the items of one's active programs (as mentor or mentee) with their marks
and deadlines, a «done» button per open occurrence, and the actions: add an item (title,
direction, form of activity or «-», deadline), apply the «Учитель–учитель» template to an
empty plan, edit an item (by its number, then the field: title, direction, form of
activity, deadline, expected result or criteria), remove one. `/plan #<id>`
opens one program's plan for anyone who may see it (a curator of its school too,
read-only). Marking asks for a short note. After a mentee confirmed «ознакомлен», a plan
change is a proposal the parties agree on (models/changes.py). Every button re-checks the
presser's rights.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.plan import (
    EDIT_FIELDS,
    KIND_CHOICES,
    PlanAddCb,
    PlanCancelCb,
    PlanDirCb,
    PlanDoneCb,
    PlanDropCb,
    PlanEditCb,
    PlanFieldCb,
    PlanKindCb,
    PlanOpenCb,
    PlanRemoveCb,
    PlanTemplateCb,
    cancel_keyboard,
    directions_keyboard,
    drop_keyboard,
    fields_keyboard,
    kinds_keyboard,
    open_keyboard,
    plan_keyboard,
    programs_keyboard,
)
from bot.lists import LINES_WITH_BUTTONS
from bot.states import PlanForm
from bot.texts import pack_lines, shorten
from handlers.access import Granted
from handlers.flows import (
    drop_buttons,
    end_flow,
    flow_program,
    pick_program,
    program_id_arg,
    say,
)
from handlers.survey_rounds import entry_block
from models import changes
from models.calendar import today_in
from models.dates import DateInputError, format_day, parse_day
from models.people import Organization, Role, Roles, User
from models.plans import (
    TITLE_MAX,
    DeadlineKind,
    MarkResult,
    PlanError,
    PlanItem,
    PlanLine,
    PlanOccurrence,
    add_item,
    apply_change,
    apply_template,
    check_edit,
    check_item,
    clean_text,
    clean_title,
    edit_item,
    has_items,
    mark_done,
    plan_of,
    progress,
    remove_item,
)
from models.program_card import (
    LIST_MAX,
    Viewer,
    own_programs,
    people_of,
    programs_visible_to,
    viewer_roles,
)
from models.programs import Program, ProgramStatus

router = Router(name="plan")

SPLIT_DATES = re.compile(r"[\s,;]+")
REASON_MAX = 500


async def _viewers(
    session: AsyncSession, program: Program, user: User | None, roles: Roles
) -> set[str]:
    return await viewer_roles(session, program, user.id if user else None, roles)


def _may_edit(program: Program, viewers: set[str]) -> bool:
    """The pair edits the plan of an active program."""
    return program.status == ProgramStatus.ACTIVE and bool(viewers & {Viewer.MENTOR, Viewer.MENTEE})


async def _editable_flow(
    session: AsyncSession, state: FSMContext, user: User | None, roles: Roles
) -> tuple[dict[str, Any], Program | None]:
    """The flow's data and its program, while the person may still edit its plan."""
    data, program = await flow_program(state, session)
    if program is None or user is None:
        return data, None
    viewers = await _viewers(session, program, user, roles)
    return data, program if _may_edit(program, viewers) else None


async def _editable(callback_data: Any, data: dict[str, Any]) -> Program | None:
    session: AsyncSession = data["session"]
    program = await session.get(Program, int(callback_data.program_id))
    if program is None:
        return None
    viewers = await _viewers(session, program, data.get("user"), data["roles"])
    return program if _may_edit(program, viewers) else None


async def _visible(callback_data: Any, data: dict[str, Any]) -> Program | None:
    session: AsyncSession = data["session"]
    program = await session.get(Program, int(callback_data.program_id))
    if program is None:
        return None
    return program if await _viewers(session, program, data.get("user"), data["roles"]) else None


async def _own_open_occurrence(callback_data: Any, data: dict[str, Any]) -> PlanOccurrence | None:
    """An occurrence of a live item in an active program the presser is a party of."""
    session: AsyncSession = data["session"]
    occurrence = await session.get(PlanOccurrence, int(callback_data.occ))
    if occurrence is None:
        return None
    program = await session.get(Program, occurrence.program_id)
    item = await session.get(PlanItem, occurrence.item_id)
    if program is None or item is None or item.removed_at is not None:
        return None
    viewers = await _viewers(session, program, data.get("user"), data["roles"])
    return occurrence if _may_edit(program, viewers) else None


async def _editable_item(callback_data: Any, data: dict[str, Any]) -> PlanItem | None:
    """A live item of an active program the presser is the mentor or a mentee of."""
    session: AsyncSession = data["session"]
    item = await session.get(PlanItem, int(callback_data.item))
    if item is None or item.removed_at is not None:
        return None
    program = await session.get(Program, item.program_id)
    if program is None:
        return None
    viewers = await _viewers(session, program, data.get("user"), data["roles"])
    return item if _may_edit(program, viewers) else None


async def _ended_for_party(program: Program | None, data: dict[str, Any]) -> bool:
    """The program has ended and the presser was its mentor or a mentee."""
    if program is None or program.status != ProgramStatus.ENDED:
        return False
    viewers = await _viewers(data["session"], program, data.get("user"), data["roles"])
    return bool(viewers & {Viewer.MENTOR, Viewer.MENTEE})


async def occurrence_of_ended(query: CallbackQuery, callback_data: PlanDoneCb, **data: Any) -> bool:
    """A «done» button of a program that has ended, pressed by its pair."""
    session: AsyncSession = data["session"]
    occurrence = await session.get(PlanOccurrence, int(callback_data.occ))
    program = await session.get(Program, occurrence.program_id) if occurrence else None
    return await _ended_for_party(program, data)


async def plan_of_ended(query: CallbackQuery, callback_data: Any, **data: Any) -> bool:
    """A plan action (add, edit, remove, template) of a program that has ended."""
    program = await data["session"].get(Program, int(callback_data.program_id))
    return await _ended_for_party(program, data)


def EditablePlan() -> Granted:
    """`program`: the program the button names, for its mentor or mentee while active."""
    return Granted("program", _editable)


def VisiblePlan() -> Granted:
    """`program`: the program the button names, for anyone who may see it."""
    return Granted("program", _visible)


def EditableItem() -> Granted:
    """`item`: the plan item the button names, for the pair of its active program."""
    return Granted("item", _editable_item)


def OwnOccurrence() -> Granted:
    """`occurrence`: the completion mark the button names, for the pair it belongs to."""
    return Granted("occurrence", _own_open_occurrence)


# Rendering ---------------------------------------------------------------------------


def direction_name(t: Translator, code: str | None) -> str:
    """A direction's name as /profile shows it (the direction-* keys)."""
    return t.plain(f"direction-{code}") if code else t.plain("plan-no-direction")


def _deadline(t: Translator, occ: PlanOccurrence, today: date, zone: str) -> str:
    if occ.done_at is not None:
        done = format_day(today_in(zone, occ.done_at))
        if occ.note:
            return t("plan-occ-done-note", done=done, note=occ.note)
        return t("plan-occ-done", done=done)
    if occ.due_on is None:
        return t("plan-occ-as-needed")
    if occ.due_on < today:
        return t("plan-occ-overdue", due=format_day(occ.due_on))
    if occ.window_start is not None and occ.window_start != occ.due_on:
        return t("plan-occ-window", start=format_day(occ.window_start), due=format_day(occ.due_on))
    return t("plan-occ-due", due=format_day(occ.due_on))


def _item_line(t: Translator, line: PlanLine, today: date, zone: str) -> str:
    item = line.item
    head = t(
        "plan-item",
        n=item.position,
        title=item.title,
        direction=direction_name(t, item.direction),
    )
    occs = line.occurrences
    if len(occs) == 1:
        return head + " " + _deadline(t, occs[0], today, zone)
    parts = [head]
    for occ in occs:
        parts.append(t("plan-occ-line", seq=occ.seq, text=_deadline(t, occ, today, zone)))
    return "\n".join(parts)


def _done_label(t: Translator, line: PlanLine, occ: PlanOccurrence) -> str:
    if len(line.occurrences) == 1:
        return t.plain("plan-btn-mark", n=line.item.position)
    return t.plain("plan-btn-mark-seq", n=line.item.position, seq=occ.seq)


async def show_plan(
    target: Message,
    session: AsyncSession,
    t: Translator,
    program: Program,
    viewers: set[str],
    clock: Clock,
) -> None:
    org = await session.get(Organization, program.org_id)
    assert org is not None
    today = today_in(org.timezone, clock.now())
    lines = await plan_of(session, program.id)
    editable = _may_edit(program, viewers)
    done, overdue, ahead = await progress(session, program.id, today)
    header = t(
        "plan-header",
        program=program.id,
        start=format_day(program.starts_on),
        end=format_day(program.ends_on),
        done=done,
        overdue=overdue,
        ahead=ahead,
    )
    if program.status == ProgramStatus.ENDED:
        header += "\n" + t("plan-ended-readonly")
    if not lines:
        text = header + "\n\n" + t("plan-empty" if editable else "plan-empty-readonly")
        markup = plan_keyboard(t, program.id, [], can_add=editable, can_template=editable)
        await target.answer(text, reply_markup=markup)
        await entry_block(target, session, t, program, viewers)
        return
    texts = [_item_line(t, line, today, org.timezone) for line in lines]
    packed = pack_lines(header, texts, max_lines=LINES_WITH_BUTTONS // 2)
    for index, (text, part) in enumerate(packed):
        buttons: list[tuple[int, str]] = []
        if editable:
            for i in part:
                for occ in lines[i].occurrences:
                    if occ.done_at is None:
                        buttons.append((occ.id, _done_label(t, lines[i], occ)))
        last = index == len(packed) - 1
        markup = plan_keyboard(
            t,
            program.id,
            buttons,
            can_add=editable and last,
            can_template=False,
            can_remove=editable and last,
            can_edit=editable and last,
        )
        await target.answer(text, reply_markup=markup)
    await entry_block(target, session, t, program, viewers)


# /plan -------------------------------------------------------------------------------


@router.message(Command("plan"))
async def plan_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    args = (command.args or "").strip()
    if args:
        program_id = program_id_arg(args)
        if program_id is None:
            await message.answer(t("plan-usage"))
            return
        program = await session.get(Program, program_id)
        viewers = await _viewers(session, program, user, roles) if program else set()
        if program is None or not viewers:
            await message.answer(t("plan-not-found"))
            return
        await show_plan(message, session, t, program, viewers, clock)
        return
    own = [
        p
        for p in (await own_programs(session, user.id) if user is not None else [])
        if p.status == ProgramStatus.ACTIVE
    ]
    curator = roles.is_admin or roles.has(Role.CURATOR)
    school = not own and curator
    if school:
        # A curator without a program of their own: the active programs of their schools.
        own = [
            p
            for p in await programs_visible_to(
                session, user.id if user else None, roles, live_only=True, limit=LIST_MAX
            )
            if p.status == ProgramStatus.ACTIVE
        ]
    if not own and user is not None:
        # Nothing running: the plan of the latest program that ended, to look back at.
        ended = [p for p in await own_programs(session, user.id) if p.status == ProgramStatus.ENDED]
        own = ended[:1]

    async def show_one(program: Program) -> None:
        viewers = await _viewers(session, program, user, roles)
        await show_plan(message, session, t, program, viewers, clock)

    async def choices(programs: Sequence[Program]) -> InlineKeyboardMarkup:
        people = await people_of(session, programs)
        return programs_keyboard(t, [(p.id, *people[p.id]) for p in programs])

    await pick_program(
        message,
        own,
        none_text=t("plan-none-curator" if curator else "plan-none"),
        one=show_one,
        pick_text=t("plan-pick-school" if school else "plan-pick", count=len(own)),
        keyboard=choices,
        state=state,
        t=t,
    )


@router.callback_query(PlanOpenCb.filter(), VisiblePlan())
async def open_plan(
    query: CallbackQuery,
    program: Program,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    clock: Clock,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        viewers = await _viewers(session, program, user, roles)
        await show_plan(query.message, session, t, program, viewers, clock)


# Marking done ------------------------------------------------------------------------


@router.callback_query(PlanDoneCb.filter(), occurrence_of_ended)
@router.callback_query(PlanAddCb.filter(), plan_of_ended)
@router.callback_query(PlanEditCb.filter(), plan_of_ended)
@router.callback_query(PlanRemoveCb.filter(), plan_of_ended)
@router.callback_query(PlanTemplateCb.filter(), plan_of_ended)
async def program_ended(query: CallbackQuery, t: Translator) -> None:
    """The pair pressing a plan button after their program ended: say so, not «not allowed»."""
    await query.answer(t.plain("plan-program-ended"), show_alert=True)


@router.callback_query(PlanDoneCb.filter(), OwnOccurrence())
async def done_button(
    query: CallbackQuery,
    occurrence: PlanOccurrence,
    session: AsyncSession,
    t: Translator,
    state: FSMContext,
) -> None:
    if occurrence.done_at is not None:
        await query.answer(t.plain("plan-already-done"), show_alert=True)
        return
    await query.answer()
    item = await session.get(PlanItem, occurrence.item_id)
    assert item is not None
    await state.set_state(PlanForm.note)
    await state.set_data({"occ": occurrence.id})
    if isinstance(query.message, Message):
        await query.message.answer(
            t("plan-ask-note", title=item.title),
            reply_markup=ForceReply(input_field_placeholder=t.plain("plan-note-placeholder")),
        )


@router.message(PlanForm.note, F.text & ~F.text.startswith("/"))
async def note_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    occ_id = (await state.get_data()).get("occ")
    if user is None or not isinstance(occ_id, int):
        await state.clear()
        await message.answer(t("not-allowed"))
        return
    now = clock.now()
    try:
        result, occurrence = await mark_done(session, occ_id, user.id, message.text, now)
    except PlanError as error:
        await message.answer(
            t(error.key, **error.params),
            reply_markup=ForceReply(input_field_placeholder=t.plain("plan-note-placeholder")),
        )
        return
    await state.clear()
    if result == MarkResult.DENIED or occurrence is None:
        # The program ended while the note was being written: say that, to its pair.
        occ = await session.get(PlanOccurrence, occ_id)
        program = await session.get(Program, occ.program_id) if occ is not None else None
        data = {"session": session, "user": user, "roles": roles}
        ended = await _ended_for_party(program, data)
        await message.answer(t("plan-program-ended" if ended else "plan-mark-denied"))
        return
    if result == MarkResult.ALREADY:
        await message.answer(t("plan-already-done"))
        return
    item = await session.get(PlanItem, occurrence.item_id)
    completed = await changes.complete_if_done(session, occurrence.program_id, user.id, now)
    await message.answer(
        t("plan-marked", title=item.title if item else ""),
        reply_markup=open_keyboard(t, occurrence.program_id),
    )
    if completed:
        await message.answer(t("plan-all-done", program=occurrence.program_id))


# Adding an item ----------------------------------------------------------------------


def _locked_prompt(t: Translator) -> str:
    return t("plan-ask-reason")


@router.callback_query(PlanAddCb.filter(), EditablePlan())
async def add_button(
    query: CallbackQuery, program: Program, t: Translator, state: FSMContext
) -> None:
    await query.answer()
    await state.set_state(PlanForm.title)
    await state.set_data({"program": program.id})
    if isinstance(query.message, Message):
        await query.message.answer(
            t("plan-ask-title", program=program.id, max=TITLE_MAX),
            reply_markup=ForceReply(input_field_placeholder=t.plain("plan-title-placeholder")),
        )


@router.message(PlanForm.title, F.text & ~F.text.startswith("/"))
async def title_typed(message: Message, t: Translator, state: FSMContext) -> None:
    try:
        title = clean_title(message.text)
    except PlanError as error:
        await message.answer(
            t(error.key, **error.params),
            reply_markup=ForceReply(input_field_placeholder=t.plain("plan-title-placeholder")),
        )
        return
    await state.update_data(title=title)
    await state.set_state(PlanForm.direction)
    await message.answer(t("plan-ask-direction"), reply_markup=directions_keyboard(t))


@router.callback_query(PlanForm.direction, PlanDirCb.filter())
async def direction_picked(
    query: CallbackQuery, callback_data: PlanDirCb, t: Translator, state: FSMContext
) -> None:
    await query.answer()
    await state.update_data(direction=callback_data.code or None)
    await state.set_state(PlanForm.activity_form)
    if isinstance(query.message, Message):
        await query.message.answer(
            t("plan-ask-form"),
            reply_markup=ForceReply(input_field_placeholder=t.plain("plan-form-placeholder")),
        )


@router.message(PlanForm.activity_form, F.text & ~F.text.startswith("/"))
async def form_typed(message: Message, t: Translator, state: FSMContext) -> None:
    """The item's form of activity (a talk, an open lesson…), or «-» for none."""
    try:
        form = clean_text(message.text)
    except PlanError as error:
        await message.answer(
            t(error.key, **error.params),
            reply_markup=ForceReply(input_field_placeholder=t.plain("plan-form-placeholder")),
        )
        return
    await state.update_data(activity_form=form)
    await state.set_state(PlanForm.kind)
    await message.answer(t("plan-ask-kind"), reply_markup=kinds_keyboard(t))


@router.callback_query(PlanForm.kind, PlanKindCb.filter())
async def kind_picked(
    query: CallbackQuery,
    callback_data: PlanKindCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    choice = callback_data.kind
    if choice not in KIND_CHOICES:
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if choice.startswith("every_"):
        spec = {"every": choice.removeprefix("every_")}
        await _finish_add(
            query.message, session, roles, user, t, state, clock, DeadlineKind.RECURRING, spec
        )
        return
    kind = choice
    if kind == DeadlineKind.AS_NEEDED:
        await _finish_add(query.message, session, roles, user, t, state, clock, kind, {})
        return
    await state.update_data(kind=kind)
    await state.set_state(PlanForm.value)
    await query.message.answer(
        t("plan-ask-value", kind=kind),
        reply_markup=ForceReply(
            input_field_placeholder=t.plain("plan-value-placeholder", kind=kind)
        ),
    )


def _spec_of(kind: str, text: str, today: date) -> dict[str, Any]:
    """What was typed for a deadline kind; PlanError or DateInputError when unusable."""
    text = text.strip()
    if kind == DeadlineKind.DATE:
        return {"date": parse_day(text, today).isoformat()}
    if kind == DeadlineKind.RELATIVE:
        if not text.isdigit():
            raise PlanError("plan-err-days", text=text[:40])
        return {"days": int(text)}
    if kind == DeadlineKind.QUARTER:
        if text not in ("1", "2", "3", "4"):
            raise PlanError("plan-err-quarter")
        return {"quarter": int(text)}
    if kind == DeadlineKind.SCHEDULE:
        parts = [p for p in SPLIT_DATES.split(text) if p]
        if not parts:
            raise PlanError("plan-err-schedule-empty")
        return {"dates": [parse_day(p, today).isoformat() for p in parts]}
    raise PlanError("plan-err-deadline")


@router.message(PlanForm.value, F.text & ~F.text.startswith("/"))
async def value_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    data, program = await flow_program(state, session)
    kind = str(data.get("kind", ""))
    if program is None:
        await end_flow(message, state, t("not-allowed"))
        return
    org = await session.get(Organization, program.org_id)
    assert org is not None
    placeholder = ForceReply(input_field_placeholder=t.plain("plan-value-placeholder", kind=kind))
    try:
        spec = _spec_of(kind, message.text or "", today_in(org.timezone, clock.now()))
    except DateInputError as error:
        await message.answer(t(error.key, **error.params), reply_markup=placeholder)
        return
    except PlanError as error:
        await message.answer(t(error.key, **error.params), reply_markup=placeholder)
        return
    await _finish_add(message, session, roles, user, t, state, clock, kind, spec)


async def _finish_add(
    target: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
    kind: str,
    spec: dict[str, Any],
) -> None:
    """Add the item now, or, once the plan is locked by «ознакомлен», ask for the reason
    of the proposal. A deadline that does not fit is asked again. When an item is being
    edited, its new deadline goes the same way."""
    data, program = await _editable_flow(session, state, user, roles)
    if program is None or user is None:
        await end_flow(target, state, t("not-allowed"))
        return
    edit_id = data.get("edit")
    if isinstance(edit_id, int):
        error = await _submit_edit(
            target,
            session,
            program,
            user,
            t,
            state,
            clock,
            edit_id,
            {"deadline_kind": kind, "deadline_spec": spec},
        )
        if error is None:
            return
        if kind in (DeadlineKind.RECURRING, DeadlineKind.AS_NEEDED) or error.key in GONE:
            await state.clear()
            await target.answer(t(error.key, **error.params))
            return
        await state.update_data(kind=kind)
        await state.set_state(PlanForm.value)
        await target.answer(
            t(error.key, **error.params),
            reply_markup=ForceReply(
                input_field_placeholder=t.plain("plan-value-placeholder", kind=kind)
            ),
        )
        return
    fields = {
        "title": str(data.get("title", "")),
        "direction": data.get("direction"),
        "activity_form": data.get("activity_form"),
        "deadline_kind": kind,
        "deadline_spec": spec,
    }
    now = clock.now()
    locked = await changes.plan_locked(session, program.id)
    try:
        if locked:
            # A proposal carries only a change that fits today.
            await check_item(session, program, now=now, **fields)  # type: ignore[arg-type]
        else:
            await add_item(session, program, user.id, now, **fields)  # type: ignore[arg-type]
    except PlanError as error:
        if kind in (DeadlineKind.RECURRING, DeadlineKind.AS_NEEDED):
            await state.clear()
            await target.answer(t(error.key, **error.params))
            return
        await state.update_data(kind=kind)
        await state.set_state(PlanForm.value)
        await target.answer(
            t(error.key, **error.params),
            reply_markup=ForceReply(
                input_field_placeholder=t.plain("plan-value-placeholder", kind=kind)
            ),
        )
        return
    if locked:
        await state.set_state(PlanForm.reason)
        await state.update_data(payload={"op": "add", "item": fields})
        await target.answer(_locked_prompt(t), reply_markup=ForceReply())
        return
    await state.clear()
    await target.answer(
        t("plan-added", title=fields["title"], program=program.id),
        reply_markup=open_keyboard(t, program.id),
    )


# Removing an item --------------------------------------------------------------------


async def _typed_item(
    message: Message, session: AsyncSession, t: Translator, program: Program
) -> PlanItem | None:
    """The live item of the program with the number the person typed, as /plan shows it;
    None: asked again."""
    text = (message.text or "").strip().lstrip("#")
    lines = await plan_of(session, program.id)
    found = next(
        (ln.item for ln in lines if text.isdigit() and ln.item.position == int(text)), None
    )
    if found is None:
        await message.answer(
            t("plan-err-no-position", text=text[:40]), reply_markup=cancel_keyboard(t)
        )
    return found


async def _ask_item(
    query: CallbackQuery, state: FSMContext, t: Translator, step: State, text: str
) -> None:
    """Asks for an item's number, as /plan shows it, at a step of the program's flow."""
    await query.answer()
    await state.set_state(step)
    await say(query, text, cancel_keyboard(t))


@router.callback_query(PlanRemoveCb.filter(), EditablePlan())
async def remove_button(
    query: CallbackQuery, program: Program, t: Translator, state: FSMContext
) -> None:
    await state.set_data({"program": program.id})
    await _ask_item(query, state, t, PlanForm.remove, t("plan-ask-remove", program=program.id))


@router.message(PlanForm.remove, F.text & ~F.text.startswith("/"))
async def remove_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    _, program = await _editable_flow(session, state, user, roles)
    if program is None or user is None:
        await end_flow(message, state, t("not-allowed"))
        return
    found = await _typed_item(message, session, t, program)
    if found is None:
        return
    # A slip of the finger («1» for «11») must not remove an item: it is confirmed first.
    await state.clear()
    await message.answer(
        t("plan-ask-remove-confirm", n=found.position, title=found.title, program=program.id),
        reply_markup=drop_keyboard(t, found.id),
    )


@router.callback_query(PlanDropCb.filter(), EditableItem())
async def remove_confirmed(
    query: CallbackQuery,
    callback_data: PlanDropCb,
    item: PlanItem,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    await query.answer()
    await drop_buttons(query)
    program = await session.get(Program, item.program_id)
    assert program is not None and user is not None
    if not callback_data.confirm:
        await say(query, t("plan-kept", n=item.position, title=item.title))
        return
    if await changes.plan_locked(session, program.id):
        await state.set_state(PlanForm.reason)
        await state.set_data(
            {"program": program.id, "payload": {"op": "remove", "item_id": item.id}}
        )
        await say(query, _locked_prompt(t), ForceReply())
        return
    await state.clear()
    await remove_item(session, program, item.id, user.id, clock.now())
    await say(
        query,
        t("plan-removed", title=item.title, program=program.id),
        open_keyboard(t, program.id),
    )


@router.callback_query(PlanCancelCb.filter())
async def cancel_pressed(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    """Cancel under a number prompt: the flow ends, whatever it was."""
    await query.answer()
    await drop_buttons(query)
    if await state.get_state() in (PlanForm.remove.state, PlanForm.edit.state):
        await state.clear()
        await say(query, t("cancelled"))
    else:
        await say(query, t("nothing-to-cancel"))


# Editing an item ---------------------------------------------------------------------

# Refusals after which there is nothing left to ask again: the item or the program is gone.
GONE = ("plan-err-no-item", "plan-err-program-closed", "plan-err-payload")
SUMMARY_VALUE_MAX = 80


@router.callback_query(PlanEditCb.filter(), EditablePlan())
async def edit_button(
    query: CallbackQuery, program: Program, t: Translator, state: FSMContext
) -> None:
    await state.set_data({"program": program.id})
    await _ask_item(query, state, t, PlanForm.edit, t("plan-ask-edit", program=program.id))


@router.message(PlanForm.edit, F.text & ~F.text.startswith("/"))
async def edit_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> None:
    _, program = await _editable_flow(session, state, user, roles)
    if program is None or user is None:
        await end_flow(message, state, t("not-allowed"))
        return
    found = await _typed_item(message, session, t, program)
    if found is None:
        return
    await state.set_state(PlanForm.edit_field)
    await message.answer(
        t("plan-ask-field", n=found.position, title=found.title),
        reply_markup=fields_keyboard(t, found.id),
    )


def _current(t: Translator, item: PlanItem, field: str) -> str:
    value = getattr(item, field, None)
    return str(value) if value else t.plain("plan-current-none")


@router.callback_query(PlanFieldCb.filter(), EditableItem())
async def field_picked(
    query: CallbackQuery,
    callback_data: PlanFieldCb,
    item: PlanItem,
    t: Translator,
    state: FSMContext,
) -> None:
    field = callback_data.field
    if field not in EDIT_FIELDS:
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    await query.answer()
    await state.set_data({"program": item.program_id, "edit": item.id, "field": field})
    if not isinstance(query.message, Message):
        return
    if field == "direction":
        await state.set_state(PlanForm.edit_direction)
        await query.message.answer(
            t(
                "plan-ask-edit-direction",
                title=item.title,
                direction=direction_name(t, item.direction),
            ),
            reply_markup=directions_keyboard(t),
        )
        return
    if field == "deadline":
        await state.set_state(PlanForm.kind)
        await query.message.answer(
            t("plan-ask-edit-kind", title=item.title), reply_markup=kinds_keyboard(t)
        )
        return
    await state.set_state(PlanForm.edit_text)
    await query.message.answer(
        t("plan-ask-edit-text", field=field, current=_current(t, item, field), max=TITLE_MAX),
        reply_markup=ForceReply(input_field_placeholder=t.plain("plan-field", field=field)),
    )


@router.message(PlanForm.edit_text, F.text & ~F.text.startswith("/"))
async def edit_text_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    field = str(data.get("field", ""))
    again = ForceReply(input_field_placeholder=t.plain("plan-field", field=field))
    try:
        value = clean_title(message.text) if field == "title" else clean_text(message.text)
    except PlanError as error:
        await message.answer(t(error.key, **error.params), reply_markup=again)
        return
    program = await _edit_target(message, session, roles, user, t, state)
    if program is None or user is None:
        return
    error = await _submit_edit(
        message, session, program, user, t, state, clock, int(data["edit"]), {field: value}
    )
    if error is None:
        return
    if error.key in GONE:
        await state.clear()
        await message.answer(t(error.key, **error.params))
        return
    await message.answer(t(error.key, **error.params), reply_markup=again)


@router.callback_query(PlanForm.edit_direction, PlanDirCb.filter())
async def edit_direction_picked(
    query: CallbackQuery,
    callback_data: PlanDirCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    program = await _edit_target(query.message, session, roles, user, t, state)
    if program is None or user is None:
        return
    data = await state.get_data()
    error = await _submit_edit(
        query.message,
        session,
        program,
        user,
        t,
        state,
        clock,
        int(data["edit"]),
        {"direction": callback_data.code or None},
    )
    if error is not None:
        await state.clear()
        await query.message.answer(t(error.key, **error.params))


async def _edit_target(
    target: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> Program | None:
    """The program of the item being edited, while the person may still edit it."""
    data, program = await _editable_flow(session, state, user, roles)
    if program is None or not isinstance(data.get("edit"), int):
        await end_flow(target, state, t("not-allowed"))
        return None
    return program


def _summary(t: Translator, item: PlanItem, changed: dict[str, Any]) -> str:
    """What a proposal to edit an item changes, for the parties asked to agree."""
    if "deadline_kind" in changed:
        spec = changed.get("deadline_spec") or {}
        if changed["deadline_kind"] == DeadlineKind.DATE and spec.get("date"):
            value = format_day(date.fromisoformat(str(spec["date"])))
        else:
            value = t.plain("plan-kind", kind=changed["deadline_kind"])
        field = "deadline"
    else:
        ((field, raw),) = changed.items()
        if field == "direction":
            value = direction_name(t, raw)
        else:
            value = str(raw) if raw else t.plain("plan-current-none")
    value = shorten(value, SUMMARY_VALUE_MAX)
    return t.plain("plan-edit-summary", n=item.position, title=item.title, field=field, value=value)


async def _submit_edit(
    target: Message,
    session: AsyncSession,
    program: Program,
    user: User,
    t: Translator,
    state: FSMContext,
    clock: Clock,
    item_id: int,
    changed: dict[str, Any],
) -> PlanError | None:
    """Apply the edit now, or, once the plan is locked by «ознакомлен», check it and ask
    for the reason of the proposal. The PlanError, unanswered, when it does not fit."""
    now = clock.now()
    locked = await changes.plan_locked(session, program.id)
    try:
        if locked:
            item = await check_edit(session, program, item_id, now=now, **changed)
        else:
            item = await edit_item(session, program, item_id, user.id, now, **changed)
    except PlanError as error:
        return error
    if locked:
        await state.set_state(PlanForm.reason)
        await state.set_data(
            {
                "program": program.id,
                "payload": {
                    "op": "edit",
                    "item_id": item_id,
                    "changes": changed,
                    "summary": _summary(t, item, changed),
                },
            }
        )
        await target.answer(_locked_prompt(t), reply_markup=ForceReply())
        return None
    await state.clear()
    await target.answer(
        t("plan-edited", n=item.position, title=item.title, program=program.id),
        reply_markup=open_keyboard(t, program.id),
    )
    return None


# The template ------------------------------------------------------------------------


@router.callback_query(PlanTemplateCb.filter(), EditablePlan())
async def template_button(
    query: CallbackQuery,
    program: Program,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    assert user is not None
    if await has_items(session, program.id):
        await query.answer(t.plain("plan-err-not-empty"), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if await changes.plan_locked(session, program.id):
        await state.set_state(PlanForm.reason)
        await state.set_data({"program": program.id, "payload": {"op": "template"}})
        await query.message.answer(_locked_prompt(t), reply_markup=ForceReply())
        return
    try:
        items = await apply_template(session, program, user.id, clock.now())
    except PlanError as error:
        await query.message.answer(t(error.key, **error.params))
        return
    await query.message.answer(
        t("plan-template-applied", count=len(items), program=program.id),
        reply_markup=open_keyboard(t, program.id),
    )


# A change after «ознакомлен» is a proposal -------------------------------------------


@router.message(PlanForm.reason, F.text & ~F.text.startswith("/"))
async def reason_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    data, program = await _editable_flow(session, state, user, roles)
    payload = data.get("payload")
    if program is None or user is None or not isinstance(payload, dict):
        await end_flow(message, state, t("not-allowed"))
        return
    try:
        reason = clean_text(message.text, REASON_MAX)
    except PlanError as error:
        await message.answer(t(error.key, **error.params), reply_markup=ForceReply())
        return
    if reason is None:
        await message.answer(t("plan-reason-needed"), reply_markup=ForceReply())
        return
    await state.clear()
    now = clock.now()
    if not await changes.plan_locked(session, program.id):
        # Nobody has confirmed «ознакомлен» meanwhile after all: the change applies now.
        try:
            await apply_change(session, program, payload, user.id, now, reason=reason)
        except PlanError as error:
            await message.answer(t(error.key, **error.params))
            return
        await message.answer(t("plan-changed"), reply_markup=open_keyboard(t, program.id))
        return
    try:
        await changes.propose(
            session,
            program_id=program.id,
            kind=changes.ProposalKind.PLAN_CHANGE,
            proposer_id=user.id,
            reason=reason,
            payload=payload,
            now=now,
        )
    except changes.ChangeError as error:
        await message.answer(t(error.key, **error.params))
        return
    await message.answer(t("plan-proposed", program=program.id))


@router.message(PlanForm.note, ~F.text)
@router.message(PlanForm.title, ~F.text)
@router.message(PlanForm.activity_form, ~F.text)
@router.message(PlanForm.value, ~F.text)
@router.message(PlanForm.reason, ~F.text)
@router.message(PlanForm.remove, ~F.text)
@router.message(PlanForm.edit, ~F.text)
@router.message(PlanForm.edit_text, ~F.text)
async def needs_text(message: Message, t: Translator) -> None:
    await message.answer(t("expect-text"))


@router.message(PlanForm.direction, ~F.text.startswith("/"))
@router.message(PlanForm.kind, ~F.text.startswith("/"))
@router.message(PlanForm.edit_field, ~F.text.startswith("/"))
@router.message(PlanForm.edit_direction, ~F.text.startswith("/"))
async def use_buttons(message: Message, t: Translator) -> None:
    await message.answer(t("plan-use-buttons"))
