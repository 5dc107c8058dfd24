"""Wiring: the Bot, the Dispatcher with its middlewares and routers, the tick."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import ErrorEvent
from aiogram.types import User as TgUser
from sqlalchemy.exc import DataError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, make_clock
from bot.config import Settings
from bot.i18n import Locales
from bot.menus import set_default_menus
from bot.middlewares import DbSessionMiddleware, FloodMiddleware, I18nMiddleware, UserMiddleware
from bot.middlewares.flow_timeout import FlowTimeoutMiddleware
from bot.polling import Poller, check_bot
from bot.replies import CollectRepliesMiddleware
from bot.sender import OutboxSender, RateLimiter, RateLimitMiddleware
from bot.storage import DbStorage
from handlers import get_routers
from models import changes, outbox, plans, questions, survey_rounds, surveys
from models.db import create_engine, create_sessionmaker, write_gate
from models.runtime import forget_old_updates
from scheduler.tick import CatchUp, Tick, start_scheduler

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 30


@dataclass
class App:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bot: Bot
    dp: Dispatcher
    locales: Locales
    sender: OutboxSender
    tick: Tick
    db_middleware: DbSessionMiddleware
    extras: dict[str, Any] = field(default_factory=dict)


def prepare_session(session: BaseSession, limiter: RateLimiter | None) -> BaseSession:
    """Every call passes the reply collector first (a handler's replies wait for its
    commit), then the rate limiter."""
    session.middleware(CollectRepliesMiddleware())
    if limiter is not None:
        session.middleware(RateLimitMiddleware(limiter))
    return session


def build_bot(settings: Settings, limiter: RateLimiter | None = None) -> Bot:
    session = AiohttpSession()
    if settings.telegram_api_base:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    prepare_session(session, limiter)
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def build_dispatcher(
    settings: Settings,
    clock: Clock,
    sessionmaker: async_sessionmaker[AsyncSession],
    locales: Locales,
    storage: BaseStorage,
    sender: OutboxSender,
    flood_limit: int = 5,
) -> tuple[Dispatcher, DbSessionMiddleware]:
    dp = Dispatcher(storage=storage, events_isolation=SimpleEventIsolation())
    db = DbSessionMiddleware(sessionmaker, clock, sender)
    dp.update.outer_middleware(FloodMiddleware(locales, limit=flood_limit))
    dp.update.outer_middleware(db)
    dp.update.outer_middleware(UserMiddleware(settings.admin_ids))
    dp.update.outer_middleware(I18nMiddleware(locales))
    dp.message.outer_middleware(FlowTimeoutMiddleware(settings.flow_timeout))
    dp.include_routers(*get_routers())
    dp.errors.register(_on_error)
    dp["settings"] = settings
    dp["clock"] = clock
    dp["locales"] = locales
    return dp, db


async def _on_error(
    event: ErrorEvent,
    locales: Locales,
    lang: str | None = None,
    event_from_user: TgUser | None = None,
) -> None:
    """Tells the person something went wrong, in the language the i18n middleware picked
    (their stored choice when known); before it ran, by Telegram's language. A button whose
    forged id the database cannot take (above 2^31 on PostgreSQL) is only not valid: the
    presser gets the «button outdated» alert, as for any other forged button."""
    query = event.update.callback_query
    if query is not None and _bad_value(event.exception):
        log.warning(
            "update %s: a button's data out of range: %r", event.update.update_id, query.data
        )
        if lang is None:
            lang = locales.pick(None, event_from_user.language_code if event_from_user else None)
        try:
            await event.update.bot.answer_callback_query(  # type: ignore[union-attr]
                query.id, locales.get(lang).plain("button-outdated"), show_alert=True
            )
        except Exception:
            log.warning("could not answer the button of update %s", event.update.update_id)
        return
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    chat_id = None
    source = event.update.message or (
        event.update.callback_query.message if event.update.callback_query else None
    )
    if source is not None and source.chat.type == "private":
        chat_id = source.chat.id
    if chat_id is None:
        return
    if lang is None:
        lang = locales.pick(None, event_from_user.language_code if event_from_user else None)
    t = locales.get(lang)
    try:
        await event.update.bot.send_message(chat_id, t("error-generic"))  # type: ignore[union-attr]
    except Exception:
        log.warning("could not tell chat %s about the error", chat_id)


def _bad_value(error: BaseException | None) -> bool:
    """A value the database refused as out of its type's range (SQLSTATE class 22, or the
    driver's check before sending), anywhere in the exception's chain."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (OverflowError, DataError)):
            return True
        if str(getattr(error, "sqlstate", "") or "").startswith("22"):
            return True
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__
        seen += 1
    return False


