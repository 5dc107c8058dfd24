"""The real bot as a child process (`python -m bot`), pointed at the stand-in."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.config import Settings

# The bot's own settings: none of the operator's may leak into the sandbox's bot.
SETTING_NAMES = frozenset(name.upper() for name in Settings.model_fields)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
LOG_LIMIT = 5 * 1024 * 1024
# Started through this, the bot asks the kernel (Linux) for SIGTERM when the sandbox dies, so
# a killed sandbox leaves no bot behind polling a stand-in that is gone; then it becomes
# `python -m bot`, unchanged. Elsewhere the sandbox's own signal handlers stop it.
_LAUNCH = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (AttributeError, OSError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)  # the sandbox died before the request took effect
os.execv(sys.executable, [sys.executable, "-m", "bot"])
"""


def bot_environment(overrides: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
    # Runs from the data folder (so no .env of the operator's is read): keep our code importable.
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if part
    )
    env.update(overrides)
    return env


class BotProcess:
    def __init__(self, workdir: Path, env: dict[str, str], log_path: Path) -> None:
        self.workdir = workdir
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_from = 0  # where this run's lines begin in the log

    def start(self) -> None:
        # One earlier run is kept beside it (.1): the log never grows without bound.
        if self.log_path.exists() and self.log_path.stat().st_size > LOG_LIMIT:
            os.replace(self.log_path, self.log_path.with_name(self.log_path.name + ".1"))
        self._log_from = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _LAUNCH, str(os.getpid())],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group: Ctrl-C in the terminal reaches the sandbox, which then
                # stops the bot in order (the bot first, so it confirms what it has handled).
                start_new_session=True,
            )

    @property
    def exit_code(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    async def stop(self, grace: float = 20.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(proc.wait, grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            await asyncio.to_thread(proc.wait)

    def last_error(self) -> str:
        """The last line of this run's log that says what went wrong."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(self._log_from)
                lines = log.read().decode("utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        for line in reversed(lines):
            if line.strip() and ("mentorbot:" in line or "Error" in line or " ERROR " in line):
                return line.strip()[:300]
        return lines[-1].strip()[:300] if lines else ""
