"""A stand-in for the Telegram Bot API: the end-to-end tests and `mentorbot sandbox` run the
real bot against it (TELEGRAM_API_BASE), and play its users through `FakeUser`."""

from .errors import TelegramError
from .models import BotMessage
from .server import FakeTelegram
from .users import FakeGroup, FakeUser, UserMessage

__all__ = ["BotMessage", "FakeGroup", "FakeTelegram", "FakeUser", "TelegramError", "UserMessage"]
