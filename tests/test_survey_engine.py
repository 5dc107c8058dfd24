"""The survey engine: definitions refuse a duplicate question key; an assignment is made
once per person and occasion and asks its first question outside quiet hours; answers
advance it one question at a time, an outdated position stores nothing, and a finished
survey cancels its reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import outbox
from models import surveys as sv
from models.people import Role
from tests.support.botclient import Person
from tests.support.seed import seed

NOW = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


def test_a_duplicate_question_key_is_refused() -> None:
    with pytest.raises(sv.DefinitionError, match="duplicate question key 'a'"):
        sv.load_definition(
            {
                "key": "x",
                "questions": [
                    {"key": "a", "type": "scale", "text": "A?"},
                    {"key": "a", "type": "text", "text": "B?"},
                ],
            }
        )


def test_the_shipped_surveys_load_and_the_final_one_is_short() -> None:
    for key in (sv.ENTRY, sv.QUARTERLY_MENTOR, sv.QUARTERLY_MENTEE):
        assert len(sv.latest(key)) >= 3
    for key in (sv.FINAL_MENTEE, sv.FINAL_MENTOR):
        final = sv.latest(key)
        assert len(final) <= 8
        topics = [q.topic for q in final.questions if q.type == sv.QuestionType.SCALE]
        assert set(topics) == set(sv.CHARACTERISTICS)
        assert all(set(q.text) == {"ru", "en"} for q in final.questions)


def test_the_shipped_questions_read_well() -> None:
    """No question carries the chat's «reply to this message» (the bot adds it); no scale
    end speaks to one gender («доволен», «освоился»); no question strings colons
    («трудно: методика: формы…»)."""
    keys = (sv.ENTRY, sv.QUARTERLY_MENTOR, sv.QUARTERLY_MENTEE, sv.FINAL_MENTEE, sv.FINAL_MENTOR)
    for key in keys:
        for question in sv.latest(key).questions:
            ru, en = question.text["ru"], question.text["en"]
            # How to answer a free-text question is the bot's line (survey-text-hint) under
            # it, so the question itself reads well in a sheet or a document.
            assert "ответом" not in ru and "reply" not in en, question.key
            assert not {"доволен", "довольна", "освоился"} & set(ru.replace(",", " ").split())
            assert ru.count(":") <= 1 and en.count(":") <= 1, question.key
    assert sv.latest(sv.QUARTERLY_MENTOR).version == 1  # texts changed, keys and version kept


async def test_answers_advance_once_and_finish(sessionmaker) -> None:
    async with seed(sessionmaker, NOW) as s:
        org = await s.org()
        mentee = await s.member(org, Person(7001, "Оля"), Role.MENTEE, name="Оля Петрова")
    spec = sv.Assign(org, mentee.user_id, "mentee", sv.QUARTERLY_MENTEE, period="2026/27-Q2")
    async with sessionmaker() as session, session.begin():
        first = await sv.assign(session, spec, NOW)
        again = await sv.assign(session, spec, NOW + timedelta(minutes=1))
    assert first is not None and again is None
    async with sessionmaker() as session, session.begin():
        with pytest.raises(sv.SurveyError):
            await sv.answer(session, first, 0, NOW, score=9)
    async with sessionmaker() as session, session.begin():
        assert await sv.answer(session, first, 0, NOW, score=4) is not None
        # The same button again: that question is no longer the one waiting.
        assert await sv.answer(session, first, 0, NOW, score=2) is None
        assert await sv.answer(session, first, 1, NOW, choices=["answers", "visits"])
        done = await sv.answer(session, first, 2, NOW, skip=True)
    assert done is not None and done.status == sv.AssignmentStatus.DONE
    async with sessionmaker() as session:
        answers = {a.question_key: a for a in await session.scalars(select(sv.SurveyAnswer))}
        rows = list(
            await session.scalars(
                select(outbox.OutboxMessage).where(outbox.OutboxMessage.ref_kind == sv.REF)
            )
        )
    assert answers["satisfaction"].score == 4 and answers["satisfaction"].topic == "satisfaction"
    assert answers["helped"].choices == ["answers", "visits"]
    assert answers["comment"].skipped
    assert [r.args["position"] for r in rows] == [0, 1, 2]
