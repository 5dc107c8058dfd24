"""The life cycle by the regulation (seed 002, §4) at the dispatcher level: proposals that
need every party's agreement, early termination with each reason, completion, a change of
mentor carrying open questions over, and two curators pairing one mentee at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.types import BufferedInputFile
from sqlalchemy import select

from bot import ics
from bot.keyboards.callbacks import RemoveRoleCb
from bot.keyboards.changes import ChangeCb, EndConfirmCb, EndReasonCb, NewMentorCb, VoteCb
from models import changes, meetings
from models.audit import AuditEntry
from models.changes import EndReason, Proposal, ProposalVote
from models.db import write_gate
from models.outbox import OutboxMessage
from models.pairing import PairingError, create_program
from models.people import User
from models.personal_data import forget_person
from models.plans import PlanItem, PlanOccurrence
from models.programs import Program, ProgramMentee
from models.questions import Question, sla_catch_up
from tests.support.botclient import BotClient, Call
from tests.support.seed import Member, PairSchool, World, seed

pytestmark = pytest.mark.usefixtures("no_errors")


def chg(action: str, program_id: int) -> str:
    return ChangeCb(action=action, program_id=program_id).pack()


def vote(proposal_id: int, agree: bool) -> str:
    return VoteCb(proposal_id=proposal_id, agree=agree).pack()


def _alert(client: BotClient, calls: list[Call]) -> str:
    answers = client.callback_answers(calls)
    assert answers, [c.name for c in calls]
    return answers[-1].text or ""


async def _program(client: BotClient, program_id: int) -> Program:
    async with client.sessionmaker() as s:
        program = await s.get(Program, program_id)
        assert program is not None
        return program


async def _audit(client: BotClient, program_id: int) -> list[AuditEntry]:
    async with client.sessionmaker() as s:
        rows = await s.scalars(
            select(AuditEntry).where(AuditEntry.program_id == program_id).order_by(AuditEntry.id)
        )
        return list(rows.all())


async def _last_proposal(client: BotClient) -> Proposal:
    async with client.sessionmaker() as s:
        proposal = await s.scalar(select(Proposal).order_by(Proposal.id.desc()).limit(1))
        assert proposal is not None
        return proposal


async def _kinds_to(client: BotClient, user: Member) -> list[str]:
    return [r.kind for r in await client.notices() if r.chat_id == user.person.id]


async def _propose_extension(
    client: BotClient, who: Member, program_id: int, day: str, reason: str
) -> Proposal:
    await client.press(who.person, chg("extend", program_id))
    assert "Введите новую дату" in client.last_text(who.person.id)
    await client.send(who.person, day)
    assert "причину" in client.last_text(who.person.id)
    await client.send(who.person, reason)
    assert "отправлено" in client.last_text(who.person.id), client.last_text(who.person.id)
    return await _last_proposal(client)


async def test_extension_agreed_by_both(client: BotClient, w: World) -> None:
    proposal = await _propose_extension(
        client, w.curator, w.program_b, "30.06.2027", "Нужно закончить открытый урок"
    )
    # both sides are asked, with Agree / Decline
    for member in (w.mentor_b, w.mentee3):
        assert "продлить программу до 30.06.2027" in client.last_text(member.person.id)
        assert client.message_with(member.person.id, vote(proposal.id, True))
    await client.press(w.mentor_b.person, vote(proposal.id, True))
    assert (await _program(client, w.program_b)).ends_on == date(2027, 5, 31)
    calls = await client.press(w.mentee3.person, vote(proposal.id, True))
    assert "вступило в силу" in _alert(client, calls)
    assert (await _program(client, w.program_b)).ends_on == date(2027, 6, 30)
    assert "принято всеми сторонами" in client.last_text(w.curator.person.id)
    log = await _audit(client, w.program_b)
    [entry] = [e for e in log if e.action == "extended"]
    # made by the answer that completed it; the curator proposed it
    assert entry.actor_id == w.mentee3.user_id and entry.reason == "Нужно закончить открытый урок"
    assert entry.details["proposer"] == w.curator.user_id
    assert entry.details["new_end"] == "2027-06-30" and not entry.details["beyond_12_months"]
    # the log keeps who agreed, in order, before the change itself
    steps = [(e.action, e.actor_id) for e in log if e.action.endswith("-extend")]
    assert steps == [
        ("proposed-extend", w.curator.user_id),
        ("agreed-extend", w.mentor_b.user_id),
        ("agreed-extend", w.mentee3.user_id),
    ]


async def test_extension_refused_when_one_declines(client: BotClient, w: World) -> None:
    # the mentor proposes: the mentee and the curator must agree
    proposal = await _propose_extension(
        client, w.mentor_b, w.program_b, "15.06.2027", "Болел две недели"
    )
    assert client.message_with(w.curator.person.id, vote(proposal.id, True))
    await client.press(w.curator.person, vote(proposal.id, True))
    calls = await client.press(w.mentee3.person, vote(proposal.id, False))
    assert "отклонили" in _alert(client, calls)
    assert (await _program(client, w.program_b)).ends_on == date(2027, 5, 31)
    assert "не согласен(на) Третий У" in client.last_text(w.mentor_b.person.id)
    assert (await _last_proposal(client)).status == "declined"

    # a second press, a press after the decision, a press by a non-party: nothing changes
    calls = await client.press(w.mentee3.person, vote(proposal.id, True))
    assert "уже есть ответ" in _alert(client, calls)
    calls = await client.press(w.mentor_a.person, vote(proposal.id, True))
    assert "не адресовано" in _alert(client, calls)
    calls = await client.press(w.mentee3.person, vote(999, True))
    assert "не адресовано" in _alert(client, calls)
    assert (await _program(client, w.program_b)).ends_on == date(2027, 5, 31)


async def test_the_change_log_keeps_proposals_declines_and_withdrawals(
    client: BotClient, w: World
) -> None:
    proposal = await _propose_extension(
        client, w.mentor_b, w.program_b, "15.06.2027", "Болел две недели"
    )
    await client.press(w.mentee3.person, vote(proposal.id, False))
    entries = await _audit(client, w.program_b)
    proposed, declined = entries[-2:]
    assert (proposed.action, proposed.actor_id, proposed.reason) == (
        "proposed-extend",
        w.mentor_b.user_id,
        "Болел две недели",
    )
    assert proposed.details["ends_on"] == "2027-06-15" and proposed.details["party"] == "mentor"
    assert (declined.action, declined.actor_id) == ("declined-extend", w.mentee3.user_id)
    assert declined.details["proposal"] == proposal.id == proposed.details["proposal"]
    # the card shows who proposed it and why, and who declined it
    await client.send(w.curator.person, f"/program #{w.program_b}")
    card = client.last_text(w.curator.person.id)
    assert "Наставник Б: предложено продлить программу (причина: Болел две недели)" in card, card
    assert "Третий У: отклонено предложение продлить программу" in card

    # a proposal still waiting when the program ends is withdrawn, in the log too
    await _propose_extension(client, w.mentee3, w.program_b, "20.06.2027", "Ещё две недели")
    await _terminate(client, w.curator, w.program_b, EndReason.NON_FULFILMENT)
    withdrawn, terminated = (await _audit(client, w.program_b))[-2:]
    assert (withdrawn.action, withdrawn.actor_id) == ("withdrawn-extend", w.curator.user_id)
    assert withdrawn.details["ended"] == EndReason.NON_FULFILMENT
    assert terminated.action == "terminated"
    await client.send(w.curator.person, f"/program #{w.program_b}")
    card = client.last_text(w.curator.person.id)
    assert "снято предложение продлить программу (программа завершена)" in card, card


async def test_an_agreed_change_that_no_longer_fits_is_logged_as_failed(
    client: BotClient, w: World
) -> None:
    await client.press(w.curator.person, chg("shorten", w.program_b))
    await client.send(w.curator.person, "01.12.2026")
    await client.send(w.curator.person, "Наставляемый переходит в другую школу")
    proposal = await _last_proposal(client)
    await client.press(w.mentor_b.person, vote(proposal.id, True))
    client.clock.set(client.clock.now() + timedelta(days=10))  # the new last day has passed
    calls = await client.press(w.mentee3.person, vote(proposal.id, True))
    assert "уже нельзя" in _alert(client, calls)
    assert (await _program(client, w.program_b)).ends_on == date(2027, 5, 31)
    failed = (await _audit(client, w.program_b))[-1]
    assert (failed.action, failed.actor_id) == ("failed-shorten", None)
    assert failed.details["problem"] == "change-err-past"
    assert failed.details["ends_on"] == "2026-12-01"


async def test_a_proposal_pressed_twice_or_by_an_outsider(client: BotClient, w: World) -> None:
    proposal = await _propose_extension(
        client, w.curator, w.program_b, "30.06.2027", "Перенос аттестации"
    )
    await client.press(w.mentor_b.person, vote(proposal.id, True))
    calls = await client.press(w.mentor_b.person, vote(proposal.id, False))
    assert "уже есть ответ" in _alert(client, calls)
    for outsider in (w.mentor_a, w.mentee, w.other_curator):
        calls = await client.press(outsider.person, vote(proposal.id, True))
        assert "не адресовано" in _alert(client, calls)
    async with client.sessionmaker() as s:
        votes = {
            v.user_id: v.decision
            for v in await s.scalars(
                select(ProposalVote).where(ProposalVote.proposal_id == proposal.id)
            )
        }
    assert votes == {
        w.curator.user_id: "agree",
        w.mentor_b.user_id: "agree",
        w.mentee3.user_id: None,
    }
    assert (await _last_proposal(client)).status == "pending"
    # an outsider cannot start a change either
    calls = await client.press(w.mentor_a.person, chg("extend", w.program_b))
    assert "недоступно" in _alert(client, calls)


async def test_extension_past_twelve_months_with_a_reason(client: BotClient, w: World) -> None:
    await client.press(w.curator.person, chg("extend", w.program_b))
    await client.send(w.curator.person, "31.04.2027")
    assert "31.04" in client.last_text(w.curator.person.id)  # no such day: asked again
    await client.send(w.curator.person, "01.05.2027")
    assert "позже текущей" in client.last_text(w.curator.person.id)
    await client.send(w.curator.person, "31.12.2027")
    await client.send(w.curator.person, "   ")
    assert "Нужна причина" in client.last_text(w.curator.person.id)
    await client.send(w.curator.person, "Декретный отпуск наставляемой")
    proposal = await _last_proposal(client)
    await client.press(w.mentor_b.person, vote(proposal.id, True))
    await client.press(w.mentee3.person, vote(proposal.id, True))
    assert (await _program(client, w.program_b)).ends_on == date(2027, 12, 31)
    [entry] = [e for e in await _audit(client, w.program_b) if e.action == "extended"]
    assert entry.details["beyond_12_months"] is True
    assert entry.reason == "Декретный отпуск наставляемой"


async def _terminate(client: BotClient, who: Member, program_id: int, reason: str) -> None:
    await client.press(who.person, chg("terminate", program_id))
    data = EndReasonCb(program_id=program_id, reason=reason).pack()
    assert client.message_with(who.person.id, data), client.last_text(who.person.id)
    await client.press(who.person, data)
    await client.send(who.person, f"Причина: {reason}")
    if reason == EndReason.NON_FULFILMENT:  # one-sided: a final Yes
        await client.press(who.person, EndConfirmCb(program_id=program_id, yes=True).pack())


async def test_termination_with_each_reason(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        more = [await s.program(w.org, w.mentor_b, [w.mentee3]) for _ in range(2)]
        # A reminder still waiting about the program goes when it ends.
        s.session.add(
            OutboxMessage(
                chat_id=w.mentee3.person.id,
                user_id=w.mentee3.user_id,
                kind="plan-remind-before",
                ref_kind="program",
                ref_id=more[1],
                args={},
                due_at=client.clock.now() + timedelta(days=3),
                created_at=client.clock.now(),
                status="pending",
            )
        )
    # the mentor's initiative: the curator approves
    await _terminate(client, w.mentor_b, w.program_b, EndReason.MENTOR_INITIATIVE)
    assert (await _program(client, w.program_b)).status == "active"
    await client.press(w.curator.person, vote((await _last_proposal(client)).id, True))
    # the mentee's initiative (a group program: the mentee speaks for themself)
    await _terminate(client, w.mentee, w.program_a, EndReason.MENTEE_INITIATIVE)
    await client.press(w.curator.person, vote((await _last_proposal(client)).id, True))
    # both agreeing: the mentee proposes, the mentor and the curator agree
    await _terminate(client, w.mentee3, more[0], EndReason.AGREEMENT)
    proposal = await _last_proposal(client)
    await client.press(w.mentor_b.person, vote(proposal.id, True))
    assert (await _program(client, more[0])).status == "active"
    await client.press(w.curator.person, vote(proposal.id, True))
    # the curator alone, for non-fulfilment: no proposal
    await _terminate(client, w.curator, more[1], EndReason.NON_FULFILMENT)
    assert "завершена" in client.last_text(w.curator.person.id)

    # the actor is whoever's answer ended it (the approving curator); the proposer is kept
    expected = {
        w.program_b: (EndReason.MENTOR_INITIATIVE, w.curator, w.mentor_b),
        w.program_a: (EndReason.MENTEE_INITIATIVE, w.curator, w.mentee),
        more[0]: (EndReason.AGREEMENT, w.curator, w.mentee3),
        more[1]: (EndReason.NON_FULFILMENT, w.curator, None),
    }
    for program_id, (reason, actor, proposer) in expected.items():
        program = await _program(client, program_id)
        assert program.status == "ended" and program.end_reason == reason
        [entry] = [e for e in await _audit(client, program_id) if e.action == "terminated"]
        assert entry.actor_id == actor.user_id
        assert entry.details.get("proposer") == (proposer.user_id if proposer else None)
        assert entry.details["end_reason"] == reason and entry.reason == f"Причина: {reason}"
    assert "program-ended" in await _kinds_to(client, w.mentee3)
    async with client.sessionmaker() as s:
        live = await s.scalars(
            select(ProgramMentee.live_form).where(ProgramMentee.live_form.is_not(None))
        )
        assert list(live) == []
        reminder = await s.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "plan-remind-before")
        )
        assert reminder is not None and reminder.status == "cancelled"


async def test_one_side_may_not_pick_another_sides_reason(client: BotClient, w: World) -> None:
    forged = EndReasonCb(program_id=w.program_b, reason=EndReason.MENTEE_INITIATIVE).pack()
    calls = await client.press(w.mentor_b.person, forged)
    assert "недоступно" in _alert(client, calls)
    forged = EndReasonCb(program_id=w.program_b, reason=EndReason.NON_FULFILMENT).pack()
    calls = await client.press(w.mentee3.person, forged)
    assert "недоступно" in _alert(client, calls)
    calls = await client.press(w.mentee3.person, chg("complete", w.program_b))
    assert "недоступно" in _alert(client, calls)
    assert (await _program(client, w.program_b)).status == "active"


async def test_mentor_replacement_carries_open_questions(client: BotClient, w: World) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        question_id = await s.question(w.org, w.mentee3, w.mentor_b, "Как вести журнал?")
    # The old mentor's SLA reminder about it waits in the outbox (due after quiet hours).
    async with client.sessionmaker() as s, s.begin():
        await sla_catch_up(s, client.clock.now() + timedelta(days=2))
    assert "question-remind" in await _kinds_to(client, w.mentor_b)
    await client.send(w.mentee3.person, "/change_mentor")
    assert "причину" in client.last_text(w.mentee3.person.id)
    await client.send(w.mentee3.person, "Не сработались")
    proposal = await _last_proposal(client)
    text = client.last_text(w.curator.person.id)
    assert "просит другого наставника" in text and "Не сработались" in text
    pick = NewMentorCb(proposal_id=proposal.id, mentor_id=w.mentor_a.user_id).pack()
    assert client.message_with(w.curator.person.id, pick)
    # the mentee cannot pick their own new mentor
    calls = await client.press(w.mentee3.person, pick)
    assert "не адресовано" in _alert(client, calls)
    await client.press(w.curator.person, pick)
    assert "сменён" in client.last_text(w.curator.person.id)
    program = await _program(client, w.program_b)
    assert program.mentor_id == w.mentor_a.user_id and program.status == "active"
    async with client.sessionmaker() as s:
        question = await s.get(Question, question_id)
        assert question is not None
        assert question.owner_id == w.mentor_a.user_id == question.mentor_id
        stale = await s.scalars(
            select(OutboxMessage).where(
                OutboxMessage.user_id == w.mentor_b.user_id,
                OutboxMessage.ref_kind == "question",
                OutboxMessage.status == "pending",
            )
        )
        assert list(stale) == []
    # the new mentor got the question in full, with its buttons
    assert client.message_with(w.mentor_a.person.id, f"qa:{question_id}")
    assert "program-mentor-changed" in await _kinds_to(client, w.mentee3)
    [entry] = [e for e in await _audit(client, w.program_b) if e.action == "mentor-changed"]
    assert entry.details["old_mentor"] == w.mentor_b.user_id and entry.details["questions"] == 1
    assert entry.reason == "Не сработались"
    # the curator made the change; the mentee asked for it
    assert entry.actor_id == w.curator.user_id
    assert entry.details["proposer"] == w.mentee3.user_id
    await client.send(w.mentee3.person, f"/program #{w.program_b}")
    card = client.last_text(w.mentee3.person.id)
    assert "Куратор К: сменился наставник" in card, card
    # a second pick changes nothing
    calls = await client.press(w.curator.person, pick)
    assert "уже есть ответ" in _alert(client, calls)


async def test_release_and_removal_hand_the_mentees_over(client: BotClient, w: World) -> None:
    await client.send(w.mentor_b.person, "/release")
    await client.send(w.mentor_b.person, "Перехожу в другую школу")
    proposal = await _last_proposal(client)
    assert proposal.kind == "release"
    await client.press(w.curator.person, NewMentorCb(proposal_id=proposal.id, mentor_id=0).pack())
    assert (await _program(client, w.program_b)).mentor_id == w.mentor_b.user_id
    assert "отклонено" in client.last_text(w.mentor_b.person.id)

    # removing mentor A from the school: the curator picks a new mentor for A's program
    await client.press(
        w.curator.person,
        RemoveRoleCb(org_id=w.org, user_id=w.mentor_a.user_id, role="mentor").pack(),
    )
    proposal = await _last_proposal(client)
    assert "change-mentor-removed-ask" in await _kinds_to(client, w.curator)
    pick = NewMentorCb(proposal_id=proposal.id, mentor_id=w.mentor_b.user_id).pack()
    assert client.message_with(w.curator.person.id, pick)
    await client.press(w.curator.person, pick)
    assert (await _program(client, w.program_a)).mentor_id == w.mentor_b.user_id


async def test_completion_at_the_end_date(client: BotClient, w: World) -> None:
    calls = await client.press(w.curator.person, chg("complete", w.program_b))
    assert "с даты окончания" in _alert(client, calls)
    client.clock.set(client.clock.now().replace(year=2027, month=5, day=31, hour=6))
    for _ in range(2):
        async with client.sessionmaker() as s, s.begin():
            await changes.program_end_catch_up(s, client.clock.now())
        await client.tick()
    asks = [r for r in await client.notices() if r.kind == "program-end-ask"]
    assert len(asks) == 2  # program A and program B, once each, to the one curator
    assert client.message_with(w.curator.person.id, chg("complete", w.program_b))
    await client.press(w.curator.person, chg("complete", w.program_b))
    program = await _program(client, w.program_b)
    assert program.status == "ended" and program.end_reason == EndReason.COMPLETED
    assert "program-ended" in await _kinds_to(client, w.mentee3)


async def test_completion_when_the_plan_is_done(client: BotClient, w: World) -> None:
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        item = PlanItem(
            program_id=w.program_b, title="Посетить урок", deadline_kind="as_needed", created_at=now
        )
        s.add(item)
        await s.flush()
        s.add(PlanOccurrence(item_id=item.id, program_id=w.program_b, seq=1))
        await s.flush()
        assert not await changes.complete_if_done(s, w.program_b, w.mentor_b.user_id, now)
        occurrence = await s.scalar(select(PlanOccurrence))
        assert occurrence is not None
        occurrence.done_at = now
        await s.flush()
        assert await changes.complete_if_done(s, w.program_b, w.mentor_b.user_id, now)
        assert not await changes.complete_if_done(s, w.program_b, w.mentor_b.user_id, now)
    assert (await _program(client, w.program_b)).end_reason == EndReason.COMPLETED


async def test_two_curators_pairing_one_mentee_make_one_program(
    client: BotClient, pair_school: PairSchool
) -> None:
    w = pair_school
    now = client.clock.now()

    async def pair(mentor: Member) -> int | str:
        # Both start at once; SQLite's write gate (as in the app) lets one write at a
        # time, PostgreSQL runs both transactions side by side.
        async with write_gate(client.sessionmaker).hold(), client.sessionmaker() as s, s.begin():
            try:
                program = await create_program(
                    s,
                    org_id=w.org,
                    mentor_id=mentor.user_id,
                    mentee_ids=[w.t1.user_id],
                    form="situational",
                    mode="mixed",
                    starts_on=date(2026, 12, 1),
                    ends_on=date(2027, 5, 31),
                    created_by=w.curator.user_id,
                    now=now,
                )
                await asyncio.sleep(0.05)  # hold the transaction open a little
                return program.id
            except PairingError as error:
                return error.key

    results = await asyncio.gather(pair(w.m1), pair(w.m2))
    assert sorted(results, key=str).count("pair-err-busy") == 1, results
    async with client.sessionmaker() as s:
        live = list(
            await s.scalars(
                select(ProgramMentee.program_id).where(ProgramMentee.mentee_id == w.t1.user_id)
            )
        )
        programs = list(await s.scalars(select(Program.id)))
    assert len(live) == 1 and programs == live


async def test_the_last_two_answers_at_once_apply_the_change_once(
    client: BotClient, w: World
) -> None:
    proposal = await _propose_extension(
        client, w.curator, w.program_b, "30.06.2027", "Перенос аттестации"
    )
    await asyncio.gather(
        client.press(w.mentor_b.person, vote(proposal.id, True)),
        client.press(w.mentee3.person, vote(proposal.id, True)),
    )
    assert (await _program(client, w.program_b)).ends_on == date(2027, 6, 30)
    assert (await _last_proposal(client)).status == "accepted"
    accepted = [r for r in await client.notices() if r.kind == "change-accepted"]
    assert sorted(r.user_id for r in accepted) == sorted(
        [w.curator.user_id, w.mentor_b.user_id, w.mentee3.user_id]
    )
    extended = [e for e in await _audit(client, w.program_b) if e.action == "extended"]
    assert len(extended) == 1


async def test_forget_ends_the_program_the_one_way(client: BotClient, w: World) -> None:
    """/forget ends the person's program through the same step: the plan's waiting
    reminders go, the mentee is free for a new program of the form."""
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        item = PlanItem(
            program_id=w.program_b, title="Урок", deadline_kind="as_needed", created_at=now
        )
        s.add(item)
        await s.flush()
        occurrence = PlanOccurrence(item_id=item.id, program_id=w.program_b, seq=1)
        s.add(occurrence)
        await s.flush()
        s.add(
            OutboxMessage(
                chat_id=w.mentor_b.person.id,
                user_id=w.mentor_b.user_id,
                kind="plan-remind-today",
                ref_kind="plan",
                ref_id=occurrence.id,
                args={},
                due_at=now + timedelta(days=1),
                created_at=now,
                status="pending",
            )
        )
        await s.execute(
            ProgramMentee.__table__.update()
            .where(ProgramMentee.program_id == w.program_b)
            .values(live_form="situational")
        )
    async with client.sessionmaker() as s, s.begin():
        user = await s.get(User, w.mentee3.user_id)
        assert user is not None
        await forget_person(s, user, now)
    program = await _program(client, w.program_b)
    assert program.status == "ended" and program.end_reason == "consent-withdrawn"
    async with client.sessionmaker() as s:
        reminder = await s.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "plan-remind-today")
        )
        assert reminder is not None and reminder.status == "cancelled"
        live = await s.scalar(
            select(ProgramMentee.live_form).where(ProgramMentee.program_id == w.program_b)
        )
        assert live is None


# Meetings a shortened or ended program no longer has ----------------------------------

WED_1530 = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)  # 25.11 15:30 in Moscow


async def _meeting(client: BotClient, w: World, starts_at: datetime) -> int:
    """A meeting of program B proposed by its mentor and confirmed by the mentee."""
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        [meeting] = await meetings.propose_meeting(
            s, w.program_b, w.mentor_b.user_id, starts_at, "online", None, "Урок", False, now
        )
        assert await meetings.confirm(s, meeting.id, w.mentee3.user_id, now)
    await client.tick()  # the invitation and the confirmation go
    return meeting.id


async def _meeting_rows(client: BotClient, meeting_id: int) -> dict[str, set[str]]:
    async with client.sessionmaker() as s:
        rows = await s.scalars(
            select(OutboxMessage).where(
                OutboxMessage.ref_kind == "meeting", OutboxMessage.ref_id == meeting_id
            )
        )
        found: dict[str, set[str]] = {}
        for row in rows:
            found.setdefault(row.kind, set()).add(row.status)
        return found


def _cancel_ics_to(client: BotClient, chat_id: int, meeting_id: int) -> list[str]:
    """The cancellations (.ics METHOD:CANCEL) the person got for the meeting: their texts."""
    found = []
    for call in client.sent_to(chat_id):
        document = getattr(call.method, "document", None)
        if call.name != "sendDocument" or not isinstance(document, BufferedInputFile):
            continue
        fields = dict(line.split(":", 1) for line in ics.unfold(document.data))
        if fields.get("METHOD") == "CANCEL" and fields["UID"].startswith(f"meeting-{meeting_id}@"):
            found.append(call.text)
    return found


async def test_shortening_calls_off_the_meetings_after_the_new_end(
    client: BotClient, w: World
) -> None:
    kept = await _meeting(client, w, WED_1530)
    late = await _meeting(client, w, datetime(2027, 3, 10, 12, 30, tzinfo=UTC))
    assert await _meeting_rows(client, late) == {
        "meeting-invite": {"sent"},
        "meeting-confirmed": {"sent"},
        "meeting-reminder": {"pending"},
        "meeting-held-ask": {"pending"},
    }
    await client.press(w.curator.person, chg("shorten", w.program_b))
    await client.send(w.curator.person, "28.02.2027")
    await client.send(w.curator.person, "Наставляемая уходит в декрет")
    proposal = await _last_proposal(client)
    await client.press(w.mentor_b.person, vote(proposal.id, True))
    await client.press(w.mentee3.person, vote(proposal.id, True))
    assert (await _program(client, w.program_b)).ends_on == date(2027, 2, 28)

    async with client.sessionmaker() as s:
        statuses = {m.id: m.status for m in await s.scalars(select(meetings.Meeting))}
    assert statuses == {kept: "confirmed", late: "cancelled"}
    rows = await _meeting_rows(client, late)
    assert rows["meeting-reminder"] == rows["meeting-held-ask"] == {"cancelled"}
    # both took part: both get the cancellation that removes it from their calendars
    for member in (w.mentor_b, w.mentee3):
        [text] = _cancel_ics_to(client, member.person.id, late)
        assert "Программа сокращена" in text and "10.03.2027 15:30" in text, text
        assert not _cancel_ics_to(client, member.person.id, kept)
    assert (await _meeting_rows(client, kept))["meeting-reminder"] == {"pending"}
    [entry] = [e for e in await _audit(client, w.program_b) if e.action == "shortened"]
    assert entry.details["meetings_cancelled"] == [late]


async def test_ending_a_program_cancels_its_meetings_ahead_in_calendars(
    client: BotClient, w: World
) -> None:
    ahead = await _meeting(client, w, WED_1530)
    await _terminate(client, w.curator, w.program_b, EndReason.NON_FULFILMENT)
    assert (await _program(client, w.program_b)).status == "ended"
    rows = await _meeting_rows(client, ahead)
    assert rows["meeting-reminder"] == rows["meeting-held-ask"] == {"cancelled"}
    for member in (w.mentor_b, w.mentee3):
        [text] = _cancel_ics_to(client, member.person.id, ahead)
        assert "Программа завершена" in text and "25.11.2026 15:30" in text, text


async def test_an_extension_has_an_upper_bound(client: BotClient, w: World) -> None:
    """A typo like 31.12.2999 is refused with why, by the flow and by the model; past 12
    months up to 24 from the start is still allowed (with the reason every proposal has)."""
    await client.press(w.curator.person, chg("extend", w.program_b))
    await client.send(w.curator.person, "31.12.2999")
    text = client.last_text(w.curator.person.id)
    assert "Слишком поздняя дата" in text and "не позже 31.10.2028" in text, text
    await client.send(w.curator.person, "01.11.2028")
    assert "не позже 31.10.2028" in client.last_text(w.curator.person.id)
    await client.send(w.curator.person, "31.10.2028")
    assert "причину" in client.last_text(w.curator.person.id)
    async with client.sessionmaker() as s, s.begin():
        with pytest.raises(changes.ChangeError) as error:
            await changes.propose(
                s,
                program_id=w.program_b,
                kind="extend",
                proposer_id=w.mentor_b.user_id,
                reason="Опечатка",
                payload={"ends_on": "2999-12-31"},
                now=client.clock.now(),
            )
        assert error.value.key == "change-err-too-late"
    async with client.sessionmaker() as s:
        assert await s.scalar(select(Proposal.id)) is None
        assert await s.scalar(select(PlanOccurrence.id)) is None


async def test_forget_takes_the_words_out_of_change_notices(client: BotClient, w: World) -> None:
    """A change-ask carries its proposer's name and reason: when that mentee /forgets, the
    ask still waiting is not sent, and the ones sent keep none of it."""
    await _propose_extension(
        client, w.mentee3, w.program_b, "30.06.2027", "Семейные обстоятельства"
    )
    async with client.sessionmaker() as s, s.begin():
        asks = list(
            await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "change-ask"))
        )
        assert sorted(r.user_id for r in asks) == sorted([w.mentor_b.user_id, w.curator.user_id])
        assert all(r.args["reason"] == "Семейные обстоятельства" for r in asks)
        asks[0].status = "pending"  # one still waiting (the bot was busy or down)
        waiting = asks[0].id
        user = await s.get(User, w.mentee3.user_id)
        assert user is not None
        await forget_person(s, user, client.clock.now())
    async with client.sessionmaker() as s:
        rows = {
            r.id: r
            for r in await s.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "change-ask")
            )
        }
    assert rows[waiting].status == "cancelled"
    assert all(r.args == {} for r in rows.values()), [r.args for r in rows.values()]
    calls = await client.tick()
    assert not [c for c in calls if "Семейные обстоятельства" in c.text]


async def test_two_proposals_of_one_kind_at_once_make_one(client: BotClient, w: World) -> None:
    now = client.clock.now()

    async def propose(who: Member, day: str) -> int | str:
        # Both start at once; SQLite's write gate (as in the app) lets one write at a
        # time, PostgreSQL runs both transactions side by side.
        async with write_gate(client.sessionmaker).hold(), client.sessionmaker() as s, s.begin():
            try:
                proposal = await changes.propose(
                    s,
                    program_id=w.program_b,
                    kind="extend",
                    proposer_id=who.user_id,
                    reason="Болел",
                    payload={"ends_on": day},
                    now=now,
                )
                await asyncio.sleep(0.05)  # hold the transaction open a little
                return proposal.id
            except changes.ChangeError as error:
                return error.key

    results = await asyncio.gather(
        propose(w.mentor_b, "2027-06-15"), propose(w.mentee3, "2027-06-30")
    )
    assert sorted(results, key=str).count("change-err-pending") == 1, results
    async with client.sessionmaker() as s:
        pending = list(await s.scalars(select(Proposal.id).where(Proposal.status == "pending")))
    assert len(pending) == 1


async def test_a_second_request_for_a_new_mentor_is_closed_by_the_first(
    client: BotClient, w: World
) -> None:
    # the mentee asks for another mentor and the mentor asks to be released, at once
    await client.send(w.mentee3.person, "/change_mentor")
    await client.send(w.mentee3.person, "Не сработались")
    first = await _last_proposal(client)
    await client.send(w.mentor_b.person, "/release")
    await client.send(w.mentor_b.person, "Перехожу в другую школу")
    second = await _last_proposal(client)
    assert (first.kind, second.kind) == ("change_mentor", "release")
    pick_first = NewMentorCb(proposal_id=first.id, mentor_id=w.mentor_a.user_id).pack()
    pick_second = NewMentorCb(proposal_id=second.id, mentor_id=w.mentor_a.user_id).pack()
    assert client.message_with(w.curator.person.id, pick_second)
    await client.press(w.curator.person, pick_first)
    assert (await _program(client, w.program_b)).mentor_id == w.mentor_a.user_id
    # the other request is closed: withdrawn, logged, its proposer and the curator told
    async with client.sessionmaker() as s:
        closed = await s.get(Proposal, second.id)
        assert closed is not None and closed.status == "withdrawn"
    [entry] = [e for e in await _audit(client, w.program_b) if e.action == "withdrawn-release"]
    assert entry.actor_id == w.curator.user_id and entry.details["superseded_by"] == first.id
    told = [
        r.user_id
        for r in await client.notices()
        if r.kind == "change-superseded" and r.ref_id == second.id
    ]
    assert sorted(told) == sorted([w.mentor_b.user_id, w.curator.user_id])
    assert "уже сменён по другой просьбе" in client.last_text(w.mentor_b.person.id)
    await client.send(w.curator.person, f"/program #{w.program_b}")
    card = client.last_text(w.curator.person.id)
    assert "Куратор К: снято предложение освободить наставника (программа завершена или" in card
    # a later press on it says so and changes nothing
    for pick in (pick_second, NewMentorCb(proposal_id=second.id, mentor_id=0).pack()):
        calls = await client.press(w.curator.person, pick)
        assert "Наставник уже сменён по другой просьбе" in _alert(client, calls)
    assert (await _program(client, w.program_b)).mentor_id == w.mentor_a.user_id


async def test_non_fulfilment_ends_only_after_a_final_yes(client: BotClient, w: World) -> None:
    yes = EndConfirmCb(program_id=w.program_b, yes=True).pack()
    no = EndConfirmCb(program_id=w.program_b, yes=False).pack()

    async def ask() -> None:
        await client.press(w.curator.person, chg("terminate", w.program_b))
        pick = EndReasonCb(program_id=w.program_b, reason=EndReason.NON_FULFILMENT).pack()
        await client.press(w.curator.person, pick)
        await client.send(w.curator.person, "Встречи не проводятся")
        text = client.last_text(w.curator.person.id)
        assert f"Прекратить программу #{w.program_b}" in text and "Встречи не проводятся" in text
        assert client.message_with(w.curator.person.id, yes)
        assert (await _program(client, w.program_b)).status == "active"

    await ask()
    await client.send(w.curator.person, "ещё текст")
    assert "«Да, прекратить» или «Нет»" in client.last_text(w.curator.person.id)
    # a forged press by someone else finds no confirmation of theirs
    calls = await client.press(w.mentor_b.person, yes)
    assert "устарело" in _alert(client, calls)
    # No keeps the program
    await client.press(w.curator.person, no)
    assert "не прекращена" in client.last_text(w.curator.person.id)
    assert (await _program(client, w.program_b)).status == "active"
    # a later Yes on the old question does nothing
    calls = await client.press(w.curator.person, yes, message_id=1)
    assert "устарело" in _alert(client, calls)
    assert (await _program(client, w.program_b)).status == "active"
    # asked again, Yes ends it
    await ask()
    await client.press(w.curator.person, yes)
    assert "завершена" in client.last_text(w.curator.person.id)
    program = await _program(client, w.program_b)
    assert program.status == "ended" and program.end_reason == EndReason.NON_FULFILMENT
    [entry] = [e for e in await _audit(client, w.program_b) if e.action == "terminated"]
    assert entry.reason == "Встречи не проводятся" and entry.actor_id == w.curator.user_id


async def test_the_ask_message_shows_the_answer_given(client: BotClient, w: World) -> None:
    proposal = await _propose_extension(
        client, w.curator, w.program_b, "30.06.2027", "Перенос аттестации"
    )
    for member, agree, said in ((w.mentor_b, True, "согласен"), (w.mentee3, False, "не согласен")):
        calls = await client.press(member.person, vote(proposal.id, agree))
        [edit] = [c for c in calls if c.name == "editMessageText"]
        assert edit.chat_id == member.person.id and not edit.buttons
        assert edit.text.endswith(f"Ваш ответ: {said}"), edit.text
    # a press that records nothing leaves the message as it is
    calls = await client.press(w.mentee3.person, vote(proposal.id, True))
    assert not [c for c in calls if c.name.startswith("edit")]
