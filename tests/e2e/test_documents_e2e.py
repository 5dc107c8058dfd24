"""/export and /annual_report end to end: the real bot process warns first, makes the
workbook and the report in its worker threads and sends them to the curator; a mentor
is refused (issue 15, items 4 and 6)."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import openpyxl
from docx import Document

from fake_telegram import FakeTelegram
from models.db import create_engine, create_sessionmaker
from models.people import Role
from tests.e2e.conftest import BotProcess
from tests.support.botclient import Person
from tests.support.seed import seed

MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


def _populate(database_url: str) -> None:
    async def run() -> None:
        engine = create_engine(database_url)
        sm = create_sessionmaker(engine)
        async with seed(sm, MONDAY_NOON - timedelta(days=3)) as s:
            org = await s.org("Школа №7")
            other = await s.org("Школа №8")
            await s.member(org, Person(10, "c"), Role.CURATOR, name="Куратор Ольга")
            mentor = await s.member(org, Person(20, "m"), Role.MENTOR, name="Иван Опытный")
            mentee = await s.member(org, Person(30, "e"), Role.MENTEE, name="Анна Новая")
            await s.program(org, mentor, [mentee])
            await s.member(other, Person(40, "x"), Role.MENTEE, name="Чужая Учительница")
        await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def _content(fake: FakeTelegram, file_id: str | None) -> bytes:
    assert file_id is not None
    with fake._lock:
        return fake.files.by_id[file_id].content


def test_export_and_annual_report(fake: FakeTelegram, bot_process: BotProcess) -> None:
    _populate(bot_process.database_url)
    curator, mentor = fake.user(10, "Ольга"), fake.user(20, "Иван")
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()

    curator.send("/export")
    warning = curator.wait_for("персональные данные")
    curator.press("Выгрузить", message=warning)
    document = curator.wait_for(predicate=lambda m: m.kind == "document")
    assert document.file_name == "mentorbot-export-2026-11-23.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(_content(fake, document.file_id)))
    names = [row[0] for row in book["Участники"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Анна Новая", "Иван Опытный", "Куратор Ольга"]

    curator.send("/annual_report")
    report = curator.wait_for(predicate=lambda m: m.kind == "document")
    assert report.file_name == "annual-report-2026-27.docx"
    text = "\n".join(
        p.text for p in Document(io.BytesIO(_content(fake, report.file_id))).paragraphs
    )
    assert "Итоговый аналитический отчёт" in text and "Школа №7" in text
    assert "Школа №8" not in text

    mentor.send("/export")
    assert "куратор" in mentor.wait_for().text.lower()
