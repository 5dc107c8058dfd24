"""Helpers of the /export and document tests: a second school with its own pair, a plan
with every column filled, and reading the files the bot sent."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from aiogram.methods import SendDocument

from models.people import Role
from models.plans import PlanItem, PlanOccurrence
from models.questions import Question
from models.surveys import Poll, SurveyAnswer, SurveyAssignment
from tests.support.botclient import BotClient, Call, Person
from tests.support.seed import Member, World, seed


@dataclass
class OtherSchool:
    mentor: Member
    mentee: Member
    program: int


async def other_school(client: BotClient, w: World) -> OtherSchool:
    """School B's own pair (w.other_org), whose names must never reach school A."""
    async with seed(client.sessionmaker, client.clock.now()) as s:
        mentor = await s.member(
            w.other_org, Person(40, "MenB2"), Role.MENTOR, name="Чужой Наставник"
        )
        mentee = await s.member(
            w.other_org, Person(41, "TeeB2"), Role.MENTEE, name="Чужой Наставляемый"
        )
        program = await s.program(w.other_org, mentor, [mentee])
        await s.question(w.other_org, mentee, mentor, "чужой вопрос")
    return OtherSchool(mentor, mentee, program)


async def fill_plan(client: BotClient, program_id: int, done_at: datetime) -> None:
    """Two items: the first with every column and a done mark, the second as needed."""
    now = client.clock.now()
    async with client.sessionmaker() as session, session.begin():
        first = PlanItem(
            program_id=program_id,
            position=1,
            title="Знакомство со школой и правилами распорядка",
            direction="legal",
            activity_form="Беседа, экскурсия",
            deadline_kind="date",
            deadline_spec={"date": "2026-12-01"},
            expected_result="Адаптация в коллективе",
            criteria="Знает правила и документы",
            risks="Нехватка времени",
            prevention="Гибкий график встреч",
            created_at=now,
        )
        second = PlanItem(
            program_id=program_id,
            position=2,
            title="Консультации по запросу",
            direction="method",
            activity_form="Консультация",
            deadline_kind="as_needed",
            deadline_spec={},
            created_at=now,
        )
        session.add_all([first, second])
        await session.flush()
        session.add_all(
            [
                PlanOccurrence(
                    item_id=first.id,
                    program_id=program_id,
                    seq=1,
                    due_on=date(2026, 12, 1),
                    done_at=done_at,
                ),
                PlanOccurrence(item_id=second.id, program_id=program_id, seq=1),
            ]
        )


async def answer_question(client: BotClient, question_id: int, at: datetime) -> None:
    async with client.sessionmaker() as session, session.begin():
        question = await session.get(Question, question_id)
        assert question is not None
        question.first_answer_at = at
        question.response_minutes = 30


def documents(calls: list[Call], chat_id: int) -> list[tuple[str, bytes]]:
    """(file name, content) of every document sent to the chat."""
    found = []
    for call in calls:
        method = call.method
        if isinstance(method, SendDocument) and method.chat_id == chat_id:
            document = method.document
            found.append((document.filename, document.data))  # type: ignore[union-attr]
    return found


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    """The paragraphs of a .docx as one text, and its tables as rows of cell texts."""
    from docx import Document

    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]
    return text, tables


# One answer: (question key, score, choices, text).
Answer = tuple[str, int | None, list[str] | None, str | None]


async def answered(
    client: BotClient,
    org: int,
    user_id: int,
    survey: str,
    answers: list[Answer],
    *,
    role: str = "mentee",
    program_id: int | None = None,
    period: str | None = "2026/27-Q2",
    poll_id: int | None = None,
    subject_id: int | None = None,
) -> None:
    """A finished assignment with these answers."""
    now = client.clock.now()
    async with client.sessionmaker() as session, session.begin():
        assignment = SurveyAssignment(
            org_id=org,
            user_id=user_id,
            role=role,
            survey=survey,
            version=1,
            program_id=program_id,
            poll_id=poll_id,
            subject_id=subject_id,
            period=period,
            status="done",
            dedupe_key=f"test:{survey}:{poll_id}:{subject_id}:{user_id}",
            created_at=now,
            finished_at=now,
        )
        session.add(assignment)
        await session.flush()
        for key, score, choices, text in answers:
            session.add(
                SurveyAnswer(
                    assignment_id=assignment.id,
                    question_key=key,
                    score=score,
                    choices=choices,
                    text=text,
                    answered_at=now,
                )
            )


async def poll(client: BotClient, org: int, author_id: int) -> int:
    """A quick poll of three questions: a scale, a choice, a free text."""
    async with client.sessionmaker() as session, session.begin():
        row = Poll(
            org_id=org,
            author_id=author_id,
            audience="all",
            questions=[
                {"key": "q1", "type": "scale", "text": "Насколько полезен семинар?"},
                {
                    "key": "q2",
                    "type": "single",
                    "text": "Когда удобнее встречаться?",
                    "options": [
                        {"key": "o1", "text": "Утром"},
                        {"key": "o2", "text": "После уроков"},
                    ],
                },
                {"key": "q3", "type": "text", "text": "Какую тему разобрать?"},
            ],
            created_at=client.clock.now(),
        )
        session.add(row)
        await session.flush()
        return row.id
