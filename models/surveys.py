"""Questionnaires (DESIGN §4 «Surveys»): definitions as versioned data, one assignment per
person and occasion, one answer row per question.

A definition is a JSON file in models/templates/surveys/ (or, for a quick poll, the
questions a curator typed, kept on the poll). An assignment names who answers, about which
program (and, for a mentor's report on a pair, which mentee), in which school period and
with which definition version; `position` is the index of the question waiting for an
answer, advanced by one atomic UPDATE so that a button pressed twice answers once.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, UTCDateTime

# Survey keys (a definition file each) -------------------------------------------------------
ENTRY = "entry"
QUARTERLY_MENTOR = "quarterly_mentor"
QUARTERLY_MENTEE = "quarterly_mentee"
FINAL_MENTEE = "final_mentee"
FINAL_MENTOR = "final_mentor"
POLL = "poll"

# The four characteristics of the final evaluation (seed 001, item 13), as answer topics.
CHARACTERISTICS = ("satisfaction", "knowledge", "behaviour", "school")


class QuestionType(enum.StrEnum):
    SCALE = "scale"  # 1–5, buttons
    SINGLE = "single"  # one option, buttons
    MULTI = "multi"  # several options, toggles and «Done»
    TEXT = "text"  # free text by ForceReply


class AssignmentStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class SurveyAssignment(Base):
    __tablename__ = "survey_assignments"
    __table_args__ = (
        Index("ix_survey_assignments_user_status", "user_id", "status"),
        Index("ix_survey_assignments_org_period", "org_id", "period"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The respondent's role in this survey: mentor, mentee or curator (a poll's audience).
    role: Mapped[str] = mapped_column(String(16))
    survey: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL"), index=True
    )
    # A mentor's quarterly report is about one mentee of the program.
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    poll_id: Mapped[int | None] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), index=True
    )
    # The school period the answers count in ("2026/27-Q2").
    period: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.PENDING)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The message that asks the current question (a reply to it is the answer).
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    next_remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # One assignment per person and occasion, e.g. "quarterly_mentor:12:34:2026/27-Q2".
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("assignment_id", "question_key", name="uq_survey_answer"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("survey_assignments.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(40))
    # What the question measures (one of CHARACTERISTICS, or adaptation, progress...),
    # copied from the definition so that reports average by it in SQL.
    topic: Mapped[str | None] = mapped_column(String(32), index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    choices: Mapped[list[str] | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    skipped: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Poll(Base):
    """A curator's quick poll: 1–3 questions they typed, to everyone or one role."""

    __tablename__ = "polls"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(16))  # all, mentor, mentee, curator
    # A definition's "questions" list (see load_definition), texts as typed.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Definitions ------------------------------------------------------------------------------


class DefinitionError(ValueError):
    """A survey definition that cannot be used (named in the message)."""


@dataclass(frozen=True)
class Option:
    key: str
    text: dict[str, str]  # language → label


@dataclass(frozen=True)
class SurveyQuestion:
    key: str
    type: QuestionType
    text: dict[str, str]  # language → question
    options: tuple[Option, ...] = ()
    optional: bool = False
    topic: str | None = None


@dataclass(frozen=True)
class Definition:
    key: str
    version: int
    title: dict[str, str]
    questions: tuple[SurveyQuestion, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.questions)


def _texts(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        value = {"ru": value}
    if (
        not isinstance(value, dict)
        or not value
        or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
        )
    ):
        raise DefinitionError(f"{where}: a text is required")
    return dict(value)


def load_definition(data: dict[str, Any]) -> Definition:
    """A definition from its JSON shape; DefinitionError names what is wrong (a duplicate
    question key, an unknown type, a choice without options...)."""
    key = data.get("key")
    if not isinstance(key, str) or not key:
        raise DefinitionError("survey: a key is required")
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise DefinitionError(f"{key}: the version must be a positive number")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise DefinitionError(f"{key}: at least one question is required")
    questions: list[SurveyQuestion] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        q_key = item.get("key") if isinstance(item, dict) else None
        where = f"{key} v{version}, question {index}"
        if not isinstance(q_key, str) or not q_key or len(q_key) > 40:
            raise DefinitionError(f"{where}: a key of up to 40 characters is required")
        if q_key in seen:
            raise DefinitionError(f"{where}: duplicate question key {q_key!r}")
        seen.add(q_key)
        try:
            q_type = QuestionType(item.get("type"))
        except ValueError:
            raise DefinitionError(f"{where}: unknown type {item.get('type')!r}") from None
        options: list[Option] = []
        if q_type in (QuestionType.SINGLE, QuestionType.MULTI):
            raw_options = item.get("options")
            if not isinstance(raw_options, list) or len(raw_options) < 2:
                raise DefinitionError(f"{where}: a choice needs at least two options")
            option_keys: set[str] = set()
            for option in raw_options:
                o_key = option.get("key") if isinstance(option, dict) else None
                if not isinstance(o_key, str) or not o_key or o_key in option_keys:
                    raise DefinitionError(f"{where}: option keys must be unique")
                option_keys.add(o_key)
                options.append(Option(o_key, _texts(option.get("text"), where)))
        questions.append(
            SurveyQuestion(
                key=q_key,
                type=q_type,
                text=_texts(item.get("text"), where),
                options=tuple(options),
                optional=bool(item.get("optional", False)),
                topic=item.get("topic"),
            )
        )
    return Definition(key, version, _texts(data.get("title", key), key), tuple(questions))


def _load_all() -> dict[tuple[str, int], Definition]:
    found: dict[tuple[str, int], Definition] = {}
    folder = resources.files("models") / "templates" / "surveys"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            definition = load_definition(json.loads(entry.read_text(encoding="utf-8")))
            found[(definition.key, definition.version)] = definition
    return found


DEFINITIONS: dict[tuple[str, int], Definition] = _load_all()


def latest(key: str) -> Definition:
    """The newest version of a survey definition."""
    versions = [v for k, v in DEFINITIONS if k == key]
    if not versions:
        raise DefinitionError(f"no survey definition {key!r}")
    return DEFINITIONS[(key, max(versions))]
