"""Routing a question: who receives a mentee's message, an answer or an edit, decided in
the handler's transaction and queued as outbox rows that bot/ delivers after the commit.

A question's messages are carried as "carry" rows: the original's place and text, a
header (a locale key and its arguments) and the keyboard the reader gets. What Telegram
answers (the copy's message id) is linked to the question when the row is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import questions as qs
from models.calendar import WorkSchedule
from models.outbox import enqueue
from models.people import Organization, Role, User, mark_unreachable, org_user_ids
from models.questions import Question, QuestionMessage, Route

CARRY = "carry"
CARRY_EDIT = "carry-edit"

# The keyboard a reader's copy carries.
MENTOR_KEYS = "mentor"  # answer, hand over, close
CURATOR_KEYS = "curator"  # answer, reassign, close
ANSWER_KEYS = "answer"  # resolved, follow up, rate

HEADER_KEYS = {
    "question": "question-header",
    "followup": "followup-header",
}


@dataclass
class Queued:
    """What a routing step queued: who will get it, and the rows that carry it."""

    readers: list[User]
    rows: list[int]


@dataclass
class Refusal:
    """Why a message could not be carried: a locale key and its arguments."""

    key: str
    args: dict[str, Any]


@dataclass
class Ack:
    """What to tell the person acting once the rows have been tried: `key` with `args`
    when they went through (bot/ says "queued" or "undelivered" otherwise)."""

    rows: list[int]
    key: str
    args: dict[str, Any]
    # When the reader blocked the bot: a mentee's question went on to the curators.
    undelivered: str = "answer-undelivered"


def ref(question: Question) -> tuple[str, int]:
    return ("question", question.id)


async def _org(session: AsyncSession, org_id: int) -> Organization:
    org = await session.get(Organization, org_id)
    assert org is not None
    return org


async def quiet_now(session: AsyncSession, org_id: int, now: datetime) -> bool:
    return WorkSchedule.of(await _org(session, org_id)).is_quiet(now)


async def owners(session: AsyncSession, question: Question) -> list[User]:
    """Who must answer: the owner, or every curator of the organization; only people the
    bot can reach."""
    if question.owner_id is not None:
        ids = [question.owner_id]
    else:
        ids = await org_user_ids(session, question.org_id, Role.CURATOR)
    people = [await session.get(User, uid) for uid in ids]
    return [p for p in people if p is not None and p.tg_id is not None and p.reachable]


async def header_args(session: AsyncSession, question: Question) -> dict[str, Any]:
    mentee = await session.get(User, question.mentee_id)
    return {
        "number": question.number,
        "mentee": mentee.display_name if mentee else "—",
        "subject": await qs.mentee_subject(session, question.mentee_id) or "—",
    }


async def _carry(
    session: AsyncSession,
    question: Question,
    reader: User,
    now: datetime,
    *,
    carried: dict[str, Any] | None,
    role: str,
    header: str | None,
    header_args: dict[str, Any],
    keyboard: str | None,
    author_id: int | None,
    silent: bool,
    plain: bool = False,
) -> int | None:
    assert reader.tg_id is not None
    return await enqueue(
        session,
        chat_id=reader.tg_id,
        user_id=reader.id,
        language=reader.language or "",
        org_id=question.org_id,
        kind=CARRY,
        ref=ref(question),
        author_id=author_id,
        args={
            "carried": carried,
            "role": role,
            "header": header,
            "header_args": header_args,
            "keyboard": keyboard,
            "plain": plain,
        },
        now=now,
        silent=silent,
    )


async def carry_to_owners(
    session: AsyncSession,
    question: Question,
    carried: dict[str, Any],
    role: str,
    now: datetime,
) -> Queued:
    """Queue a mentee's message (a question, a part of it, a follow-up) for whoever must
    answer. Nobody to reach while a mentor owns it: the curators are told."""
    readers = await owners(session, question)
    args = await header_args(session, question)
    silent = await quiet_now(session, question.org_id, now)
    keyboard = CURATOR_KEYS if question.owner_id is None else MENTOR_KEYS
    rows = []
    for reader in readers:
        row = await _carry(
            session,
            question,
            reader,
            now,
            carried=carried,
            role=role,
            header=HEADER_KEYS[role],
            header_args=args,
            keyboard=keyboard,
            author_id=question.mentee_id,
            silent=silent,
        )
        if row is not None:
            rows.append(row)
    if not readers and question.owner_id is not None:
        await qs.escalate(session, question, now)
    return Queued(readers, rows)


def ack(question: Question, queued: Queued, key: str, **args: Any) -> Ack:
    return Ack(queued.rows, key, {"number": question.number, **args})


def mentee_ack(question: Question, queued: Queued, key: str, **args: Any) -> Ack:
    """What a mentee is told: a copy their mentor could not take went to the curators."""
    told = ack(question, queued, key, **args)
    told.undelivered = "question-sent-curators"
    return told


async def link_own(
    session: AsyncSession, question: Question, chat_id: int, message_id: int, now: datetime
) -> None:
    """The person's own message belongs to the thread: a reply to it threads too."""
    await qs.link_message(session, question.id, chat_id, message_id, "own", now)


