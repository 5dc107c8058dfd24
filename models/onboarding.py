"""Joining an organization by invite: consent, the role, the curators told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.invites import has_consent, record_consent, redeem_invite
from models.outbox import enqueue
from models.people import (
    Profile,
    Role,
    User,
    add_role,
    ensure_user,
    get_profile,
    org_user_ids,
)


@dataclass
class Joined:
    user: User
    role_added: bool


async def join_by_invite(
    session: AsyncSession,
    *,
    invite_id: int,
    org_id: int,
    role: Role,
    tg_id: int,
    tg_name: str | None,
    language: str | None,
    now: datetime,
) -> Joined | None:
    """Consent given: count the link's use, store the person, the consent and the role.
    None when the link stopped being valid since it was opened."""
    if not await redeem_invite(session, invite_id, now):
        return None
    user = await ensure_user(session, tg_id, tg_name, language, now)
    if not await has_consent(session, user.id, org_id):
        await record_consent(session, user.id, org_id, now)
    added = await add_role(session, user.id, org_id, role, now)
    await get_profile(session, user.id)
    return Joined(user=user, role_added=added)


def missing_profile_steps(user: User, profile: Profile, roles: set[Role]) -> list[str]:
    steps = []
    if not user.full_name:
        steps.append("name")
    if not profile.position:
        steps.append("position")
    if not profile.subject:
        steps.append("subject")
    if profile.experience_years is None:
        steps.append("experience")
    if Role.MENTOR in roles and not profile.mentor_directions:
        steps.append("directions")
    if Role.MENTEE in roles and not profile.mentee_difficulties:
        steps.append("difficulties")
    return steps


async def tell_curators_of_join(
    session: AsyncSession,
    *,
    org_id: int,
    user: User,
    role: Role,
    now: datetime,
) -> int:
    told = 0
    for curator_id in await org_user_ids(session, org_id, Role.CURATOR):
        if curator_id == user.id:
            continue
        curator = await session.get(User, curator_id)
        if curator is None or curator.tg_id is None:
            continue
        created = await enqueue(
            session,
            chat_id=curator.tg_id,
            user_id=curator_id,
            org_id=org_id,
            kind="notice-joined",
            ref=("user", user.id),
            author_id=user.id,
            args={"name": user.display_name, "role": role.value, "id": user.id},
            now=now,
            dedupe_key=f"joined:{org_id}:{user.id}:{role.value}:{curator_id}:{int(now.timestamp())}",
        )
        told += int(created is not None)
    return told
