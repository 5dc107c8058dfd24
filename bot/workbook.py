"""The /export workbook (issue 15, item 4).

Two halves: `*_row` functions turn the rows of models/export.py into cells, on the
loop, a page at a time (translated labels, local times of each row's school); `build`
writes the workbook from those plain cells, in a worker thread (openpyxl write-only mode
streams rows, never holding a sheet's cells as objects).

Dates are real Excel dates in the school's local time, shown as dd.mm.yyyy or
dd.mm.yyyy HH:MM, so that a curator may sort and filter by them.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.i18n import Translator
from models import export
from models.calendar import parse_period
from models.surveys import DEFINITIONS, POLL, Definition

DAY_FORMAT = "DD.MM.YYYY"
MOMENT_FORMAT = "DD.MM.YYYY HH:MM"
TEXT_MAX = 32000  # an Excel cell holds 32,767 characters

# Sheets and their columns (locale keys export-sheet / export-column), with widths in
# characters. SCHOOL leads every sheet of the admin's export.
SCHOOL = ("school", 28)
COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    "participants": (
        ("name", 30),
        ("roles", 24),
        ("position", 22),
        ("subject", 20),
        ("experience", 10),
        ("directions", 40),
        ("difficulties", 40),
        ("joined", 12),
        ("reachable", 10),
    ),
    "programs": (
        ("program", 10),
        ("mentor", 28),
        ("mentees", 36),
        ("form", 26),
        ("mode", 12),
        ("status", 22),
        ("starts", 12),
        ("ends", 12),
        ("ended", 17),
        ("end_reason", 36),
    ),
    "plan": (
        ("program", 10),
        ("item", 8),
        ("activity", 48),
        ("direction", 30),
        ("activity_form", 30),
        ("risks", 32),
        ("prevention", 32),
        ("expected", 36),
        ("criteria", 36),
        ("due", 12),
        ("done", 17),
        ("done_by", 26),
        ("mark_note", 36),
    ),
    "meetings": (
        ("program", 10),
        ("starts_at", 17),
        ("duration", 12),
        ("mode", 12),
        ("place", 26),
        ("topic", 36),
        ("meeting_status", 18),
        ("held", 14),
    ),
    "questions": (
        ("number", 8),
        ("mentee", 28),
        ("mentor", 28),
        ("program", 10),
        ("question_status", 16),
        ("preview", 48),
        ("asked", 17),
        ("first_answer", 17),
        ("response", 14),
        ("closed", 17),
        ("rating", 8),
        ("reminded", 14),
        ("escalated", 14),
    ),
    "answers": (
        ("survey", 34),
        ("period", 12),
        ("program", 10),
        ("respondent", 28),
        ("role", 16),
        ("about", 28),
        ("question", 48),
        ("score", 8),
        ("choices", 30),
        ("text", 48),
        ("answered", 17),
    ),
}
SHEETS = tuple(COLUMNS)
# Columns of long free text: their cells wrap (WriteOnlyCell with wrap_text), so a
# paragraph reads in its column instead of running across the row.
WRAPPED = frozenset(
    {
        "directions",
        "difficulties",
        "mentees",
        "end_reason",
        "activity",
        "direction",
        "activity_form",
        "risks",
        "prevention",
        "expected",
        "criteria",
        "mark_note",
        "place",
        "topic",
        "preview",
        "survey",
        "question",
        "choices",
        "text",
    }
)


@dataclass
class Sheet:
    title: str
    headers: list[str]
    widths: list[int]
    wrapped: list[bool] = field(default_factory=list)  # per column: wrap long text
    # str | int | float | date | datetime (naive, local) | None
    rows: list[list[Any]] = field(default_factory=list)


def new_sheet(key: str, t: Translator, with_school: bool) -> Sheet:
    columns = ((SCHOOL,) if with_school else ()) + COLUMNS[key]
    return Sheet(
        title=t.plain("export-sheet", sheet=key)[:31],
        headers=[t.plain("export-column", col=name) for name, _ in columns],
        widths=[width for _, width in columns],
        wrapped=[name in WRAPPED for name, _ in columns],
    )


# Cells, on the loop ------------------------------------------------------------------


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(instant: datetime | None, zone: str) -> datetime | None:
    """The instant as the school's wall-clock time, naive (Excel has no zones)."""
    if instant is None:
        return None
    return instant.astimezone(_zone(zone)).replace(tzinfo=None, second=0, microsecond=0)


