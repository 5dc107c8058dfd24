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
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import ErrorEvent
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, make_clock
from bot.config import Settings
from bot.i18n import Locales
from bot.keyboards.questions import escalation_buttons
from bot.menus import set_default_menus
from bot.middlewares import DbSessionMiddleware, FloodMiddleware, I18nMiddleware, UserMiddleware
from bot.sender import OutboxSender, RateLimiter, RateLimitMiddleware
from bot.storage import DbStorage
from handlers import get_routers
from models import questions
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


def build_bot(settings: Settings, limiter: RateLimiter | None = None) -> Bot:
    session = AiohttpSession()
    if settings.telegram_api_base:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    if limiter is not None:
        session.middleware(RateLimitMiddleware(limiter))
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
    on_outbox: Any,
    flood_limit: int = 5,
) -> tuple[Dispatcher, DbSessionMiddleware]:
    dp = Dispatcher(storage=storage, events_isolation=SimpleEventIsolation())
    db = DbSessionMiddleware(sessionmaker, clock, on_outbox=on_outbox)
    dp.update.outer_middleware(FloodMiddleware(locales, limit=flood_limit))
    dp.update.outer_middleware(db)
    dp.update.outer_middleware(UserMiddleware(settings.admin_ids))
    dp.update.outer_middleware(I18nMiddleware(locales))
    dp.include_routers(*get_routers())
    dp.errors.register(_on_error)
    dp["settings"] = settings
    dp["clock"] = clock
    dp["locales"] = locales
    return dp, db


async def _on_error(event: ErrorEvent, locales: Locales) -> None:
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    chat_id = None
    language = None
    source = event.update.message or (
        event.update.callback_query.message if event.update.callback_query else None
    )
    if event.update.message and event.update.message.from_user:
        language = event.update.message.from_user.language_code
    if source is not None and source.chat.type == "private":
        chat_id = source.chat.id
    if chat_id is None:
        return
    t = locales.get(locales.pick(None, language))
    try:
        await event.update.bot.send_message(chat_id, t("error-generic"))  # type: ignore[union-attr]
    except Exception:
        log.warning("could not tell chat %s about the error", chat_id)


def sla_catch_up(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> CatchUp:
    async def questions_sla() -> int:
        async with write_gate(sessionmaker).hold(), sessionmaker() as session, session.begin():
            return await questions.sla_catch_up(session, clock.now(), escalation_buttons)

    return questions_sla


def housekeeping(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> CatchUp:
    async def forget_old_update_ids() -> int:
        async with write_gate(sessionmaker).hold(), sessionmaker() as session, session.begin():
            return await forget_old_updates(session, clock.now() - timedelta(days=7))

    return forget_old_update_ids


def build_app(settings: Settings) -> App:
    clock = make_clock(settings.app_env, settings.test_clock_file)
    engine = create_engine(settings.database_url)
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
        catch_ups=[sla_catch_up(sessionmaker, clock), housekeeping(sessionmaker, clock)],
        drain=sender.drain,
    )
    storage = DbStorage(sessionmaker, clock)
    dp, db = build_dispatcher(
        settings,
        clock,
        sessionmaker,
        locales,
        storage,
        tick.nudge,
        flood_limit=settings.flood_messages_per_second,
    )
    return App(settings, clock, engine, sessionmaker, bot, dp, locales, sender, tick, db)


async def run_polling(app: App) -> None:
    me = await app.bot.get_me()
    app.dp["bot_username"] = me.username or ""
    await set_default_menus(app.bot, app.locales)
    scheduler = start_scheduler(app.tick, app.settings.tick_seconds)

    async def on_shutdown() -> None:
        # Polling has stopped taking updates: start no new tick, then let the handlers
        # and the tick run in flight finish.
        scheduler.pause()
        try:
            async with asyncio.timeout(SHUTDOWN_GRACE_SECONDS):
                await app.db_middleware.wait_idle()
                await app.tick.wait_tasks()
        except TimeoutError:
            log.warning("shutdown: work still running after %ss", SHUTDOWN_GRACE_SECONDS)
        # Shutting the scheduler down cancels a job still running; none is by now.
        scheduler.shutdown(wait=False)
        log.info("stopped")

    app.dp.shutdown.register(on_shutdown)
    log.info("polling as @%s", me.username)
    await app.tick.run_once()
    try:
        await app.dp.start_polling(
            app.bot,
            tasks_concurrency_limit=app.settings.tasks_concurrency_limit,
            allowed_updates=app.dp.resolve_used_update_types(),
        )
    finally:
        await app.engine.dispose()
