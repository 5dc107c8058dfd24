"""The plan of a personalized program: items with a direction, a form of activity, a
deadline of one of the kinds of DESIGN §4, an expected result and criteria. Every item
expands into occurrences, each with its own completion mark: a dated item has one, a
recurring one has one per quarter or half-year, an item "as questions arise" has one with
no due day."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, UTCDateTime


class DeadlineKind(enum.StrEnum):
    DATE = "date"  # {"date": "2026-12-01"}
    RELATIVE = "relative"  # {"days": 30} after the program's start
    QUARTER = "quarter"  # {"quarter": 1}: within school quarter N of the calendar
    RECURRING = "recurring"  # {"every": "quarter" | "half_year"}
    SCHEDULE = "schedule"  # {"dates": ["2026-12-01", ...]}
    AS_NEEDED = "as_needed"  # {}: as questions arise, no deadline


class PlanItem(Base):
    __tablename__ = "plan_items"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    direction: Mapped[str | None] = mapped_column(String(32))
    activity_form: Mapped[str | None] = mapped_column(Text)
    deadline_kind: Mapped[str] = mapped_column(String(16))
    deadline_spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expected_result: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    prevention: Mapped[str | None] = mapped_column(Text)
    template_key: Mapped[str | None] = mapped_column(String(48))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PlanOccurrence(Base):
    """One completion mark of an item. `next_alert_at` is the next moment the tick's
    catch-up has something to say about it (a reminder before the day, on the day, an
    overdue flag to the pair, then to the curator); `alert_stage` says which were said."""

    __tablename__ = "plan_occurrences"
    __table_args__ = (
        Index("ix_plan_occurrences_next_alert_at", "next_alert_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("plan_items.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer, default=1)
    window_start: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    alert_stage: Mapped[int] = mapped_column(Integer, default=0)
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
