"""`mentorbot sandbox`: start the stand-in, the bot and the web chat; Ctrl-C stops them."""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import logging
import os
import signal
import sys
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot.clock import parse_instant
from sandbox.guard import refusal
from sandbox.runtime import Paths, Sandbox
from sandbox.web import allow_port, make_app

DATA_DIR = Path("data")


def _instant(text: str) -> datetime:
    try:
        return parse_instant(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO instant: {text!r}") from None


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot sandbox",
        description=(
            "Try the bot without a token: the real bot against a built-in Telegram stand-in, "
            "with a web chat on 127.0.0.1 where you play every role."
        ),
    )
    parser.add_argument("--port", type=_port, default=8080, help="the web chat's port (8080)")
    parser.add_argument(
        "--start-at",
        type=_instant,
        metavar="ISO",
        help="the clock of a fresh sandbox starts here, e.g. 2026-11-23T12:00+03:00",
    )
    return parser


def say(text: str) -> None:
    print(f"mentorbot sandbox: {text}", file=sys.stderr, flush=True)


async def serve(port: int, data: Path, start_at: datetime | None) -> int:
    sandbox = Sandbox(data, start_at)
    app = make_app(sandbox)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", port, shutdown_timeout=1.0)
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        say(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); pick another with --port")
        return 1
    address = runner.addresses[0]
    allow_port(app, address[1])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # SIGHUP: the terminal was closed. Each stops the bot first, then the page.
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        with suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await sandbox.start()
        print(
            f"mentorbot sandbox: open http://{address[0]}:{address[1]} (Ctrl-C stops it)",
            flush=True,
        )
        await stop.wait()
        say("stopping")
    finally:
        await runner.cleanup()
        await sandbox.close()
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    reason = refusal(os.environ, Paths(DATA_DIR.resolve()).database)
    if reason is not None:
        say(reason)
        return 2
    DATA_DIR.mkdir(exist_ok=True)
    # Two sandboxes in one folder would run two bots on one database.
    with (DATA_DIR / "sandbox.lock").open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            say(f"another sandbox runs in {DATA_DIR.resolve()}; stop it first (Ctrl-C there)")
            return 1
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        try:
            return asyncio.run(serve(args.port, DATA_DIR, args.start_at))
        except KeyboardInterrupt:
            return 130
