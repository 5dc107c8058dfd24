"""/export, /program_doc and /annual_report (issue 15, items 4 and 6).

The command only records the request: the file is an outbox row to the person asking,
made when it is sent (bot/files.py), outside this update's transaction. /export first
warns that the file holds personal data and waits for «Выгрузить»; the press checks the
person's rights again.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot import files
from bot.clock import Clock
from bot.i18n import Translator
from bot.keyboards.documents import ExportCb, export_keyboard
from handlers.flows import program_id_arg
from models import export
from models.calendar import school_year_of, today_in
from models.outbox import enqueue
from models.people import Organization, Role, Roles, User
from models.program_card import Viewer, viewer_roles
from models.programs import Program

router = Router(name="documents")

# A file not made within this time (the bot was down) is not worth sending any more;
# «export-preparing» says so («if no file comes within an hour, ask again»).
EXPIRES = timedelta(hours=1)
# A new request of these kinds replaces the person's earlier one still waiting: pressing
# five old warnings makes one region export, not five at once. (/program_doc is not
# among them: its requests name different programs.)
REPLACED = (files.EXPORT, files.ANNUAL)


def _scope(roles: Roles, org_id: int | None = None) -> dict[str, Any] | None:
    """What a file of the person may cover: every school (admin), their schools as a
    curator; with `org_id` (`/export #<school>`) that one school, if theirs (the admin:
    any); None: nothing."""
    if roles.is_admin:
        return {"all": True} if org_id is None else {"orgs": [org_id], "admin": True}
    curated = roles.orgs_with(Role.CURATOR)
    if org_id is not None:
        curated = [org for org in curated if org == org_id]
    return {"orgs": curated} if curated else None


async def _request(
    session: AsyncSession,
    chat_id: int,
    user: User | None,
    kind: str,
    args: dict[str, Any],
    clock: Clock,
    t: Translator,
    dedupe_key: str,
) -> None:
    now = clock.now()
    if kind in REPLACED and user is not None:
        await export.replace_pending(session, files.REF, user.id, kind, dedupe_key)
    await enqueue(
        session,
        chat_id=chat_id,
        user_id=user.id if user is not None else None,
        kind=kind,
        now=now,
        args=args,
        ref=(files.REF, user.id if user is not None else 0),
        expires_at=now + EXPIRES,
        dedupe_key=dedupe_key,
        language=t.language,
    )


# /export ---------------------------------------------------------------------------------


@router.message(Command("export"))
async def export_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    t: Translator,
    state: FSMContext,
) -> None:
    await state.clear()
    if _scope(roles) is None:
        await message.answer(t("export-not-allowed"))
        return
    args = (command.args or "").strip()
    org_id = program_id_arg(args) if args else None
    if args and org_id is None:
        await message.answer(t("export-usage"))
        return
    if org_id is not None and (
        _scope(roles, org_id) is None or await session.get(Organization, org_id) is None
    ):
        await message.answer(t("export-school-not-found", org=org_id))
        return
    await message.answer(
        t("export-warning-all" if roles.is_admin and org_id is None else "export-warning"),
        reply_markup=export_keyboard(t, org_id or 0),
    )


@router.callback_query(ExportCb.filter())
async def export_pressed(
    query: CallbackQuery,
    callback_data: ExportCb,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    clock: Clock,
) -> None:
    scope = _scope(roles, callback_data.org or None)
    if scope is None:
        await query.answer(t.plain("export-not-allowed"), show_alert=True)
        return
    message = query.message
    if not isinstance(message, Message):
        await query.answer(t.plain("export-outdated"), show_alert=True)
        return
    if not callback_data.go:
        await message.edit_text(t("export-cancelled"))
        await query.answer()
        return
    await _request(
        session,
        query.from_user.id,
        user,
        files.EXPORT,
        scope,
        clock,
        t,
        f"export:{query.from_user.id}:{message.message_id}",
    )
    await message.edit_text(t("export-preparing"))
    await query.answer()


# /program_doc ------------------------------------------------------------------------------


@router.message(Command("program_doc"))
async def program_doc_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    clock: Clock,
    state: FSMContext,
) -> None:
    await state.clear()
    args = (command.args or "").strip()
    program_id = program_id_arg(args) if args else None
    if program_id is None:
        await message.answer(t("doc-program-usage"))
        return
    program = await session.get(Program, program_id)
    viewers = (
        await viewer_roles(session, program, user.id if user else None, roles)
        if program is not None
        else set()
    )
    if not viewers & {Viewer.CURATOR, Viewer.LENDER, Viewer.ADMIN}:
        # The same answer whether the program exists or belongs to another school.
        await message.answer(t("doc-program-not-found", program=program_id))
        return
    assert message.from_user is not None
    await _request(
        session,
        message.from_user.id,
        user,
        files.PROGRAM_DOC,
        {"program": program_id, "admin": roles.is_admin},
        clock,
        t,
        f"program-doc:{message.from_user.id}:{message.message_id}",
    )


# /annual_report ----------------------------------------------------------------------------

YEAR = re.compile(r"^(\d{4})(?:\s*/\s*(\d{2}|\d{4}))?$")


def year_arg(text: str) -> int | None:
    """The school year a command's argument names: «2025/26», «2025/2026» or «2025»
    (the year starting in September 2025); None: not a school year."""
    match = YEAR.match(text.strip())
    if match is None:
        return None
    year = int(match.group(1))
    following = match.group(2)
    if following is not None and int(following) % 100 != (year + 1) % 100:
        return None
    if following is not None and len(following) == 4 and int(following) != year + 1:
        return None
    return year if 2000 <= year <= 2100 else None


async def _this_year(session: AsyncSession, scope: dict[str, Any], clock: Clock) -> int:
    """The school year it is now (at the first school of the scope; the admin: Moscow),
    as bot/files.py render_annual reckons it."""
    orgs = scope.get("orgs") or []
    org = await session.get(Organization, orgs[0]) if orgs else None
    zone = org.timezone if org is not None else "Europe/Moscow"
    return school_year_of(today_in(zone, clock.now()))


@router.message(Command("annual_report"))
async def annual_report_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    user: User | None,
    t: Translator,
    clock: Clock,
    state: FSMContext,
) -> None:
    await state.clear()
    scope = _scope(roles)
    if scope is None:
        await message.answer(t("doc-annual-not-allowed"))
        return
    args = (command.args or "").strip()
    year = year_arg(args) if args else None
    if args and year is None:
        await message.answer(t("doc-annual-usage"))
        return
    if year is not None and year > await _this_year(session, scope, clock):
        await message.answer(t("doc-annual-future", year=f"{year}/{str(year + 1)[-2:]}"))
        return
    assert message.from_user is not None
    await _request(
        session,
        message.from_user.id,
        user,
        files.ANNUAL,
        {**scope, "year": year},
        clock,
        t,
        f"annual:{message.from_user.id}:{message.message_id}",
    )
