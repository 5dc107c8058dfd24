"""The registry of notices: how an outbox row of each kind becomes Telegram messages.

A row is data (a kind, a reference, arguments); here it is rendered at send time in the
reader's language, with the buttons its reference calls for. Plain notices are the
locale key named by their kind. Two kinds do more: "carry" brings a person's message
with a header, and "carry-edit" updates such a copy after its original was edited.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import files, ics, plan_summary
from bot import surveys as survey_messages
from bot.delivery import Resume, Sent, apply_edit, copy_plain, deliver, send_header
from bot.i18n import Translator
from bot.keyboards import changes as ckb
from bot.keyboards import meetings as mkb
from bot.keyboards import plan as pkb
from bot.keyboards import questions as qkb
from bot.keyboards.callbacks import PairDecideCb, RemoveRoleCb
from bot.keyboards.program import active_notice_keyboard
from bot.texts import split_text, utf16_len
from models import changes as chg
from models import meetings as mt
from models import plans, routing
from models import questions as qs
from models import surveys as sv
from models.outbox import OutboxMessage


@dataclass
class Delivery:
    """One row being sent: everything a renderer may use."""

    bot: Bot
    row: OutboxMessage
    t: Translator
    sessionmaker: async_sessionmaker[AsyncSession]  # reads only; never held across a send
    # What this try has sent so far: kept (and linked) when a later step fails.
    progress: list[Sent] = field(default_factory=list)

    @property
    def args(self) -> dict[str, Any]:
        return self.row.args or {}

    @property
    def resume(self) -> Resume | None:
        """What an earlier try of this row had sent before it was interrupted."""
        done = self.args.get("resume")
        return Resume(done["done"], done.get("head")) if done else None


Keyboard = Callable[[OutboxMessage, Translator], InlineKeyboardMarkup | None]
Render = Callable[[Delivery], Awaitable[list[Sent]]]


def _question_keys(kind: str | None, q: int, t: Translator) -> InlineKeyboardMarkup | None:
    if kind == routing.MENTOR_KEYS:
        return qkb.question_keyboard(t, q, for_curator=False)
    if kind == routing.CURATOR_KEYS:
        return qkb.question_keyboard(t, q, for_curator=True)
    if kind == routing.ANSWER_KEYS:
        return qkb.answer_keyboard(t, q)
    return None


def _pair_offer(row: OutboxMessage, t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    program_id = int(row.ref_id or 0)
    builder.button(
        text=t.plain("pair-btn-accept"),
        callback_data=PairDecideCb(program_id=program_id, accept=True),
    )
    builder.button(
        text=t.plain("pair-btn-refuse"),
        callback_data=PairDecideCb(program_id=program_id, accept=False),
    )
    builder.adjust(2)
    return builder.as_markup()


def _joined(row: OutboxMessage, t: Translator) -> InlineKeyboardMarkup | None:
    if row.org_id is None or row.ref_id is None or "role" not in (row.args or {}):
        return None
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("notice-remove-role"),
        callback_data=RemoveRoleCb(org_id=row.org_id, user_id=row.ref_id, role=row.args["role"]),
    )
    return builder.as_markup()


KEYBOARDS: dict[str, Keyboard] = {
    "pair-offer": _pair_offer,
    "pair-active-mentee": lambda row, t: active_notice_keyboard(t, int(row.ref_id or 0)),
    "notice-joined": _joined,
    "question-escalated": lambda row, t: qkb.escalation_keyboard(t, int(row.ref_id or 0)),
    "question-resolved": lambda row, t: qkb.rate_keyboard(int(row.ref_id or 0)),
    "reassign-pick": lambda row, t: qkb.reassign_keyboard(
        int(row.ref_id or 0), [(int(uid), t.name(name)) for uid, name in row.args["mentors"]]
    ),
    mt.INVITE: lambda row, t: mkb.invite_keyboard(t, int(row.ref_id or 0)),
    mt.MOVED: lambda row, t: mkb.invite_keyboard(t, int(row.ref_id or 0)),
    chg.ASK: lambda row, t: ckb.vote_keyboard(t, int(row.ref_id or 0)),
    chg.ASK_MENTOR: lambda row, t: ckb.new_mentor_keyboard(
        t, int(row.ref_id or 0), [(int(uid), t.name(name)) for uid, name in row.args["mentors"]]
    ),
    chg.ASK_REMOVED: lambda row, t: ckb.new_mentor_keyboard(
        t, int(row.ref_id or 0), [(int(uid), t.name(name)) for uid, name in row.args["mentors"]]
    ),
    chg.END_ASK: lambda row, t: ckb.end_ask_keyboard(t, int(row.ref_id or 0)),
    plans.REMIND_BEFORE: lambda row, t: pkb.reminder_keyboard(t, int(row.ref_id or 0)),
    plans.REMIND_TODAY: lambda row, t: pkb.reminder_keyboard(t, int(row.ref_id or 0)),
    plans.OVERDUE: lambda row, t: pkb.reminder_keyboard(t, int(row.ref_id or 0)),
    plans.DONE_NOTICE: lambda row, t: pkb.open_keyboard(t, int(row.args["program"])),
}


async def _text(d: Delivery, text: str, markup: InlineKeyboardMarkup | None) -> list[Sent]:
    pieces = split_text(text)
    sent = []
    for index, piece in enumerate(pieces):
        message = await d.bot.send_message(
            d.row.chat_id,
            piece,
            reply_markup=markup if index == len(pieces) - 1 else None,
            disable_notification=d.row.silent,
        )
        sent.append(Sent(message.message_id, False, False))
    return sent


async def render_notice(d: Delivery) -> list[Sent]:
    keyboard = KEYBOARDS.get(d.row.kind)
    markup = keyboard(d.row, d.t) if keyboard else None
    return await _text(d, d.t(d.row.kind, **d.args), markup)


async def render_carry(d: Delivery) -> list[Sent]:
    args = d.args
    carried = args.get("carried")
    q = int(d.row.ref_id or 0)
    silent = d.row.silent
    markup = _question_keys(args.get("keyboard"), q, d.t)
    header = d.t.plain(args["header"], **args.get("header_args", {})) if args.get("header") else ""
    if carried is None:
        return [await send_header(d.bot, d.row.chat_id, header, silent=silent, markup=markup)]
    if args.get("plain"):
        return [await copy_plain(d.bot, d.row.chat_id, carried, silent=silent, reply_to=None)]
    if carried.get("album_first"):
        # A later part of an album whose first part this chat got already: it replies to
        # that copy, with no header of its own.
        async with d.sessionmaker() as session:
            first = await qs.copy_in_chat(
                session, q, d.row.chat_id, (carried["chat"], carried["album_first"])
            )
        if first is not None:
            return [await copy_plain(d.bot, d.row.chat_id, carried, silent=silent, reply_to=first)]
    return await deliver(
        d.bot,
        d.row.chat_id,
        carried,
        header,
        silent=silent,
        markup=markup,
        progress=d.progress,
        resume=d.resume,
    )


async def render_edit(d: Delivery) -> list[Sent]:
    args = d.args
    copy_id = int(args["copy"])
    header = (
        d.t.plain(args["header"], **args.get("header_args", {})) if args.get("header") else None
    )
    markup = _question_keys(args.get("keyboard"), int(d.row.ref_id or 0), d.t)
    if args.get("carried") is None:  # a header message of its own: only the header changes
        await d.bot.edit_message_text(
            text=header or "",
            chat_id=d.row.chat_id,
            message_id=copy_id,
            parse_mode=None,
            entities=[MessageEntity(type="bold", offset=0, length=utf16_len(header or ""))],
            reply_markup=markup,
        )
        return []
    if await apply_edit(d.bot, d.row.chat_id, copy_id, args["carried"], header, markup):
        return []
    # The copy cannot take the edit (too long, or a kind Telegram cannot edit): say so
    # under the old copy and bring the new version.
    await d.bot.send_message(
        d.row.chat_id,
        d.t("edit-notice", number=args.get("number", "")),
        reply_parameters=ReplyParameters(message_id=copy_id, allow_sending_without_reply=True),
    )
    await copy_plain(d.bot, d.row.chat_id, args["carried"], silent=d.row.silent, reply_to=None)
    return []


def meeting_calendar(row: OutboxMessage, t: Translator, now: datetime) -> bytes:
    """The .ics a meeting notice carries: its meeting (every meeting of a new weekly
    series), at the SEQUENCE it has reached; a cancellation removes it."""
    args = row.args or {}
    summary = t.plain(
        "meeting-ics-summary", topic=args.get("topic", ""), has_topic=bool(args.get("topic"))
    )
    description = t.plain(
        "meeting-ics-description", mode=args.get("mode", ""), who=args.get("who", "")
    )
    # [id, start, end] or, when the meetings' sequences differ, [id, start, end, seq]
    series = args.get("series") or [[row.ref_id, args["start"], args["end"]]]
    events = [
        ics.Event(
            meeting_id=int(item[0]),
            starts_at=datetime.fromisoformat(item[1]),
            ends_at=datetime.fromisoformat(item[2]),
            summary=summary,
            location=args.get("place", ""),
            description=description,
            sequence=int(item[3] if len(item) > 3 else args.get("seq", 0)),
        )
        for item in series
    ]
    cancel = row.kind in (mt.CANCELLED, mt.SERIES_CANCELLED)
    return ics.calendar(events, now, cancel=cancel)


async def render_meeting(d: Delivery) -> list[Sent]:
    """A meeting's invitation, new time or cancellation: the text as the caption of an
    .ics document, with the buttons of its kind."""
    keyboard = KEYBOARDS.get(d.row.kind)
    data = meeting_calendar(d.row, d.t, d.row.created_at)
    message = await d.bot.send_document(
        d.row.chat_id,
        BufferedInputFile(data, filename=f"meeting-{d.row.ref_id}.ics"),
        caption=d.t(d.row.kind, **d.args),
        reply_markup=keyboard(d.row, d.t) if keyboard else None,
        disable_notification=d.row.silent,
    )
    return [Sent(message.message_id, False, False)]


async def render_meeting_live(d: Delivery) -> list[Sent]:
    """A reminder or the mentor's held question, from the meeting as it is now: who it
    is with, whether it is confirmed (an unconfirmed one's reminder asks the person who
    has to confirm it, with the invitation's buttons). Nothing is sent for a meeting
    gone or cancelled, nor the held question of one not confirmed or marked already."""
    async with d.sessionmaker() as session:
        found = await mt.live_args(session, int(d.row.ref_id or 0), d.row.user_id)
    if found is None:
        return []
    meeting, args = found
    if d.row.kind == mt.HELD_ASK:
        if not args["confirmed"] or meeting.held is not None:
            return []
        markup = mkb.held_keyboard(d.t, meeting.id)
    else:
        markup = mkb.invite_keyboard(d.t, meeting.id) if args["to_confirm"] else None
    text = d.t(d.row.kind, **{**d.args, **args})
    return await _text(d, "\n".join(line for line in text.split("\n") if line.strip()), markup)


async def render_plan_summary(d: Delivery) -> list[Sent]:
    """The curators' daily summary of overdue plan items (bot/plan_summary.py)."""
    text, markup = plan_summary.render(d.t, d.args)
    return await _text(d, text, markup)


RENDERERS: dict[str, Render] = {
    plans.OVERDUE_CURATOR: render_plan_summary,
    routing.CARRY: render_carry,
    routing.CARRY_EDIT: render_edit,
    **{kind: render_meeting for kind in mt.DOCUMENT_KINDS},
    **{kind: render_meeting_live for kind in mt.LIVE_KINDS},
    **files.RENDERERS,
    **{kind: survey_messages.render for kind in sv.NOTICES},
}


def renderer(kind: str, t: Translator) -> Render | None:
    """The renderer of a kind; None for a kind nobody knows (the row fails, loudly)."""
    if kind in RENDERERS:
        return RENDERERS[kind]
    return render_notice if t.has(kind) else None


def resumed_args(row: OutboxMessage, sent: list[Sent]) -> dict[str, Any]:
    """The row's arguments, noting what an interrupted try had sent, for the next try."""
    args = dict(row.args or {})
    before = args.get("resume") or {"done": 0, "head": None}
    args["resume"] = {
        "done": before["done"] + len(sent),
        "head": before.get("head") or (sent[0].message_id if sent else None),
    }
    return args


async def record_deliveries(
    session: AsyncSession,
    delivered: list[tuple[OutboxMessage, list[Sent]]],
    interrupted: list[tuple[OutboxMessage, list[Sent]]],
    now: Any,
) -> None:
    """What deliveries yield, recorded in the sender's transaction: a message about a
    question joins its thread (so do the parts an interrupted try sent), and a delivered
    survey question's message is the one a reply answers."""
    await qs.link_messages(
        session,
        [link for row, sent in (*delivered, *interrupted) for link in links(row, sent, now)],
    )
    await sv.record_prompts(
        session, [p for row, sent in delivered for p in survey_messages.prompts(row, sent)]
    )


def links(row: OutboxMessage, sent: list[Sent], now: Any) -> list[dict[str, Any]]:
    """What a delivery yields: a message about a question joins its thread, so replies to
    it and buttons on it act on that question."""
    if row.ref_kind != "question" or row.ref_id is None:
        return []
    carried = (row.args or {}).get("carried")
    role = (row.args or {}).get("role", "notice") if row.kind == routing.CARRY else "notice"
    return [
        qs.link(
            row.ref_id,
            row.chat_id,
            item.message_id,
            role,
            now,
            (carried["chat"], carried["mid"]) if carried and item.is_copy else None,
            item.with_header,
        )
        for item in sent
    ]


async def undeliverable(session: AsyncSession, row: OutboxMessage, now: Any) -> None:
    """The reader blocked the bot. A question's copy to the person who had to answer it
    goes to the curators instead."""
    if row.user_id is None:
        return
    await routing.reader_blocked(session, row.user_id, now)
    if row.kind == routing.CARRY and row.ref_kind == "question" and row.ref_id is not None:
        await routing.undeliverable(session, row.ref_id, row.user_id, now)
