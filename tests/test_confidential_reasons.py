"""A request for another mentor says why the pair does not work: the curator and the
person asking read the reason; the other side of the pair sees only that it was asked."""

from __future__ import annotations

from tests.support.botclient import BotClient, Call
from tests.support.seed import World

WHY = "Не сработались: наставник не отвечает неделями"


def _texts(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.text)


async def test_a_change_mentor_reason_is_kept_from_the_mentor(client: BotClient, w: World) -> None:
    calls = await client.send(w.mentee3.person, "/change_mentor")
    assert "другой стороне пары она не показывается" in _texts(calls)
    await client.send(w.mentee3.person, WHY)
    card = f"/program #{w.program_b}"
    mentor_view = _texts(await client.send(w.mentor_b.person, card))
    assert "предложено сменить наставника" in mentor_view
    assert WHY not in mentor_view and "причина — у куратора" in mentor_view
    for reader in (w.curator, w.mentee3):
        assert WHY in _texts(await client.send(reader.person, card))
