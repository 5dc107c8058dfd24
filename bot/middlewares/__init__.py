"""Middlewares: flood control, a DB session per update, the current user, i18n."""

from bot.middlewares.db import DbSessionMiddleware
from bot.middlewares.flood import FloodMiddleware
from bot.middlewares.i18n import I18nMiddleware
from bot.middlewares.user import UserMiddleware

__all__ = ["DbSessionMiddleware", "FloodMiddleware", "I18nMiddleware", "UserMiddleware"]
