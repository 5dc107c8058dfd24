"""/program: the card of a mentoring program (issue 14, item 1).

`/program` shows a person their own programs (one: its card; several: a button each; a
curator or admin also gets the live programs of their schools). `/program #<id>` opens
one card for anyone who may see it: its mentor and mentees, a curator of its school or
of its mentor's school (an inter-school pair), an admin; anyone else gets one refusal
that does not tell whether the program exists. Every button re-checks that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.builders import PickPageCb
from bot.keyboards.changes import ChangeAction, ChangeCb
from bot.keyboards.program import (
    CardAckCb,
    CardNoteCb,
    CardOpenCb,
    card_keyboard,
    note_fields_keyboard,
    open_keyboard,
    programs_keyboard,
)
from bot.links import format_local
from bot.states import NoteForm
from bot.texts import pack_lines
from handlers.access import Granted
from handlers.flows import end_flow, pick_page_pressed, pick_program, program_id_arg, reply_target
from handlers.practices import card_buttons as practice_buttons
from models.calendar import today_in
from models.dates import format_day
from models.people import Organization, Role, Roles, User
from models.program_card import (
    LIST_MAX,
    NOTE_FIELDS,
    NOTE_MAX,
    Card,
    HistoryLine,
    NoteError,
    Viewer,
    acknowledge,
    acknowledged_at,
    card,
    edit_note,
    may_edit_note,
    own_programs,
    people_of,
    programs_visible_to,
    reason_shown,
    viewer_roles,
)
from models.programs import Program, ProgramStatus

router = Router(name="program")
# ◀️ ▶️ under any «which program?» list (handlers/flows.py pick_program).
router.callback_query.register(pick_page_pressed, PickPageCb.filter())


@dataclass
class Seen:
    """A program and how the person pressing or asking stands to it."""

    program: Program
    viewers: set[str]


async def _seen(session: AsyncSession, program_id: int, data: dict[str, Any]) -> Seen | None:
    program = await session.get(Program, program_id)
    if program is None:
        return None
    user: User | None = data.get("user")
    viewers = await viewer_roles(session, program, user.id if user else None, data["roles"])
    return Seen(program, viewers) if viewers else None


async def _load_seen(callback_data: Any, data: dict[str, Any]) -> Seen | None:
    return await _seen(data["session"], int(callback_data.program_id), data)


def VisibleProgram() -> Granted:
    """`seen`: the program the button names, for someone who may see it."""
    return Granted("seen", _load_seen)


# Rendering ---------------------------------------------------------------------------


def _history_line(t: Translator, line: HistoryLine, zone: str, with_reason: bool) -> str:
    field = line.details.get("field")
    if line.action == "note-edited" and isinstance(field, str):
        what = t("card-action-field", action=line.action, field=field)
    else:
        what = t("card-action", action=line.action)
    text = t(
        "card-history-line",
        at=format_local(line.at, zone),
        who=line.actor if line.actor is not None else t.plain("card-history-bot"),
        what=what,
    )
    if line.count > 1:
        text += " " + t("card-history-times", count=line.count)
    if line.reason and with_reason:
        text += " " + t("card-history-reason", reason=line.reason)
    elif line.reason:
        text += " " + t("card-history-reason-private")
    return text


def card_sections(t: Translator, c: Card, viewers: set[str], user_id: int | None) -> list[str]:
    """The card as sections, each kept whole in one message, as this viewer reads it."""
    p = c.program
    header = t(
        "card-header",
        program=p.id,
        status=p.status,
        form=p.form,
        mode=p.mode,
        start=format_day(p.starts_on),
        end=format_day(p.ends_on),
        org=c.org.name,
    )
    if p.ended_at is not None and p.end_reason:
        header += "\n" + t(
            "card-ended", date=format_local(p.ended_at, c.zone, False), end_reason=p.end_reason
        )
    if c.mentor_org:
        people = [t("card-mentor-elsewhere", name=c.mentor_name, org=c.mentor_org)]
    else:
        people = [t("card-mentor", name=c.mentor_name)]
    people.append(t("card-mentees"))
    for mentee in c.mentees:
        if mentee.acknowledged_at is not None:
            people.append(
                t(
                    "card-mentee-ack",
                    name=mentee.name,
                    at=format_local(mentee.acknowledged_at, c.zone),
                )
            )
        else:
            people.append(t("card-mentee-no-ack", name=mentee.name))
    # "" items are blank lines between the parts of the card.
    sections = [header, "", "\n".join(people), "", t("card-note-title")]
    for name in NOTE_FIELDS:
        sections.append(
            t("card-note-line", field=name, text=c.note[name] or t.plain("card-note-empty"))
        )
    pr = c.progress
    summary = (
        t("card-progress", done=pr.done, total=pr.total, overdue=pr.overdue, ahead=pr.ahead)
        if pr.total
        else t("card-progress-empty")
    )
    summary += "\n" + t("card-meetings", held=c.meetings_held, planned=c.meetings_planned)
    sections += ["", summary, ""]
    if c.history:
        lines = [t("card-history-title", zone=c.zone)]
        lines += [
            _history_line(t, line, c.zone, reason_shown(line, viewers, user_id))
            for line in c.history
        ]
        sections.append("\n".join(lines))
    else:
        sections.append(t("card-history-none"))
    return sections


# The change actions of each viewer's role (the flows are in handlers of changes).
CHANGES_BY_VIEWER: dict[str, tuple[str, ...]] = {
    Viewer.CURATOR: (ChangeAction.EXTEND, ChangeAction.SHORTEN, ChangeAction.TERMINATE),
    Viewer.ADMIN: (ChangeAction.EXTEND, ChangeAction.SHORTEN, ChangeAction.TERMINATE),
    # The pair may propose new dates too: the other side and a curator then agree.
    Viewer.MENTEE: (
        ChangeAction.EXTEND,
        ChangeAction.SHORTEN,
        ChangeAction.TERMINATE,
        ChangeAction.CHANGE_MENTOR,
    ),
    Viewer.MENTOR: (
        ChangeAction.EXTEND,
        ChangeAction.SHORTEN,
        ChangeAction.RELEASE,
        ChangeAction.TERMINATE,
    ),
    Viewer.LENDER: (),  # the program belongs to the mentee's school
}
VIEWER_ORDER = (Viewer.MENTEE, Viewer.MENTOR, Viewer.CURATOR, Viewer.LENDER, Viewer.ADMIN)


def change_buttons(
    t: Translator, program: Program, viewers: set[str]
) -> list[InlineKeyboardButton]:
    """The change actions of the viewer's roles, while the program is active."""
    if program.status != ProgramStatus.ACTIVE:
        return []
    actions: list[str] = []
    for viewer in VIEWER_ORDER:
        if viewer in viewers:
            actions += [a for a in CHANGES_BY_VIEWER[viewer] if a not in actions]
    return [
        InlineKeyboardButton(
            text=t.plain("card-btn-change", action=action),
            callback_data=ChangeCb(action=action, program_id=program.id).pack(),
        )
        for action in actions
    ]