async def ask(
    session: AsyncSession,
    *,
    route: Route,
    mentee: User,
    carried: dict[str, Any],
    preview: str | None,
    now: datetime,
    remind_hours: float,
    escalate_hours: float,
) -> tuple[Question, Ack]:
    """A new question: numbered, queued for its owners; what to tell the mentee."""
    question = await qs.create_question(
        session,
        route=route,
        mentee=mentee,
        kind=carried["kind"],
        preview=preview,
        media_group_id=carried.get("album"),
        now=now,
        remind_hours=remind_hours,
        escalate_hours=escalate_hours,
    )
    queued = await carry_to_owners(session, question, carried, "question", now)
    await link_own(session, question, carried["chat"], carried["mid"], now)
    names = ", ".join(u.display_name for u in queued.readers)
    if route.mentor is not None and queued.readers:
        return question, mentee_ack(question, queued, "question-sent", mentor=names)
    if route.reason == "away":
        until = route.away_until.strftime("%d.%m.%Y") if route.away_until else "—"
        return question, mentee_ack(question, queued, "question-sent-away", until=until)
    return question, mentee_ack(question, queued, "question-sent-curators")


async def add_part(
    session: AsyncSession, question: Question, carried: dict[str, Any], now: datetime
) -> None:
    """A later part of the album that opened the question: it replies to the copy of
    the album's first part, like the later parts of any album."""
    first = await qs.opening_message(session, question.id)
    if first is not None:
        carried = {**carried, "album_first": first}
    await carry_to_owners(session, question, carried, "question", now)
    await link_own(session, question, carried["chat"], carried["mid"], now)


async def carry_part(
    session: AsyncSession,
    question: Question,
    author: User,
    carried: dict[str, Any],
    role: str,
    header: str | None,
    now: datetime,
) -> None:
    """A later part of an album whose first part was an answer (or a mentor's first
    message) or a follow-up: it goes where the first part went, without a header."""
    if role == "answer":
        await carry_to_mentee(session, question, author, carried, header or "answer-header", now)
        return
    await carry_to_owners(session, question, carried, "followup", now)
    await link_own(session, question, carried["chat"], carried["mid"], now)


async def follow_up(
    session: AsyncSession,
    question: Question,
    mentee: User,
    carried: dict[str, Any],
    now: datetime,
    remind_hours: float,
    escalate_hours: float,
) -> Ack:
    await qs.reopen(session, question, now, remind_hours, escalate_hours)
    queued = await carry_to_owners(session, question, carried, "followup", now)
    await link_own(session, question, carried["chat"], carried["mid"], now)
    return mentee_ack(question, queued, "followup-sent")


