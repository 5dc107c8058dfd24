"""Asking: a mentee's free message becomes a question or continues one; the mentee's
buttons; edits reaching the other side."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.delivery import carried_of, preview_of
from bot.keyboards import questions as kb
from bot.keyboards.callbacks import (
    QContinueCb,
    QFollowUpCb,
    QNewCb,
    QPickMentorCb,
    QRateCb,
    QResolveCb,
)
from bot.states import FollowUpForm
from handlers.access import Granted
from handlers.questions.answering import answer
from handlers.questions.thread import (
    Ctx,
    QuestionButton,
    Who,
    carry_album_part,
    check_and,
    edit_off,
    is_mentee,
    may_answer,
    prompt_for,
    question_in_flow,
    remember_album,
    still_in_flow,
    tell_outcome,
    valid_question,
)
from models import questions as qs
from models import routing
from models.questions import Question, QuestionStatus, Route

router = Router(name="questions-asking")
# The catch-all: it comes last in the router tree.
mentee_router = Router(name="questions-catch-all")


def _pending(message: Message) -> dict[str, Any]:
    """A message kept while the mentee decides (which mentor, continue or new)."""
    return {"carried": carried_of(message), "preview": preview_of(message)}


async def _remember(ctx: Ctx, kept: dict[str, Any]) -> None:
    data = await ctx.state.get_data()
    pending = dict(data.get("pending", {}))
    pending[str(kept["carried"]["mid"])] = kept
    while len(pending) > 5:
        pending.pop(next(iter(pending)))
    await ctx.state.update_data(pending=pending)


async def _recall(ctx: Ctx, mid: int) -> dict[str, Any] | None:
    data = await ctx.state.get_data()
    pending = dict(data.get("pending", {}))
    kept = pending.pop(str(mid), None)
    await ctx.state.update_data(pending=pending)
    return kept if kept and "carried" in kept else None


async def _hold_album_part(ctx: Ctx, message: Message) -> bool:
    """Album parts that arrive while the mentee is choosing a mentor wait with the first."""
    if not message.media_group_id:
        return False
    data = await ctx.state.get_data()
    albums = dict(data.get("albums", {}))
    if message.media_group_id not in albums:
        return False
    albums[message.media_group_id] = [*albums[message.media_group_id], carried_of(message)]
    await ctx.state.update_data(albums=albums)
    return True


async def _release_album_parts(ctx: Ctx, question: Question, first: dict[str, Any]) -> None:
    album = first["carried"].get("album")
    if not album:
        return
    data = await ctx.state.get_data()
    albums = dict(data.get("albums", {}))
    parts = albums.pop(album, [])
    await ctx.state.update_data(albums=albums)
    for carried in parts:
        await routing.add_part(ctx.session, question, carried, ctx.clock.now())


async def _route(
    ctx: Ctx, program_id: int | None, choices: list[tuple[Any, Any]] | None = None
) -> Route | None:
    """Where a new question of the current mentee goes: the mentor of `program_id` (or of
    the first program), else the school's curators; None when the mentee has no school."""
    assert ctx.user is not None
    if choices is None:
        choices = await qs.mentor_choices(ctx.session, ctx.user.id)
    if program_id is not None:
        choices = [(p, u) for p, u in choices if p.id == program_id] or choices
    if choices:
        program, mentor = choices[0]
        return await qs.route_for(ctx.session, program.org_id, program, mentor, ctx.clock.now())
    org_id = await qs.mentee_org(ctx.session, ctx.user.id)
    return Route(org_id, None, None, "no-mentor") if org_id is not None else None


async def _new_question(
    ctx: Ctx,
    message: Message,
    kept: dict[str, Any],
    program_id: int | None = None,
    after: Question | None = None,
) -> Question | None:
    """Ask `kept` as a new question; `message` is where the mentee is answered."""
    assert ctx.user is not None
    session = ctx.session
    choices = await qs.mentor_choices(session, ctx.user.id)
    if program_id is not None:
        choices = [(p, u) for p, u in choices if p.id == program_id]
    carried = kept["carried"]
    if len(choices) > 1:
        await _remember(ctx, kept)
        if carried.get("album"):
            albums = dict((await ctx.state.get_data()).get("albums", {}))
            albums[carried["album"]] = []
            await ctx.state.update_data(albums=albums)
        await message.answer(
            ctx.t("question-pick-mentor"),
            reply_markup=kb.pick_mentor_keyboard(
                [(p.id, ctx.t.name(u.display_name)) for p, u in choices], carried["mid"]
            ),
        )
        return None
    now = ctx.clock.now()
    route = await _route(ctx, program_id, choices)
    if route is None:
        await message.answer(ctx.t("fallback-hint"))
        return None
    question, ack = await routing.ask(
        session,
        route=route,
        mentee=ctx.user,
        carried=carried,
        preview=kept["preview"],
        now=now,
        remind_hours=ctx.hours[0],
        escalate_hours=ctx.hours[1],
    )
    markup = None
    if after is not None:  # taken as new while `after` was live: offer to join it
        markup = kb.as_continuation_keyboard(ctx.t, after.id, after.number, carried["mid"])
    tell_outcome(ctx, message.chat.id, ack, markup)
    return question


