"""The question catch-all runs only outside every flow.

A flow step handles the messages it expects; anything else sent while a flow is under
way (a photo at the profile form's name step, a sticker while /meet waits for a time)
would otherwise reach the catch-all and become a question. Here it gets one answer
naming the flow, and the flow stays where it was. A reply to a message of a question's
thread still acts on that question.

The state is read afresh (not the one aiogram read before the handlers ran): a flow
that ended while this update was handled (a reply flow that let a reply through) lets
the message go on. The read comes from the FSM storage's copy: no statement.
"""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.i18n import Translator
from bot.middlewares.flow_timeout import FLOW_NAMES, flow_name
from models import questions as qs

__all__ = ["FLOW_NAMES", "router"]

router = Router(name="flow-guard")

# The FSM data key holding the album (media group) answered last: an album gets one
# answer, not one per photo.
ALBUM = "flow_guard_album"


class InFlow(Filter):
    """A message sent while some flow is under way, that no step of it took."""

    async def __call__(self, message: Message, state: FSMContext, **data: Any) -> Any:
        current = await state.get_state()
        if current is None:
            return False
        reply = message.reply_to_message
        if reply is not None and await qs.question_by_message(
            data["session"], message.chat.id, reply.message_id
        ):
            return False
        return {"flow_state": current}


@router.message(InFlow())
async def outside_the_step(
    message: Message, flow_state: str, state: FSMContext, t: Translator
) -> None:
    group = message.media_group_id
    if group is not None:
        if (await state.get_data()).get(ALBUM) == group:
            return
        await state.update_data({ALBUM: group})
    await message.answer(t("flow-unhandled", flow=flow_name(t, flow_state)))
