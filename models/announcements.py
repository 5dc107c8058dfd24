"""A curator's announcement to everyone of the school or to one role: one row here, one
outbox notice per reader (ref ("announcement", id)); how many went out and who could not
be reached is read back from those rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, case, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.calendar import WorkSchedule
from models.db import Base, UTCDateTime
from models.errors import RuleError
from models.outbox import WAITING, OutboxMessage, OutboxStatus
from models.people import AUDIENCES, NAMELESS, Organization, User, audience_of


class Announcement(Base):
    __tablename__ = "announcements"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(16))  # all, mentor, mentee, curator
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


TEXT_MAX = 3500  # characters: the notice adds a header and stays one Telegram message
REF = "announcement"  # outbox ref kind; ref_id is the announcement
NOTICE = "announcement"  # the notice kind (a locale key)
UNREACHABLE = "unreachable"  # last_error of a row never sent: the bot cannot reach them
RECENT = 5


class AnnouncementError(RuleError):
    """Input an announcement cannot take (the key names why)."""


def check_text(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise AnnouncementError("announce-err-empty")
    if len(body) > TEXT_MAX:
        raise AnnouncementError("announce-err-long", limit=TEXT_MAX, length=len(body))
    return body


async def create(
    session: AsyncSession,
    org_id: int,
    author: User,
    audience: str,
    text: str,
    now: datetime,
) -> tuple[Announcement, int, list[str]]:
    """The announcement and one notice per recipient with a chat, due when the school's
    quiet hours end, written in one statement; (announcement, to send, the names of the
    unreachable).
    People the bot cannot reach get a row born cancelled, so the status names them."""
    if audience not in AUDIENCES:
        raise AnnouncementError("announce-err-audience")
    body = check_text(text)
    org = await session.get(Organization, org_id)
    assert org is not None
    row = Announcement(
        org_id=org_id, author_id=author.id, audience=audience, text=body, created_at=now
    )
    session.add(row)
    await session.flush()
    people = [
        p for p in await audience_of(session, org_id, audience, exclude=author.id) if p.chat_id
    ]
    due = WorkSchedule.of(org).quiet_ends_at(now)
    args = {"text": body, "author": author.display_name, "org": org.name}
    rows = [
        dict(
            chat_id=p.chat_id,
            user_id=p.user_id,
            org_id=org_id,
            kind=NOTICE,
            ref_kind=REF,
            ref_id=row.id,
            author_id=author.id,
            args=args,
            silent=False,
            due_at=due,
            expires_at=None,
            status=OutboxStatus.PENDING if p.reachable else OutboxStatus.CANCELLED,
            last_error=None if p.reachable else UNREACHABLE,
            attempts=0,
            dedupe_key=f"announcement:{row.id}:{p.user_id}",
            created_at=now,
        )
        for p in people
    ]
    if rows:
        await session.execute(insert(OutboxMessage.__table__), rows)
    sent = sum(1 for p in people if p.reachable)
    return row, sent, [p.name for p in people if not p.reachable]


async def recent(session: AsyncSession, org_ids: list[int] | None) -> list[Announcement]:
    query = select(Announcement).order_by(Announcement.id.desc()).limit(RECENT)
    if org_ids is not None:
        query = query.where(Announcement.org_id.in_(org_ids))
    return list(await session.scalars(query))


@dataclass
class Status:
    announcement: Announcement
    delivered: int
    waiting: int
    unreachable: int
    withdrawn: int
    names: list[str]  # the unreachable


async def status(session: AsyncSession, announcement_id: int) -> Status | None:
    """What became of an announcement's notices, counted from the outbox rows: delivered,
    waiting, unreachable (the person blocked the bot, or the send failed), withdrawn
    (cancelled otherwise: the reader or the author left with /forget)."""
    found = await session.get(Announcement, announcement_id)
    if found is None:
        return None
    box = OutboxMessage
    lost = or_(
        box.status.in_((OutboxStatus.FAILED, OutboxStatus.DROPPED)),
        User.reachable.is_(False),
        box.last_error == UNREACHABLE,
    )
    bucket = case(
        (box.status == OutboxStatus.SENT, "delivered"),
        (lost, "unreachable"),
        (box.status.in_(WAITING), "waiting"),
        else_="withdrawn",
    )
    mine = (box.ref_kind == REF, box.ref_id == announcement_id)
    counts = dict(
        (
            await session.execute(
                select(bucket, func.count(box.id))
                .join(User, User.id == box.user_id)
                .where(*mine)
                .group_by(bucket)
            )
        ).all()
    )
    names = [
        next((n for n in (full, tg) if n and n.strip()), f"{NAMELESS}{uid}")
        for uid, full, tg in (
            await session.execute(
                select(User.id, User.full_name, User.tg_name)
                .join(box, box.user_id == User.id)
                .where(*mine, box.status != OutboxStatus.SENT, lost)
                .order_by(User.id)
            )
        ).all()
    ]
    return Status(
        found,
        int(counts.get("delivered", 0)),
        int(counts.get("waiting", 0)),
        int(counts.get("unreachable", 0)),
        int(counts.get("withdrawn", 0)),
        names,
    )
