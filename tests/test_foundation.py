"""Foundation checks: locales, the schema and its migrations, the personal-data registry,
configuration errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, BigInteger, Date, String, Text

from bot.config import ConfigError, load_settings
from bot.i18n import Locales
from models.db import Base
from models.migrate import alembic_config, downgrade, upgrade
from models.personal_data import NOT_PERSONAL, PERSONAL

ROOT = Path(__file__).resolve().parents[1]


def test_ru_and_en_have_the_same_keys() -> None:
    locales = Locales()
    assert locales.keys("ru") == locales.keys("en")
    assert len(locales.keys("ru")) > 100


def test_every_key_used_in_code_exists() -> None:
    locales = Locales()
    pattern = re.compile(r'\b(?:t|t\.plain|ctx\.t|t_of\([^)]*\))\(\s*"([a-z0-9-]+)"')
    used: set[str] = set()
    for folder in ("bot", "handlers", "models"):
        for path in (ROOT / folder).rglob("*.py"):
            used.update(pattern.findall(path.read_text(encoding="utf-8")))
    used |= set(re.findall(r'"key": "([a-z0-9-]+)"', _all_code()))
    missing = sorted(k for k in used if k not in locales.keys("ru"))
    assert not missing, missing


def _all_code() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("bot", "handlers", "models")
        for p in (ROOT / folder).rglob("*.py")
    )


def test_personal_data_registry_covers_every_column() -> None:
    unregistered = []
    for table in Base.metadata.sorted_tables:
        personal = set(PERSONAL.get(table.name, ("", ()))[1])
        plain = set(NOT_PERSONAL.get(table.name, ()))
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON | BigInteger | Date):
                continue
            if column.foreign_keys or (column.primary_key and not isinstance(column.type, String)):
                continue
            if column.name not in personal | plain:
                unregistered.append(f"{table.name}.{column.name}")
    assert not unregistered, f"register these in models/personal_data.py: {unregistered}"


def _in_thread(fn, *args) -> None:
    with ThreadPoolExecutor(1) as pool:
        pool.submit(fn, *args).result()


def test_migrations_stairway(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stairs.db'}"
    script = ScriptDirectory.from_config(alembic_config(url))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert revisions[0] == "0001"
    previous = "base"
    for revision in revisions:
        _in_thread(upgrade, url, revision)
        _in_thread(downgrade, url, previous)
        _in_thread(upgrade, url, revision)
        previous = revision


def test_models_match_the_migrations(tmp_path: Path) -> None:
    import asyncio

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.db import create_engine

    url = f"sqlite+aiosqlite:///{tmp_path / 'diff.db'}"
    _in_thread(upgrade, url)

    async def diff() -> list:  # type: ignore[type-arg]
        engine = create_engine(url)
        async with engine.connect() as conn:
            result = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        await engine.dispose()
        return result

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, diff()).result() == []


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "1:abcdef", "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"BOT_TOKEN": "1:abcdef", "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": "1:abcdef", "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"BOT_TOKEN": "1:abcdef", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_bad_settings_name_the_setting(
    env: dict[str, str], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key in {"BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "DEFAULT_TIMEZONE", "LOG_LEVEL"}:
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value).startswith(name)


def test_test_clock_is_refused_outside_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "1:abcdef")
    monkeypatch.setenv("TEST_CLOCK_FILE", "/tmp/clock")
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="TEST_CLOCK_FILE"):
        load_settings(_env_file=None)


def test_start_without_token_prints_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr
