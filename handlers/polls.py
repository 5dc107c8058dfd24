"""/poll: a curator's quick poll (issue 15, item 2) and its results.

/poll shows the recent polls of the curator's schools with «Результаты» and «Новый опрос»
(with none yet, a new poll starts at once). A new poll: the school (a curator of several,
or the admin, picks one) → the audience → per question its text, its type (a 1–5 scale, a
choice with options typed one per line, free text) → «Ещё вопрос» / «Отправить» → the
preview → confirm. Confirmed: models/polls.py makes the poll and one survey assignment per
recipient; the survey engine asks them outside quiet hours. The curator is not told of
each answer; the results are counted when asked for.

Every button re-checks in the database that the presser manages the school it names.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards import broadcast as kb
from bot.links import format_local
from bot.lists import send_lines
from bot.states import PollForm
from bot.texts import shorten
from handlers import broadcast as bc
from handlers.flows import drop_buttons, end_flow, reply_target, say
from models import polls
from models.people import (
    Organization,
    Roles,
    User,
    audience_of,
    curator_orgs,
    may_manage,
)
from models.surveys import Poll

router = Router(name="polls")

TEXTS_SHOWN = 10  # free-text answers listed in the message; more go in a file
TEXT_SHOWN = 300  # characters of each listed answer


# /poll -------------------------------------------------------------------------------


@router.message(Command("poll"))
async def poll_command(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    await state.clear()
    orgs = await curator_orgs(session, roles)
    if not orgs:
        await message.answer(t("not-allowed-curator"))
        return
    found = await polls.recent(session, bc.managed_ids(roles, orgs))
    if not found:
        await bc.start_new(message, kb.POLL, orgs, t, state)
        return
    names = dict(orgs)
    zones = await bc.zones(session, {p.org_id for p, _, _ in found})
    lines = [
        t(
            "poll-list-line",
            id=p.id,
            date=format_local(p.created_at, zones[p.org_id], with_time=False),
            org=names.get(p.org_id, ""),
            audience=t.plain("bc-audience-to", audience=p.audience),
            done=done,
            total=total,
        )
        for p, total, done in found
    ]
    await message.answer(
        "\n".join([t("poll-list-header"), *lines]),
        reply_markup=kb.polls_keyboard(t, [p.id for p, _, _ in found]),
    )


@router.callback_query(kb.BcAudienceCb.filter(F.what == kb.POLL))
async def audience_pressed(
    query: CallbackQuery,
    callback_data: kb.BcAudienceCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    org = await bc.audience_picked(query, callback_data, session, roles, t)
    if org is None:
        return
    await state.set_state(PollForm.text)
    await state.set_data({"org": org.id, "audience": callback_data.audience, "questions": []})
    await _ask_text(query, t, 0)


async def _ask_text(event: Message | CallbackQuery, t: Translator, index: int) -> None:
    await say(
        event,
        t("poll-ask-text", n=index + 1, max=polls.MAX_QUESTIONS, limit=polls.TEXT_MAX),
    )


async def _draft(
    state: FSMContext, roles: Roles, session: AsyncSession
) -> tuple[dict[str, Any], Organization] | None:
    """The poll being drafted and its school, while the person still manages it."""
    data = await state.get_data()
    org_id = data.get("org")
    if not isinstance(org_id, int) or not may_manage(roles, org_id):
        return None
    org = await session.get(Organization, org_id)
    return (data, org) if org is not None else None


@router.message(PollForm.text, F.text & ~F.text.startswith("/"))
async def text_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, session)
    if draft is None:
        await end_flow(message, state, t("not-allowed"))
        return
    try:
        text = polls.check_text(message.text)
    except polls.PollError as error:
        await message.answer(t(error.key, **error.params))
        return
    await state.update_data(text=text)
    await state.set_state(PollForm.kind)
    await message.answer(t("poll-ask-kind"), reply_markup=kb.kind_keyboard(t))


@router.callback_query(kb.BcKindCb.filter())
async def kind_pressed(
    query: CallbackQuery,
    callback_data: kb.BcKindCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    if await state.get_state() != PollForm.kind.state:
        await query.answer(t.plain("button-outdated"), show_alert=True)
        return
    draft = await _draft(state, roles, session)
    if draft is None:
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    data, _ = draft
    if callback_data.kind not in polls.KINDS:
        await query.answer(t.plain("poll-err-kind"), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    if callback_data.kind == "single":
        await state.update_data(kind="single")
        await state.set_state(PollForm.options)
        await say(
            query,
            t("poll-ask-options", least=polls.MIN_OPTIONS, most=polls.MAX_OPTIONS),
        )
        return
    await _add_question(query, t, state, data, callback_data.kind, None)


@router.message(PollForm.options, F.text & ~F.text.startswith("/"))
async def options_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    draft = await _draft(state, roles, session)
    if draft is None:
        await end_flow(message, state, t("not-allowed"))
        return
    try:
        options = polls.check_options(message.text)
    except polls.PollError as error:
        await message.answer(t(error.key, **error.params))
        return
    await _add_question(message, t, state, draft[0], "single", options)


async def _add_question(
    event: Message | CallbackQuery,
    t: Translator,
    state: FSMContext,
    data: dict[str, Any],
    kind: str,
    options: list[str] | None,
) -> None:
    questions = list(data.get("questions") or [])
    text = data.get("text")
    if not isinstance(text, str) or len(questions) >= polls.MAX_QUESTIONS:
        await say(event, t("poll-err-too-many", most=polls.MAX_QUESTIONS))
        return
    questions.append(polls.question(len(questions), kind, text, options))
    await state.update_data(questions=questions, text=None, kind=None)
    await state.set_state(PollForm.more)
    await say(
        event,
        t("poll-question-added", n=len(questions)),
        kb.more_keyboard(t, len(questions) < polls.MAX_QUESTIONS),
    )


@router.message(PollForm.text, ~F.text)
@router.message(PollForm.options, ~F.text)
async def needs_text(message: Message, t: Translator) -> None:
    await message.answer(t("poll-err-need-text"))


@router.callback_query(kb.BcMoreCb.filter())
async def more_pressed(
    query: CallbackQuery,
    callback_data: kb.BcMoreCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
) -> None:
    if await state.get_state() != PollForm.more.state:
        await query.answer(t.plain("button-outdated"), show_alert=True)
        return
    draft = await _draft(state, roles, session)
    if draft is None:
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    data, org = draft
    questions = list(data.get("questions") or [])
    if callback_data.more:
        if len(questions) >= polls.MAX_QUESTIONS:
            await query.answer(
                t.plain("poll-err-too-many", most=polls.MAX_QUESTIONS), show_alert=True
            )
            return
        await query.answer()
        await drop_buttons(query)
        await state.set_state(PollForm.text)
        await _ask_text(query, t, len(questions))
        return
    await query.answer()
    await drop_buttons(query)
    audience = str(data.get("audience"))
    people = await audience_of(session, org.id, audience, exclude=user.id if user else None)
    count, unreachable = bc.reach(people)
    audience_text = t.plain("bc-audience-to", audience=audience)
    if count == 0:
        await state.clear()
        lines = [t("poll-err-no-recipients", org=org.name, audience=audience_text)]
        await say(query, "\n".join(lines + bc.unreachable_lines(t, unreachable)))
        return
    lines = [t("poll-preview-header", org=org.name, audience=audience_text, count=count)]
    lines.extend(bc.unreachable_lines(t, unreachable))
    for n, item in enumerate(questions, start=1):
        lines.append(t("poll-preview-question", n=n, text=item["text"]["ru"], kind=item["type"]))
        for option in item.get("options", []):
            lines.append(t("poll-preview-option", text=option["text"]["ru"]))
    lines.append(t("poll-preview-footer"))
    await state.set_state(PollForm.confirm)
    await say(query, "\n".join(lines), kb.confirm_keyboard(t, kb.POLL))


@router.callback_query(kb.BcConfirmCb.filter(F.what == kb.POLL))
async def confirm_pressed(
    query: CallbackQuery,
    callback_data: kb.BcConfirmCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    state: FSMContext,
    clock: Clock,
) -> None:
    if await state.get_state() != PollForm.confirm.state:
        await query.answer(t.plain("button-outdated"), show_alert=True)
        return
    draft = await _draft(state, roles, session)
    if draft is None:
        await state.clear()
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    data, org = draft
    await query.answer()
    await drop_buttons(query)
    await state.clear()
    if not callback_data.ok:
        await say(query, t("poll-cancelled"))
        return
    try:
        poll, people = await polls.create(
            session,
            org.id,
            user.id if user else None,
            str(data.get("audience")),
            list(data.get("questions") or []),
            clock.now(),
        )
    except polls.PollError as error:
        await say(query, t(error.key, **error.params))
        return
    count, unreachable = bc.reach(people)
    lines = [t("poll-sent", id=poll.id, count=count), *bc.unreachable_lines(t, unreachable)]
    await say(query, "\n".join(lines))


# Results -----------------------------------------------------------------------------


@router.callback_query(kb.BcResultsCb.filter())
async def results_pressed(
    query: CallbackQuery,
    callback_data: kb.BcResultsCb,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
) -> None:
    poll = await session.get(Poll, callback_data.poll_id)
    if poll is None or not may_manage(roles, poll.org_id):
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    found = await polls.results(session, poll.id)
    target = reply_target(query)
    if found is None or target is None or query.bot is None:
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    await query.answer()
    org = await session.get(Organization, poll.org_id)
    assert org is not None
    header = t(
        "poll-results-header",
        id=poll.id,
        date=format_local(poll.created_at, org.timezone, with_time=False),
        org=org.name,
        audience=t.plain("bc-audience-to", audience=poll.audience),
        done=found.finished,
        total=found.recipients,
    )
    lines: list[str] = []
    files: list[tuple[str, list[str]]] = []
    for n, q in enumerate(found.questions, start=1):
        text = q.text if q.text.strip() and q.text != polls.ERASED else t.plain("poll-text-erased")
        lines.append("")
        lines.append(
            t("poll-results-question", n=n, text=text, answered=q.answered, total=found.recipients)
        )
        if q.type == "scale" and q.average is not None:
            lines.append(t("poll-results-average", average=f"{q.average:.1f}"))
            lines.extend(
                t("poll-results-scale", score=s, count=q.scale.get(s, 0)) for s in range(5, 0, -1)
            )
        elif q.type == "single":
            lines.extend(
                t("poll-results-option", text=label, count=count) for label, count in q.options
            )
        elif q.type == "text" and q.texts:
            shown = q.texts[:TEXTS_SHOWN]
            lines.extend(
                t("poll-results-text", n=i, text=shorten(answer, TEXT_SHOWN))
                for i, answer in enumerate(shown, start=1)
            )
            if len(q.texts) > TEXTS_SHOWN:
                lines.append(t("poll-results-text-file", count=len(q.texts)))
                files.append((f"{n}. {text}", q.texts))
    await send_lines(query.bot, target.chat.id, header, lines)
    if files:
        body = "\n\n".join(
            "\n".join([title, *(f"{i}) {a}" for i, a in enumerate(answers, start=1))])
            for title, answers in files
        )
        await target.answer_document(
            BufferedInputFile(
                body.encode("utf-8"), filename=t.plain("poll-results-file-name", id=poll.id)
            )
        )
