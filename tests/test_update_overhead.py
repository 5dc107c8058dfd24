"""What every update costs before a handler does its own work: one transaction, a handful
of statements, and no thread hop (PROFILE.md, "Targets that follow")."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.dispatcher.event import handler as aiogram_handler
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from models.people import Role
from tests.support.botclient import BotClient, Person
from tests.support.seed import seed

CURATOR = Person(10, "Cur")


async def test_a_plain_command_costs_one_transaction_and_three_statements(
    client: BotClient, engine: AsyncEngine
) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        await s.member(await s.org(), CURATOR, Role.CURATOR, name="Cur")
    await client.send(CURATOR, "/help")  # the first read of FSM state loads its copy
    seen: list[str] = []
    commits: list[object] = []

    def statement(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        seen.append(sql.split()[0].upper())

    def commit(conn: Any) -> None:
        commits.append(conn)

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    event.listen(engine.sync_engine, "commit", commit)
    try:
        calls = await client.send(CURATOR, "/help")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", statement)
        event.remove(engine.sync_engine, "commit", commit)
    assert calls  # answered
    # The update id, then the person with profile and roles; SQLite adds its BEGIN.
    assert [s for s in seen if s != "BEGIN"] == ["INSERT", "SELECT"]
    assert len(commits) == 1


async def test_no_filter_runs_in_a_thread(
    client: BotClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops: list[object] = []

    async def to_thread(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(func)
        return func(*args, **kwargs)

    # aiogram's CallableObject.call is where a sync callable goes to a thread.
    monkeypatch.setattr(aiogram_handler.asyncio, "to_thread", to_thread)
    async with seed(client.sessionmaker, client.clock.now()) as s:
        await s.member(await s.org(), CURATOR, Role.CURATOR, name="Cur")
    # Commands, free text through every State and F filter to the fallbacks, a profile
    # flow step (state filters that match) and a button.
    await client.send(CURATOR, "/help")
    await client.send(CURATOR, "just text")
    await client.send(CURATOR, "/nosuchcommand")
    await client.send(CURATOR, "/profile")
    await client.press(CURATOR, "pe:position")
    await client.send(CURATOR, "Teacher")
    assert hops == []
