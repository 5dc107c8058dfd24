"""Survey questions as messages: rendered live from the assignment at send time.

A question notice names an assignment and the position it was queued for; if that
question is no longer the one waiting (answered meanwhile, the survey finished or was
cancelled), nothing is sent. A free-text question asks for a reply (ForceReply); the id
of each delivered question is recorded on the assignment, so that a reply to it is the
answer (see `prompts`, called where the sender records what a delivery yielded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.types import Message
from sqlalchemy import select

from bot.delivery import Sent
from bot.i18n import Translator
from bot.keyboards.surveys import label, question_markup, skip_keyboard
from models import surveys as sv
from models.outbox import OutboxMessage
from models.people import User
from models.programs import Program

if TYPE_CHECKING:
    from bot.notices import Delivery

# Every question message carries it: a reply to a message without it is no survey
# answer, and costs no query to rule out.
MARKER = "📋"


# Whom a survey is about, for its title: ("subject", the mentee a mentor's report is
# about) or ("mentor", the mentor of a mentee's program).
About = tuple[str, str]
SUBJECT, MENTOR = "subject", "mentor"


def title_of(t: Translator, definition: sv.Definition, about: About | None = None) -> str:
    """A survey's name in the reader's language: a mentor's report names its mentee, a
    mentee's questionnaire the mentor (a mentee in two programs gets two, told apart)."""
    if definition.key == sv.POLL:
        title = t.plain("survey-poll-title")
    else:
        title = label(definition.title, t.language)
    if about is None:
        return title
    kind, name = about
    key = "survey-title-mentor" if kind == MENTOR else "survey-title-about"
    return t.plain(key, title=title, name=name)


def question_text(
    t: Translator,
    definition: sv.Definition,
    position: int,
    *,
    about: About | None = None,
    reminder: bool = False,
) -> str:
    question = definition.questions[position]
    text = t(
        "survey-question",
        marker=MARKER,
        title=title_of(t, definition, about),
        number=position + 1,
        total=len(definition),
        text=label(question.text, t.language),
    )
    if question.type == sv.QuestionType.TEXT:
        text += "\n\n" + t("survey-text-hint", limit=sv.TEXT_MAX)
    # The question is HTML already: it goes under the reminder line, not through t().
    return t("survey-reminder") + "\n\n" + text if reminder else text


async def about_of(session: Any, assignment: sv.SurveyAssignment) -> About | None:
    """Whom a survey is about, by name: the mentee of a mentor's report, the mentor of
    a mentee's program."""
    if assignment.subject_id is not None:
        subject = await session.get(User, assignment.subject_id)
        return (SUBJECT, subject.display_name) if subject is not None else None
    if assignment.role != "mentee" or assignment.program_id is None:
        return None
    mentor = await session.scalar(
        select(User)
        .join(Program, Program.mentor_id == User.id)
        .where(Program.id == assignment.program_id)
    )
    return (MENTOR, mentor.display_name) if mentor is not None else None


async def render(d: Delivery) -> list[Sent]:
    """A survey question or its reminder, from the assignment as it is now."""
    position = int(d.args.get("position", 0))
    async with d.sessionmaker() as session:
        found = await sv.waiting_at(session, int(d.row.ref_id or 0), position)
        if found is None:
            return []
        assignment, definition = found
        about = await about_of(session, assignment)
    if d.row.user_id is not None and assignment.user_id != d.row.user_id:
        return []
    question = definition.questions[position]
    text = question_text(
        d.t, definition, position, about=about, reminder=d.row.kind == sv.REMINDER_NOTICE
    )
    message = await d.bot.send_message(
        d.row.chat_id,
        text,
        reply_markup=question_markup(d.t, assignment.id, position, question),
        disable_notification=d.row.silent,
    )
    sent = [Sent(message.message_id, False, False)]
    if question.type == sv.QuestionType.TEXT and question.optional:
        extra = await d.bot.send_message(
            d.row.chat_id,
            d.t("survey-optional"),
            reply_markup=skip_keyboard(d.t, assignment.id, position),
            disable_notification=True,
        )
        sent.append(Sent(extra.message_id, False, False))
    return sent


def asks(
    text: str,
    t: Translator,
    definition: sv.Definition,
    position: int,
    about: About | None = None,
) -> bool:
    """Whether a question message's text (as Telegram gives it back, without markup)
    asks question `position` of this definition, in the survey this title names (a
    mentor's report names its mentee, so two reports at the same question differ)."""
    if position >= len(definition):
        return False
    heading = t.plain(
        "survey-question",
        marker=MARKER,
        title=title_of(t, definition, about),
        number=position + 1,
        total=len(definition),
        text="",
    )
    first = heading.splitlines()[0].replace("<b>", "").replace("</b>", "").strip()
    question = label(definition.questions[position].text, t.language)
    lines = [line.strip() for line in text.splitlines()]
    return first in lines and question in text


def prompts(row: OutboxMessage, sent: list[Sent]) -> list[tuple[int, int, int]]:
    """What a delivered survey question yields: (assignment, position, message id) of
    the message that asks it (the first one sent)."""
    if row.ref_kind != sv.REF or row.ref_id is None or not sent:
        return []
    return [(int(row.ref_id), int((row.args or {}).get("position", 0)), sent[0].message_id)]


def is_prompt(message: Message | None, bot_id: int) -> bool:
    """Whether a message may be a survey question of ours (no query: the bot wrote it,
    and it carries the marker)."""
    return (
        message is not None
        and message.from_user is not None
        and message.from_user.id == bot_id
        and MARKER in (message.text or "")
    )
