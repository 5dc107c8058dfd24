"""Files a curator asks for: /export's workbook, /program_doc and /annual_report.

Each is an outbox row addressed to the person who asked (decide, commit, then deliver):
the command's transaction only records the request; the file is made when the row is
sent, by the renderers here (bot/notices.py RENDERERS). That keeps the slow part out of
the update's transaction and its write gate, so other updates are not held up:
- the rows are read in a read-only session of their own, in short pages that give the
  loop back between them (models/export.py);
- the file is written in a worker thread (`run_in_executor`) from plain data.

Access is checked again when the file is made: a curator who lost the role in the
meantime gets a refusal instead of the file.

A file that cannot be made (a bug, a broken row) is not retried: the person is told so
and the row is finished (`_guarded`); a file over Telegram's 50 MB upload limit for bots
is not sent either: the person is told to ask for one school at a time.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile
from sqlalchemy.ext.asyncio import AsyncSession

from bot import documents as docs
from bot import workbook as wb
from bot.charts import render_chart
from bot.delivery import Sent
from bot.i18n import Translator
from bot.links import format_local
from bot.report_text import chart_input, number, share
from models import export, reports
from models.calendar import school_year_of, today_in
from models.dates import format_day
from models.people import Organization, Roles, load_roles
from models.plans import PlanLine, PlanOccurrence
from models.practices import PracticeRow, bank
from models.program_card import Viewer, viewer_roles
from models.surveys import CHARACTERISTICS, DefinitionError, poll_definition

if TYPE_CHECKING:
    from bot.notices import Delivery

EXPORT = "export-file"  # args: {"all": true} (admin) or {"orgs": [ids]}
PROGRAM_DOC = "program-doc-file"  # args: {"program": id, "admin": bool}
ANNUAL = "annual-report-file"  # args: as EXPORT, and "year" (2026: the year 2026/27)
KINDS = (EXPORT, PROGRAM_DOC, ANNUAL)
REF = "document"  # outbox ref kind; ref_id is the person who asked
# The command each file answers (what to type again after a failure).
COMMANDS = {EXPORT: "export", PROGRAM_DOC: "program_doc", ANNUAL: "annual_report"}
# Telegram's limit on a file a bot uploads (sendDocument): 50 MB.
MAX_UPLOAD = 50 * 1024 * 1024

log = logging.getLogger(__name__)


async def _in_worker(build: Callable[[Any], bytes], data: Any) -> bytes:
    return await asyncio.get_running_loop().run_in_executor(None, build, data)


async def _refuse(d: Delivery, key: str, **args: Any) -> list[Sent]:
    message = await d.bot.send_message(d.row.chat_id, d.t(key, **args))
    return [Sent(message.message_id, False, False)]


async def _send_file(d: Delivery, data: bytes, filename: str, caption: str) -> list[Sent]:
    if len(data) > MAX_UPLOAD:
        # Telegram would refuse it ("Request Entity Too Large", seen as a network error
        # and retried until the row expires): say what to do instead.
        log.warning(
            "outbox row %s (%s): the file is %d bytes, over the upload limit",
            d.row.id,
            d.row.kind,
            len(data),
        )
        key = (
            "file-too-large-all" if d.row.kind == EXPORT and d.args.get("all") else "file-too-large"
        )
        return await _refuse(d, key, command=COMMANDS.get(d.row.kind, "export"))
    message = await d.bot.send_document(
        d.row.chat_id,
        BufferedInputFile(data, filename=filename),
        caption=caption,
        disable_notification=d.row.silent,
    )
    return [Sent(message.message_id, False, False)]


def _guarded(
    render: Callable[[Delivery], Awaitable[list[Sent]]],
) -> Callable[[Delivery], Awaitable[list[Sent]]]:
    """A renderer whose failure to make the file is answered, not retried: building it
    again would fail again (and hold the worker each time) while the person saw only
    «⏳ Готовлю файл…». Telegram's own errors go to the sender as before (a network error
    is worth another try). The log names the row and where it failed, never the error's
    text (it may quote personal data: a name in a row, a query's parameters)."""

    @functools.wraps(render)
    async def guarded(d: Delivery) -> list[Sent]:
        try:
            return await render(d)
        except TelegramAPIError:
            raise
        except Exception as exc:
            where = "".join(traceback.format_tb(exc.__traceback__))
            log.error(
                "outbox row %s (%s): the file could not be made: %s\n%s",
                d.row.id,
                d.row.kind,
                type(exc).__name__,
                where,
            )
            return await _refuse(d, "file-failed", command=COMMANDS.get(d.row.kind, "export"))

    return guarded


async def scope_now(session: AsyncSession, user_id: int | None, args: dict[str, Any]) -> Any:
    """The schools the file may cover now: None for all (the admin), the school the admin
    named, else the schools of the request where the person is still a curator (empty:
    none any more)."""
    if args.get("all"):
        return None
    if args.get("admin"):
        return sorted(int(org) for org in args.get("orgs", []))
    if user_id is None:
        return []
    asked = {int(org) for org in args.get("orgs", [])}
    return sorted(asked & set(await export.curated_orgs(session, user_id)))


# /export ------------------------------------------------------------------------------


MAX_PENDING = 8  # pages read ahead of the writer thread


def _readers() -> dict[str, Callable[..., AsyncIterator[list[Any]]]]:
    return {
        "participants": export.participants,
        "programs": export.programs,
        "plan": export.plan,
        "meetings": export.meetings,
        "questions": export.questions,
        "answers": export.answers,
    }


def _converters(cells: wb.Cells, surveys: wb.Surveys) -> dict[str, Callable[[Any], list[Any]]]:
    return {
        "participants": lambda r: wb.participant_row(cells, r),
        "programs": lambda r: wb.program_row(cells, r),
        "plan": lambda r: wb.plan_row(cells, r),
        "meetings": lambda r: wb.meeting_row(cells, r),
        "questions": lambda r: wb.question_row(cells, r),
        "answers": lambda r: wb.answer_row(cells, surveys, r),
    }


async def _polls(session: AsyncSession, org_ids: list[int] | None) -> dict[int, Any]:
    """The scope's quick polls as definitions (their question texts and options), read
    once for the answers sheet; a poll whose stored questions no longer load is left out
    (its answers show the keys)."""
    found = {}
    for poll in await export.polls(session, org_ids):
        try:
            found[poll.id] = poll_definition(poll)
        except DefinitionError:
            continue
    return found


async def make_export(session: AsyncSession, t: Translator, org_ids: list[int] | None) -> bytes:
    """The workbook. Pages are read on the loop (models/export.py: short keyset pages,
    the loop's turn after each), turned into cells, and handed to one worker thread
    that writes them (bot/workbook.py Writer) while the next pages are read; at most
    MAX_PENDING pages wait for it, so a region's export holds a few pages, not the
    region."""
    with_school = org_ids is None or len(org_ids) > 1
    cells = wb.Cells(t, await export.schools(session, org_ids), with_school)
    convert = _converters(cells, wb.Surveys(t, await _polls(session, org_ids)))
    readers = _readers()
    loop = asyncio.get_running_loop()
    writer = wb.Writer()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export")
    pending: deque[asyncio.Future[Any]] = deque()

    async def submit(function: Callable[..., Any], *args: Any) -> None:
        pending.append(loop.run_in_executor(pool, function, *args))
        while len(pending) > MAX_PENDING:
            await pending.popleft()

    try:
        for key in wb.SHEETS:
            sheet = wb.new_sheet(key, t, with_school)
            await submit(writer.sheet, sheet.title, sheet.headers, sheet.widths, sheet.wrapped)
            async for page in readers[key](session, org_ids):
                await submit(writer.rows, [convert[key](r) for r in page])
                await asyncio.sleep(0)  # the cells of a page are a step of their own
        while pending:
            await pending.popleft()
        return await loop.run_in_executor(pool, writer.finish)
    except BaseException:
        for future in pending:
            future.cancel()
        # After whatever page the thread is writing: the sheets' streams closed.
        await asyncio.shield(loop.run_in_executor(pool, writer.abort))
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@_guarded
async def render_export(d: Delivery) -> list[Sent]:
    async with d.sessionmaker() as session:
        org_ids = await scope_now(session, d.row.user_id, d.args)
        if org_ids == []:
            return await _refuse(d, "export-not-allowed")
        data = await make_export(session, d.t, org_ids)
        now = d.row.created_at
        schools = await export.schools(session, org_ids) if org_ids else {}
    zone = next(iter(schools.values())).zone if schools else "Europe/Moscow"
    day = today_in(zone, now)
    return await _send_file(
        d,
        data,
        f"mentorbot-export-{day.isoformat()}.xlsx",
        d.t("export-caption", date=format_day(day)),
    )


# /program_doc -------------------------------------------------------------------------


def _mark(t: Translator, occ: PlanOccurrence, today: date, zone: str) -> str:
    if occ.done_at is not None:
        done = format_day(today_in(zone, occ.done_at))
        if occ.note:
            return t.plain("doc-mark-done-note", done=done, note=occ.note)
        return t.plain("doc-mark-done", done=done)
    if occ.due_on is None:
        return t.plain("doc-mark-as-needed")
    if occ.due_on < today:
        return t.plain("doc-mark-overdue", due=format_day(occ.due_on))
    if occ.window_start is not None and occ.window_start != occ.due_on:
        return t.plain(
            "doc-mark-window", start=format_day(occ.window_start), due=format_day(occ.due_on)
        )
    return t.plain("doc-mark-due", due=format_day(occ.due_on))


def _marks(t: Translator, line: PlanLine, today: date, zone: str) -> str:
    if not line.occurrences:
        return "—"
    if len(line.occurrences) == 1:
        return _mark(t, line.occurrences[0], today, zone)
    return "\n".join(f"{occ.seq}) {_mark(t, occ, today, zone)}" for occ in line.occurrences)


def _day(instant: datetime, zone: str) -> str:
    return format_local(instant, zone, with_time=False)


def _person(t: Translator, p: export.Person) -> str:
    details = [x for x in (p.position, p.subject) if x]
    if p.experience is not None:
        details.append(t.plain("doc-experience", years=p.experience))
    name = t.name(p.name)
    return f"{name} ({', '.join(details)})" if details else name


def program_doc(t: Translator, data: export.ProgramDocument, now: datetime) -> docs.Doc:
    """The program as seed 001 lays it out: the explanatory note, the participants,
    then the plan of activities as a table."""
    program, zone = data.program, data.school.zone
    today = today_in(zone, now)
    form = t.plain("pair-form-label", form=program.form)
    mode = t.plain("pair-mode-label", mode=program.mode)
    period = t.plain(
        "doc-period", start=format_day(program.starts_on), end=format_day(program.ends_on)
    )
    empty = t.plain("doc-empty")
    blocks: list[docs.Block] = [
        docs.Para(t.plain("card-status", status=program.status), label=t.plain("doc-status")),
    ]
    if program.ended_at is not None:
        reason = t.plain("change-end-reason", end_reason=program.end_reason or "")
        blocks.append(
            docs.Para(
                t.plain(
                    "doc-ended", date=format_local(program.ended_at, zone, False), reason=reason
                )
            )
        )
    blocks.append(docs.Heading(t.plain("doc-note-title")))
    blocks.append(docs.Para(form, label=t.plain("doc-form")))
    for name in ("problem", "goals", "tasks"):
        value = getattr(program, name)
        blocks.append(docs.Para(value or empty, label=t.plain("card-field", field=name)))
    directions = []
    for line in data.plan:
        label = t.plain(f"direction-{line.item.direction}") if line.item.direction else None
        if label and label not in directions:
            directions.append(label)
    content = t.plain("doc-content", count=len(data.plan), directions=", ".join(directions) or "—")
    blocks.append(docs.Para(content, label=t.plain("doc-content-label")))
    blocks.append(docs.Para(period, label=t.plain("doc-dates")))
    for name in ("results_mid", "results_final"):
        value = getattr(program, name)
        blocks.append(docs.Para(value or empty, label=t.plain("card-field", field=name)))
    if data.meetings_ahead:
        planned = ", ".join(format_local(m.starts_at, zone) for m in data.meetings_ahead)
        schedule = t.plain("doc-schedule-planned", meetings=planned)
    else:
        schedule = t.plain("doc-schedule-situational")
    schedule += " " + t.plain("doc-meetings-held", count=data.meetings_held)
    blocks.append(docs.Para(schedule, label=t.plain("doc-schedule")))
    blocks.append(docs.Para(mode, label=t.plain("doc-mode")))

    blocks.append(docs.Heading(t.plain("doc-participants")))
    mentor = _person(t, data.mentor)
    if data.mentor_school:
        mentor += " — " + data.mentor_school
    blocks.append(docs.Para(mentor, label=t.plain("doc-mentor")))
    mentee_lines = []
    for person, acknowledged in data.mentees:
        line = _person(t, person)
        if acknowledged is not None:
            line += " — " + t.plain(
                "doc-acknowledged", date=format_local(acknowledged, zone, False)
            )
        mentee_lines.append(line)
    blocks.append(docs.Para(t.plain("doc-mentees"), label=None))
    blocks.append(docs.Bullets(mentee_lines or [empty]))

    blocks.append(docs.Heading(t.plain("doc-plan-title")))
    headers = [t.plain("doc-plan-column", col=c) for c in PLAN_COLUMNS]
    rows = []
    for line in data.plan:
        item = line.item
        rows.append(
            [
                str(item.position),
                item.title,
                item.activity_form or "",
                t.plain(f"direction-{item.direction}")
                if item.direction
                else t.plain("plan-no-direction"),
                item.risks or "",
                item.prevention or "",
                item.expected_result or "",
                item.criteria or "",
                _marks(t, line, today, zone),
            ]
        )
    if rows:
        blocks.append(docs.Table(headers, rows, [0.8, 4.2, 2.8, 2.8, 2.8, 2.8, 3.0, 3.0, 3.0]))
    else:
        blocks.append(docs.Para(t.plain("doc-plan-empty")))
    return docs.Doc(
        title=t.plain("doc-program-title", program=program.id),
        subtitle=t.plain("doc-program-subtitle", school=data.school.name, period=period),
        blocks=blocks,
        landscape=True,
    )


PLAN_COLUMNS = (
    "n",
    "activity",
    "form",
    "direction",
    "risks",
    "prevention",
    "expected",
    "criteria",
    "mark",
)


@_guarded
async def render_program_doc(d: Delivery) -> list[Sent]:
    program_id = int(d.args.get("program", 0))
    async with d.sessionmaker() as session:
        data = await export.program_document(session, program_id, d.row.created_at)
        allowed = data is not None and await may_document(
            session, data.program, d.row.user_id, bool(d.args.get("admin"))
        )
    if data is None or not allowed:
        return await _refuse(d, "doc-program-not-found", program=program_id)
    doc = program_doc(d.t, data, d.row.created_at)
    content = await _in_worker(docs.build, doc)
    return await _send_file(
        d,
        content,
        f"program-{program_id}.docx",
        d.t("doc-program-caption", program=program_id),
    )


async def may_document(
    session: AsyncSession, program: Any, user_id: int | None, is_admin: bool
) -> bool:
    """A curator of the program's school or of the school that lent its mentor; an
    admin."""
    if is_admin:
        return True
    if user_id is None:
        return False
    roles = Roles(is_admin=False, by_org=await load_roles(session, user_id))
    viewers = await viewer_roles(session, program, user_id, roles)
    return bool(viewers & {Viewer.CURATOR, Viewer.LENDER})


# /annual_report ---------------------------------------------------------------------


def annual_doc(
    t: Translator,
    scope: reports.Scope,
    schools: dict[int, export.School],
    all_schools: bool,
    data: reports.Annual,
    practices: list[PracticeRow],
    chart: bytes | None,
) -> docs.Doc:
    """The final analytic report: the statistical forms' counts, program outcomes, the
    four characteristics with the chart, question and meeting activity, best practices."""
    s = data.summary
    value = t.plain("doc-annual-value")
    blocks: list[docs.Block] = [docs.Heading(t.plain("doc-annual-people"))]
    people = [
        [t.plain("doc-annual-mentors"), str(data.mentors)],
        [t.plain("doc-annual-mentees"), str(data.mentees)],
        [t.plain("doc-annual-young"), str(data.young_specialists)],
    ]
    for form in sorted(set(data.pairs) | set(data.groups)):
        label = t.plain("pair-form-label", form=form)
        people.append([t.plain("doc-annual-pairs", form=label), str(data.pairs.get(form, 0))])
        people.append([t.plain("doc-annual-groups", form=label), str(data.groups.get(form, 0))])
    blocks.append(docs.Table([t.plain("doc-annual-indicator"), value], people, [12.0, 4.0]))

    blocks.append(docs.Heading(t.plain("doc-annual-outcomes")))
    outcomes = [
        [t.plain("doc-annual-completed"), str(data.completed)],
        [t.plain("doc-annual-extended"), str(data.extended)],
        [t.plain("doc-annual-terminated"), str(data.terminated)],
    ]
    for reason, count in sorted(data.end_reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        why = t.plain("change-end-reason", end_reason=reason)
        outcomes.append([t.plain("doc-annual-reason", reason=why), str(count)])
    blocks.append(docs.Table([t.plain("doc-annual-indicator"), value], outcomes, [12.0, 4.0]))

    blocks.append(docs.Heading(t.plain("doc-annual-characteristics")))
    blocks.append(
        docs.Para(
            t.plain(
                "doc-annual-response",
                done=s.survey_done,
                total=s.survey_all,
                share=share(s.survey_done, s.survey_all),
            )
        )
    )
    if data.averages:
        rows = [
            [t.plain("report-characteristic", topic=topic), number(t, data.averages[topic])]
            for topic in CHARACTERISTICS
            if topic in data.averages
        ]
        blocks.append(
            docs.Table([t.plain("doc-annual-characteristic"), t.plain("doc-annual-average")], rows)
        )
    else:
        blocks.append(docs.Para(t.plain("doc-annual-no-scores")))
    if chart:
        blocks.append(docs.Picture(chart, 16.0))

    blocks.append(docs.Heading(t.plain("doc-annual-activity")))
    median = number(t, s.median_response_hours) if s.median_response_hours is not None else "—"
    activity = [
        [t.plain("doc-annual-asked"), str(s.asked)],
        [t.plain("doc-annual-answered"), str(s.answered)],
        [t.plain("doc-annual-median"), median],
        [t.plain("doc-annual-sla"), str(s.sla_breaches)],
        [t.plain("doc-annual-escalated"), str(s.escalations)],
        [t.plain("doc-annual-meetings-planned"), str(s.meetings_planned)],
        [t.plain("doc-annual-meetings-held"), str(s.meetings_held)],
        [t.plain("doc-annual-plan-done"), str(s.plan_done)],
        [t.plain("doc-annual-plan-overdue"), str(s.plan_overdue)],
    ]
    blocks.append(docs.Table([t.plain("doc-annual-indicator"), value], activity, [12.0, 4.0]))

    blocks.append(docs.Heading(t.plain("doc-annual-practices")))
    if practices:
        items = []
        for p in practices:
            line = t.plain(
                "doc-annual-practice",
                program=p.program_id,
                school=p.org_name,
                mentor=t.name(p.mentor),
                mentees=", ".join(t.name(m) for m in p.mentees) or "—",
                form=t.plain("pair-form-label", form=p.form),
                start=format_day(p.starts_on),
                end=format_day(p.ends_on),
            )
            if p.summary:
                line += " " + p.summary
            items.append(line)
        blocks.append(docs.Bullets(items))
    else:
        blocks.append(docs.Para(t.plain("doc-annual-no-practices")))
    if all_schools:
        where = t.plain("doc-annual-all-schools", count=len(schools))
    else:
        where = ", ".join(school.name for school in schools.values())
    assert scope.start is not None and scope.end is not None
    return docs.Doc(
        title=t.plain("doc-annual-title", year=scope.label),
        subtitle=t.plain(
            "doc-annual-subtitle",
            schools=where,
            start=format_day(scope.start),
            end=format_day(scope.end),
        ),
        blocks=blocks,
    )


def _ran_in(practice: PracticeRow, scope: reports.Scope) -> bool:
    """A best practice belongs to the years its program ran in."""
    assert scope.start is not None and scope.end is not None
    return practice.starts_on <= scope.end and practice.ends_on >= scope.start


@_guarded
async def render_annual(d: Delivery) -> list[Sent]:
    now = d.row.created_at
    async with d.sessionmaker() as session:
        org_ids = await scope_now(session, d.row.user_id, d.args)
        if org_ids == []:
            return await _refuse(d, "doc-annual-not-allowed")
        schools = await export.schools(session, org_ids)
        first = await session.get(Organization, org_ids[0]) if org_ids else None
        zone = first.timezone if first is not None else "Europe/Moscow"
        year = int(d.args.get("year") or school_year_of(today_in(zone, now)))
        ids = tuple(org_ids) if org_ids is not None else None
        scope = reports.year_scope(ids, first, year)
        data = await reports.annual(session, scope, now)
        # The chart: every quarter of the year, and the year's weeks up to today.
        year_long = reports.Scope(ids, None, scope.start, scope.end, reports.ALL, scope.zone)
        series = await reports.chart_series(session, year_long, now)
        practices = [p for p in await bank(session, org_ids) if _ran_in(p, scope)]
    chart = await _in_worker(render_chart, chart_input(d.t, series))
    doc = annual_doc(d.t, scope, schools, org_ids is None, data, practices, chart)
    content = await _in_worker(docs.build, doc)
    return await _send_file(
        d,
        content,
        f"annual-report-{year}-{str(year + 1)[-2:]}.docx",
        d.t("doc-annual-caption", year=scope.label),
    )


RENDERERS = {
    EXPORT: render_export,
    PROGRAM_DOC: render_program_doc,
    ANNUAL: render_annual,
}
