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
    # Alembic tells of every plugin and of the DDL mode at INFO on each start.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from bot.app import build_app, run_polling
    from bot.polling import StartupError
    from models.migrate import upgrade

    try:
        upgrade(settings.database_url)
        asyncio.run(run_polling(build_app(settings)))
    except StartupError as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:  # before polling installed its own handler
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
