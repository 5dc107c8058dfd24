"""A change of mentor in an inter-school pair (README "Inter-school pairs"): a small
school with no mentor of its own borrowed one from another school. Its curator is offered
the lending school's mentors too, named with their school, and may pick one; when the
lending school removes the borrowed mentor, the program is handed over the same way."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.keyboards.callbacks import RemoveRoleCb
from bot.keyboards.changes import NewMentorCb
from models.changes import Proposal
from models.people import Role
from models.programs import Program
from tests.support.botclient import BotClient, Person
from tests.support.seed import Member, seed

pytestmark = pytest.mark.usefixtures("no_errors")


@dataclass
class Lent:
    small_curator: Member
    lender_curator: Member
    lent: Member  # the mentor the small school borrowed
    colleague: Member  # another mentor of the lending school
    stranger: Member  # a mentor of a third school
    mentee: Member
    lender: int
    program: int


@pytest.fixture
async def lent(client: BotClient) -> Lent:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        small = await s.org("Малая школа")
        lender = await s.org("Школа-донор")
        third = await s.org("Третья школа")
        small_curator = await s.member(small, Person(10, "C1"), Role.CURATOR, name="Куратор Малой")
        lender_curator = await s.member(
            lender, Person(11, "C2"), Role.CURATOR, name="Куратор Донора"
        )
        lent = await s.member(lender, Person(20, "L1"), Role.MENTOR, name="Наставник Заёмный")
        colleague = await s.member(lender, Person(21, "L2"), Role.MENTOR, name="Наставник Второй")
        stranger = await s.member(third, Person(22, "X"), Role.MENTOR, name="Наставник Чужой")
        mentee = await s.member(small, Person(30, "T"), Role.MENTEE, name="Молодой Учитель")
        program = await s.program(small, lent, [mentee])
    return Lent(small_curator, lender_curator, lent, colleague, stranger, mentee, lender, program)


async def _last_proposal(client: BotClient) -> Proposal:
    async with client.sessionmaker() as s:
        proposal = await s.scalar(select(Proposal).order_by(Proposal.id.desc()).limit(1))
        assert proposal is not None
        return proposal


async def _mentor_of(client: BotClient, program_id: int) -> int:
    async with client.sessionmaker() as s:
        program = await s.get(Program, program_id)
        assert program is not None
        return program.mentor_id


def _offered(client: BotClient, chat_id: int, proposal_id: int) -> dict[int, str]:
    """The mentors on the last buttons of this proposal sent to the chat: id → label."""
    for call in reversed(client.session.calls):
        if call.chat_id != chat_id:
            continue
        found = {}
        for label, data in call.buttons:
            if data.startswith(NewMentorCb.__prefix__):
                picked = NewMentorCb.unpack(data)
                if picked.proposal_id == proposal_id and picked.mentor_id:
                    found[picked.mentor_id] = label
        if found:
            return found
    return {}


async def test_change_of_a_borrowed_mentor_offers_the_lending_school(
    client: BotClient, lent: Lent
) -> None:
    await client.send(lent.mentee.person, "/change_mentor")
    await client.send(lent.mentee.person, "Не сработались")
    proposal = await _last_proposal(client)
    curator = lent.small_curator.person.id
    offered = _offered(client, curator, proposal.id)
    # The small school has no mentor: its curator is offered the lending school's other one.
    assert list(offered) == [lent.colleague.user_id]
    assert "Школа-донор" in offered[lent.colleague.user_id]
    # A mentor of a third school is refused even with a forged button.
    forged = NewMentorCb(proposal_id=proposal.id, mentor_id=lent.stranger.user_id).pack()
    calls = await client.press(lent.small_curator.person, forged)
    assert "нельзя" in client.callback_answers(calls)[-1].text
    assert await _mentor_of(client, lent.program) == lent.lent.user_id
    pick = NewMentorCb(proposal_id=proposal.id, mentor_id=lent.colleague.user_id).pack()
    await client.press(lent.small_curator.person, pick)
    assert "сменён" in client.last_text(curator)
    assert await _mentor_of(client, lent.program) == lent.colleague.user_id


async def test_a_borrowed_mentor_removed_at_home_is_handed_over(
    client: BotClient, lent: Lent
) -> None:
    await client.press(
        lent.lender_curator.person,
        RemoveRoleCb(org_id=lent.lender, user_id=lent.lent.user_id, role="mentor").pack(),
    )
    proposal = await _last_proposal(client)
    assert proposal.program_id == lent.program and proposal.kind == "release"
    curator = lent.small_curator.person.id
    assert "удалён" in client.last_text(curator)
    offered = _offered(client, curator, proposal.id)
    assert list(offered) == [lent.colleague.user_id]
    assert "Школа-донор" in offered[lent.colleague.user_id]
    # The lending school's curator is not the one asked: the program is the small school's.
    assert _offered(client, lent.lender_curator.person.id, proposal.id) == {}
    pick = NewMentorCb(proposal_id=proposal.id, mentor_id=lent.colleague.user_id).pack()
    await client.press(lent.small_curator.person, pick)
    assert await _mentor_of(client, lent.program) == lent.colleague.user_id


async def test_a_borrowed_mentor_still_mentoring_elsewhere_keeps_the_program(
    client: BotClient, lent: Lent
) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        third = await s.org("Четвёртая школа")
        await s.member(third, lent.lent.person, Role.MENTOR, name="Наставник Заёмный")
    await client.press(
        lent.lender_curator.person,
        RemoveRoleCb(org_id=lent.lender, user_id=lent.lent.user_id, role="mentor").pack(),
    )
    async with client.sessionmaker() as s:
        assert await s.scalar(select(Proposal)) is None
    assert await _mentor_of(client, lent.program) == lent.lent.user_id


async def test_a_borrowed_mentor_asking_release_is_offered_their_schools_mentors(
    client: BotClient, lent: Lent
) -> None:
    await client.send(lent.lent.person, "/release")
    await client.send(lent.lent.person, "Ухожу в отпуск")
    proposal = await _last_proposal(client)
    assert proposal.kind == "release"
    offered = _offered(client, lent.small_curator.person.id, proposal.id)
    assert list(offered) == [lent.colleague.user_id]
    pick = NewMentorCb(proposal_id=proposal.id, mentor_id=lent.colleague.user_id).pack()
    await client.press(lent.small_curator.person, pick)
    assert await _mentor_of(client, lent.program) == lent.colleague.user_id