async def show_card(
    target: Message,
    session: AsyncSession,
    t: Translator,
    seen: Seen,
    user: User | None,
    clock: Clock,
) -> None:
    org = await session.get(Organization, seen.program.org_id)
    assert org is not None
    c = await card(session, seen.program.id, today_in(org.timezone, clock.now()))
    assert c is not None
    is_mentee = Viewer.MENTEE in seen.viewers and user is not None
    can_ack = (
        is_mentee
        and seen.program.status == ProgramStatus.ACTIVE
        and user is not None
        and await acknowledged_at(session, seen.program.id, user.id) is None
    )
    can_edit = user is not None and await may_edit_note(session, seen.program, user.id)
    markup = card_keyboard(
        t,
        seen.program.id,
        can_edit=can_edit,
        can_ack=can_ack,
        extra=change_buttons(t, seen.program, seen.viewers)
        + await practice_buttons(
            session, t, seen.program, bool({Viewer.CURATOR, Viewer.ADMIN} & seen.viewers)
        ),
    )
    packed = pack_lines("", card_sections(t, c, seen.viewers, user.id if user else None))
    for index, (text, _) in enumerate(packed):
        last = index == len(packed) - 1
        await target.answer(text, reply_markup=markup if last else None)


# /program ----------------------------------------------------------------------------


