"""The entry questionnaire in the plan view (models/survey_rounds.py).

When a mentee of the program has answered the entry questionnaire, /plan shows the mentor
and the curator a short «Входная анкета» block per mentee: the directions of high need,
the help asked for and the free text. While the plan is being drafted (no mentee has
confirmed «ознакомлен» yet), the mentor gets a button «Добавить в план: <direction>» per
high-need direction that no plan item covers, which adds an item of it «as questions
arise». Every press re-checks that the presser is the mentor of the active program.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.plan import open_keyboard
from bot.keyboards.survey_rounds import EntryItemCb, offered_keyboard
from bot.texts import pack_lines
from models import changes, surveys
from models.errors import RuleError
from models.people import Direction, User
from models.program_card import Viewer
from models.programs import Program, ProgramStatus
from models.survey_rounds import (
    EntryAnswers,
    add_offered_item,
    covered_directions,
    entry_answers,
    offered,
)

router = Router(name="survey_rounds")

# Who sees the block: not the mentee (their own answers), everyone who runs the program.
READERS = {Viewer.MENTOR, Viewer.CURATOR, Viewer.LENDER, Viewer.ADMIN}
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


def entry_text(t: Translator, entry: EntryAnswers) -> str:
    lines = [t("rounds-entry-head", name=entry.name)]
    if entry.needs:
        needs = ", ".join(
            t.plain("rounds-entry-need", direction=t.plain(f"direction-{d}"), score=score)
            for d, score in entry.needs
        )
        lines.append(t("rounds-entry-needs", needs=needs))
    else:
        lines.append(t("rounds-entry-no-needs"))
    if entry.help:
        lines.append(t("rounds-entry-help", help=_help_labels(t, entry)))
    if entry.worries:
        worries = entry.worries
        if len(worries) > WORRIES_SHOWN:
            worries = worries[:WORRIES_SHOWN].rstrip() + "…"
        lines.append(t("rounds-entry-worries", text=worries))
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
    markup = None
    if (
        Viewer.MENTOR in viewers
        and program.status == ProgramStatus.ACTIVE
        and not await changes.plan_locked(session, program.id)
    ):
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