async def carry_to_mentee(
    session: AsyncSession,
    question: Question,
    author: User,
    carried: dict[str, Any],
    header: str,
    now: datetime,
) -> Queued | None:
    """Queue a mentor's (or curator's) message for the mentee with the answer buttons;
    None when the mentee cannot be reached."""
    mentee = await session.get(User, question.mentee_id)
    if mentee is None or mentee.tg_id is None or not mentee.reachable:
        return None
    header_arg_name = "mentor" if header == "mentor-writes-header" else "author"
    row = await _carry(
        session,
        question,
        mentee,
        now,
        carried=carried,
        role="answer",
        header=header,
        header_args={"number": question.number, header_arg_name: author.display_name},
        keyboard=ANSWER_KEYS,
        author_id=author.id,
        silent=await quiet_now(session, question.org_id, now),
    )
    await link_own(session, question, carried["chat"], carried["mid"], now)
    return Queued([mentee], [row] if row is not None else [])


async def answer(
    session: AsyncSession, question: Question, author: User, carried: dict[str, Any], now: datetime
) -> Ack | Refusal:
    """An answer: queued for the mentee, the question marked answered. Returns what to
    tell the author, or why it was refused.

    A question waiting for any curator is taken by the first curator who answers it;
    another curator's answer is then refused with the name of the one who took it."""
    number = {"number": question.number}
    if question.status not in qs.LIVE_STATUSES:
        return Refusal("question-not-live", number)
    if question.owner_id is None and not await qs.claim_by_curator(session, question.id, author.id):
        await session.refresh(question)
    if question.curator_claimed_by not in (None, author.id) and question.owner_id != author.id:
        taker = await session.get(User, question.curator_claimed_by)
        return Refusal("question-taken", {**number, "name": taker.display_name if taker else "—"})
    queued = await carry_to_mentee(session, question, author, carried, "answer-header", now)
    if queued is None:
        return Refusal("answer-undelivered", number)
    await qs.record_answer(session, question.id, now)
    return ack(question, queued, "answer-sent", mentee=queued.readers[0].display_name)


async def write_first(
    session: AsyncSession,
    *,
    route: Route,
    mentor: User,
    mentee: User,
    carried: dict[str, Any],
    preview: str | None,
    now: datetime,
    remind_hours: float,
    escalate_hours: float,
) -> tuple[Question, Ack] | None:
    """A mentor writes first: a question thread started by the mentor. None, and
    nothing written, when the mentee cannot be reached."""
    if mentee.tg_id is None or not mentee.reachable:
        return None
    question = await qs.create_question(
        session,
        route=route,
        mentee=mentee,
        kind=carried["kind"],
        preview=preview,
        media_group_id=None,
        now=now,
        remind_hours=remind_hours,
        escalate_hours=escalate_hours,
        started_by_mentor=True,
    )
    queued = await carry_to_mentee(session, question, mentor, carried, "mentor-writes-header", now)
    if queued is None:
        return None
    return question, ack(question, queued, "write-first-sent", mentee=mentee.display_name)


async def originals(session: AsyncSession, question: Question) -> list[tuple[int, int]]:
    """The mentee's messages of the question: the originals our copies carry, and the
    mentee's own messages (which no copy carries when delivery failed)."""
    mentee = await session.get(User, question.mentee_id)
    mentee_chat = mentee.tg_id if mentee else None
    rows = await session.execute(
        select(
            QuestionMessage.role,
            QuestionMessage.chat_id,
            QuestionMessage.message_id,
            QuestionMessage.origin_chat_id,
            QuestionMessage.origin_message_id,
        )
        .where(QuestionMessage.question_id == question.id)
        .order_by(QuestionMessage.id)
    )
    seen: list[tuple[int, int]] = []
    for role, chat_id, message_id, origin_chat, origin_message in rows.all():
        if role == "own" and chat_id == mentee_chat:
            key = (chat_id, message_id)
        elif role in ("question", "followup") and origin_chat is not None:
            key = (origin_chat, origin_message)
        else:
            continue
        if key not in seen:
            seen.append(key)
    return seen


