"""Changes to a program by the regulation (seed 002, §4): a proposal with a reason takes
effect when every party that must agree has agreed, and is refused when one declines.
Extension, shortening, a plan change after «ознакомлен», termination by agreement and a
change of mentor all go through it. The curator's termination for non-fulfilment is the
only one-sided change."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, UTCDateTime
from models.programs import ProgramMentee


class ProposalKind(enum.StrEnum):
    EXTEND = "extend"
    SHORTEN = "shorten"
    PLAN_CHANGE = "plan_change"
    TERMINATE = "terminate"
    CHANGE_MENTOR = "change_mentor"
    RELEASE = "release"


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class EndReason(enum.StrEnum):
    """Why a program ended (stored in programs.end_reason)."""

    COMPLETED = "completed"
    MENTOR_INITIATIVE = "mentor-initiative"
    MENTEE_INITIATIVE = "mentee-initiative"
    AGREEMENT = "agreement"
    NON_FULFILMENT = "non-fulfilment"
    CONSENT_WITHDRAWN = "consent-withdrawn"


class Proposal(Base):
    __tablename__ = "program_proposals"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.PENDING)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    # What the change is: {"ends_on": "2027-06-30"}, {"end_reason": "agreement"},
    # {"mentor_id": 12}, {"summary": "..."}.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProposalVote(Base):
    """A party that must agree. `decision` is NULL until they answer; one atomic UPDATE
    guarded by `decision IS NULL` records it, so a second press changes nothing."""

    __tablename__ = "proposal_votes"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("program_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    party: Mapped[str] = mapped_column(String(16))  # mentor | mentee | curator
    decision: Mapped[str | None] = mapped_column(String(16))  # agree | decline
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


async def plan_locked(session: AsyncSession, program_id: int) -> bool:
    """True once any mentee confirmed «ознакомлен»: from then on a plan change is a proposal."""
    found = await session.scalar(
        select(ProgramMentee.mentee_id)
        .where(
            ProgramMentee.program_id == program_id,
            ProgramMentee.acknowledged_at.is_not(None),
        )
        .limit(1)
    )
    return found is not None


async def propose(
    session: AsyncSession,
    *,
    program_id: int,
    kind: str,
    proposer_id: int,
    reason: str | None,
    payload: dict[str, Any],
    now: datetime,
) -> Proposal:
    """Open a proposal; the parties that must agree are asked by outbox notices."""
    raise NotImplementedError


async def complete_if_done(
    session: AsyncSession, program_id: int, actor_id: int | None, now: datetime
) -> bool:
    """End the program as completed when every occurrence of its plan is done."""
    return False
