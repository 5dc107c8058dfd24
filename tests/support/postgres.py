"""A throwaway PostgreSQL server for the test run, or the one TEST_DATABASE_URL names."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PgServer:
    base_url: str  # postgresql+asyncpg://user@host:port  (no database)
    data_dir: Path | None = None

    def url(self, database: str) -> str:
        return f"{self.base_url}/{database}"

    def stop(self) -> None:
        if self.data_dir is not None:
            subprocess.run(
                [
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    "pg_ctl",
                    "-D",
                    str(self.data_dir),
                    "-m",
                    "immediate",
                    "stop",
                ],
                capture_output=True,
                check=False,
            )
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_pg() -> PgServer:
    """Use TEST_DATABASE_URL (a server URL without a database) or start a private one."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        return PgServer(
            base_url=given.rstrip("/").rsplit("/", 1)[0] if given.count("/") > 2 else given
        )
    if shutil.which("initdb") is None or shutil.which("pg_ctl") is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not on PATH")
    root = Path(tempfile.mkdtemp(prefix="mentorbot-pg-"))
    data = root / "data"
    os.chmod(root, 0o777)
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*as_postgres, "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [
            *as_postgres,
            "pg_ctl",
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    return PgServer(base_url=f"postgresql+asyncpg://postgres@127.0.0.1:{port}", data_dir=data)