async def resend_to(session: AsyncSession, question: Question, reader: User, now: datetime) -> bool:
    """Give a new owner the whole question: a header with the buttons, then copies of the
    originals."""
    if reader.tg_id is None or not reader.reachable:
        return False
    args = await header_args(session, question)
    common: dict[str, Any] = {"header_args": args, "author_id": question.mentee_id, "silent": False}
    await _carry(
        session,
        question,
        reader,
        now,
        carried=None,
        role="header",
        header="question-header",
        keyboard=MENTOR_KEYS,
        **common,
    )
    for chat_id, message_id in await originals(session, question):
        await _carry(
            session,
            question,
            reader,
            now,
            carried={"chat": chat_id, "mid": message_id, "kind": "other"},
            role="question",
            header=None,
            keyboard=None,
            plain=True,
            **common,
        )
    return True


async def undeliverable(
    session: AsyncSession, question_id: int, reader_id: int, now: datetime
) -> None:
    """A copy could not reach its reader (they blocked the bot): when they had to answer,
    the curators are told."""
    question = await session.get(Question, question_id)
    if question is not None and question.owner_id == reader_id:
        await qs.escalate(session, question, now)


async def reader_blocked(session: AsyncSession, user_id: int, now: datetime) -> None:
    await mark_unreachable(session, user_id, now)