class Cells:
    """What the row functions share: the translator (labels cached per value) and the
    schools (name, zone) of the rows."""

    def __init__(self, t: Translator, schools: dict[int, export.School], with_school: bool) -> None:
        self.t = t
        self.schools = schools
        self.with_school = with_school
        self._labels: dict[tuple[str, str, str], str] = {}

    def label(self, key: str, arg: str, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        found = self._labels.get((key, arg, value))
        if found is None:
            found = self.t.plain(key, **{arg: value})
            self._labels[(key, arg, value)] = found
        return found

    def plain(self, key: str, fallback: str) -> str:
        """A key without arguments (cached); `fallback` when there is no such key."""
        found = self._labels.get((key, "", ""))
        if found is None:
            found = self.t.plain(key) if self.t.has(key) else fallback
            self._labels[(key, "", "")] = found
        return found

    def directions(self, values: list[str]) -> str | None:
        return "; ".join(self._direction(v) for v in values) or None

    def _direction(self, value: str) -> str:
        return self.plain(f"direction-{value}", value)

    def direction(self, value: str | None) -> str | None:
        return self._direction(value) if value else None

    def yes_no(self, value: bool | None) -> str | None:
        if value is None:
            return None
        return self.label("export-yes-no", "value", "yes" if value else "no")

    def zone(self, org_id: int) -> str:
        school = self.schools.get(org_id)
        return school.zone if school else "UTC"

    def lead(self, org_id: int) -> list[Any]:
        if not self.with_school:
            return []
        school = self.schools.get(org_id)
        return [school.name if school else f"#{org_id}"]

    def name(self, text: str | None) -> str | None:
        return self.t.name(text) if text else text


def participant_row(c: Cells, p: export.Participant) -> list[Any]:
    return [
        *c.lead(p.org_id),
        c.name(p.name),
        ", ".join(c.plain(f"role-{r}", r) for r in p.roles),
        p.position,
        p.subject,
        p.experience,
        c.directions(p.directions),
        c.directions(p.difficulties),
        local(p.joined, c.zone(p.org_id)),
        c.yes_no(p.reachable),
    ]


def program_row(c: Cells, p: export.ProgramRow) -> list[Any]:
    return [
        *c.lead(p.org_id),
        p.id,
        c.name(p.mentor),
        ", ".join(c.name(n) or "" for n in p.mentees),
        c.label("pair-form-label", "form", p.form),
        c.label("pair-mode-label", "mode", p.mode),
        c.label("card-status", "status", p.status),
        p.starts_on,
        p.ends_on,
        local(p.ended_at, c.zone(p.org_id)),
        c.label("change-end-reason", "end_reason", p.end_reason),
    ]


def plan_row(c: Cells, p: export.PlanRow) -> list[Any]:
    return [
        *c.lead(p.org_id),
        p.program_id,
        p.position if p.seq <= 1 else f"{p.position}.{p.seq}",
        p.title,
        c.direction(p.direction),
        p.activity_form,
        p.risks,
        p.prevention,
        p.expected_result,
        p.criteria,
        p.due_on,
        local(p.done_at, c.zone(p.org_id)),
        c.name(p.done_by),
        p.note,
    ]


def meeting_row(c: Cells, m: export.MeetingRow) -> list[Any]:
    return [
        *c.lead(m.org_id),
        m.program_id,
        local(m.starts_at, c.zone(m.org_id)),
        m.duration_min,
        c.label("pair-mode-label", "mode", m.mode),
        m.place,
        m.topic,
        c.label("export-meeting-status", "status", m.status),
        c.label("export-held", "held", {True: "yes", False: "no"}.get(m.held, "unknown")),
    ]


def question_row(c: Cells, q: export.QuestionRow) -> list[Any]:
    zone = c.zone(q.org_id)
    return [
        *c.lead(q.org_id),
        q.number,
        c.name(q.mentee),
        c.name(q.mentor),
        q.program_id,
        c.label("export-question-status", "status", q.status),
        q.preview,
        local(q.asked_at, zone),
        local(q.first_answer_at, zone),
        q.response_minutes,
        local(q.closed_at, zone),
        q.rating,
        c.yes_no(q.reminded),
        c.yes_no(q.escalated),
    ]


class Surveys:
    """Survey titles, question texts and option labels in the reader's language: the
    built-in definitions, and the scope's quick polls (`polls`: poll id → its questions,
    bot/files.py reads them once)."""

    def __init__(self, t: Translator, polls: dict[int, Definition] | None = None) -> None:
        self.t = t
        self.language = t.language
        self.polls = polls or {}
        self._questions: dict[tuple[str, int, int | None, str], tuple[str, dict[str, str]]] = {}
        self._periods: dict[str, str] = {}

    def _text(self, texts: dict[str, str]) -> str:
        return texts.get(self.language) or texts.get("ru") or next(iter(texts.values()), "")

    def title(self, a: export.AnswerRow) -> str:
        if a.survey == POLL or a.poll_id is not None:
            return self.t.plain("export-poll", poll=a.poll_id or 0)
        definition = DEFINITIONS.get((a.survey, a.version))
        return self._text(definition.title) if definition else a.survey

    def _definition(self, a: export.AnswerRow) -> Definition | None:
        if a.poll_id is not None:
            return self.polls.get(a.poll_id)
        return DEFINITIONS.get((a.survey, a.version))

    def question(self, a: export.AnswerRow) -> tuple[str, dict[str, str]]:
        """The question's text (without the chat's reply instruction) and its options'
        labels by key; the key itself when the definition is unknown."""
        cache_key = (a.survey, a.version, a.poll_id, a.question_key)
        found = self._questions.get(cache_key)
        if found is not None:
            return found
        found = (a.question_key, {})
        definition = self._definition(a)
        if definition is not None:
            for q in definition.questions:
                if q.key == a.question_key:
                    text = self._text(q.text)
                    found = (text, {o.key: self._text(o.text) for o in q.options})
                    break
        self._questions[cache_key] = found
        return found

    def period(self, code: str | None) -> str | None:
        """«2 четверть 2026/27» for "2026/27-Q2"; anything else as it is."""
        if not code:
            return code
        label = self._periods.get(code)
        if label is None:
            parsed = parse_period(code)
            if parsed is None:
                label = code
            else:
                year, quarter = parsed
                label = self.t.plain(
                    "export-period", quarter=quarter, year=f"{year}/{str(year + 1)[-2:]}"
                )
            self._periods[code] = label
        return label


def answer_row(c: Cells, s: Surveys, a: export.AnswerRow) -> list[Any]:
    question, options = s.question(a)
    choices = "; ".join(options.get(k, k) for k in a.choices) if a.choices else None
    text = a.text
    if a.skipped and not text and a.score is None and not choices:
        text = c.plain("export-skipped", "—")
    return [
        *c.lead(a.org_id),
        s.title(a),
        s.period(a.period),
        a.program_id,
        c.name(a.respondent),
        c.plain(f"role-{a.role}", a.role),
        c.name(a.subject) if a.subject else None,
        question,
        a.score,
        choices,
        text,
        local(a.answered_at, c.zone(a.org_id)),
    ]


# The file, in a worker ---------------------------------------------------------------


class Writer:
    """The workbook written a sheet and a page at a time, so that a region's export
    never holds all its rows: every call runs in one worker thread, in order (bot/files.py
    make_export); `finish` gives the file. Each call takes plain data only."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self.ws: Any = None
        self.bold = Font(bold=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.wrapped: list[bool] = []
        self.width = 0
        self.count = 0  # rows of the current sheet, its header too

    def sheet(
        self,
        title: str,
        headers: list[str],
        widths: list[int],
        wrapped: list[bool] | None = None,
    ) -> None:
        """A new sheet: the columns' widths, a bold and frozen header row with a filter
        (sort and filter by school, by program...); cells of `wrapped` columns wrap."""
        self._close_sheet()
        ws = self.book.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header = []
        for text in headers:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = self.bold
            cell.alignment = self.wrap
            header.append(cell)
        ws.append(header)
        self.ws = ws
        self.wrapped = list(wrapped or [])
        self.width = len(headers)
        self.count = 1

    def rows(self, rows: list[list[Any]]) -> None:
        ws, wrapped = self.ws, self.wrapped
        for row in rows:
            cells = []
            for index, value in enumerate(row):
                cell = _cell(ws, value)
                if index < len(wrapped) and wrapped[index] and isinstance(cell, str):
                    cell = WriteOnlyCell(ws, value=cell)
                    cell.alignment = self.wrap
                cells.append(cell)
            ws.append(cells)
        self.count += len(rows)

    def _close_sheet(self) -> None:
        """The filter over the sheet's header and rows (known once they are written)."""
        if self.ws is not None and self.width:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(self.width)}{self.count}"

    def abort(self) -> None:
        """A workbook given up half way (the export failed): its sheets' streams closed,
        so that nothing is left half-written for the garbage collector to complain of."""
        for ws in self.book.worksheets:
            with contextlib.suppress(Exception):
                if not ws.closed:
                    ws.close()

    def finish(self) -> bytes:
        self._close_sheet()
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def build(sheets: list[Sheet]) -> bytes:
    """The .xlsx of these sheets at once (a pure function of plain data)."""
    writer = Writer()
    for sheet in sheets:
        writer.sheet(sheet.title, sheet.headers, sheet.widths, sheet.wrapped)
        writer.rows(sheet.rows)
    return writer.finish()


def _cell(ws: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = MOMENT_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DAY_FORMAT
        return cell
    if isinstance(value, str):
        value = _clean(value)
        if value.startswith("="):  # text, never a formula
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
    return value


def _clean(text: str) -> str:
    """Characters an XML cell cannot hold dropped (control characters), length capped."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        text = "".join(ch for ch in text if ord(ch) >= 32 or ch in "\t\n\r")
    return text[:TEXT_MAX]
