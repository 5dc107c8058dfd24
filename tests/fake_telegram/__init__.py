"""A fake Telegram Bot API server for end-to-end tests of the bot."""

from .errors import TelegramError
from .models import BotMessage
from .server import FakeTelegram
from .users import FakeGroup, FakeUser, UserMessage

__all__ = ["BotMessage", "FakeGroup", "FakeTelegram", "FakeUser", "TelegramError", "UserMessage"]
