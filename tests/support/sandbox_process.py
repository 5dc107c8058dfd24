"""`python -m bot sandbox` run as a visitor would: in a folder of its own, with none of the
bot's settings in the environment, stopped with Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from sandbox.botproc import SETTING_NAMES

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90
READY = re.compile(r"mentorbot sandbox: open (http://127\.0\.0\.1:\d+) \(Ctrl-C stops it\)")


def sandbox_env(**extra: str) -> dict[str, str]:
    """This environment without any setting of the bot's, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


class SandboxProcess:
    """Use it as ``with process.running(...):`` (or start inside ``try`` and stop in
    ``finally``): `stop()` also ends a process whose start failed, so nothing outlives a
    failing test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.stderr_path = workdir / "sandbox.stderr"
        self.proc: subprocess.Popen[str] | None = None
        self.base = ""  # the page's address, once started
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None

    def start(self, *args: str) -> None:
        self._lines = queue.Queue()
        with self.stderr_path.open("a", encoding="utf-8") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "sandbox", "--port", "0", *args],
                cwd=self.workdir,
                env=sandbox_env(),
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                encoding="utf-8",
            )
        self._reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self._reader.start()
        self.base = self._ready_address()

    def _read(self, stream: Any) -> None:
        with stream:
            for line in stream:
                self._lines.put(line)
        self._lines.put(None)

    def _ready_address(self) -> str:
        """The address of the line printed once the page and the stand-in are up."""
        deadline = time.monotonic() + STARTUP_SECONDS
        seen: list[str] = []
        while True:
            try:
                line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(
                    f"the sandbox did not say it was ready within {STARTUP_SECONDS} s: "
                    f"{seen!r}\n{self.diagnostics()}"
                ) from None
            if line is None:
                assert self.proc is not None
                code = self.proc.wait(timeout=30)
                raise AssertionError(
                    f"the sandbox exited ({code}) before it was ready: {seen!r}\n"
                    + self.diagnostics()
                )
            seen.append(line)
            found = READY.search(line)
            if found:
                return found[1]

    def stop(self, within: float = 60) -> int:
        """Ctrl-C, as a person would; the exit code. Safe on a process whose start failed."""
        if self.proc is None:
            return 0
        proc, self.proc = self.proc, None
        try:
            proc.send_signal(signal.SIGINT)  # a no-op if it has already exited
            try:
                return proc.wait(timeout=within)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
                raise AssertionError(
                    f"the sandbox did not stop within {within} s of Ctrl-C\n" + self.diagnostics()
                ) from None
        finally:
            self._close()

    def kill(self) -> None:
        """SIGKILL: no chance to stop its bot or to tidy anything."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        try:
            proc.kill()
            proc.wait(timeout=30)
        finally:
            self._close()

    def _close(self) -> None:
        """The reader closes the stdout pipe at its end (the process is gone by now)."""
        if self._reader is not None:
            self._reader.join(timeout=30)
            self._reader = None

    @contextmanager
    def running(self, *args: str) -> Iterator[Self]:
        """Started, and always stopped: a clean Ctrl-C (exit code 0) is part of the check."""
        try:
            self.start(*args)
            yield self
        except BaseException:
            self.stop()
            raise
        assert self.stop() == 0, self.diagnostics()

    def diagnostics(self) -> str:
        try:
            stderr = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            stderr = "(none)"
        return f"--- sandbox stderr:\n{stderr[-4000:]}\n--- bot log:\n{self.bot_log()}"

    def bot_log(self) -> str:
        path = self.workdir / "data" / "sandbox-bot.log"
        return path.read_text(errors="replace")[-8000:] if path.exists() else "(no log)"
