"""A flow left open does not last forever (FLOW_TIMEOUT_MINUTES).

A message that arrives while some flow's state is older than the limit (counted from
the flow's last step: the last change of the person's FSM state or data) is handled as
if no flow were under way: the state is cleared first, and the person is told once that
the flow was interrupted. So a /profile left at «ФИО» for three days does not turn a
mentee's question into their full name, and a step that takes only buttons does not
answer «finish this step first» until /cancel. Button presses on an old flow's messages
are not touched: each re-checks what it acts on.

The time of the last change comes from the storage (bot/storage.py DbStorage
`changed_at`, served by its copy of the table: no statement). A person with no state
costs nothing: aiogram has read the state already (`raw_state`). A storage that cannot
tell the time (none other is used) keeps flows open as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject

from bot.clock import Clock
from bot.i18n import Translator

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

# States that are no dialog for the person: they end without a word (a survey's free-text
# window: the survey itself waits where it was).
SILENT = ("SurveyForm",)
# Flows with a time limit of their own, told in their own words (a reply being written to
# a question: handlers/questions/thread.py FLOW_TTL, «reply to the question's message»).
OWN_LIMIT = ("AnswerForm", "FollowUpForm", "WriteFirstForm")


def flow_name(t: Translator, state: str) -> str:
    key = FLOW_NAMES.get(state.split(":", 1)[0])
    return t.plain(key) if key is not None else t.plain("flow-name-generic")


class FlowTimeoutMiddleware(BaseMiddleware):
    """An outer middleware of messages (registered after the i18n one has run)."""

    def __init__(self, limit: timedelta) -> None:
        self.limit = limit

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        raw: str | None = data.get("raw_state")
        state: FSMContext | None = data.get("state")
        if (
            raw is None
            or state is None
            or not isinstance(event, Message)
            or raw.split(":", 1)[0] in OWN_LIMIT
        ):
            return await handler(event, data)
        changed_at = getattr(state.storage, "changed_at", None)
        since = await changed_at(state.key) if changed_at is not None else None
        clock: Clock = data["clock"]
        if since is None or clock.now() - since <= self.limit:
            return await handler(event, data)
        await state.clear()
        data["raw_state"] = None
        if raw.split(":", 1)[0] not in SILENT:
            t: Translator = data["t"]
            minutes = int(self.limit.total_seconds() // 60)
            await event.answer(t("flow-timed-out", flow=flow_name(t, raw), minutes=minutes))
        return await handler(event, data)
