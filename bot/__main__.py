"""Entry point: check the settings, migrate the database, run the bot."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.config import ConfigError, load_settings


def main() -> None:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"mentorbot: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from bot.app import build_app, run_polling
    from models.migrate import upgrade

    upgrade(settings.database_url)
    asyncio.run(run_polling(build_app(settings)))


if __name__ == "__main__":
    main()
