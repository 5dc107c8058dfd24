"""Commands used without their role get one refusal, from the command table of bot/menus.py;
with the role (or as an admin, for curators' commands) they reach their handlers."""

from __future__ import annotations

from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Person
from tests.support.onboard import code_in, join, new_org, said

CURATOR = Person(10, "Cur")
MENTEE = Person(30, "Tee")
STRANGER = Person(99, "Who", "en")


async def test_role_commands_are_refused_once_without_the_role(client: BotClient) -> None:
    await join(client, CURATOR, await new_org(client, ADMIN), name="Куратор Первая")
    link = code_in((await client.send(CURATOR, "/invite mentee"))[-1].text)
    await join(client, MENTEE, link, name="Молодой Учитель")
    # /questions is a mentor's and a curator's: both are named.
    calls = await client.send(MENTEE, "/questions")
    said(client, calls, "ru", "not-allowed-roles", roles="наставник, куратор")
    refusals = {
        "/mentees": "not-allowed-mentor",
        "/away 25.12": "not-allowed-mentor",
        "/back": "not-allowed-mentor",
        "/people": "not-allowed-curator",
        "/orgs": "not-allowed-admin",
    }
    for command, key in refusals.items():
        calls = await client.send(MENTEE, command)
        said(client, calls, "ru", key)
        assert len(client.replies(calls)) == 1, command
    said(client, await client.send(STRANGER, "/myquestions"), "en", "not-allowed-mentee")
    # A curator's /questions reaches the list; an admin may use a curator's command.
    said(client, await client.send(CURATOR, "/questions"), "ru", "questions-none")
    calls = await client.send(ADMIN, "/people")
    assert "Куратор Первая" in client.replies(calls)[-1].text


async def test_a_command_of_several_roles_names_every_role(client: BotClient) -> None:
    await join(client, CURATOR, await new_org(client, ADMIN), name="Куратор Первая")
    # /meet belongs to mentees and mentors: a curator is told both, in their language.
    calls = await client.send(CURATOR, "/meet")
    said(client, calls, "ru", "not-allowed-roles", roles="наставляемый, наставник")
    assert len(client.replies(calls)) == 1
    calls = await client.send(STRANGER, "/plan")
    said(client, calls, "en", "not-allowed-roles", roles="mentee, mentor, curator")
    # A command of one role keeps its own refusal.
    said(client, await client.send(STRANGER, "/release"), "en", "not-allowed-mentor")
