"""What a change of mentor must not leave behind: the replaced mentor's unanswered votes on
the program's open proposals (they pass to the new mentor, who is asked) and the replaced
mentor's plan reminders still waiting in the outbox."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bot.keyboards.changes import ChangeCb, NewMentorCb, VoteCb
from models.changes import Proposal, ProposalVote
from models.outbox import OutboxMessage
from models.people import Membership, Role
from models.plans import PlanItem, PlanOccurrence, deadline_catch_up
from models.programs import Program
from tests.support.botclient import BotClient, Call
from tests.support.seed import Member, World, seed

pytestmark = pytest.mark.usefixtures("no_errors")


def _vote(proposal_id: int, agree: bool) -> str:
    return VoteCb(proposal_id=proposal_id, agree=agree).pack()


def _alert(client: BotClient, calls: list[Call]) -> str:
    answers = client.callback_answers(calls)
    assert answers, [c.name for c in calls]
    return answers[-1].text or ""


async def _last_proposal(client: BotClient) -> Proposal:
    async with client.sessionmaker() as s:
        proposal = await s.scalar(select(Proposal).order_by(Proposal.id.desc()).limit(1))
        assert proposal is not None
        return proposal


async def _ends_on(client: BotClient, program_id: int) -> date:
    async with client.sessionmaker() as s:
        program = await s.get(Program, program_id)
        assert program is not None
        return program.ends_on


async def _extension(client: BotClient, who: Member, program_id: int) -> Proposal:
    await client.press(who.person, ChangeCb(action="extend", program_id=program_id).pack())
    await client.send(who.person, "30.06.2027")
    await client.send(who.person, "Нужно закончить открытый урок")
    assert "отправлено" in client.last_text(who.person.id), client.last_text(who.person.id)
    return await _last_proposal(client)


async def _replace_mentor(client: BotClient, w: World, new: Member) -> None:
    """The mentee of program B asks for another mentor; the curator picks `new`."""
    await client.send(w.mentee3.person, "/change_mentor")
    await client.send(w.mentee3.person, "Не сработались")
    request = await _last_proposal(client)
    await client.press(
        w.curator.person, NewMentorCb(proposal_id=request.id, mentor_id=new.user_id).pack()
    )
    assert "сменён" in client.last_text(w.curator.person.id)


async def test_the_new_mentor_answers_an_open_proposal_and_the_old_one_cannot(
    client: BotClient, w: World
) -> None:
    proposal = await _extension(client, w.mentee3, w.program_b)
    assert client.message_with(w.mentor_b.person.id, _vote(proposal.id, True))
    assert not client.message_with(w.mentor_a.person.id, _vote(proposal.id, True))
    await _replace_mentor(client, w, w.mentor_a)
    # the new mentor is asked, with the buttons
    assert client.message_with(w.mentor_a.person.id, _vote(proposal.id, True))
    assert "продлить программу до 30.06.2027" in client.last_text(w.mentor_a.person.id)
    # the replaced mentor's press changes nothing
    calls = await client.press(w.mentor_b.person, _vote(proposal.id, True))
    assert "не адресовано" in _alert(client, calls)
    calls = await client.press(w.mentor_a.person, _vote(proposal.id, True))
    assert "Ждём остальных" in _alert(client, calls)
    assert await _ends_on(client, w.program_b) == date(2027, 5, 31)
    calls = await client.press(w.curator.person, _vote(proposal.id, True))
    assert "вступило в силу" in _alert(client, calls)
    assert await _ends_on(client, w.program_b) == date(2027, 6, 30)


async def test_a_party_that_no_longer_holds_its_side_is_refused(
    client: BotClient, w: World
) -> None:
    proposal = await _extension(client, w.mentor_b, w.program_b)
    assert client.message_with(w.curator.person.id, _vote(proposal.id, True))
    # the curator loses the curator role before answering
    async with client.sessionmaker() as s, s.begin():
        await s.execute(
            update(Membership)
            .where(Membership.user_id == w.curator.user_id, Membership.role == Role.CURATOR)
            .values(removed_at=client.clock.now())
        )
    calls = await client.press(w.curator.person, _vote(proposal.id, True))
    assert "больше не куратор" in _alert(client, calls)
    await client.press(w.mentee3.person, _vote(proposal.id, True))
    assert await _ends_on(client, w.program_b) == date(2027, 5, 31)
    assert (await _last_proposal(client)).status == "pending"


async def test_the_old_mentors_given_answer_stays(client: BotClient, w: World) -> None:
    proposal = await _extension(client, w.mentee3, w.program_b)
    await client.press(w.mentor_b.person, _vote(proposal.id, True))
    await _replace_mentor(client, w, w.mentor_a)
    # the answer given stands: the new mentor is not asked again
    assert not client.message_with(w.mentor_a.person.id, _vote(proposal.id, True))
    calls = await client.press(w.mentor_b.person, _vote(proposal.id, True))
    assert "уже есть ответ" in _alert(client, calls)
    calls = await client.press(w.curator.person, _vote(proposal.id, True))
    assert "вступило в силу" in _alert(client, calls)
    assert await _ends_on(client, w.program_b) == date(2027, 6, 30)


async def test_the_old_mentors_waiting_plan_reminders_are_cancelled(
    client: BotClient, w: World
) -> None:
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        item = PlanItem(
            program_id=w.program_b, title="Посетить урок", deadline_kind="date", created_at=now
        )
        s.add(item)
        await s.flush()
        s.add(
            PlanOccurrence(
                item_id=item.id,
                program_id=w.program_b,
                seq=1,
                due_on=(now + timedelta(days=1)).date(),
                next_alert_at=now - timedelta(minutes=1),
            )
        )
    # The pair's reminders are written; they wait in the outbox until they are sent.
    async with client.sessionmaker() as s, s.begin():
        assert await deadline_catch_up(s, now)

    async def waiting(member: Member) -> list[OutboxMessage]:
        async with client.sessionmaker() as s:
            rows = await s.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.user_id == member.user_id,
                    OutboxMessage.ref_kind == "plan",
                    OutboxMessage.status == "pending",
                )
            )
            return list(rows.all())

    assert await waiting(w.mentor_b) and await waiting(w.mentee3)
    await _replace_mentor(client, w, w.mentor_a)
    assert await waiting(w.mentor_b) == []
    # the mentee's own reminders still go
    assert await waiting(w.mentee3)
    await client.tick()
    assert "Посетить урок" not in client.last_text(w.mentor_b.person.id)


async def test_a_curator_who_becomes_the_mentor_answers_once_as_the_mentor(
    client: BotClient, w: World
) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        await s.member(w.org, w.curator.person, Role.MENTOR, name="Куратор К")
    proposal = await _extension(client, w.mentee3, w.program_b)
    await _replace_mentor(client, w, w.curator)
    async with client.sessionmaker() as s:
        rows = await s.scalars(select(ProposalVote).where(ProposalVote.proposal_id == proposal.id))
        parties = {row.user_id: row.party for row in rows}
    assert parties == {w.mentee3.user_id: "mentee", w.curator.user_id: "mentor"}
    calls = await client.press(w.mentor_b.person, _vote(proposal.id, True))
    assert "не адресовано" in _alert(client, calls)
    calls = await client.press(w.curator.person, _vote(proposal.id, True))
    assert "вступило в силу" in _alert(client, calls)
    assert await _ends_on(client, w.program_b) == date(2027, 6, 30)
