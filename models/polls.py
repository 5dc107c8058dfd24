"""Quick polls (issue 15, item 2): a curator's 1–3 questions to everyone of the school or
to one role. The poll is a `surveys.Poll` row whose questions are a definition's list; each
recipient gets a survey assignment through the engine, which asks the first question
outside quiet hours. The results are read back with aggregate queries: how many answered
each question, the scale's average and distribution, the count per option, the texts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import surveys
from models.calendar import period_label, period_of, today_in
from models.errors import RuleError
from models.people import AUDIENCES, Organization, Recipient, audience_of
from models.surveys import Poll, SurveyAnswer, SurveyAssignment

MAX_QUESTIONS = 3
TEXT_MAX = 300  # characters of a question
OPTION_MAX = 100  # characters of an option
MIN_OPTIONS = 2
MAX_OPTIONS = 10
KINDS = (surveys.QuestionType.SCALE, surveys.QuestionType.SINGLE, surveys.QuestionType.TEXT)
RECENT = 5
# What a question's text becomes when its author is forgotten (models/personal_data.py).
ERASED = "—"


class PollError(RuleError):
    """Input a poll cannot take (the key names why)."""


def check_text(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise PollError("poll-err-empty")
    if len(body) > TEXT_MAX:
        raise PollError("poll-err-long", limit=TEXT_MAX, length=len(body))
    return body


def check_options(text: str | None) -> list[str]:
    """The options typed one per line (blank lines ignored)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) < MIN_OPTIONS:
        raise PollError("poll-err-few-options", least=MIN_OPTIONS)
    if len(lines) > MAX_OPTIONS:
        raise PollError("poll-err-many-options", most=MAX_OPTIONS)
    for line in lines:
        if len(line) > OPTION_MAX:
            raise PollError("poll-err-option-long", limit=OPTION_MAX)
    if len({line.casefold() for line in lines}) != len(lines):
        raise PollError("poll-err-option-twice")
    return lines


def question(index: int, kind: str, text: str, options: list[str] | None = None) -> dict[str, Any]:
    """One question of a poll's definition (the typed text stands for every language)."""
    if kind not in KINDS:
        raise PollError("poll-err-kind")
    item: dict[str, Any] = {
        "key": f"q{index + 1}",
        "type": kind,
        "text": {"ru": text, "en": text},
    }
    if kind == surveys.QuestionType.SINGLE:
        item["options"] = [
            {"key": f"o{n + 1}", "text": {"ru": o, "en": o}} for n, o in enumerate(options or [])
        ]
    return item


def check_questions(questions: list[dict[str, Any]]) -> None:
    if not questions:
        raise PollError("poll-err-none")
    if len(questions) > MAX_QUESTIONS:
        raise PollError("poll-err-too-many", most=MAX_QUESTIONS)
    surveys.load_definition({"key": surveys.POLL, "questions": questions})


async def create(
    session: AsyncSession,
    org_id: int,
    author_id: int | None,
    audience: str,
    questions: list[dict[str, Any]],
    now: datetime,
) -> tuple[Poll, list[Recipient]]:
    """The poll and one assignment per recipient (not the author); (poll, recipients)."""
    if audience not in AUDIENCES:
        raise PollError("poll-err-audience")
    check_questions(questions)
    org = await session.get(Organization, org_id)
    assert org is not None
    poll = Poll(
        org_id=org_id, author_id=author_id, audience=audience, questions=questions, created_at=now
    )
    session.add(poll)
    await session.flush()
    people = await audience_of(session, org_id, audience, exclude=author_id)
    period = period_label(*period_of(org.calendar, today_in(org.timezone, now)))
    specs = [
        surveys.Assign(org_id, p.user_id, p.role, surveys.POLL, poll_id=poll.id, period=period)
        for p in people
    ]
    await surveys.assign_many(session, specs, now)
    return poll, people


def _counted() -> ColumnElement[bool]:
    """The recipients a poll counts: every one whose questionnaire is not cancelled, and
    one cancelled after answering (a /forget keeps the counts): so «answered n of N» of a
    question never has n above N."""
    return or_(
        SurveyAssignment.status != surveys.AssignmentStatus.CANCELLED,
        exists().where(
            SurveyAnswer.assignment_id == SurveyAssignment.id, SurveyAnswer.skipped.is_(False)
        ),
    )