@router.message(Command("program"))
async def program_command(
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
    data = {"roles": roles, "user": user}
    if args:
        program_id = program_id_arg(args)
        if program_id is None:
            await message.answer(t("card-usage"))
            return
        seen = await _seen(session, program_id, data)
        if seen is None:
            await message.answer(t("card-not-found"))
            return
        await show_card(message, session, t, seen, user, clock)
        return
    programs = await own_programs(session, user.id) if user is not None else []
    if roles.is_admin or roles.has(Role.CURATOR):
        known = {p.id for p in programs}
        school = await programs_visible_to(
            session, user.id if user else None, roles, live_only=True, limit=LIST_MAX
        )
        programs += [p for p in school if p.id not in known]
    shown = programs[:LIST_MAX]
    curator = roles.is_admin or roles.has(Role.CURATOR)
    text = t("card-pick-school" if curator else "card-pick", count=len(shown))
    if len(programs) > LIST_MAX or len(shown) == LIST_MAX:
        text += "\n\n" + t("card-pick-more", count=len(shown))

    async def choices(programs: Sequence[Program]) -> InlineKeyboardMarkup:
        people = await people_of(session, programs)
        return programs_keyboard(t, [(p.id, *people[p.id]) for p in programs])

    async def show_one(program: Program) -> None:
        seen = await _seen(session, program.id, data)
        if seen is not None:
            await show_card(message, session, t, seen, user, clock)
        else:
            await message.answer(text, reply_markup=await choices([program]))

    await pick_program(
        message,
        shown,
        none_text=t("card-none"),
        one=show_one,
        pick_text=text,
        keyboard=choices,
        state=state,
        t=t,
    )


@router.callback_query(CardOpenCb.filter(), VisibleProgram())
async def open_card(
    query: CallbackQuery,
    seen: Seen,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    clock: Clock,
) -> None:
    await query.answer()
    target = reply_target(query)
    if target is not None:
        await show_card(target, session, t, seen, user, clock)


# The note ----------------------------------------------------------------------------


@router.callback_query(CardNoteCb.filter(), VisibleProgram())
async def note_button(
    query: CallbackQuery,
    callback_data: CardNoteCb,
    seen: Seen,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> None:
    if user is None or not await may_edit_note(session, seen.program, user.id):
        await query.answer(t.plain("card-note-not-allowed"), show_alert=True)
        return
    if callback_data.field and callback_data.field not in NOTE_FIELDS:
        await query.answer(t.plain("card-note-bad-field"), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if not callback_data.field:
        await query.message.answer(
            t("card-note-pick"), reply_markup=note_fields_keyboard(t, seen.program.id)
        )
        return
    await state.set_state(NoteForm.text)
    await state.set_data({"program": seen.program.id, "field": callback_data.field})
    await query.message.answer(
        t("card-note-ask", field=callback_data.field, max=NOTE_MAX),
        reply_markup=ForceReply(
            input_field_placeholder=t.plain("card-field", field=callback_data.field)
        ),
    )


@router.message(NoteForm.text, F.text & ~F.text.startswith("/"))
async def note_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    program_id, field = data.get("program"), data.get("field")
    if user is None or not isinstance(program_id, int) or not isinstance(field, str):
        await end_flow(message, state, t("card-note-not-allowed"))
        return
    text = message.text or ""
    try:
        program = await edit_note(session, program_id, user.id, field, text, clock.now())
    except NoteError as error:
        if error.key == "card-note-too-long":
            await message.answer(
                t(error.key, length=len(text.strip()), max=NOTE_MAX),
                reply_markup=ForceReply(input_field_placeholder=t.plain("card-field", field=field)),
            )
            return
        await end_flow(message, state, t(error.key))
        return
    await state.clear()
    key = "card-note-saved" if getattr(program, field) else "card-note-cleared"
    await message.answer(
        t(key, field=field, program=program.id), reply_markup=open_keyboard(t, program.id)
    )


@router.message(NoteForm.text, ~F.text)
async def note_needs_text(message: Message, t: Translator) -> None:
    await message.answer(t("expect-text"))


# «Ознакомлен» ------------------------------------------------------------------------


@router.callback_query(CardAckCb.filter(), VisibleProgram())
async def ack_button(
    query: CallbackQuery,
    callback_data: CardAckCb,
    seen: Seen,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    clock: Clock,
) -> None:
    program = seen.program
    if user is None or Viewer.MENTEE not in seen.viewers:
        await query.answer(t.plain("card-ack-not-allowed"), show_alert=True)
        return
    outcome = await acknowledge(session, program.id, user.id, clock.now())
    if outcome == "not-allowed":
        await query.answer(t.plain("card-ack-not-allowed"), show_alert=True)
        return
    org = await session.get(Organization, program.org_id)
    if outcome == "already":
        at = await acknowledged_at(session, program.id, user.id)
        when = format_local(at, org.timezone) if at and org else ""
        await query.answer(
            t.plain("card-ack-already", program=program.id, at=when), show_alert=True
        )
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if callback_data.notice:
        await query.message.edit_reply_markup(reply_markup=open_keyboard(t, program.id))
    else:
        await query.message.edit_reply_markup(
            reply_markup=card_keyboard(
                t,
                program.id,
                can_edit=await may_edit_note(session, program, user.id),
                can_ack=False,
                extra=change_buttons(t, program, seen.viewers),
            )
        )
    await query.message.answer(t("card-ack-done", program=program.id))
