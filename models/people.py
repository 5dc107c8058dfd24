"""Organizations, people, their roles and profiles."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.calendar import default_calendar, school_year_of
from models.db import Base, UTCDateTime
from models.outbox import cancel_for_user, enqueue

# Marks a display name that has no name to show (an invisible separator, then the id):
# the translator renders it in the reader's language; unrendered it reads "#id".
NAMELESS = "\u2063#"

NAME_MAX = 200
FIELD_MAX = 200


class Role(enum.StrEnum):
    CURATOR = "curator"
    MENTOR = "mentor"
    MENTEE = "mentee"


class Direction(enum.StrEnum):
    """Directions of a mentoring program, as named by the target model."""

    LEGAL = "legal"
    SUBJECT = "subject"
    PSYCH = "psych"
    METHOD = "method"
    ICT = "ict"
    DIGITAL = "digital"
    UPBRINGING = "upbringing"
    HEALTH = "health"


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    work_days: Mapped[str] = mapped_column(String(20), default="1,2,3,4,5")
    work_start: Mapped[str] = mapped_column(String(5), default="08:00")
    work_end: Mapped[str] = mapped_column(String(5), default="18:00")
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    calendar: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    question_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the tick's survey rounds next look at this school's calendar for a quarter that
    # has ended (models/survey_rounds.py); NULL: at the next tick.
    quarter_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class User(Base):
    __tablename__ = "users"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tg_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    tg_name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    language: Mapped[str | None] = mapped_column(String(5))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    away_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    forgotten_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def display_name(self) -> str:
        """The name from the profile, else the Telegram name; a person with neither (one
        who left onboarding before giving a name, with a blank Telegram name) is
        NAMELESS + id, which the translator renders as «без имени #id»."""
        for name in (self.full_name, self.tg_name):
            if name and name.strip():
                return name
        return f"{NAMELESS}{self.id}"


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "org_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Profile(Base):
    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[str | None] = mapped_column(String(FIELD_MAX))
    subject: Mapped[str | None] = mapped_column(String(FIELD_MAX))
    experience_years: Mapped[int | None] = mapped_column(Integer)
    mentor_directions: Mapped[list[str]] = mapped_column(JSON, default=list)
    mentee_difficulties: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass
class Roles:
    """What the current person may do: admin flag and roles per organization."""

    is_admin: bool = False
    by_org: dict[int, set[Role]] = field(default_factory=dict)

    def has(self, role: Role, org_id: int | None = None) -> bool:
        if org_id is not None:
            return role in self.by_org.get(org_id, set())
        return any(role in roles for roles in self.by_org.values())

    def orgs_with(self, role: Role) -> list[int]:
        return sorted(org for org, roles in self.by_org.items() if role in roles)

    @property
    def all(self) -> set[Role]:
        return {role for roles in self.by_org.values() for role in roles}

    @property
    def any(self) -> bool:
        return self.is_admin or bool(self.by_org)


async def create_organization(
    session: AsyncSession, name: str, timezone: str, now: datetime
) -> Organization:
    local_day = now.date()
    org = Organization(
        name=name,
        timezone=timezone,
        calendar=default_calendar(school_year_of(local_day)),
        created_at=now,
    )
    session.add(org)
    await session.flush()
    return org


async def list_organizations(session: AsyncSession) -> list[tuple[Organization, int]]:
    people = (
        select(Membership.org_id, func.count(func.distinct(Membership.user_id)).label("n"))
        .where(Membership.removed_at.is_(None))
        .group_by(Membership.org_id)
        .subquery()
    )
    rows = await session.execute(
        select(Organization, func.coalesce(people.c.n, 0))
        .outerjoin(people, people.c.org_id == Organization.id)
        .order_by(Organization.id)
    )
    return [(org, int(n)) for org, n in rows.all()]


async def get_user_by_tg(session: AsyncSession, tg_id: int) -> User | None:
    return await session.scalar(select(User).where(User.tg_id == tg_id))


async def load_roles(session: AsyncSession, user_id: int) -> dict[int, set[Role]]:
    rows = await session.execute(
        select(Membership.org_id, Membership.role).where(
            Membership.user_id == user_id, Membership.removed_at.is_(None)
        )
    )
    result: dict[int, set[Role]] = {}
    for org_id, role in rows.all():
        result.setdefault(org_id, set()).add(Role(role))
    return result


# Built once: constructing this select costs ~100 µs, and every update runs it.
_PERSON_BY_TG = (
    select(User, Profile, Membership.org_id, Membership.role)
    .outerjoin(Profile, Profile.user_id == User.id)
    .outerjoin(Membership, (Membership.user_id == User.id) & Membership.removed_at.is_(None))
    .where(User.tg_id == bindparam("tg_id"))
)


async def load_person_by_tg(
    session: AsyncSession, tg_id: int
) -> tuple[User | None, Profile | None, dict[int, set[Role]]]:
    """The person, their profile and their roles per organization, in one statement (one
    row per current membership). Every update of a known person starts with this."""
    found = (await session.execute(_PERSON_BY_TG, {"tg_id": tg_id})).all()
    if not found:
        return None, None, {}
    roles: dict[int, set[Role]] = {}
    for _, _, org_id, role in found:
        if org_id is not None:
            roles.setdefault(org_id, set()).add(Role(role))
    return found[0][0], found[0][1], roles


async def ensure_user(
    session: AsyncSession, tg_id: int, tg_name: str | None, language: str | None, now: datetime
) -> User:
    user = await get_user_by_tg(session, tg_id)
    if user is None:
        user = User(tg_id=tg_id, tg_name=tg_name, language=language, created_at=now)
        session.add(user)
        await session.flush()
    return user


