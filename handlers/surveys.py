"""Answering surveys: buttons, free text, /surveys.

A survey never blocks the chat. A button question needs no state: the buttons name the
assignment and the question. A free-text answer is taken only from a reply to the
question's own message, or from the next message after the person answered the question
before it by button (SurveyForm.text, which lasts SURVEY_TTL and ends with any message
that is not text). Any other message goes on as usual (a mentee's becomes a question),
and the survey waits where it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot import surveys as messages
from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.surveys import (
    DONE,
    PICK,
    SCALE,
    SKIP,
    TOGGLE,
    SurveyCb,
    SurveyResumeCb,
    picked,
    question_markup,
    resume_keyboard,
)
from bot.states import SurveyForm
from handlers.flows import drop_buttons
from models import questions as qs
from models import surveys as sv
from models.people import User

router = Router(name="surveys")

# The free-text state ends by itself after this: a message sent later is not an answer.
# At an optional question the window is short: a message typed minutes later is more
# likely a question to the mentor than an answer nobody has to give.
SURVEY_TTL = timedelta(minutes=30)
OPTIONAL_TTL = timedelta(minutes=5)
LISTED = 20  # pending surveys shown by /surveys


class PromptReply(Filter):
    """A reply to one of our survey questions: gives `assignment`, the person's pending
    survey asked by that message, or None when the question is no longer the current
    one (`ambiguous` when several surveys wait at the question that message asks). A reply
    to anything else (a question's copy above all) costs no query; a reply to a question
    of a survey that is no longer pending goes on as any other message."""

    async def __call__(self, message: Message, **data: Any) -> bool | dict[str, Any]:
        reply = message.reply_to_message
        user: User | None = data.get("user")
        bot: Bot = data["bot"]
        if user is None or reply is None or not messages.is_prompt(reply, bot.id):
            return False
        session: AsyncSession = data["session"]
        assignment = await sv.by_prompt(session, user.id, reply.message_id)
        if assignment is not None:
            return {"assignment": assignment}
        if await qs.question_by_message(session, message.chat.id, reply.message_id):
            return False  # a question's copy that happens to carry the marker
        pending = await sv.pending_of(session, user.id)
        if not pending:
            return False  # the survey is over: the reply is no answer, maybe a question
        # An earlier copy of the question still waiting (before a reminder or «Continue»
        # asked it again): the reply answers it all the same, if its title and question
        # name exactly one pending survey (a mentor's reports name their mentees).
        t: Translator = data["t"]
        matches = []
        for candidate in pending:
            definition = await sv.definition_of(session, candidate)
            about = await messages.about_of(session, candidate)
            if messages.asks(reply.text or "", t, definition, candidate.position, about):
                matches.append(candidate)
        if len(matches) == 1:
            return {"assignment": matches[0], "ambiguous": False}
        return {"assignment": None, "ambiguous": len(matches) > 1}


async def _after(
    session: AsyncSession,
    assignment: sv.SurveyAssignment,
    state: FSMContext,
    clock: Clock,
    t: Translator,
    say: Any,
) -> None:
    """Where the person is after an answer: done, at a free-text question (the next
    message answers it), or at a button question (no state). Another flow under way
    (a mentor writing an answer to a mentee) keeps its state: the free-text question
    then takes only a reply to it."""
    if assignment.status == sv.AssignmentStatus.DONE:
        await _leave(state)
        await say(await _done_text(session, assignment.user_id, t))
        return
    definition = await sv.definition_of(session, assignment)
    question = definition.questions[assignment.position]
    current = await state.get_state()
    if current is not None and current != SurveyForm.text.state:
        return
    if question.type == sv.QuestionType.TEXT:
        await state.set_state(SurveyForm.text)
        await state.update_data(
            survey=assignment.id,
            survey_pos=assignment.position,
            survey_since=clock.now().isoformat(),
        )
    else:
        await _leave(state)


async def _done_text(session: AsyncSession, user_id: int, t: Translator) -> str:
    """Thanks, and the survey that follows (now shown: sv.release), if another waits."""
    pending = await sv.pending_of(session, user_id)
    if not pending:
        return t("survey-done")
    shown = [a for a in pending if a.next_remind_at is not None]
    following = (shown or pending)[0]
    definition = await sv.definition_of(session, following)
    title = messages.title_of(t, definition, await messages.about_of(session, following))
    return t("survey-done-next", title=title, more=len(pending) - 1)


async def _leave(state: FSMContext) -> None:
    if await state.get_state() == SurveyForm.text.state:
        await state.set_state(None)
        await state.update_data(survey=None, survey_pos=None, survey_since=None)


async def _take_text(
    message: Message,
    assignment_id: int,
    position: int,
    session: AsyncSession,
    state: FSMContext,
    clock: Clock,
    t: Translator,
) -> None:
    if message.text is None:
        await message.answer(t("survey-text-only"))
        return
    try:
        moved = await sv.answer(session, assignment_id, position, clock.now(), text=message.text)
    except sv.SurveyError as error:
        await message.answer(t(error.key, **error.params))
        return
    if moved is None:
        await message.answer(t("survey-outdated"))
        return
    await _after(session, moved, state, clock, t, message.answer)


@router.message(PromptReply(), ~F.text.startswith("/"))
async def reply_to_prompt(
    message: Message,
    assignment: sv.SurveyAssignment | None,
    session: AsyncSession,
    state: FSMContext,
    clock: Clock,
    t: Translator,
    ambiguous: bool = False,
) -> None:
    if assignment is None:
        await message.answer(t("survey-reply-latest" if ambiguous else "survey-outdated"))
        return
    found = await sv.waiting_at(session, assignment.id, assignment.position)
    if found is None:
        await message.answer(t("survey-outdated"))
        return
    _, definition = found
    if definition.questions[assignment.position].type != sv.QuestionType.TEXT:
        await message.answer(t("survey-use-buttons"))
        return
    await _take_text(message, assignment.id, assignment.position, session, state, clock, t)


@router.message(SurveyForm.text, ~F.text.startswith("/"))
async def typed_answer(
    message: Message,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
    clock: Clock,
    t: Translator,
) -> None:
    """The message after a button answer, at a free-text question. A sticker gets a hint
    and the question waits; anything else but text, a reply to a question's message, or
    a message after SURVEY_TTL (OPTIONAL_TTL at an optional question) leaves the
    survey's state and goes on as usual (a mentee's becomes a question)."""
    data = await state.get_data()
    since = data.get("survey_since")
    assignment_id, position = data.get("survey"), data.get("survey_pos")
    found = None
    if since and isinstance(assignment_id, int) and isinstance(position, int):
        found = await sv.waiting_at(session, assignment_id, position)
    if found is not None:
        question = found[1].questions[position]
        ttl = OPTIONAL_TTL if question.optional else SURVEY_TTL
        if clock.now() - datetime.fromisoformat(since) > ttl:
            found = None
    replied = message.reply_to_message
    if (
        found is not None
        and user is not None
        and found[0].user_id == user.id
        and (message.sticker is not None or message.dice is not None)
    ):
        await message.answer(t("survey-text-only"))
        return
    if (
        found is None
        or user is None
        or found[0].user_id != user.id
        or found[1].questions[position].type != sv.QuestionType.TEXT
        or message.text is None
        or (
            replied is not None
            and await qs.question_by_message(session, message.chat.id, replied.message_id)
        )
    ):
        await _leave(state)
        raise SkipHandler
    await _take_text(message, found[0].id, position, session, state, clock, t)


@router.callback_query(SurveyCb.filter())
async def pressed(
    query: CallbackQuery,
    callback_data: SurveyCb,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
    clock: Clock,
    t: Translator,
    bot: Bot,
) -> None:
    cb = callback_data
    found = await sv.waiting_at(session, cb.a, cb.p)
    if user is None or found is None or found[0].user_id != user.id:
        await query.answer(t.plain("survey-outdated"), show_alert=True)
        return
    assignment, definition = found
    question = definition.questions[cb.p]
    options = question.options
    kwargs: dict[str, Any] = {}
    if cb.k == TOGGLE and question.type == sv.QuestionType.MULTI and 0 <= cb.v < 1 << len(options):
        await query.answer()
        if isinstance(query.message, Message):
            markup = question_markup(t, assignment.id, cb.p, question, cb.v)
            await query.message.edit_reply_markup(reply_markup=markup)  # type: ignore[arg-type]
        return
    if cb.k == SCALE:
        kwargs["score"] = cb.v
    elif cb.k == PICK and 0 <= cb.v < len(options):
        kwargs["choices"] = [options[cb.v].key]
    elif cb.k == DONE and 0 <= cb.v < 1 << len(options):
        kwargs["choices"] = [options[i].key for i in picked(cb.v, len(options))]
    elif cb.k == SKIP:
        kwargs["skip"] = True
    else:
        await query.answer(t.plain("survey-outdated"), show_alert=True)
        return
    try:
        moved = await sv.answer(session, assignment.id, cb.p, clock.now(), **kwargs)
    except sv.SurveyError as error:
        await query.answer(t.plain(error.key, **error.params), show_alert=True)
        return
    if moved is None:
        await query.answer(t.plain("survey-outdated"), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)

    async def say(text: str) -> None:
        await bot.send_message(query.from_user.id, text)

    await _after(session, moved, state, clock, t, say)


@router.message(Command("surveys"))
async def list_surveys(
    message: Message, session: AsyncSession, user: User | None, t: Translator
) -> None:
    pending = await sv.pending_of(session, user.id) if user is not None else []
    if not pending:
        await message.answer(t("surveys-none"))
        return
    lines, buttons = [], []
    for assignment in pending[:LISTED]:
        definition = await sv.definition_of(session, assignment)
        about = await messages.about_of(session, assignment)
        title = messages.title_of(t, definition, about)
        lines.append(
            t(
                "surveys-item-waiting" if sv.is_waiting(assignment) else "surveys-item",
                title=title,
                answered=assignment.position,
                total=len(definition),
            )
        )
        buttons.append((assignment.id, title))
    text = t("surveys-list", count=len(pending)) + "\n" + "\n".join(lines)
    if len(pending) > LISTED:
        text += "\n" + t("surveys-more", count=len(pending) - LISTED)
    await message.answer(text, reply_markup=resume_keyboard(t, buttons))


@router.callback_query(SurveyResumeCb.filter())
async def resume(
    query: CallbackQuery,
    callback_data: SurveyResumeCb,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
    clock: Clock,
    t: Translator,
) -> None:
    assignment = await session.get(sv.SurveyAssignment, callback_data.a)
    if (
        user is None
        or assignment is None
        or assignment.user_id != user.id
        or assignment.status != sv.AssignmentStatus.PENDING
    ):
        await query.answer(t.plain("survey-outdated"), show_alert=True)
        return
    await query.answer()
    await sv.ask_again(session, assignment, query.from_user.id, clock.now())
    await _after(session, assignment, state, clock, t, None)
