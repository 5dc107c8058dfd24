"""Changes to a program by the regulation (seed 002, §4): the card's change buttons, the
Agree / Decline buttons of a proposal, the curator's pick of a new mentor, /change_mentor
(mentee) and /release (mentor).

Every button re-checks in the database that the presser may act on the program or the
proposal: a forged or stale payload changes nothing and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator
from bot.keyboards.changes import (
    ChangeAction,
    ChangeCb,
    EndConfirmCb,
    EndReasonCb,
    NewMentorCb,
    VoteCb,
    end_confirm_keyboard,
    end_reason_keyboard,
    program_pick_keyboard,
)
from bot.states import ChangeForm
from handlers.flows import drop_buttons, end_flow, flow_program, pick_program
from models import changes
from models.calendar import today_in
from models.changes import (
    END_REASONS_BY_SIDE,
    ChangeError,
    EndReason,
    Proposal,
    ProposalKind,
    VoteResult,
)
from models.dates import DateInputError, format_day, parse_day
from models.people import Organization, Roles, User
from models.program_card import CONFIDENTIAL_KINDS, people_of
from models.programs import Program, ProgramMentee, ProgramStatus

router = Router(name="changes")

# Which side may start which action from a button or a command.
SIDES: dict[str, tuple[str, ...]] = {
    ChangeAction.EXTEND: ("mentor", "mentee", "curator"),
    ChangeAction.SHORTEN: ("mentor", "mentee", "curator"),
    ChangeAction.TERMINATE: ("mentor", "mentee", "curator"),
    ChangeAction.CHANGE_MENTOR: ("mentee",),
    ChangeAction.RELEASE: ("mentor",),
    ChangeAction.COMPLETE: ("curator",),
}
VOTE_REPLIES = {
    VoteResult.NOT_PARTY: "change-vote-not-party",
    VoteResult.ALREADY: "change-vote-already",
    VoteResult.RECORDED: "change-vote-recorded",
    VoteResult.ACCEPTED: "change-vote-accepted",
    VoteResult.DECLINED: "change-vote-declined",
    VoteResult.FAILED: "change-vote-failed",
    VoteResult.SUPERSEDED: "change-vote-superseded",
}
# The results that record the presser's answer (the ask message then shows it).
ANSWERED = (VoteResult.RECORDED, VoteResult.ACCEPTED, VoteResult.DECLINED, VoteResult.FAILED)


def _hours(settings: Settings) -> tuple[float, float]:
    return settings.question_remind_hours, settings.question_escalate_hours


async def _side(
    session: AsyncSession, program: Program | None, user: User | None, roles: Roles
) -> str | None:
    if program is None or user is None:
        return None
    return await changes.side_of(session, program, user.id, is_admin=roles.is_admin)


async def _acted_on(
    query: CallbackQuery, t: Translator, program_id: int, program: Program | None, allowed: bool
) -> Program | None:
    """The program a change button names, when the presser may act (`allowed`, checked
    by each handler) and it is still active; otherwise says why not."""
    if program is None or not allowed or not isinstance(query.message, Message):
        await query.answer(t("change-not-allowed", program=program_id), show_alert=True)
        return None
    if program.status != ProgramStatus.ACTIVE:
        await query.answer(t("change-err-not-active", program=program.id), show_alert=True)
        return None
    return program


async def _ask_reason(target: Message, state: FSMContext, t: Translator, **data: Any) -> None:
    await state.set_state(ChangeForm.reason)
    await state.set_data(data)
    private = data.get("action") in CONFIDENTIAL_KINDS
    await target.answer(
        t("change-ask-reason-private" if private else "change-ask-reason"),
        reply_markup=ForceReply(),
    )


# Commands: a mentee asks for another mentor, a mentor asks to be released --------------


async def _own_programs(
    session: AsyncSession, user: User, as_mentor: bool
) -> list[tuple[int, str]]:
    query = select(Program).where(Program.status == ProgramStatus.ACTIVE).order_by(Program.id)
    if as_mentor:
        query = query.where(Program.mentor_id == user.id)
    else:
        query = query.join(ProgramMentee, ProgramMentee.program_id == Program.id).where(
            ProgramMentee.mentee_id == user.id
        )
    result = []
    for program in (await session.scalars(query)).all():
        mentor = await session.get(User, program.mentor_id)
        result.append((program.id, mentor.display_name if mentor else ""))
    return result


async def _by_command(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    action: str,
) -> None:
    if user is None:
        await message.answer(t("change-no-program"))
        return

    async def ask_reason(program: tuple[int, str]) -> None:
        await _ask_reason(message, state, t, action=action, program=program[0])

    async def choices(programs: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
        loaded = [p for pid, _ in programs if (p := await session.get(Program, pid)) is not None]
        people = await people_of(session, loaded)
        return program_pick_keyboard(t, action, [(p.id, *people[p.id]) for p in loaded])

    await pick_program(
        message,
        await _own_programs(session, user, as_mentor=action == ChangeAction.RELEASE),
        none_text=t("change-no-program"),
        one=ask_reason,
        pick_text=t("change-pick-program"),
        keyboard=choices,
        state=state,
        t=t,
    )


@router.message(Command("change_mentor"))
async def change_mentor_command(
    message: Message, session: AsyncSession, user: User | None, t: Translator, state: FSMContext
) -> None:
    await state.clear()
    await _by_command(message, session, user, t, state, ChangeAction.CHANGE_MENTOR)


@router.message(Command("release"))
async def release_command(
    message: Message, session: AsyncSession, user: User | None, t: Translator, state: FSMContext
) -> None:
    await state.clear()
    await _by_command(message, session, user, t, state, ChangeAction.RELEASE)


# The card's change buttons (and Complete / Extend under the end-date notice) -----------


@router.callback_query(ChangeCb.filter())
async def change_pressed(
    query: CallbackQuery,
    callback_data: ChangeCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    action = callback_data.action
    program = await session.get(Program, callback_data.program_id)
    side = await _side(session, program, user, roles)
    allowed = side is not None and side in SIDES.get(action, ())
    program = await _acted_on(query, t, callback_data.program_id, program, allowed)
    if program is None or user is None or side is None or not isinstance(query.message, Message):
        return
    now = clock.now()
    if action == ChangeAction.COMPLETE:
        try:
            await changes.complete(session, program.id, user.id, now, is_admin=roles.is_admin)
        except ChangeError as error:
            await query.answer(t(error.key, **error.params), show_alert=True)
            return
        await query.answer()
        await drop_buttons(query)
        await query.message.answer(
            t("change-ended-now", program=program.id, end_reason=EndReason.COMPLETED)
        )
        return
    await query.answer()
    await state.clear()
    if action in (ChangeAction.EXTEND, ChangeAction.SHORTEN):
        await state.set_state(ChangeForm.day)
        await state.set_data({"action": action, "program": program.id})
        await query.message.answer(
            t("change-ask-date", program=program.id, end=format_day(program.ends_on)),
            reply_markup=ForceReply(),
        )
        return
    if action == ChangeAction.TERMINATE:
        await query.message.answer(
            t("change-pick-reason", program=program.id),
            reply_markup=end_reason_keyboard(t, program.id, END_REASONS_BY_SIDE[side]),
        )
        return
    await _ask_reason(query.message, state, t, action=action, program=program.id)


@router.callback_query(EndReasonCb.filter())
async def end_reason_picked(
    query: CallbackQuery,
    callback_data: EndReasonCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> None:
    program = await session.get(Program, callback_data.program_id)
    side = await _side(session, program, user, roles)
    allowed = side is not None and callback_data.reason in END_REASONS_BY_SIDE[side]
    program = await _acted_on(query, t, callback_data.program_id, program, allowed)
    if program is None or not isinstance(query.message, Message):
        return
    await query.answer()
    await drop_buttons(query)
    await _ask_reason(
        query.message,
        state,
        t,
        action=ChangeAction.TERMINATE,
        program=program.id,
        end_reason=callback_data.reason,
    )


# The typed steps: a new last day, then the reason ------------------------------------


@router.message(ChangeForm.day, F.text & ~F.text.startswith("/"))
async def day_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    data, program = await flow_program(state, session)
    side = await _side(session, program, user, roles)
    if program is None or side is None:
        await end_flow(message, state, t("change-not-allowed", program=data.get("program", 0)))
        return
    org = await session.get(Organization, program.org_id)
    assert org is not None
    now = clock.now()
    try:
        day = parse_day(message.text or "", today_in(org.timezone, now))
        await changes.check_new_end(session, program, str(data.get("action")), day, now)
    except DateInputError as error:
        await message.answer(t(error.key, **error.params), reply_markup=ForceReply())
        return
    except ChangeError as error:
        await message.answer(t(error.key, **error.params), reply_markup=ForceReply())
        return
    await _ask_reason(message, state, t, **data, ends_on=day.isoformat())


@router.message(ChangeForm.reason, F.text & ~F.text.startswith("/"))
async def reason_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    data = await state.get_data()
    program_id = int(data.get("program", 0))
    action = str(data.get("action", ""))
    if user is None:
        await end_flow(message, state, t("change-not-allowed", program=program_id))
        return
    now = clock.now()
    text = message.text or ""
    try:
        changes.clean_reason(text)
    except ChangeError as error:
        await message.answer(t(error.key, **error.params), reply_markup=ForceReply())
        return
    await state.clear()
    try:
        if action == ChangeAction.TERMINATE and data.get("end_reason") == EndReason.NON_FULFILMENT:
            # One-sided and irreversible: a final Yes / No, the reason kept in the FSM data.
            await changes.check_non_fulfilment(
                session, program_id, user.id, is_admin=roles.is_admin
            )
            await state.set_state(ChangeForm.confirm)
            await state.set_data({**data, "reason": text})
            await message.answer(
                t("change-end-confirm", program=program_id, reason=text),
                reply_markup=end_confirm_keyboard(t, program_id),
            )
            return
        payload: dict[str, Any] = {}
        if action == ChangeAction.TERMINATE:
            payload["end_reason"] = data.get("end_reason")
        if "ends_on" in data:
            payload["ends_on"] = date.fromisoformat(str(data["ends_on"])).isoformat()
        proposal = await changes.propose(
            session,
            program_id=program_id,
            kind=ProposalKind(action),
            proposer_id=user.id,
            reason=text,
            payload=payload,
            now=now,
            is_admin=roles.is_admin,
            hours=_hours(settings),
            offsets=settings.meeting_offsets,
        )
    except (ChangeError, ValueError) as error:
        key = error.key if isinstance(error, ChangeError) else "change-err-payload"
        params = error.params if isinstance(error, ChangeError) else {}
        await message.answer(t(key, **params))
        return
    await message.answer(t("change-proposed", **changes.describe(proposal)))


@router.message(ChangeForm.day, ~F.text)
@router.message(ChangeForm.reason, ~F.text)
async def text_needed(message: Message, t: Translator) -> None:
    await message.answer(t("change-text-needed"))


@router.message(ChangeForm.confirm, F.text & ~F.text.startswith("/"))
@router.message(ChangeForm.confirm, ~F.text)
async def confirm_needed(message: Message, t: Translator) -> None:
    await message.answer(t("change-end-confirm-press"))


@router.callback_query(EndConfirmCb.filter())
async def end_confirmed(
    query: CallbackQuery,
    callback_data: EndConfirmCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    """The curator's final Yes / No to ending a program for non-fulfilment. Only a press
    matching the presser's own waiting confirmation acts; the rights and the program's
    state are checked again by the ending itself."""
    data = await state.get_data()
    waiting = (
        await state.get_state() == ChangeForm.confirm.state
        and data.get("program") == callback_data.program_id
        and data.get("end_reason") == EndReason.NON_FULFILMENT
        and isinstance(data.get("reason"), str)
    )
    if user is None or not waiting or not isinstance(query.message, Message):
        await query.answer(t("change-end-confirm-stale"), show_alert=True)
        return
    await state.clear()
    program_id = callback_data.program_id
    if not callback_data.yes:
        await query.answer()
        await drop_buttons(query)
        await query.message.answer(t("change-end-kept", program=program_id))
        return
    try:
        await changes.terminate_for_non_fulfilment(
            session, program_id, user.id, str(data["reason"]), clock.now(), is_admin=roles.is_admin
        )
    except ChangeError as error:
        await query.answer(t(error.key, **error.params), show_alert=True)
        await drop_buttons(query)
        return
    await query.answer()
    await drop_buttons(query)
    await query.message.answer(
        t("change-ended-now", program=program_id, end_reason=EndReason.NON_FULFILMENT)
    )


# Answers to a proposal -----------------------------------------------------------------


async def _vote(
    query: CallbackQuery,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    clock: Clock,
    settings: Settings,
    proposal_id: int,
    agree: bool,
    mentor_id: int | None = None,
) -> tuple[VoteResult, Proposal | None] | None:
    """The presser's answer to a proposal, recorded; None: refused (said so)."""
    if user is None:
        await query.answer(t("change-vote-not-party"), show_alert=True)
        return None
    try:
        return await changes.vote(
            session,
            proposal_id,
            user.id,
            agree,
            clock.now(),
            mentor_id=mentor_id,
            hours=_hours(settings),
            offsets=settings.meeting_offsets,
        )
    except ChangeError as error:
        await query.answer(t(error.key, **error.params), show_alert=True)
        return None


