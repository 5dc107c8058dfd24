"""/meet and /meetings: a mentor or a mentee plans a meeting of their program; the other
side confirms it or proposes another time; the mentor marks afterwards whether it took
place.

/meet: the program (when there are several) → the date and time, typed (`25.11 15:30`)
or picked (a day, then a time) → mode → place or link → topic → weekly or once →
confirm. Every button re-checks in the database that the presser may act on what it
names: a payload can be forged or outlive its flow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator
from bot.keyboards import meetings as kb
from bot.keyboards.callbacks import (
    MeetCancelCb,
    MeetConfirmCb,
    MeetDayCb,
    MeetHeldCb,
    MeetModeCb,
    MeetMoveCb,
    MeetOkCb,
    MeetProgramCb,
    MeetSkipCb,
    MeetTimeCb,
    MeetWeeklyCb,
)
from bot.states import MeetForm
from handlers.access import Granted
from handlers.flows import drop_buttons, end_flow, pick_program, reply_target, say
from models import meetings as mt
from models.calendar import WorkSchedule, today_in
from models.dates import DateInputError, format_moment, parse_moment, parse_time
from models.people import Organization, User
from models.program_card import people_of
from models.programs import Mode, Program

router = Router(name="meetings")

PLACE_MAX = 300
TOPIC_MAX = 200
DAYS_SHOWN = 6
LIST_SHOWN = 5


# Helpers -----------------------------------------------------------------------------


async def _partner(session: AsyncSession, program: Program, user_id: int) -> str:
    """Who the person meets in this program: the mentor, or the mentees."""
    party = await mt.party_of(session, program)
    people = party.other_side(user_id)
    return ", ".join(u.display_name for u in people) or "—"


async def _org(session: AsyncSession, program: Program) -> Organization:
    org = await session.get(Organization, program.org_id)
    assert org is not None
    return org


async def _flow(
    state: FSMContext, session: AsyncSession, user: User | None, expected: State
) -> tuple[dict[str, Any], Program] | None:
    """The live draft a button or a message belongs to and its program, still the
    person's and active; None for an old or forged button."""
    if user is None or await state.get_state() != expected.state:
        return None
    data = await state.get_data()
    program_id = data.get("program")
    if not isinstance(program_id, int):
        return None
    program = await mt.program_of(session, program_id, user.id)
    return (data, program) if program is not None else None


async def _typed_flow(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    step: State,
) -> tuple[dict[str, Any], Program] | None:
    """The draft a typed step belongs to; None: it is gone (said so, the flow ends)."""
    flow = await _flow(state, session, user, step)
    if flow is None:
        await end_flow(message, state, t("meeting-err-no-program"))
    return flow


async def _party_meeting(
    callback_data: Any, data: dict[str, Any]
) -> tuple[mt.Meeting, mt.Party] | None:
    user: User | None = data.get("user")
    if user is None:
        return None
    return await mt.meeting_of(data["session"], int(callback_data.m), user.id)


def PartyMeeting() -> Granted:
    """`found`: the meeting the button names and its party, for someone who takes part."""
    return Granted("found", _party_meeting)


