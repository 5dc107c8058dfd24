"""/pair: the curator links a mentor with mentees; the mentor accepts or refuses.

Guided: mentees → a ranked mentor → form → mode → dates → confirm. Power form:
`/pair #<mentor> #<mentee>[,#<mentee>…] [form [mode [dd.mm.yyyy-dd.mm.yyyy]]]`, which
asks only for what it lacks. Every step re-checks the rights and the state: a callback
payload can be forged or outlive its flow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ForceReply, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.callbacks import (
    PairConfirmCb,
    PairDecideCb,
    PairFormCb,
    PairMenteeCb,
    PairMenteesDoneCb,
    PairMentorCb,
    PairModeCb,
    PairOrgCb,
    PairPageCb,
)
from bot.keyboards.pairs import (
    MENTORS_SHOWN,
    pair_confirm_keyboard,
    pair_form_keyboard,
    pair_mentees_keyboard,
    pair_mentors_keyboard,
    pair_mode_keyboard,
    pair_org_keyboard,
)
from bot.states import PairForm, PairRefuseForm
from handlers.access import ManagedOrg, OfferedProgram
from handlers.flows import drop_buttons, reply_target, say
from models.calendar import today_in
from models.changes import ChangeError, clean_reason
from models.dates import DateInputError, format_day, parse_range
from models.pairing import (
    PairingError,
    accept_program,
    check_people,
    create_program,
    date_problem_args,
    free_mentees,
    is_form,
    is_mode,
    other_school_of,
    rank_mentors,
    refuse_program,
    validate_dates,
)
from models.people import (
    Organization,
    Role,
    Roles,
    User,
    curator_orgs,
    load_roles,
    may_manage,
    member_of,
)
from models.programs import Program, ProgramStatus

router = Router(name="pairs")

POWER = re.compile(r"^#?(\d{1,9})\s+((?:#?\d{1,9}\s*,\s*)*#?\d{1,9})(?:\s+(.*))?$", re.S)


@dataclass
class Draft:
    """The flow's answers so far, as kept in the FSM data."""

    org: int
    sel: list[int]
    mentor: int | None = None
    form: str | None = None
    mode: str | None = None
    start: str | None = None
    end: str | None = None
    page: int = 0

    @classmethod
    def load(cls, data: dict[str, Any]) -> Draft | None:
        try:
            return cls(
                org=int(data["org"]),
                sel=[int(i) for i in data.get("sel", [])],
                mentor=data.get("mentor"),
                form=data.get("form"),
                mode=data.get("mode"),
                start=data.get("start"),
                end=data.get("end"),
                page=int(data.get("page", 0)),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def dump(self) -> dict[str, Any]:
        return dict(self.__dict__)


async def _draft(state: FSMContext, roles: Roles, org_id: int, expected: State) -> Draft | None:
    """The live draft this button belongs to, or None (an old or forged button)."""
    if await state.get_state() != expected.state:
        return None
    draft = Draft.load(await state.get_data())
    if draft is None or draft.org != org_id or not may_manage(roles, org_id):
        return None
    return draft


async def _refuse(query: CallbackQuery, t: Translator, roles: Roles, org_id: int) -> None:
    key = "button-outdated" if may_manage(roles, org_id) else "not-allowed"
    await query.answer(t(key), show_alert=True)


# The command -------------------------------------------------------------------------


@router.message(Command("pair"))
async def pair_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    orgs = await curator_orgs(session, roles)
    if not orgs:
        await message.answer(t("not-allowed-curator"))
        return
    await state.clear()
    args = (command.args or "").strip()
    if args:
        await _power(message, session, roles, t, state, clock, [o for o, _ in orgs], args)
        return
    if len(orgs) > 1:
        await message.answer(t("pick-org"), reply_markup=pair_org_keyboard(orgs))
        return
    await _start_guided(message, session, t, state, orgs[0][0])


@router.callback_query(PairOrgCb.filter(), ManagedOrg())
async def org_picked(
    query: CallbackQuery,
    callback_data: PairOrgCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    await query.answer()
    await _start_guided(query, session, t, state, callback_data.org_id)


async def _power(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
    clock: Clock,
    org_ids: list[int],
    args: str,
) -> None:
    match = POWER.match(args)
    if match is None:
        await message.answer(t("pair-usage"))
        return
    mentor_id = int(match.group(1))
    mentee_ids = list(dict.fromkeys(int(i) for i in re.findall(r"\d+", match.group(2))))
    org_id = await _org_of(session, org_ids, mentee_ids[0])
    draft = Draft(org=org_id, sel=mentee_ids, mentor=mentor_id)
    words = (match.group(3) or "").split()
    if words and is_form(words[0].lower()):
        draft.form = words.pop(0).lower()
    if words and is_mode(words[0].lower()):
        draft.mode = words.pop(0).lower()
    dates = " ".join(words)
    if dates and draft.form is None:
        await message.answer(t("pair-err-form"))
        return
    if dates and draft.mode is None and not _looks_like_dates(dates):
        await message.answer(t("pair-err-mode"))
        return
    try:
        await check_people(
            session,
            org_id,
            mentor_id,
            mentee_ids,
            form=draft.form,
            cross_org_mentor=roles.is_admin,
        )
    except PairingError as error:
        await message.answer(t(error.key, **error.params))
        return
    if dates:
        problem = await _set_dates(session, draft, dates, clock)
        if problem is not None:
            await message.answer(t(problem[0], **problem[1]))
            return
    await _advance(message, session, t, state, draft)


async def _org_of(session: AsyncSession, org_ids: list[int], person_id: int) -> int:
    """Of the organizations the curator manages, the one the person belongs to."""
    held = await load_roles(session, person_id)
    for org_id in org_ids:
        if Role.MENTEE in held.get(org_id, set()):
            return org_id
    for org_id in org_ids:
        if org_id in held:
            return org_id
    return org_ids[0]


# Choosing mentees --------------------------------------------------------------------


async def _mentee_choices(session: AsyncSession, org_id: int) -> list[tuple[int, str]]:
    return [(u.id, u.display_name) for u in await free_mentees(session, org_id)]


async def _start_guided(
    event: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    state: FSMContext,
    org_id: int,
) -> None:
    org = await session.get(Organization, org_id)
    assert org is not None
    choices = await _mentee_choices(session, org_id)
    if not choices:
        await state.clear()
        await say(event, t("pair-no-free-mentees", org=org.name), None)
        return
    draft = Draft(org=org_id, sel=[])
    await state.set_state(PairForm.mentees)
    await state.set_data(draft.dump())
    await say(
        event,
        t("pair-pick-mentees", org=org.name, count=len(choices)),
        pair_mentees_keyboard(t, org_id, choices, [], 0),
    )


async def _redraw_mentees(
    query: CallbackQuery, session: AsyncSession, t: Translator, draft: Draft
) -> None:
    choices = await _mentee_choices(session, draft.org)
    markup = pair_mentees_keyboard(t, draft.org, choices, draft.sel, draft.page)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=markup)


@router.callback_query(PairMenteeCb.filter())
async def mentee_toggled(
    query: CallbackQuery,
    callback_data: PairMenteeCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, callback_data.org_id, PairForm.mentees)
    if draft is None:
        await _refuse(query, t, roles, callback_data.org_id)
        return
    user_id = callback_data.user_id
    if Role.MENTEE not in await member_of(session, user_id, draft.org):
        await query.answer(t("not-allowed"), show_alert=True)
        return
    if user_id in draft.sel:
        draft.sel.remove(user_id)
    else:
        draft.sel.append(user_id)
    await state.set_data(draft.dump())
    await query.answer()
    await _redraw_mentees(query, session, t, draft)


@router.callback_query(PairPageCb.filter())
async def mentees_page(
    query: CallbackQuery,
    callback_data: PairPageCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, callback_data.org_id, PairForm.mentees)
    if draft is None or callback_data.page < 0:
        await _refuse(query, t, roles, callback_data.org_id)
        return
    draft.page = callback_data.page
    await state.set_data(draft.dump())
    await query.answer()
    await _redraw_mentees(query, session, t, draft)


@router.callback_query(PairMenteesDoneCb.filter())
async def mentees_done(
    query: CallbackQuery,
    callback_data: PairMenteesDoneCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, callback_data.org_id, PairForm.mentees)
    if draft is None:
        await _refuse(query, t, roles, callback_data.org_id)
        return
    if not draft.sel:
        await query.answer(t("pair-err-no-mentees"), show_alert=True)
        return
    await query.answer()
    # The admin may borrow a mentor of another school (an inter-school pair).
    ranked = await rank_mentors(session, draft.org, draft.sel, other_schools=roles.is_admin)
    if not ranked:
        await state.clear()
        await say(query, t("pair-no-mentors"), None)
        return
    await state.set_state(PairForm.mentor)
    await state.set_data(draft.dump())
    schools = await other_school_of(session, draft.org, [u.id for u, _ in ranked[:MENTORS_SHOWN]])
    shown = [
        (u.id, f"{u.display_name} · {schools[u.id]}" if u.id in schools else u.display_name, s)
        for u, s in ranked[:MENTORS_SHOWN]
    ]
    lines = [t("pair-mentor-line", id=i, name=n, score=s) for i, n, s in shown]
    await say(
        query,
        t("pair-pick-mentor", total=len(ranked)) + "\n\n" + "\n".join(lines),
        pair_mentors_keyboard(t, draft.org, shown),
    )


@router.callback_query(PairMentorCb.filter())
async def mentor_picked(
    query: CallbackQuery,
    callback_data: PairMentorCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, callback_data.org_id, PairForm.mentor)
    if draft is None:
        await _refuse(query, t, roles, callback_data.org_id)
        return
    try:
        await check_people(
            session,
            draft.org,
            callback_data.user_id,
            draft.sel,
            cross_org_mentor=roles.is_admin,
        )
    except PairingError as error:
        await query.answer(t.plain(error.key, **error.params), show_alert=True)
        return
    await query.answer()
    draft.mentor = callback_data.user_id
    target = reply_target(query)
    if target is not None:
        await _advance(target, session, t, state, draft)


# Form, mode, dates, confirmation -----------------------------------------------------


async def _advance(
    message: Message, session: AsyncSession, t: Translator, state: FSMContext, draft: Draft
) -> None:
    """Ask for the first missing answer, or show the summary."""
    if draft.form is None:
        await state.set_state(PairForm.form)
        await state.set_data(draft.dump())
        await message.answer(t("pair-ask-form"), reply_markup=pair_form_keyboard(t, draft.org))
        return
    if draft.mode is None:
        await state.set_state(PairForm.mode)
        await state.set_data(draft.dump())
        await message.answer(t("pair-ask-mode"), reply_markup=pair_mode_keyboard(t, draft.org))
        return
    if draft.start is None or draft.end is None:
        await state.set_state(PairForm.dates)
        await state.set_data(draft.dump())
        await message.answer(
            t("pair-ask-dates", form=draft.form),
            reply_markup=ForceReply(
                input_field_placeholder=t.plain("pair-dates-placeholder", form=draft.form)
            ),
        )
        return
    await state.set_state(PairForm.confirm)
    await state.set_data(draft.dump())
    await message.answer(
        await _summary(session, t, draft), reply_markup=pair_confirm_keyboard(t, draft.org)
    )


async def _summary(session: AsyncSession, t: Translator, draft: Draft) -> str:
    org = await session.get(Organization, draft.org)
    mentor = await session.get(User, draft.mentor) if draft.mentor else None
    names = []
    for mentee_id in draft.sel:
        mentee = await session.get(User, mentee_id)
        names.append(mentee.display_name if mentee else f"#{mentee_id}")
    assert draft.start is not None and draft.end is not None
    return t(
        "pair-summary",
        org=org.name if org else "",
        mentor=mentor.display_name if mentor else "",
        mentees=", ".join(names),
        count=len(names),
        form=draft.form or "",
        mode=draft.mode or "",
        start=format_day(date.fromisoformat(draft.start)),
        end=format_day(date.fromisoformat(draft.end)),
    )


@router.callback_query(PairFormCb.filter())
async def form_picked(
    query: CallbackQuery,
    callback_data: PairFormCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, callback_data.org_id, PairForm.form)
    if draft is None or not is_form(callback_data.form) or draft.mentor is None:
        await _refuse(query, t, roles, callback_data.org_id)
        return
    try:
        await check_people(
            session,
            draft.org,
            draft.mentor,
            draft.sel,
            form=callback_data.form,
            cross_org_mentor=roles.is_admin,
        )
    except PairingError as error:
        await query.answer()
        await say(query, t(error.key, **error.params), None)
        return
    await query.answer()
    draft.form = callback_data.form
    target = reply_target(query)
    if target is not None:
        await _advance(target, session, t, state, draft)


@router.callback_query(PairModeCb.filter())
async def mode_picked(
    query: CallbackQuery,
    callback_data: PairModeCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, callback_data.org_id, PairForm.mode)
    if draft is None or not is_mode(callback_data.mode):
        await _refuse(query, t, roles, callback_data.org_id)
        return
    await query.answer()
    draft.mode = callback_data.mode
    target = reply_target(query)
    if target is not None:
        await _advance(target, session, t, state, draft)


def _looks_like_dates(text: str) -> bool:
    """Whether the text is meant as dates (a wrong day is still dates, a word is not)."""
    try:
        parse_range(text)
    except DateInputError as error:
        return error.key != "date-err-range-format"
    return True


async def _set_dates(
    session: AsyncSession, draft: Draft, text: str, clock: Clock
) -> tuple[str, dict[str, Any]] | None:
    """Fill the draft's dates from the text; otherwise the problem: a locale key and its
    arguments (None when fine)."""
    org = await session.get(Organization, draft.org)
    assert org is not None and draft.form is not None
    try:
        start, end = parse_range(text)
    except DateInputError as error:
        return error.key, error.params
    problem = validate_dates(draft.form, start, end, today_in(org.timezone, clock.now()))
    if problem is not None:
        return problem, date_problem_args(start)
    draft.start, draft.end = start.isoformat(), end.isoformat()
    return None


@router.message(PairForm.dates, F.text & ~F.text.startswith("/"))
async def dates_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    draft = Draft.load(await state.get_data())
    if draft is None or not may_manage(roles, draft.org) or draft.form is None:
        await state.clear()
        await message.answer(t("not-allowed"))
        return
    text = message.text or ""
    problem = await _set_dates(session, draft, text, clock)
    if problem is not None:
        await message.answer(
            t(problem[0], **problem[1]),
            reply_markup=ForceReply(
                input_field_placeholder=t.plain("pair-dates-placeholder", form=draft.form)
            ),
        )
        return
    await _advance(message, session, t, state, draft)


@router.message(PairForm.dates, ~F.text)
async def dates_need_text(message: Message, t: Translator) -> None:
    await message.answer(t("expect-text"))


@router.callback_query(PairConfirmCb.filter())
async def confirmed(
    query: CallbackQuery,
    callback_data: PairConfirmCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    draft = await _draft(state, roles, callback_data.org_id, PairForm.confirm)
    if draft is None:
        await _refuse(query, t, roles, callback_data.org_id)
        return
    await state.clear()
    await query.answer()
    await drop_buttons(query)
    if not callback_data.ok:
        await say(query, t("pair-cancelled"), None)
        return
    assert draft.mentor and draft.form and draft.mode and draft.start and draft.end
    try:
        program = await create_program(
            session,
            org_id=draft.org,
            mentor_id=draft.mentor,
            mentee_ids=draft.sel,
            form=draft.form,
            mode=draft.mode,
            starts_on=date.fromisoformat(draft.start),
            ends_on=date.fromisoformat(draft.end),
            created_by=user.id if user else None,
            now=clock.now(),
            cross_org_mentor=roles.is_admin,
        )
    except PairingError as error:
        await say(query, t(error.key, **error.params), None)
        return
    mentor = await session.get(User, program.mentor_id)
    await say(
        query,
        t("pair-proposed", program=program.id, mentor=mentor.display_name if mentor else ""),
        None,
    )


# The mentor's decision ---------------------------------------------------------------


@router.callback_query(PairDecideCb.filter(), OfferedProgram())
async def mentor_decides(
    query: CallbackQuery,
    callback_data: PairDecideCb,
    program: Program,
    session: AsyncSession,
    user: User,
    t: Translator,
    clock: Clock,
    state: FSMContext,
) -> None:
    if not callback_data.accept:
        # The curator gets a reason: the refusal waits for it (the offer stays open).
        if program.status != ProgramStatus.PROPOSED:
            await query.answer(t("pair-already-decided"), show_alert=True)
            return
        await query.answer()
        await state.set_state(PairRefuseForm.reason)
        await state.set_data({"program": program.id})
        if isinstance(query.message, Message):
            await query.message.answer(
                t("pair-refuse-reason-ask", program=program.id), reply_markup=ForceReply()
            )
        return
    done = await accept_program(session, program.id, user.id, clock.now())
    if done is None:
        await query.answer(t("pair-already-decided"), show_alert=True)
        return
    accepted = done.status == ProgramStatus.ACTIVE
    await query.answer(t.plain("pair-you-accepted" if accepted else "pair-you-refused"))
    await drop_buttons(query)


@router.message(PairRefuseForm.reason, F.text & ~F.text.startswith("/"))
async def refusal_reason_typed(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    program_id = int(data.get("program", 0))
    try:
        reason = clean_reason(message.text)
    except ChangeError as error:
        await message.answer(t(error.key, **error.params), reply_markup=ForceReply())
        return
    await state.clear()
    done = (
        await refuse_program(session, program_id, user.id, clock.now(), reason=reason)
        if user is not None
        else None
    )
    if done is None:
        await message.answer(t("pair-already-decided"))
        return
    await message.answer(t("pair-refused-with-reason", program=program_id))


@router.message(PairRefuseForm.reason, ~F.text)
async def refusal_reason_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("change-text-needed"))