async def _relabel(
    session: AsyncSession,
    question: Question,
    links: list[QuestionMessage],
    role: str,
    carried: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Moved messages follow their new question: their role changes, and each copy
    that carries a header gets the new one (and the new question's buttons)."""
    args = await header_args(session, question)
    keyboard = CURATOR_KEYS if question.owner_id is None else MENTOR_KEYS
    for link in links:
        link.question_id = question.id
        if link.role in HEADER_KEYS:
            link.role = role
        if not link.with_header:
            continue
        reader = await session.scalar(select(User).where(User.tg_id == link.chat_id))
        if reader is None:
            continue
        await enqueue(
            session,
            chat_id=link.chat_id,
            user_id=reader.id,
            org_id=question.org_id,
            kind=CARRY_EDIT,
            ref=ref(question),
            author_id=question.mentee_id,
            args={
                "carried": carried if link.origin_chat_id is not None else None,
                "copy": link.message_id,
                "header": HEADER_KEYS[role],
                "header_args": args,
                "keyboard": keyboard,
                "number": question.number,
            },
            now=now,
        )


async def split_off(
    session: AsyncSession,
    question: Question,
    route: Route,
    carried: dict[str, Any],
    preview: str | None,
    now: datetime,
    remind_hours: float,
    escalate_hours: float,
) -> Question:
    """A message taken as a continuation becomes a question of its own, routed as a new
    question is: its copies are relabelled where they already are, and whoever must
    answer it now and has no copy yet gets one."""
    links = await qs.thread_of(session, question.id, (carried["chat"], carried["mid"]))
    mentee = await session.get(User, question.mentee_id)
    assert mentee is not None
    new = await qs.create_question(
        session,
        route=route,
        mentee=mentee,
        kind=carried["kind"],
        preview=preview,
        media_group_id=None,
        now=now,
        remind_hours=remind_hours,
        escalate_hours=escalate_hours,
    )
    await _relabel(session, new, links, "question", carried, now)
    have = {link.chat_id for link in links if link.origin_chat_id is not None}
    for reader in await owners(session, new):
        if reader.tg_id not in have:
            await _carry(
                session,
                new,
                reader,
                now,
                carried=carried,
                role="question",
                header="question-header",
                header_args=await header_args(session, new),
                keyboard=CURATOR_KEYS if new.owner_id is None else MENTOR_KEYS,
                author_id=new.mentee_id,
                silent=await quiet_now(session, new.org_id, now),
            )
    return new


async def merge_into(
    session: AsyncSession,
    question: Question,
    target: Question,
    carried: dict[str, Any],
    now: datetime,
    remind_hours: float,
    escalate_hours: float,
) -> None:
    """A message taken as a new question was a continuation after all: its thread joins
    the earlier question, which is open again; the taken question is left merged."""
    links = await qs.thread_of(session, question.id)
    await qs.merge(session, question, now)
    await qs.reopen(session, target, now, remind_hours, escalate_hours)
    await _relabel(session, target, links, "followup", carried, now)


async def propagate_edit(
    session: AsyncSession,
    editor: User | None,
    carried: dict[str, Any],
    now: datetime,
) -> int:
    """An original was edited: queue an edit of every copy of it."""
    copies = await qs.copies_of(session, carried["chat"], carried["mid"])
    made = 0
    for copy in copies:
        question = await session.get(Question, copy.question_id)
        reader = await session.scalar(select(User).where(User.tg_id == copy.chat_id))
        if question is None or reader is None:
            continue
        if copy.role == "answer":
            header = "answer-header"
            args: dict[str, Any] = {
                "number": question.number,
                "author": editor.display_name if editor else "—",
            }
            keyboard = ANSWER_KEYS
        else:
            header = HEADER_KEYS.get(copy.role, "question-header")
            args = await header_args(session, question)
            keyboard = CURATOR_KEYS if question.owner_id is None else MENTOR_KEYS
        row = await enqueue(
            session,
            chat_id=copy.chat_id,
            user_id=reader.id,
            org_id=question.org_id,
            kind=CARRY_EDIT,
            ref=ref(question),
            author_id=editor.id if editor else None,
            args={
                "carried": carried,
                "copy": copy.message_id,
                "header": header if copy.with_header else None,
                "header_args": args,
                "keyboard": keyboard if copy.with_header else None,
                "number": question.number,
            },
            now=now,
        )
        made += int(row is not None)
    return made


async def tell(
    session: AsyncSession,
    question: Question,
    person: User | None,
    kind: str,
    now: datetime,
    author_id: int | None = None,
    **args: Any,
) -> bool:
    """A notice about the question to one person (a locale key as its kind); replies
    and buttons on it act on the question. `author_id`: whose name the arguments carry."""
    if person is None or person.tg_id is None or not person.reachable:
        return False
    row = await enqueue(
        session,
        chat_id=person.tg_id,
        user_id=person.id,
        language=person.language or "",
        org_id=question.org_id,
        kind=kind,
        ref=ref(question),
        author_id=author_id,
        args={"number": question.number, **args},
        now=now,
    )
    return row is not None


async def tell_mentee(
    session: AsyncSession, question: Question, kind: str, now: datetime, **args: Any
) -> bool:
    return await tell(
        session, question, await session.get(User, question.mentee_id), kind, now, **args
    )


async def remind_owner(session: AsyncSession, question: Question, now: datetime) -> bool:
    """A curator's nudge to the person who must answer."""
    if question.owner_id is None:
        return False
    owner = await session.get(User, question.owner_id)
    mentee = await session.get(User, question.mentee_id)
    return await tell(
        session,
        question,
        owner,
        "question-remind",
        now,
        author_id=question.mentee_id,
        mentee=mentee.display_name if mentee else "—",
    )


async def reassign_choices(session: AsyncSession, question: Question) -> list[tuple[int, str]]:
    """Mentors of the organization who could take the question over."""
    choices = []
    for mentor_id in await org_user_ids(session, question.org_id, Role.MENTOR):
        mentor = await session.get(User, mentor_id)
        if mentor and mentor.reachable and mentor.id != question.owner_id:
            choices.append((mentor.id, mentor.display_name))
    return choices[:20]
