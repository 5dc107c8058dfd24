"""Entry point: check the settings, migrate the database, run the bot."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys

from bot.config import ConfigError, load_settings


def main() -> None:
    if sys.argv[1:2] == ["sandbox"]:
        # The same program tries the bot without a token (sandbox/): no settings are read.
        from sandbox.cli import main as sandbox

        raise SystemExit(sandbox(sys.argv[2:]))
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
        app = build_app(settings)
        # What start-up made lives as long as the process: out of the collector's reach,
        # a full collection (set off by a big file such as /export's) walks only what
        # updates made since, instead of stalling the loop for ~150 ms (bench.export).
        gc.collect()
        gc.freeze()
        asyncio.run(run_polling(app))
    except StartupError as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:  # before polling installed its own handler
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
