"""A report dataset on top of the World school (tests/support/seed.py), for
tests/test_reports.py. Times are UTC; Moscow is UTC+3, working hours 08:00–18:00 Mon–Fri.

Hand counts for school quarter 2026/27-Q2 (05.11–27.12), today 23.11.2026:
- questions of program A: q1 Mon 09.11 12:00→14:30 MSK (150 working min); q2 Fri 13.11
  17:00 → Mon 16.11 10:00 (180); q3 Tue 17.11 09:00→15:00 (360; reminded and escalated);
  q4 Wed 18.11, open, reminded; q5 merged (never counts); q6 on 01.10 (Q1; 60 min).
  The other school: one question in Q2.
- meetings: A 10.11 held, A 20.11 not held, A 01.12 proposed, A 12.11 cancelled,
  A 05.10 held (Q1).
- plan of A: due 10.11 done, 15.11 open (overdue), 25.11 open, 20.12 done early; 01.10 open
  (Q1, overdue); a removed item's 11.11 open (never counts).
- surveys (Q2): mentor A quarterly done, mentor B pending; mentee and mentee2 quarterly
  done (satisfaction 5 and 4, knowledge 3), mentee3 pending, one cancelled; Q1: mentee
  quarterly done (satisfaction 1).
- risks: program B started 01.09 and is silent; mentee3 unreachable; «Без Наставника» is a
  mentee with no program (2 years of experience: a young specialist).
- outcomes of the year: program C completed, program D ended on the mentee's initiative,
  program A extended (audit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from models.audit import AuditEntry
from models.meetings import Meeting
from models.people import Organization, Role, User
from models.plans import PlanItem, PlanOccurrence
from models.programs import Program, ProgramMentee
from models.questions import Question, record_answer
from models.surveys import SurveyAnswer, SurveyAssignment
from tests.support.botclient import BotClient, Person
from tests.support.seed import World, seed


@dataclass
class ReportData:
    unmatched: int


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def add_report_data(client: BotClient, w: World, schools: int = 0) -> ReportData:
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        session = s.session
        if schools:  # many schools, for a rollup longer than one message
            for n in range(1, schools):
                session.add(Organization(name=f"Школа доп {n}", calendar={}, created_at=now))
            return ReportData(0)
        lonely = await s.member(
            w.org, Person(40, "Lone"), Role.MENTEE, name="Без Наставника", experience_years=2
        )
        program_b = await session.get(Program, w.program_b)
        assert program_b is not None
        program_b.starts_on = date(2026, 9, 1)
        mentee3 = await session.get(User, w.mentee3.user_id)
        assert mentee3 is not None
        mentee3.reachable = False

        number = 100

        def question(org: int, preview: str, asked: datetime, **values: object) -> Question:
            nonlocal number
            number += 1
            row = Question(
                org_id=org,
                number=number,
                mentee_id=w.mentee.user_id,
                program_id=w.program_a if org == w.org else None,
                mentor_id=w.mentor_a.user_id,
                owner_id=w.mentor_a.user_id,
                status=values.pop("status", "open"),
                kind="text",
                preview=preview,
                created_at=asked,
                asked_at=asked,
                **values,
            )
            session.add(row)
            return row

        answers = {
            "q1": (utc(2026, 11, 9, 9), utc(2026, 11, 9, 11, 30)),
            "q2": (utc(2026, 11, 13, 14), utc(2026, 11, 16, 7)),
            "q3": (utc(2026, 11, 17, 6), utc(2026, 11, 17, 12)),
            "q6": (utc(2026, 10, 1, 6), utc(2026, 10, 1, 7)),
        }
        rows = {}
        for preview, (asked, _) in answers.items():
            rows[preview] = question(w.org, preview, asked)
        rows["q3"].reminded_at = utc(2026, 11, 17, 10)
        rows["q3"].escalated_at = utc(2026, 11, 17, 11)
        question(w.org, "q4", utc(2026, 11, 18, 6), reminded_at=utc(2026, 11, 18, 10))
        question(
            w.org,
            "q5",
            utc(2026, 11, 19, 6),
            status="merged",
            first_answer_at=utc(2026, 11, 19, 6, 1),
            response_minutes=1,
        )
        question(w.other_org, "other", utc(2026, 11, 10, 6))
        await session.flush()
        for preview, (_, answered) in answers.items():
            await record_answer(session, rows[preview].id, answered)

        def meeting(program: int, starts: datetime, status: str, held: bool | None) -> None:
            session.add(
                Meeting(
                    program_id=program,
                    org_id=w.org,
                    starts_at=starts,
                    mode="offline",
                    status=status,
                    held=held,
                    created_at=now,
                )
            )

        meeting(w.program_a, utc(2026, 11, 10, 12), "confirmed", True)
        meeting(w.program_a, utc(2026, 11, 20, 12), "confirmed", False)
        meeting(w.program_a, utc(2026, 12, 1, 12), "proposed", None)
        meeting(w.program_a, utc(2026, 11, 12, 12), "cancelled", None)
        meeting(w.program_a, utc(2026, 10, 5, 12), "confirmed", True)

        item = PlanItem(
            program_id=w.program_a, title="Пункт", deadline_kind="schedule", created_at=now
        )
        removed = PlanItem(
            program_id=w.program_a,
            title="Удалён",
            deadline_kind="date",
            created_at=now,
            removed_at=now,
        )
        session.add_all([item, removed])
        await session.flush()
        for seq, (due, done) in enumerate(
            [
                (date(2026, 11, 10), utc(2026, 11, 10, 12)),
                (date(2026, 11, 15), None),
                (date(2026, 11, 25), None),
                (date(2026, 12, 20), utc(2026, 11, 20, 12)),
                (date(2026, 10, 1), None),
            ],
            start=1,
        ):
            session.add(
                PlanOccurrence(
                    item_id=item.id, program_id=w.program_a, seq=seq, due_on=due, done_at=done
                )
            )
        session.add(
            PlanOccurrence(
                item_id=removed.id, program_id=w.program_a, seq=1, due_on=date(2026, 11, 11)
            )
        )

        def assignment(
            user: int, survey: str, status: str, period: str, scores: dict[str, int]
        ) -> None:
            row = SurveyAssignment(
                org_id=w.org,
                user_id=user,
                role="mentor" if survey.endswith("mentor") else "mentee",
                survey=survey,
                version=1,
                program_id=w.program_a,
                period=period,
                status=status,
                position=0,
                reminders=0,
                dedupe_key=f"{survey}:{user}:{period}:{status}",
                created_at=now,
            )
            session.add(row)
            row.answers = scores  # type: ignore[attr-defined]
            pending.append(row)

        pending: list[SurveyAssignment] = []
        q2 = "2026/27-Q2"
        assignment(w.mentor_a.user_id, "quarterly_mentor", "done", q2, {})
        assignment(w.mentor_b.user_id, "quarterly_mentor", "pending", q2, {})
        assignment(
            w.mentee.user_id, "quarterly_mentee", "done", q2, {"satisfaction": 5, "knowledge": 3}
        )
        assignment(w.mentee2.user_id, "quarterly_mentee", "done", q2, {"satisfaction": 4})
        assignment(w.mentee3.user_id, "quarterly_mentee", "pending", q2, {})
        assignment(w.mentee3.user_id, "quarterly_mentee", "cancelled", q2, {"satisfaction": 1})
        assignment(w.mentee.user_id, "quarterly_mentee", "done", "2026/27-Q1", {"satisfaction": 1})
        await session.flush()
        for row in pending:
            for topic, score in row.answers.items():  # type: ignore[attr-defined]
                session.add(
                    SurveyAnswer(
                        assignment_id=row.id,
                        question_key=topic,
                        topic=topic,
                        score=score,
                        skipped=False,
                        answered_at=now,
                    )
                )

        for reason in ("completed", "mentee-initiative"):
            ended = Program(
                org_id=w.org,
                mentor_id=w.mentor_b.user_id,
                form="situational",
                mode="mixed",
                starts_on=date(2026, 9, 1),
                ends_on=date(2026, 11, 1),
                status="ended",
                created_at=now,
                ended_at=utc(2026, 11, 1, 12),
                end_reason=reason,
            )
            session.add(ended)
            await session.flush()
            session.add(ProgramMentee(program_id=ended.id, mentee_id=w.mentee3.user_id))
        session.add(AuditEntry(program_id=w.program_a, at=utc(2026, 11, 2, 9), action="extended"))
        return ReportData(lonely.user_id)