async def _follow_up(ctx: Ctx, question: Question, message: Message) -> None:
    assert ctx.user is not None
    ack = await routing.follow_up(
        ctx.session, question, ctx.user, carried_of(message), ctx.clock.now(), *ctx.hours
    )
    tell_outcome(ctx, message.chat.id, ack)
    await remember_album(ctx, message, question, "followup")


@mentee_router.message()
async def any_message(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    if ctx.user is None:
        await message.answer(ctx.t("start-no-role"))
        return
    session = ctx.session
    if await carry_album_part(ctx, message):
        return
    if message.reply_to_message is not None:
        question = await qs.question_by_message(
            session, message.chat.id, message.reply_to_message.message_id
        )
        if question is not None:
            if question.mentee_id == ctx.user.id:
                await check_and(ctx, message, lambda: _follow_up(ctx, question, message))
                return
            if may_answer(ctx, question):
                await check_and(ctx, message, lambda: answer(ctx, question, message))
                return
            await message.answer(ctx.t("not-allowed"))
            return
    if not is_mentee(ctx.roles):
        await message.answer(ctx.t("fallback-hint"))
        return
    if await _hold_album_part(ctx, message):
        return
    if message.media_group_id:
        question = await qs.album_question(session, ctx.user.id, message.media_group_id)
        if question is not None:
            await routing.add_part(session, question, carried_of(message), ctx.clock.now())
            return
    if not await valid_question(ctx, message):
        return
    # A message while a question is live goes at once, with its likely reading: a
    # continuation while the question is unanswered, a new question once it has been
    # answered. One tap on the button under the confirmation switches the reading.
    open_question = await qs.open_question_of(session, ctx.user.id)
    if open_question is not None and open_question.status == QuestionStatus.OPEN:
        kept = _pending(message)
        ack = await routing.follow_up(
            session, open_question, ctx.user, kept["carried"], ctx.clock.now(), *ctx.hours
        )
        if message.media_group_id:  # the album's other parts follow it, as one unit
            tell_outcome(ctx, message.chat.id, ack)
            await remember_album(ctx, message, open_question, "followup")
            return
        await _remember(ctx, kept)
        tell_outcome(ctx, message.chat.id, ack, kb.as_new_keyboard(ctx.t, message.message_id))
        return
    if open_question is not None and not message.media_group_id:
        kept = _pending(message)
        await _remember(ctx, kept)
        await _new_question(ctx, message, kept, after=open_question)
        return
    await _new_question(ctx, message, _pending(message))


@router.callback_query(QResolveCb.filter(), QuestionButton(Who.MENTEE))
async def resolve(query: CallbackQuery, question: Question, **data: Any) -> None:
    ctx = Ctx(data)
    if question.status == QuestionStatus.RESOLVED:  # a second tap before the buttons went
        await query.answer()
        return
    now = ctx.clock.now()
    await qs.set_status(ctx.session, question.id, QuestionStatus.RESOLVED, now)
    await query.answer()
    # The rating is asked in a message of its own: the answer's buttons have done their job.
    await edit_off(query)
    await routing.tell(ctx.session, question, ctx.user, "question-resolved", now)


@router.callback_query(QRateCb.filter(), QuestionButton(Who.MENTEE))
async def rate(
    query: CallbackQuery, callback_data: QRateCb, question: Question, **data: Any
) -> None:
    ctx = Ctx(data)
    if not 1 <= callback_data.score <= 5:
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await qs.rate(ctx.session, question.id, question.mentee_id, callback_data.score)
    await query.answer(ctx.t("question-rated", score=callback_data.score))
    # A rating is given once: its buttons go (an answer not yet resolved keeps the rest).
    if question.status == QuestionStatus.RESOLVED:
        await edit_off(query)
    elif isinstance(query.message, Message):
        markup = kb.answer_keyboard(ctx.t, question.id, rated=True)
        await query.message.edit_reply_markup(reply_markup=markup)


@router.callback_query(QFollowUpCb.filter(), QuestionButton(Who.MENTEE))
async def press_follow_up(query: CallbackQuery, question: Question, **data: Any) -> None:
    ctx = Ctx(data)
    await query.answer()
    await prompt_for(ctx, query.from_user.id, question, FollowUpForm.text, "followup-prompt")


@router.message(FollowUpForm.text, ~F.text.startswith("/"))
async def typed_follow_up(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    if not await still_in_flow(ctx, message):
        return
    question = await question_in_flow(ctx)
    if question is None or ctx.user is None or question.mentee_id != ctx.user.id:
        await ctx.state.clear()
        await message.answer(ctx.t("not-allowed"))
        return
    if not await valid_question(ctx, message):
        return
    await ctx.state.set_state(None)
    await _follow_up(ctx, question, message)


async def _switchable(ctx: Ctx, mid: int) -> tuple[Question, dict[str, Any]] | None:
    """The mentee's own message `mid`, with the question it now belongs to and what it
    carried: the reading of a message can be switched once."""
    if ctx.user is None or ctx.user.tg_id is None:
        return None
    question = await qs.question_by_message(ctx.session, ctx.user.tg_id, mid)
    if question is None or question.mentee_id != ctx.user.id:
        return None
    kept = await _recall(ctx, mid)
    return (question, kept) if kept is not None else None


@router.callback_query(QContinueCb.filter())
async def as_continuation(query: CallbackQuery, callback_data: QContinueCb, **data: Any) -> None:
    """A message taken as a new question continues question `q` after all."""
    ctx = Ctx(data)
    target = await ctx.session.get(Question, callback_data.q)
    if target is None or ctx.user is None or target.mentee_id != ctx.user.id:
        await query.answer(ctx.t("not-allowed"), show_alert=True)
        return
    found = await _switchable(ctx, callback_data.mid)
    if (
        found is None
        or target.id == found[0].id
        or await qs.opening_message(ctx.session, found[0].id) != callback_data.mid
    ):
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    question, kept = found
    await query.answer()
    await edit_off(query)
    await routing.merge_into(
        ctx.session, question, target, kept["carried"], ctx.clock.now(), *ctx.hours
    )
    await ctx.bot.send_message(query.from_user.id, ctx.t("question-merged", number=target.number))


@router.callback_query(QNewCb.filter())
async def as_new(query: CallbackQuery, callback_data: QNewCb, **data: Any) -> None:
    """A message taken as a continuation is a new question after all."""
    ctx = Ctx(data)
    found = await _switchable(ctx, callback_data.mid)
    if (
        found is None
        or not is_mentee(ctx.roles)
        or await qs.opening_message(ctx.session, found[0].id) == callback_data.mid
    ):
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    question, kept = found
    route = await _route(ctx, question.program_id)
    if route is None:
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await query.answer()
    await edit_off(query)
    new = await routing.split_off(
        ctx.session,
        question,
        route,
        kept["carried"],
        kept["preview"],
        ctx.clock.now(),
        *ctx.hours,
    )
    await ctx.bot.send_message(query.from_user.id, ctx.t("question-split", number=new.number))


async def _my_program(callback_data: Any, data: dict[str, Any]) -> int | None:
    """The program a mentor-choice button names, when it is one of the mentee's."""
    user = data.get("user")
    if user is None:
        return None
    mine = {p.id for p, _ in await qs.mentor_choices(data["session"], user.id)}
    return callback_data.program_id if callback_data.program_id in mine else None


@router.callback_query(QPickMentorCb.filter(), Granted("program_id", _my_program))
async def pick_mentor(query: CallbackQuery, callback_data: QPickMentorCb, **data: Any) -> None:
    ctx = Ctx(data)
    kept = await _recall(ctx, callback_data.mid)
    if kept is None:
        await query.answer(ctx.t("button-outdated"), show_alert=True)
        return
    await query.answer()
    await edit_off(query)
    assert isinstance(query.message, Message)
    question = await _new_question(ctx, query.message, kept, program_id=callback_data.program_id)
    if question is not None:
        await _release_album_parts(ctx, question, kept)


@router.edited_message()
async def edited(message: Message, **data: Any) -> None:
    ctx = Ctx(data)
    await routing.propagate_edit(ctx.session, ctx.user, carried_of(message), ctx.clock.now())
