"""Invite links and consent to personal-data processing."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, UTCDateTime
from models.people import Organization, Role

# Bump when the consent text in the locales changes: everyone is asked again.
CONSENT_VERSION = "2026-11"
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


class Invite(Base):
    __tablename__ = "invites"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Consent(Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(32))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InviteProblem(enum.StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used-up"


@dataclass
class InviteCheck:
    invite: Invite | None
    org: Organization | None
    problem: InviteProblem | None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def looks_like_code(text: str) -> bool:
    return 6 <= len(text) <= 32 and all(ch in CODE_ALPHABET for ch in text)


async def create_invite(
    session: AsyncSession,
    org_id: int,
    role: Role,
    created_by: int | None,
    now: datetime,
    ttl: timedelta,
    max_uses: int | None,
) -> Invite:
    invite = Invite(
        code=new_code(),
        org_id=org_id,
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
        max_uses=max_uses,
        uses=0,
    )
    session.add(invite)
    await session.flush()
    return invite


async def check_invite(session: AsyncSession, code: str, now: datetime) -> InviteCheck:
    invite = None
    if looks_like_code(code):
        invite = await session.scalar(select(Invite).where(Invite.code == code))
    if invite is None:
        return InviteCheck(None, None, InviteProblem.UNKNOWN)
    org = await session.get(Organization, invite.org_id)
    problem = None
    if invite.revoked_at is not None:
        problem = InviteProblem.REVOKED
    elif invite.expires_at <= now:
        problem = InviteProblem.EXPIRED
    elif invite.max_uses is not None and invite.uses >= invite.max_uses:
        problem = InviteProblem.USED_UP
    return InviteCheck(invite, org, problem)


async def redeem_invite(session: AsyncSession, invite_id: int, now: datetime) -> bool:
    """Count one use, atomically; False when the link stopped being valid meanwhile."""
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
            or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
        )
        .values(uses=Invite.uses + 1)
    )
    return bool(result.rowcount)


async def revoke_invite(session: AsyncSession, invite_id: int, org_id: int, now: datetime) -> bool:
    result = await session.execute(
        update(Invite)
        .where(Invite.id == invite_id, Invite.org_id == org_id, Invite.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(result.rowcount)


# Live invites /invites lists (newest first), each with its revoke button; a long list
# goes out as several messages.
INVITES_SHOWN = 200


async def list_invites(session: AsyncSession, org_id: int, now: datetime) -> list[Invite]:
    rows = await session.scalars(
        select(Invite)
        .where(
            Invite.org_id == org_id,
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
            or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
        )
        .order_by(Invite.id.desc())
        .limit(INVITES_SHOWN)
    )
    return list(rows.all())


async def has_consent(session: AsyncSession, user_id: int, org_id: int) -> bool:
    found = await session.scalar(
        select(Consent.id).where(
            Consent.user_id == user_id,
            Consent.org_id == org_id,
            Consent.version == CONSENT_VERSION,
            Consent.withdrawn_at.is_(None),
        )
    )
    return found is not None


async def record_consent(session: AsyncSession, user_id: int, org_id: int, now: datetime) -> None:
    session.add(Consent(user_id=user_id, org_id=org_id, version=CONSENT_VERSION, given_at=now))
    await session.flush()