async def recent(session: AsyncSession, org_ids: list[int] | None) -> list[tuple[Poll, int, int]]:
    """The latest polls of these schools (None: all): (poll, assigned, finished). The polls
    are picked first; only their assignments are counted."""
    query = select(Poll).order_by(Poll.id.desc()).limit(RECENT)
    if org_ids is not None:
        query = query.where(Poll.org_id.in_(org_ids))
    found = list(await session.scalars(query))
    if not found:
        return []
    done = func.sum(case((SurveyAssignment.status == surveys.AssignmentStatus.DONE, 1), else_=0))
    counts = {
        poll_id: (int(n), int(d or 0))
        for poll_id, n, d in (
            await session.execute(
                select(SurveyAssignment.poll_id, func.count(SurveyAssignment.id), done)
                .where(SurveyAssignment.poll_id.in_([p.id for p in found]), _counted())
                .group_by(SurveyAssignment.poll_id)
            )
        ).all()
    }
    return [(p, *counts.get(p.id, (0, 0))) for p in found]


@dataclass
class QuestionResult:
    key: str
    type: str
    text: str
    answered: int = 0
    average: float | None = None
    scale: dict[int, int] = field(default_factory=dict)  # score → count
    options: list[tuple[str, int]] = field(default_factory=list)  # label, count
    texts: list[str] = field(default_factory=list)


@dataclass
class Results:
    poll: Poll
    recipients: int
    finished: int
    questions: list[QuestionResult]


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("ru") or next(iter(value.values()), ""))
    return str(value or "")


async def results(session: AsyncSession, poll_id: int) -> Results | None:
    """The poll's results, counted by the database."""
    poll = await session.get(Poll, poll_id)
    if poll is None:
        return None
    a = SurveyAssignment
    total, finished = (
        await session.execute(
            select(
                func.count(a.id),
                func.coalesce(
                    func.sum(case((a.status == surveys.AssignmentStatus.DONE, 1), else_=0)), 0
                ),
            ).where(a.poll_id == poll_id, _counted())
        )
    ).one()
    answers = (
        select(SurveyAnswer)
        .join(a, a.id == SurveyAnswer.assignment_id)
        .where(a.poll_id == poll_id, SurveyAnswer.skipped.is_(False))
    ).subquery()
    per_question = dict(
        (
            await session.execute(
                select(answers.c.question_key, func.count()).group_by(answers.c.question_key)
            )
        ).all()
    )
    scale_rows = (
        await session.execute(
            select(answers.c.question_key, answers.c.score, func.count())
            .where(answers.c.score.is_not(None))
            .group_by(answers.c.question_key, answers.c.score)
        )
    ).all()
    averages = dict(
        (
            await session.execute(
                select(answers.c.question_key, func.avg(answers.c.score))
                .where(answers.c.score.is_not(None))
                .group_by(answers.c.question_key)
            )
        ).all()
    )
    # A single choice is stored as a one-key list: grouping by its text counts each option.
    choice_rows = (
        await session.execute(
            select(answers.c.question_key, cast(answers.c.choices, String), func.count())
            .where(answers.c.choices.is_not(None))
            .group_by(answers.c.question_key, cast(answers.c.choices, String))
        )
    ).all()
    text_rows = (
        await session.execute(
            select(answers.c.question_key, answers.c.text)
            .where(answers.c.text.is_not(None))
            .order_by(answers.c.answered_at, answers.c.id)
        )
    ).all()
    out: list[QuestionResult] = []
    for item in poll.questions:
        key = item["key"]
        result = QuestionResult(key, item["type"], _text(item.get("text")))
        result.answered = int(per_question.get(key, 0))
        if averages.get(key) is not None:
            result.average = float(averages[key])
        result.scale = {int(s): int(n) for k, s, n in scale_rows if k == key}
        if item["type"] == surveys.QuestionType.SINGLE:
            picked: dict[str, int] = {}
            for k, raw, n in choice_rows:
                if k != key:
                    continue
                for option_key in _keys(raw):
                    picked[option_key] = picked.get(option_key, 0) + int(n)
            result.options = [
                (_text(o.get("text")), picked.get(o["key"], 0)) for o in item.get("options", [])
            ]
        result.texts = [str(text) for k, text in text_rows if k == key]
        out.append(result)
    return Results(poll, int(total), int(finished or 0), out)


def _keys(raw: Any) -> list[str]:
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
