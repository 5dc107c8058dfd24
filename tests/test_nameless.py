"""A person who leaves onboarding (/cancel) before giving a name, and whose Telegram name
is blank, is shown to curators as «без имени #id», never as a bare id."""

from __future__ import annotations

from models.people import NAMELESS, Role
from tests.support.botclient import BotClient, Call, Person
from tests.support.onboard import code_in, user_of
from tests.support.seed import seed

CURATOR = Person(10, "Cur")
ENGLISH_CURATOR = Person(12, "Cur2", "en")


def texts(calls: list[Call]) -> str:
    shown = [c.text for c in calls] + [label for c in calls for label, _ in c.buttons]
    return "\n".join(shown)


async def test_a_person_who_cancelled_onboarding_without_a_name_is_shown_as_nameless(
    client: BotClient,
) -> None:
    now = client.clock.now()
    async with seed(client.sessionmaker, now) as s:
        org = await s.org("Школа 5")
        await s.member(org, CURATOR, Role.CURATOR, name="Петрова Ольга")
        await s.member(org, ENGLISH_CURATOR, Role.CURATOR, name="Smith Jane")
    code = code_in((await client.send(CURATOR, "/invite mentee"))[-1].text)
    blank = Person(61, " ")  # a Telegram name of blanks
    await client.send(blank, f"/start {code}")
    await client.press(blank, "cs:1")
    await client.send(blank, "/cancel")
    user = await user_of(client, blank)
    assert user is not None and user.full_name is None

    seen = texts(await client.send(CURATOR, "/people"))
    seen += texts(await client.send(CURATOR, "/pair"))
    assert f"без имени #{user.id}" in seen
    assert f"> #{user.id} — " not in seen.replace("</b>", ">")  # no bare id as a name
    assert NAMELESS not in seen

    seen = texts(await client.send(ENGLISH_CURATOR, "/people"))
    assert f"no name #{user.id}" in seen and NAMELESS not in seen
