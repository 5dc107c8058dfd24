"""/report (issue 15, items 3 and 5; DESIGN §4 «Curator reports»).

- `/report`: the current school quarter of the curator's school; `/report 2026/27-Q2`,
  `/report all`, `/report #<program>` (that program over its whole life).
- A curator of several schools gets one report over all of them together (the period is
  read in the first school's calendar).
- The admin's `/report [period]` is the rollup: one line per organization plus totals.
- A program outside the curator's schools (or none) gets «program not found», the same
  answer either way: another school's program is never revealed. An inter-school program
  of a mentor the curator's school lent is theirs to see, as in /program.
- `/report #12 <anything>` is not understood (the shapes that work are listed).
- A report longer than one message goes as a .txt file. The chart comes with it as a
  photo, rendered off the event loop; with nothing to draw, no chart.

handlers/roles.py refuses the command to anyone who is not a curator or an admin
(bot/menus.py BY_ROLE).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.charts import render_chart
from bot.clock import Clock
from bot.i18n import Translator
from bot.report_text import as_file_text, chart_input, rollup_text, summary_text
from bot.texts import MESSAGE_LIMIT, utf16_len
from handlers.flows import program_id_arg
from models.people import Organization, Role, Roles
from models.programs import Program, lent_by
from models.reports import ALL, Scope, ScopeError, chart_series, rollup, scope_for, summary

router = Router(name="reports")


async def _send(message: Message, text: str, filename: str, t: Translator) -> None:
    if utf16_len(text) <= MESSAGE_LIMIT:
        await message.answer(text)
        return
    body = as_file_text(text).encode("utf-8")
    await message.answer_document(
        BufferedInputFile(body, filename=filename), caption=t("report-file-caption")
    )


@router.message(Command("report"))
async def report_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    clock: Clock,
) -> None:
    now = clock.now()
    args = (command.args or "").strip()
    curator_orgs = tuple(roles.orgs_with(Role.CURATOR))
    program_id = program_id_arg(args) if args.startswith("#") else None
    if args.startswith("#"):
        if program_id is None:  # «#12 2026/27-Q2», «#abc»: not a program number alone
            await message.answer(t("report-bad-args", arg=args))
            return
        program = await session.get(Program, program_id)
        if program is None or not (
            roles.is_admin or await _curates(session, program, curator_orgs)
        ):
            await message.answer(t("report-not-found"))
            return
        org = await session.get(Organization, program.org_id)
        assert org is not None
        scope = Scope((org.id,), program.id, label=ALL, zone=org.timezone)
        scope_name = t("report-scope-program", program=program.id, school=org.name)
    else:
        if roles.is_admin:
            org_ids: tuple[int, ...] | None = None
        elif curator_orgs:
            org_ids = curator_orgs
        else:
            await message.answer(t("report-no-school"))
            return
        org = await session.get(Organization, org_ids[0]) if org_ids else None
        try:
            scope = scope_for(org_ids, org, args, now)
        except ScopeError as error:
            await message.answer(t(error.key, arg=args))
            return
        if org_ids is None:
            result = await rollup(session, now, scope)
            text = rollup_text(t, scope, result)
            await _send(message, text, f"report-{scope.label.replace('/', '-')}.txt", t)
            await _send_chart(message, session, scope, now, t)
            return
        names = (
            await session.scalars(
                select(Organization.name)
                .where(Organization.id.in_(org_ids))
                .order_by(Organization.name)
            )
        ).all()
        scope_name = (
            names[0]
            if len(names) == 1
            else t("report-scope-schools", count=len(names), names=", ".join(names))
        )
    figures = await summary(session, scope, now)
    text = summary_text(t, scope_name, scope, figures)
    await _send(message, text, f"report-{scope.label.replace('/', '-')}.txt", t)
    await _send_chart(message, session, scope, now, t)


async def _curates(session: AsyncSession, program: Program, curator_orgs: tuple[int, ...]) -> bool:
    """A curator's program: of their school, or an inter-school program of a mentor their
    school lent (as /program shows it, models/program_card.py)."""
    if program.org_id in curator_orgs:
        return True
    if not curator_orgs:
        return False
    lent = select(Program.id).where(Program.id == program.id, lent_by(list(curator_orgs)))
    return await session.scalar(lent) is not None


async def _send_chart(
    message: Message, session: AsyncSession, scope: Scope, now: datetime, t: Translator
) -> None:
    data = await chart_series(session, scope, now)
    if data.empty:  # the text already says there is nothing yet
        return
    png = await asyncio.get_running_loop().run_in_executor(None, render_chart, chart_input(t, data))
    await message.answer_photo(BufferedInputFile(png, filename="report.png"))
