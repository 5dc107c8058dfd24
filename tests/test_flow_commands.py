"""A command typed in the middle of any flow reaches its own handler: no flow's "please
type text" step swallows it (a mentee stuck in a step could not even /forget)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

import bot.states
from handlers.flow_guard import FLOW_NAMES
from tests.support.botclient import BotClient
from tests.support.seed import World


def every_state() -> list[State]:
    groups = [
        value
        for value in vars(bot.states).values()
        if isinstance(value, type) and issubclass(value, StatesGroup) and value is not StatesGroup
    ]
    return [state for group in groups for state in group.__all_states__]


async def test_a_command_in_any_flow_step_reaches_its_handler(client: BotClient, w: World) -> None:
    person = w.mentor_a.person
    key = StorageKey(bot_id=client.bot.id, chat_id=person.id, user_id=person.id)
    states = every_state()
    assert len(states) > 20
    for state in states:
        await client.dp.storage.set_state(key, state.state)
        calls = await client.send(person, "/mydata")
        documents = [c for c in client.replies(calls) if c.name == "sendDocument"]
        assert documents, f"/mydata was swallowed in {state.state}: {client.replies(calls)}"
        await client.dp.storage.set_state(key, None)


def test_every_flow_has_a_name_to_tell_a_stray_message() -> None:
    """A message no step takes is answered by naming the flow (handlers/flow_guard.py):
    a new flow must name itself, or people read a vague «диалог»."""
    groups = {state.group.__name__ for state in every_state()}
    assert groups <= set(FLOW_NAMES), sorted(groups - set(FLOW_NAMES))
