"""Benchmark: one school's /export over the /report dataset (bench/report.py: 500
schools, 20,000 teachers, 200,000 past questions), on the app's own engine (SQLite on
the event loop, models/db.py InlineSqlite, unless --thread).

For each of --runs schools it makes the workbook exactly as the bot does when the
«Выгрузить» row is sent (bot/files.py make_export: keyset pages from models/export.py,
cells on the loop, the .xlsx written page by page in a worker thread meanwhile) while a
ticker task on the same loop wakes every millisecond and records how late it woke: the
longest stall of the event loop is what any other update would have waited. Printed
beside it: the same rows read with one hand-written SELECT per sheet through bare
sqlite3 (the floor of reading them), with the ratio. Targets (issue 15): ≤ 2 s per
school, stalls ≤ 50 ms. Asserts nothing.

    python -m bench.export [--runs 20] [--page 100] [--schools 500] [--teachers 20000]
                           [--questions 200000] [--thread] [--admin]

--admin also times the admin's export of every school (one run; slow: it is the whole
region in one file).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.report import dataset_file
from bot import files
from bot.i18n import Locales
from models import export
from models.db import create_engine, create_sessionmaker
from models.people import Organization

HAND = {
    "participants": (
        "SELECT u.*, p.* FROM users u LEFT JOIN profiles p ON p.user_id = u.id "
        "WHERE u.id IN (SELECT user_id FROM memberships WHERE org_id = ? AND removed_at IS NULL)"
    ),
    "programs": "SELECT * FROM programs WHERE org_id = ?",
    "plan": (
        "SELECT o.*, i.* FROM plan_occurrences o JOIN plan_items i ON i.id = o.item_id "
        "JOIN programs p ON p.id = o.program_id WHERE p.org_id = ?"
    ),
    "meetings": "SELECT * FROM meetings WHERE org_id = ?",
    "questions": "SELECT * FROM questions WHERE org_id = ?",
    "answers": (
        "SELECT a.*, s.* FROM survey_answers a JOIN survey_assignments s "
        "ON s.id = a.assignment_id WHERE s.org_id = ?"
    ),
}


class Ticker:
    """Wakes every `interval` s and records how late it woke (the loop's stalls)."""

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.interval)
            self.worst = max(self.worst, loop.time() - before - self.interval)

    def __enter__(self) -> Ticker:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


def hand_read(path: Path, org_id: int) -> tuple[float, int]:
    """The school's rows of every sheet by one SELECT each, bare sqlite3: (s, rows)."""
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    rows = sum(len(conn.execute(sql, (org_id,)).fetchall()) for sql in HAND.values())
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, rows


async def one(sessionmaker: Any, t: Any, org_ids: list[int] | None) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    with Ticker() as ticker:
        await asyncio.sleep(0.005)  # the ticker is running
        started = loop.time()
        async with sessionmaker() as session:
            data = await files.make_export(session, t, org_ids)
        total = loop.time() - started
    return {"total": total, "stall": ticker.worst, "bytes": len(data)}


def _ms(value: float) -> str:
    return f"{value * 1000:.0f}"


async def run(
    path: Path, runs: int, page: int, on_loop: bool, admin: bool, freeze: bool = True
) -> None:
    export.PAGE = page
    engine = create_engine(f"sqlite+aiosqlite:///{path}", sqlite_on_loop=on_loop)
    sessionmaker = create_sessionmaker(engine)
    t = Locales().get("ru")
    async with sessionmaker() as session:
        org_ids = list(
            (await session.scalars(select(Organization.id).order_by(Organization.id))).all()
        )
    picked = random.Random(7).sample(org_ids, min(runs, len(org_ids)))
    if freeze:  # as bot/__main__.py does after start-up
        gc.collect()
        gc.freeze()
    print(
        f"SQLite {'on the loop' if on_loop else 'in a thread'}; page {page} rows; "
        f"{len(org_ids)} schools; gc.freeze() {'on' if freeze else 'off'}"
    )
    await one(sessionmaker, t, [org_ids[-1]])  # warm the compile caches
    results = []
    for org_id in picked:
        figures = await one(sessionmaker, t, [org_id])
        hand, hand_rows = hand_read(path, org_id)
        figures["hand"], figures["hand_rows"] = hand, hand_rows
        results.append(figures)
    print()
    print(
        "| figure | median | p90 | max | hand-written read (bare sqlite3, 6 SELECTs) "
        "| median | ratio |"
    )
    print("|---|---:|---:|---:|---|---:|---:|")
    hand_median = statistics.median(r["hand"] for r in results)
    for key, name in (
        ("total", "one school's /export, ms (read on the loop, written in a worker)"),
        ("stall", "longest event-loop stall meanwhile, ms"),
    ):
        values = sorted(r[key] for r in results)
        p90 = values[max(int(len(values) * 0.9) - 1, 0)]
        ratio = f"{statistics.median(values) / hand_median:.1f}×" if key != "stall" else ""
        hand = _ms(hand_median) if key != "stall" else ""
        print(
            f"| {name} | {_ms(statistics.median(values))} | {_ms(p90)} | {_ms(values[-1])} "
            f"| {'same rows' if hand else ''} | {hand} | {ratio} |"
        )
    rows = statistics.median(r["hand_rows"] for r in results)
    size = statistics.median(r["bytes"] for r in results)
    print(f"\nrows read per school (median): {rows:.0f}; file {size / 1024:.0f} KiB")
    if admin:
        figures = await one(sessionmaker, t, None)
        print(
            f"admin export of every school: {figures['total']:.1f} s, "
            f"{figures['bytes'] / 2**20:.1f} MiB; "
            f"longest stall {_ms(figures['stall'])} ms"
        )
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="schools timed")
    parser.add_argument("--page", type=int, default=export.PAGE, help="rows per keyset page")
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--teachers", type=int, default=20_000)
    parser.add_argument("--questions", type=int, default=200_000)
    parser.add_argument("--thread", action="store_true", help="aiosqlite's thread, not inline")
    parser.add_argument("--admin", action="store_true", help="also every school at once")
    parser.add_argument(
        "--no-freeze", action="store_true", help="without gc.freeze() after start-up"
    )
    args = parser.parse_args()
    path = dataset_file(args.schools, args.teachers, args.questions)
    asyncio.run(run(path, args.runs, args.page, not args.thread, args.admin, not args.no_freeze))


if __name__ == "__main__":
    main()