async def _outdated(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-outdated"), show_alert=True)


def _error_text(t: Translator, error: DateInputError | mt.MeetingError) -> str:
    return t(error.key, **error.params)


# /meet: choosing the program --------------------------------------------------------


@router.message(Command("meet"))
async def meet_command(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    if user is None:
        await message.answer(t("meet-no-programs"))
        return

    async def ask_when(program: Program) -> None:
        await _ask_when(message, session, t, state, program, user, clock)

    async def choices(programs: Sequence[Program]) -> InlineKeyboardMarkup:
        people = await people_of(session, list(programs))
        return kb.programs_keyboard(t, [(p.id, *people[p.id]) for p in programs])

    await pick_program(
        message,
        await mt.programs_of(session, user.id),
        none_text=t("meet-no-programs"),
        one=ask_when,
        pick_text=t("meet-pick-program"),
        keyboard=choices,
        state=state,
        t=t,
    )


@router.callback_query(MeetProgramCb.filter())
async def program_picked(
    query: CallbackQuery,
    callback_data: MeetProgramCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    program = await mt.program_of(session, callback_data.program_id, user.id) if user else None
    if user is None or program is None:
        await query.answer(t("not-allowed"), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    await _ask_when(query, session, t, state, program, user, clock)


def _next_days(org: Organization, program: Program, now: datetime) -> list[date]:
    """A few next working days of the school within the program, from tomorrow."""
    schedule = WorkSchedule.of(org)
    day = max(today_in(org.timezone, now) + timedelta(days=1), program.starts_on)
    days: list[date] = []
    while len(days) < DAYS_SHOWN and day <= program.ends_on:
        if schedule.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _times(org: Organization) -> list[str]:
    """Whole hours of the school's working day."""
    start, end = parse_time(org.work_start), parse_time(org.work_end)
    hours = range(start.hour + (1 if start.minute else 0), end.hour)
    return [f"{h:02d}:00" for h in hours] or ["09:00", "12:00", "15:00"]


async def _ask_when(
    event: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    state: FSMContext,
    program: Program,
    user: User,
    clock: Clock,
) -> None:
    org = await _org(session, program)
    await state.set_state(MeetForm.when)
    await state.set_data({"program": program.id})
    days = _next_days(org, program, clock.now())
    await say(
        event,
        t("meet-ask-when", partner=await _partner(session, program, user.id), zone=org.timezone),
        kb.days_keyboard(t, days) if days else None,
    )


# The moment: typed, or a day then a time --------------------------------------------


async def _take_moment(
    message: Message,
    session: AsyncSession,
    t: Translator,
    state: FSMContext,
    data: dict[str, Any],
    program: Program,
    starts_at: datetime,
    clock: Clock,
) -> None:
    org = await _org(session, program)
    try:
        mt.check_time(program, org.timezone, starts_at, clock.now())
    except mt.MeetingError as error:
        await message.answer(_error_text(t, error))
        return
    data["start"] = starts_at.isoformat()
    await state.set_state(MeetForm.mode)
    await state.set_data(data)
    await message.answer(t("meet-ask-mode"), reply_markup=kb.mode_keyboard(t))


@router.message(MeetForm.when, F.text & ~F.text.startswith("/"))
async def moment_typed(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    flow = await _typed_flow(message, session, user, t, state, MeetForm.when)
    if flow is None:
        return
    data, program = flow
    org = await _org(session, program)
    now = clock.now()
    try:
        starts_at = parse_moment(message.text or "", today_in(org.timezone, now), org.timezone, now)
    except DateInputError as error:
        await message.answer(_error_text(t, error))
        return
    await _take_moment(message, session, t, state, data, program, starts_at, clock)


@router.callback_query(MeetDayCb.filter())
async def day_picked(
    query: CallbackQuery,
    callback_data: MeetDayCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    flow = await _flow(state, session, user, MeetForm.when)
    if flow is None:
        await _outdated(query, t)
        return
    data, program = flow
    org = await _org(session, program)
    try:
        day = date.fromisoformat(callback_data.day)
    except ValueError:
        await _outdated(query, t)
        return
    today = today_in(org.timezone, clock.now())
    if not (program.starts_on <= day <= program.ends_on) or day < today:
        await _outdated(query, t)
        return
    await query.answer()
    data["day"] = day.isoformat()
    await state.set_state(MeetForm.time)
    await state.set_data(data)
    await say(
        query, t("meet-ask-time", day=day.strftime("%d.%m.%Y")), kb.times_keyboard(_times(org))
    )


def _on_day(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


@router.callback_query(MeetTimeCb.filter())
async def time_picked(
    query: CallbackQuery,
    callback_data: MeetTimeCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    flow = await _flow(state, session, user, MeetForm.time)
    raw = callback_data.hhmm
    if flow is None or len(raw) != 4 or not raw.isdigit():
        await _outdated(query, t)
        return
    data, program = flow
    try:
        at = time(int(raw[:2]), int(raw[2:]))
    except ValueError:
        await _outdated(query, t)
        return
    await query.answer()
    org = await _org(session, program)
    target = reply_target(query)
    if target is not None:
        starts_at = _on_day(date.fromisoformat(data["day"]), at, org.timezone)
        await _take_moment(target, session, t, state, data, program, starts_at, clock)


@router.message(MeetForm.time, F.text & ~F.text.startswith("/"))
async def time_typed(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    flow = await _typed_flow(message, session, user, t, state, MeetForm.time)
    if flow is None:
        return
    data, program = flow
    org = await _org(session, program)
    text = message.text or ""
    now = clock.now()
    try:
        if " " in text.strip():  # a whole moment after all
            starts_at = parse_moment(text, today_in(org.timezone, now), org.timezone, now)
        else:
            starts_at = _on_day(date.fromisoformat(data["day"]), parse_time(text), org.timezone)
    except DateInputError as error:
        await message.answer(_error_text(t, error))
        return
    await _take_moment(message, session, t, state, data, program, starts_at, clock)


# Mode, place, topic, repetition, confirmation ---------------------------------------


@router.callback_query(MeetModeCb.filter())
async def mode_picked(
    query: CallbackQuery,
    callback_data: MeetModeCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> None:
    flow = await _flow(state, session, user, MeetForm.mode)
    if flow is None or callback_data.mode not in {m.value for m in Mode}:
        await _outdated(query, t)
        return
    data, _ = flow
    await query.answer()
    data["mode"] = callback_data.mode
    await state.set_state(MeetForm.place)
    await state.set_data(data)
    await say(query, t("meet-ask-place"), kb.skip_keyboard(t, "place"))


async def _ask_topic(event: Message | CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.set_state(MeetForm.topic)
    await say(event, t("meet-ask-topic"), kb.skip_keyboard(t, "topic"))


async def _ask_weekly(event: Message | CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.set_state(MeetForm.weekly)
    await say(event, t("meet-ask-weekly"), kb.weekly_keyboard(t))


async def _text_typed(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    step: State,
    key: str,
    limit: int,
) -> bool:
    """Keeps the text typed at a step as the draft's `key`; False when the draft is gone
    or the text too long (said so)."""
    flow = await _typed_flow(message, session, user, t, state, step)
    if flow is None:
        return False
    data, _ = flow
    text = (message.text or "").strip()
    if len(text) > limit:
        await message.answer(t("meet-too-long", max=limit))
        return False
    data[key] = text
    await state.set_data(data)
    return True


@router.message(MeetForm.place, F.text & ~F.text.startswith("/"))
async def place_typed(
    message: Message, session: AsyncSession, user: User | None, t: Translator, state: FSMContext
) -> None:
    if await _text_typed(message, session, user, t, state, MeetForm.place, "place", PLACE_MAX):
        await _ask_topic(message, t, state)


@router.message(MeetForm.topic, F.text & ~F.text.startswith("/"))
async def topic_typed(
    message: Message, session: AsyncSession, user: User | None, t: Translator, state: FSMContext
) -> None:
    if await _text_typed(message, session, user, t, state, MeetForm.topic, "topic", TOPIC_MAX):
        await _ask_weekly(message, t, state)


@router.callback_query(MeetSkipCb.filter())
async def step_skipped(
    query: CallbackQuery,
    callback_data: MeetSkipCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> None:
    step = {"place": MeetForm.place, "topic": MeetForm.topic}.get(callback_data.step)
    flow = await _flow(state, session, user, step) if step is not None else None
    if flow is None:
        await _outdated(query, t)
        return
    data, _ = flow
    await query.answer()
    data[callback_data.step] = ""
    await state.set_data(data)
    if callback_data.step == "place":
        await _ask_topic(query, t, state)
    else:
        await _ask_weekly(query, t, state)


@router.message(
    StateFilter(MeetForm.when, MeetForm.time, MeetForm.place, MeetForm.topic, MeetForm.move),
    ~F.text,
)
async def need_text(message: Message, t: Translator) -> None:
    await message.answer(t("expect-text"))


@router.message(
    StateFilter(MeetForm.mode, MeetForm.weekly, MeetForm.confirm), ~F.text.startswith("/")
)
async def need_button(message: Message, t: Translator) -> None:
    """A button step: what is typed here is no question to the mentor."""
    await message.answer(t("meet-press-button"))


@router.callback_query(MeetWeeklyCb.filter())
async def weekly_picked(
    query: CallbackQuery,
    callback_data: MeetWeeklyCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> None:
    flow = await _flow(state, session, user, MeetForm.weekly)
    if flow is None or user is None:
        await _outdated(query, t)
        return
    data, program = flow
    await query.answer()
    data["weekly"] = callback_data.weekly
    await state.set_state(MeetForm.confirm)
    await state.set_data(data)
    org = await _org(session, program)
    start = datetime.fromisoformat(data["start"])
    starts = mt.weekly_starts(program, org.timezone, start) if callback_data.weekly else [start]
    text = t(
        "meet-summary",
        partner=await _partner(session, program, user.id),
        when=format_moment(start, org.timezone),
        weekly=len(starts) > 1,
        until=format_moment(starts[-1], org.timezone),
        count=len(starts),
        mode=data["mode"],
        place=data.get("place", ""),
        has_place=bool(data.get("place")),
        topic=data.get("topic", ""),
        has_topic=bool(data.get("topic")),
    )
    await say(query, text, kb.confirm_keyboard(t))


@router.callback_query(MeetOkCb.filter())
async def confirmed(
    query: CallbackQuery,
    callback_data: MeetOkCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    flow = await _flow(state, session, user, MeetForm.confirm)
    if flow is None or user is None:
        await _outdated(query, t)
        return
    data, program = flow
    await state.clear()
    await query.answer()
    await drop_buttons(query)
    if not callback_data.ok:
        await say(query, t("meet-dropped"))
        return
    try:
        meetings = await mt.propose_meeting(
            session,
            program.id,
            user.id,
            datetime.fromisoformat(data["start"]),
            data["mode"],
            data.get("place") or None,
            data.get("topic") or None,
            bool(data.get("weekly")),
            clock.now(),
            offsets=settings.meeting_offsets,
        )
    except mt.MeetingError as error:
        await say(query, _error_text(t, error))
        return
    org = await _org(session, program)
    await say(
        query,
        t(
            "meet-proposed",
            meeting=meetings[0].id,
            when=format_moment(meetings[0].starts_at, org.timezone),
            count=len(meetings),
        ),
    )


# The invitation's buttons, moving and cancelling ------------------------------------


@router.callback_query(MeetConfirmCb.filter(), PartyMeeting())
async def invitation_confirmed(
    query: CallbackQuery,
    callback_data: MeetConfirmCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    clock: Clock,
) -> None:
    done = await mt.confirm(session, callback_data.m, user.id, clock.now())
    if done is None:
        await query.answer(t("meet-not-waiting"), show_alert=True)
        return
    await query.answer(t.plain("meet-confirmed-you"))
    await drop_buttons(query)


@router.callback_query(MeetMoveCb.filter(), PartyMeeting())
async def move_asked(
    query: CallbackQuery,
    found: tuple[mt.Meeting, mt.Party],
    t: Translator,
    state: FSMContext,
) -> None:
    meeting, party = found
    if meeting.status not in mt.LIVE_STATUSES or meeting.held is not None:
        await query.answer(t("meet-cannot-move"), show_alert=True)
        return
    await query.answer()
    await state.clear()
    await state.set_state(MeetForm.move)
    await state.set_data({"meeting": meeting.id})
    await say(
        query,
        t(
            "meet-move-ask",
            meeting=meeting.id,
            when=format_moment(meeting.starts_at, party.org.timezone),
        ),
    )


@router.message(MeetForm.move, F.text & ~F.text.startswith("/"))
async def move_typed(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    meeting_id = (await state.get_data()).get("meeting")
    found = (
        await mt.meeting_of(session, meeting_id, user.id)
        if user is not None and isinstance(meeting_id, int)
        else None
    )
    if user is None or found is None:
        await state.clear()
        await message.answer(t("not-allowed"))
        return
    _, party = found
    zone, now = party.org.timezone, clock.now()
    try:
        starts_at = parse_moment(message.text or "", today_in(zone, now), zone, now)
        moved = await mt.reschedule(
            session, meeting_id, user.id, starts_at, now, offsets=settings.meeting_offsets
        )
    except (DateInputError, mt.MeetingError) as error:
        await message.answer(_error_text(t, error))
        return
    await state.clear()
    if moved is None:
        await message.answer(t("meet-cannot-move"))
        return
    await message.answer(
        t("meet-moved-you", meeting=moved.id, when=format_moment(moved.starts_at, zone))
    )


@router.callback_query(MeetCancelCb.filter(), PartyMeeting())
async def cancel_pressed(
    query: CallbackQuery,
    callback_data: MeetCancelCb,
    session: AsyncSession,
    user: User,
    found: tuple[mt.Meeting, mt.Party],
    t: Translator,
    clock: Clock,
) -> None:
    """A meeting of a weekly series with more ahead: asks whether this one only or the
    rest of the series; any other: cancelled at once."""
    meeting, party = found
    now = clock.now()
    if meeting.status in mt.LIVE_STATUSES and meeting.held is None:
        ahead = await mt.series_ahead(session, meeting, now)
        if len(ahead) > 1:
            await query.answer()
            await say(
                query,
                t(
                    "meet-cancel-scope",
                    meeting=meeting.id,
                    when=format_moment(meeting.starts_at, party.org.timezone),
                    count=len(ahead) - 1,
                ),
                kb.cancel_scope_keyboard(t, meeting.id, len(ahead)),
            )
            return
    await _cancel_one(query, session, user, t, meeting.id, now)


async def _cancel_one(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    t: Translator,
    meeting_id: int,
    now: datetime,
) -> None:
    done = await mt.cancel(session, meeting_id, user.id, now)
    if done is None:
        await query.answer(t("meet-cannot-cancel"), show_alert=True)
        return
    await query.answer()
    await say(query, t("meet-cancelled-you", meeting=done.id))


@router.callback_query(kb.MeetCancelScopeCb.filter(), PartyMeeting())
async def cancel_scope_picked(
    query: CallbackQuery,
    callback_data: kb.MeetCancelScopeCb,
    session: AsyncSession,
    user: User,
    found: tuple[mt.Meeting, mt.Party],
    t: Translator,
    clock: Clock,
) -> None:
    now = clock.now()
    if not callback_data.series:
        await drop_buttons(query)
        await _cancel_one(query, session, user, t, callback_data.m, now)
        return
    done = await mt.cancel_series(session, callback_data.m, user.id, now)
    if done is None:
        await query.answer(t("meet-cannot-cancel"), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    zone = found[1].org.timezone
    await say(
        query,
        t(
            "meet-cancelled-series-you",
            count=len(done),
            when=format_moment(done[0].starts_at, zone),
            until=format_moment(done[-1].starts_at, zone),
        ),
    )


@router.callback_query(MeetHeldCb.filter())
async def held_marked(
    query: CallbackQuery,
    callback_data: MeetHeldCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    clock: Clock,
) -> None:
    if user is None:
        await query.answer(t("not-allowed"), show_alert=True)
        return
    try:
        await mt.mark_held(session, callback_data.m, user.id, callback_data.held, clock.now())
    except mt.MeetingError as error:
        await query.answer(t.plain(error.key, **error.params), show_alert=True)
        return
    await query.answer(t.plain("meet-held-you", held=callback_data.held))
    await drop_buttons(query)


# /meetings ----------------------------------------------------------------------------


def _state_of(meeting: mt.Meeting, now: datetime) -> str:
    if meeting.held is not None:
        return "held" if meeting.held else "not-held"
    if meeting.status == mt.MeetingStatus.PROPOSED and meeting.starts_at <= now:
        return "unconfirmed"  # never confirmed: it did not take place as planned
    return str(meeting.status)


@router.message(Command("meetings"))
async def meetings_list(
    message: Message,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    if user is None:
        await message.answer(t("meet-list-empty"))
        return
    now = clock.now()
    ahead = await mt.upcoming(session, user.id, now, LIST_SHOWN)
    behind = await mt.past(session, user.id, now, LIST_SHOWN)
    if not ahead and not behind:
        await message.answer(t("meet-list-empty"))
        return
    lines: list[str] = []
    may_confirm: list[tuple[int, bool]] = []
    to_mark: list[int] = []
    for title, meetings in (("meet-list-upcoming", ahead), ("meet-list-past", behind)):
        if not meetings:
            continue
        if lines:
            lines.append("")
        lines.append(t(title))
        for meeting in meetings:
            program = await session.get(Program, meeting.program_id)
            assert program is not None
            party = await mt.party_of(session, program)
            lines.append(
                t(
                    "meet-line",
                    meeting=meeting.id,
                    when=format_moment(meeting.starts_at, party.org.timezone),
                    partner=", ".join(u.display_name for u in party.other_side(user.id)) or "—",
                    mode=meeting.mode,
                    topic=meeting.topic or "",
                    has_topic=bool(meeting.topic),
                    state=_state_of(meeting, now),
                )
            )
            if meeting in ahead:
                waiting = meeting.status == mt.MeetingStatus.PROPOSED and party.on_other_side(
                    meeting.proposed_by, user.id
                )
                may_confirm.append((meeting.id, waiting))
            elif (
                meeting.held is None
                and meeting.status == mt.MeetingStatus.CONFIRMED
                and program.mentor_id == user.id
            ):
                to_mark.append(meeting.id)
        if meetings is ahead:
            more = await mt.upcoming_count(session, user.id, now) - len(ahead)
            if more > 0:
                lines.append(t("meet-list-more", count=more))
    await message.answer("\n".join(lines), reply_markup=kb.list_keyboard(t, may_confirm, to_mark))
