"""The roster: a curator's page of people with their roles, consent and pair status.

A read model over people, invites and programs, so it sits above all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.invites import Consent
from models.people import Membership, Profile, Role, User
from models.programs import pair_statuses


@dataclass
class PersonRow:
    user: User
    profile: Profile | None
    roles: list[Role]
    consent_at: datetime | None
    pair_status: str


async def list_people(
    session: AsyncSession, org_id: int, offset: int, limit: int
) -> tuple[list[PersonRow], int]:
    ids_query = (
        select(Membership.user_id)
        .where(Membership.org_id == org_id, Membership.removed_at.is_(None))
        .distinct()
    )
    total = await session.scalar(select(func.count()).select_from(ids_query.subquery())) or 0
    page_ids = list(
        (
            await session.scalars(
                ids_query.order_by(Membership.user_id).offset(offset).limit(limit)
            )
        ).all()
    )
    return await list_people_by_ids(session, org_id, page_ids), total


async def list_people_by_ids(
    session: AsyncSession, org_id: int, page_ids: list[int]
) -> list[PersonRow]:
    if not page_ids:
        return []
    users = {u.id: u for u in (await session.scalars(select(User).where(User.id.in_(page_ids))))}
    profiles = {
        p.user_id: p
        for p in (await session.scalars(select(Profile).where(Profile.user_id.in_(page_ids))))
    }
    roles: dict[int, list[Role]] = {}
    for user_id, role in await session.execute(
        select(Membership.user_id, Membership.role).where(
            Membership.org_id == org_id,
            Membership.user_id.in_(page_ids),
            Membership.removed_at.is_(None),
        )
    ):
        roles.setdefault(user_id, []).append(Role(role))
    consents = dict(
        (
            await session.execute(
                select(Consent.user_id, func.max(Consent.given_at))
                .where(Consent.org_id == org_id, Consent.user_id.in_(page_ids))
                .group_by(Consent.user_id)
            )
        ).all()
    )
    statuses = await pair_statuses(session, org_id, page_ids)
    order = [Role.CURATOR, Role.MENTOR, Role.MENTEE]
    return [
        PersonRow(
            user=users[uid],
            profile=profiles.get(uid),
            roles=sorted(roles.get(uid, []), key=order.index),
            consent_at=consents.get(uid),
            pair_status=statuses.get(uid, "none"),
        )
        for uid in page_ids
        if uid in users
    ]