def sla_catch_up(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> CatchUp:
    async def questions_sla() -> int:
        async with write_gate(sessionmaker).hold(), sessionmaker() as session, session.begin():
            return await questions.sla_catch_up(session, clock.now())

    return questions_sla


def plan_catch_up(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, settings: Settings
) -> CatchUp:
    async def plan_deadlines() -> int:
        async with write_gate(sessionmaker).hold(), sessionmaker() as session, session.begin():
            return await plans.deadline_catch_up(
                session,
                clock.now(),
                days_before=settings.plan_remind_days_before,
                remind_at=settings.plan_remind_at,
                curator_after_days=settings.overdue_curator_days,
            )

    return plan_deadlines


def end_catch_up(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> CatchUp:
    async def programs_at_end_date() -> int:
        async with write_gate(sessionmaker).hold(), sessionmaker() as session, session.begin():
            return await changes.program_end_catch_up(session, clock.now())

    return programs_at_end_date


def quarter_catch_up(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> CatchUp:
    async def quarterly_surveys() -> int:
        async with write_gate(sessionmaker).hold(), sessionmaker() as session, session.begin():
            return await survey_rounds.quarter_catch_up(session, clock.now())

    return quarterly_surveys


def survey_reminders(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> CatchUp:
    async def remind_non_responders() -> int:
        async with write_gate(sessionmaker).hold(), sessionmaker() as session, session.begin():
            return await surveys.remind_catch_up(session, clock.now())

    return remind_non_responders


def housekeeping(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, retention_days: int
) -> CatchUp:
    async def forget_old_update_ids_and_bodies() -> int:
        now = clock.now()
        async with write_gate(sessionmaker).hold(), sessionmaker() as session, session.begin():
            forgotten = await forget_old_updates(session, now - timedelta(days=7))
            return forgotten + await outbox.forget_bodies(
                session, now - timedelta(days=retention_days)
            )

    return forget_old_update_ids_and_bodies


def build_app(settings: Settings) -> App:
    clock = make_clock(settings.app_env, settings.test_clock_file)
    engine = create_engine(settings.database_url, sqlite_on_loop=settings.sqlite_on_loop)
    sessionmaker = create_sessionmaker(engine)
    locales = Locales(default=settings.default_language)
    limiter = RateLimiter(
        settings.global_rate_limit,
        settings.chat_rate_limit,
        settings.chat_burst,
        settings.group_rate_per_minute,
    )
    bot = build_bot(settings, limiter)
    sender = OutboxSender(bot, sessionmaker, locales, clock, limiter)
    tick = Tick(
        catch_ups=[
            sla_catch_up(sessionmaker, clock),
            plan_catch_up(sessionmaker, clock, settings),
            end_catch_up(sessionmaker, clock),
            quarter_catch_up(sessionmaker, clock),
            survey_reminders(sessionmaker, clock),
            housekeeping(sessionmaker, clock, settings.outbox_retention_days),
        ],
        drain=sender.drain,
    )
    storage = DbStorage(sessionmaker, clock)
    dp, db = build_dispatcher(
        settings,
        clock,
        sessionmaker,
        locales,
        storage,
        sender,
        flood_limit=settings.flood_messages_per_second,
    )
    return App(settings, clock, engine, sessionmaker, bot, dp, locales, sender, tick, db)


def api_base(settings: Settings) -> str:
    return settings.telegram_api_base or "https://api.telegram.org"


async def run_polling(app: App) -> None:
    """Poll until SIGTERM/SIGINT; see bot/polling.py for when an update is confirmed.

    Raises StartupError (one line for the operator) when Telegram refuses or cannot be
    reached; the bot's session and the engine are closed on every way out.
    """
    poller = Poller(
        app.bot,
        app.dp,
        concurrency=app.settings.tasks_concurrency_limit,
        allowed_updates=app.dp.resolve_used_update_types(),
    )
    poller.handle_signals()
    try:
        me = await check_bot(app.bot, api_base(app.settings))
        app.dp["bot_username"] = me.username or ""
        await set_default_menus(app.bot, app.locales)
        await _poll(app, poller, me.username or "")
    finally:
        await app.bot.session.close()
        await app.engine.dispose()


async def _poll(app: App, poller: Poller, username: str) -> None:
    # The only sending process: what a killed predecessor had claimed is sent again.
    released = await app.sender.recover()
    if released:
        log.info("outbox: %s unfinished deliveries taken up again", released)
    scheduler = start_scheduler(app.tick, app.settings.tick_seconds)

    async def on_shutdown() -> None:
        # Every update received has finished by now: start no new tick, then let the
        # tick run in flight finish.
        scheduler.pause()
        try:
            async with asyncio.timeout(SHUTDOWN_GRACE_SECONDS):
                await app.tick.wait_tasks()
                await app.sender.settle()
        except TimeoutError:
            log.warning("shutdown: work still running after %ss", SHUTDOWN_GRACE_SECONDS)
        # Shutting the scheduler down cancels a job still running; none is by now.
        scheduler.shutdown(wait=False)

    app.dp.shutdown.register(on_shutdown)
    hooks = {"dispatcher": app.dp, **app.dp.workflow_data, **poller.workflow_data}
    await app.dp.emit_startup(bot=app.bot, **hooks)
    log.info("polling as @%s", username)
    try:
        await app.tick.run_once()
        await poller.run(grace=SHUTDOWN_GRACE_SECONDS)
    finally:
        await app.dp.emit_shutdown(bot=app.bot, **hooks)
    await poller.confirm()
    log.info("stopped")