async def add_role(
    session: AsyncSession, user_id: int, org_id: int, role: Role, now: datetime
) -> bool:
    """Give a role; False when the person already holds it."""
    existing = await session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.org_id == org_id, Membership.role == role
        )
    )
    if existing is None:
        session.add(Membership(user_id=user_id, org_id=org_id, role=role, created_at=now))
        await session.flush()
        return True
    if existing.removed_at is None:
        return False
    existing.removed_at = None
    existing.created_at = now
    await session.flush()
    return True


async def remove_role(
    session: AsyncSession, user_id: int, org_id: int, role: Role, now: datetime
) -> bool:
    result = await session.execute(
        update(Membership)
        .where(
            Membership.user_id == user_id,
            Membership.org_id == org_id,
            Membership.role == role,
            Membership.removed_at.is_(None),
        )
        .values(removed_at=now)
    )
    return bool(result.rowcount)


async def member_of(session: AsyncSession, user_id: int, org_id: int) -> set[Role]:
    return (await load_roles(session, user_id)).get(org_id, set())


async def org_user_ids(session: AsyncSession, org_id: int, role: Role) -> list[int]:
    rows = await session.scalars(
        select(Membership.user_id)
        .where(
            Membership.org_id == org_id, Membership.role == role, Membership.removed_at.is_(None)
        )
        .order_by(Membership.user_id)
    )
    return list(rows.all())


async def get_profile(session: AsyncSession, user_id: int) -> Profile:
    profile = await session.get(Profile, user_id)
    if profile is None:
        profile = Profile(user_id=user_id, mentor_directions=[], mentee_difficulties=[])
        session.add(profile)
        await session.flush()
    return profile


def clean_text_field(text: str | None, limit: int = FIELD_MAX) -> str | None:
    """A one-line field as the person typed it, or None when it is empty or too long."""
    if text is None:
        return None
    value = " ".join(text.split())
    if not value or len(value) > limit:
        return None
    return value


def parse_experience(text: str | None) -> int | None:
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit()):  # "²".isdigit() is true, int("²") fails
        return None
    years = int(value)
    return years if 0 <= years <= 60 else None


async def mark_unreachable(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """The person blocked the bot. The first time: cancel their pending messages and
    tell the curators of their organizations, once."""
    result = await session.execute(
        update(User).where(User.id == user_id, User.reachable.is_(True)).values(reachable=False)
    )
    if not result.rowcount:
        return False
    await cancel_for_user(session, user_id)
    user = await session.get(User, user_id)
    name = user.display_name if user else f"#{user_id}"
    stamp = int(now.timestamp())
    for org_id in (await load_roles(session, user_id)).keys():
        for curator_id in await org_user_ids(session, org_id, Role.CURATOR):
            curator = await session.get(User, curator_id)
            if curator is None or curator.tg_id is None or curator_id == user_id:
                continue
            await enqueue(
                session,
                chat_id=curator.tg_id,
                user_id=curator_id,
                org_id=org_id,
                kind="notice-unreachable",
                ref=("user", user_id),
                author_id=user_id,
                args={"name": name, "id": user_id},
                now=now,
                dedupe_key=f"unreachable:{user_id}:{curator_id}:{stamp}",
            )
    return True


async def mark_reachable(session: AsyncSession, user_id: int) -> None:
    await session.execute(update(User).where(User.id == user_id).values(reachable=True))


async def curator_orgs(session: AsyncSession, roles: Roles) -> list[tuple[int, str]]:
    """Organizations the person may manage: their own as curator; every one for an admin."""
    query = select(Organization.id, Organization.name).order_by(Organization.id)
    if not roles.is_admin:
        query = query.where(Organization.id.in_(roles.orgs_with(Role.CURATOR)))
    return [(org_id, name) for org_id, name in (await session.execute(query)).all()]


def may_manage(roles: Roles, org_id: int) -> bool:
    return roles.is_admin or roles.has(Role.CURATOR, org_id)


@dataclass(frozen=True)
class Recipient:
    """One person an announcement or a quick poll goes to (audience_of)."""

    user_id: int
    role: str
    chat_id: int | None
    reachable: bool
    name: str


AUDIENCES = ("all", Role.MENTOR.value, Role.MENTEE.value, Role.CURATOR.value)


async def audience_of(
    session: AsyncSession, org_id: int, audience: str, exclude: int | None = None
) -> list[Recipient]:
    """Everyone of the school holding the audience's role ("all": any role), once each
    (with their first role in the order curator, mentor, mentee), without the forgotten
    and without `exclude` (the sender). One query."""
    roles = [r.value for r in Role] if audience == "all" else [audience]
    query = (
        select(
            User.id,
            Membership.role,
            User.tg_id,
            User.reachable,
            User.full_name,
            User.tg_name,
        )
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.org_id == org_id,
            Membership.role.in_(roles),
            Membership.removed_at.is_(None),
            User.forgotten_at.is_(None),
        )
        .order_by(User.id)
    )
    if exclude is not None:
        query = query.where(User.id != exclude)
    order = {Role.CURATOR.value: 0, Role.MENTOR.value: 1, Role.MENTEE.value: 2}
    found: dict[int, Recipient] = {}
    for uid, role, chat_id, reachable, full_name, tg_name in (await session.execute(query)).all():
        known = found.get(uid)
        if known is not None and order[known.role] <= order[role]:
            continue
        name = next((n for n in (full_name, tg_name) if n and n.strip()), f"{NAMELESS}{uid}")
        found[uid] = Recipient(uid, role, chat_id, bool(reachable), name)
    return list(found.values())