async def _answer_vote(
    query: CallbackQuery, t: Translator, result: VoteResult, decisive: bool, agree: bool
) -> None:
    if result not in ANSWERED:
        await query.answer(t(VOTE_REPLIES[result]), show_alert=True)
        if result == VoteResult.SUPERSEDED:
            await drop_buttons(query)
        return
    await query.answer(t.plain(VOTE_REPLIES[result]), show_alert=decisive)
    await _show_answer(query, t, agree)


async def _show_answer(query: CallbackQuery, t: Translator, agree: bool) -> None:
    """The ask message keeps its words, loses its buttons and shows the answer given.
    Notices are sent as plain text, so the edit is plain text too."""
    message = query.message
    if not isinstance(message, Message) or not message.text:
        await drop_buttons(query)
        return
    yours = t.plain("change-vote-yours", agree="yes" if agree else "no")
    await message.edit_text(f"{message.text}\n\n{yours}", reply_markup=None, parse_mode=None)


@router.callback_query(VoteCb.filter())
async def vote_pressed(
    query: CallbackQuery,
    callback_data: VoteCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    voted = await _vote(
        query, session, user, t, clock, settings, callback_data.proposal_id, callback_data.agree
    )
    if voted is None:
        return
    result, _ = voted
    await _answer_vote(query, t, result, result != VoteResult.RECORDED, callback_data.agree)


@router.callback_query(NewMentorCb.filter())
async def new_mentor_picked(
    query: CallbackQuery,
    callback_data: NewMentorCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    agree = callback_data.mentor_id != 0
    mentor_id = callback_data.mentor_id if agree else None
    voted = await _vote(
        query, session, user, t, clock, settings, callback_data.proposal_id, agree, mentor_id
    )
    if voted is None:
        return
    result, proposal = voted
    if result == VoteResult.ACCEPTED and proposal is not None:
        mentor = await session.get(User, callback_data.mentor_id)
        await query.answer()
        await drop_buttons(query)
        await query.message.answer(  # type: ignore[union-attr]
            t(
                "change-mentor-picked",
                program=proposal.program_id,
                mentor=mentor.display_name if mentor else "",
            )
        )
        return
    await _answer_vote(query, t, result, True, agree)
