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
from models import questions as qs

router = Router(name="flow-guard")

# The flow a state belongs to, by its group, as a locale key naming it.
FLOW_NAMES = {
    "Onboarding": "flow-name-consent",
    "ProfileForm": "flow-name-profile",
    "SettingsForm": "flow-name-settings",
    "AnswerForm": "flow-name-answer",
    "FollowUpForm": "flow-name-answer",
    "WriteFirstForm": "flow-name-answer",
    "NoteForm": "flow-name-program",
    "PairForm": "flow-name-pair",
    "MeetForm": "flow-name-meet",
    "PlanForm": "flow-name-plan",
    "ChangeForm": "flow-name-change",
    "PairRefuseForm": "flow-name-pair",
    "SurveyForm": "flow-name-survey",
    "PollForm": "flow-name-poll",
    "AnnounceForm": "flow-name-announce",
    "PracticeForm": "flow-name-practice",
}


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
async def outside_the_step(message: Message, flow_state: str, t: Translator) -> None:
    key = FLOW_NAMES.get(flow_state.split(":", 1)[0])
    flow = t.plain(key) if key is not None else t.plain("flow-name-generic")
    await message.answer(t("flow-unhandled", flow=flow))
