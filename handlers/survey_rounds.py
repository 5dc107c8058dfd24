"""The entry questionnaire in the plan view (models/survey_rounds.py).

When a mentee of the program has answered the entry questionnaire, /plan shows the mentor
and the curator (of the program's school; not the lending school's) a short «Входная
анкета» block per mentee: the directions of high need, the help asked for and the free
text; one not finished says how far it got («заполнено 3 из 10»). While the plan is being
drafted (no mentee has confirmed «ознакомлен» yet), the blocks are shown in full and the
mentor gets a button «Добавить в план: <direction>» per high-need direction that no plan
item covers, which adds an item of it «as questions arise». Afterwards /plan shows one
line per mentee with a button that opens the block. Every press re-checks in the
database that the presser may act on (or read) the program.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.plan import open_keyboard
from bot.keyboards.survey_rounds import (
    EntryItemCb,
    EntryShowCb,
    entries_keyboard,
    offered_keyboard,
)
from bot.texts import pack_lines, shorten
from models import changes, surveys
from models.errors import RuleError
from models.people import Direction, Roles, User
from models.program_card import Viewer, viewer_roles
from models.programs import Program, ProgramStatus
from models.survey_rounds import (
    EntryAnswers,
    add_offered_item,
    covered_directions,
    entry_answers,
    offered,
)

router = Router(name="survey_rounds")

# Who sees the block: not the mentee (their own answers), and not the lending school's
# curator (the mentee is not theirs): the mentor, the school's curator, the admin.
READERS = {Viewer.MENTOR, Viewer.CURATOR, Viewer.ADMIN}
# The block is short: a long free text is cut to this many characters (/mydata has it all).
WORRIES_SHOWN = 300


def _help_labels(t: Translator, entry: EntryAnswers) -> str:
    definition = surveys.DEFINITIONS.get((surveys.ENTRY, entry.version)) or surveys.latest(
        surveys.ENTRY
    )
    options = {o.key: o.text for q in definition.questions if q.key == "help" for o in q.options}
    labels = []
    for key in entry.help:
        text = options.get(key, {})
        labels.append(text.get(t.language) or text.get("ru") or key)
    return ", ".join(labels)


def _questions(entry: EntryAnswers) -> int:
    definition = surveys.DEFINITIONS.get((surveys.ENTRY, entry.version)) or surveys.latest(
        surveys.ENTRY
    )
    return len(definition.questions)


def entry_text(t: Translator, entry: EntryAnswers) -> str:
    lines = [t("rounds-entry-head", name=entry.name)]
    if not entry.finished:
        lines.append(t("rounds-entry-partial", answered=entry.answered, total=_questions(entry)))
    if entry.needs:
        needs = ", ".join(
            t.plain("rounds-entry-need", direction=t.plain(f"direction-{d}"), score=score)
            for d, score in entry.needs
        )
        lines.append(t("rounds-entry-needs", needs=needs))
    elif entry.finished:
        lines.append(t("rounds-entry-no-needs"))
    if entry.help:
        lines.append(t("rounds-entry-help", help=_help_labels(t, entry)))
    if entry.worries:
        lines.append(t("rounds-entry-worries", text=shorten(entry.worries, WORRIES_SHOWN)))
    return "\n".join(lines)


async def entry_block(
    target: Message,
    session: AsyncSession,
    t: Translator,
    program: Program,
    viewers: set[str],
) -> None:
    """The «Входная анкета» block under the plan, when there is something to show."""
    if not viewers & READERS:
        return
    answers = await entry_answers(session, program.id)
    if not answers:
        return
    if await changes.plan_locked(session, program.id):
        # The plan is confirmed: one line per mentee, the block a button away.
        lines = [
            t("rounds-entry-line", name=entry.name)
            if entry.finished
            else t(
                "rounds-entry-line-partial",
                name=entry.name,
                answered=entry.answered,
                total=_questions(entry),
            )
            for entry in answers
        ]
        markup = entries_keyboard(t, program.id, [(e.mentee_id, e.name) for e in answers])
        await target.answer("\n".join([t("rounds-entry-folded"), *lines]), reply_markup=markup)
        return
    markup = None
    if Viewer.MENTOR in viewers and program.status == ProgramStatus.ACTIVE:
        directions = offered(answers, await covered_directions(session, program.id))
        markup = offered_keyboard(t, program.id, directions)
    blocks = [entry_text(t, entry) for entry in answers]
    if markup is not None:
        blocks.append(t("rounds-entry-offer"))
    # A group's blocks in as few messages as fit; the buttons under the last one.
    packed = pack_lines("", [block + "\n" for block in blocks])
    for index, (text, _) in enumerate(packed):
        last = index == len(packed) - 1
        await target.answer(text.strip(), reply_markup=markup if last else None)


@router.callback_query(EntryShowCb.filter())
async def open_entry(
    query: CallbackQuery,
    callback_data: EntryShowCb,
    session: AsyncSession,
    user: User | None,
    roles: Roles,
    t: Translator,
) -> None:
    """One mentee's entry questionnaire, to a reader of the program's blocks."""
    program = await session.get(Program, callback_data.program_id)
    viewers = (
        await viewer_roles(session, program, user.id if user else None, roles) if program else set()
    )
    if program is None or not viewers & READERS:
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    found = [
        e
        for e in await entry_answers(session, program.id)
        if e.mentee_id == callback_data.mentee_id
    ]
    if not found:
        await query.answer(t.plain("button-outdated"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(entry_text(t, found[0]))


@router.callback_query(EntryItemCb.filter())
async def add_offered(
    query: CallbackQuery,
    callback_data: EntryItemCb,
    session: AsyncSession,
    user: User | None,
    t: Translator,
    clock: Clock,
) -> None:
    program = await session.get(Program, callback_data.program_id)
    if (
        program is None
        or user is None
        or program.mentor_id != user.id
        or callback_data.direction not in {d.value for d in Direction}
    ):
        await query.answer(t.plain("not-allowed"), show_alert=True)
        return
    if program.status != ProgramStatus.ACTIVE:
        await query.answer(t.plain("rounds-err-ended"), show_alert=True)
        return
    if await changes.plan_locked(session, program.id):
        await query.answer(t.plain("rounds-err-locked"), show_alert=True)
        return
    direction = callback_data.direction
    title = t.plain(f"rounds-item-{direction}")
    try:
        await add_offered_item(session, program, user.id, direction, title, clock.now())
    except RuleError as error:
        await query.answer(t.plain(error.key, **error.params), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            t("rounds-item-added", title=title, program=program.id),
            reply_markup=open_keyboard(t, program.id),
        )
