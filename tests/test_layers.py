"""The import contracts in pyproject.toml hold on the real tree, and breaking one fails CI.

`.ci/run` runs `lint-imports` under `set -e`, so a non-zero exit fails the build. Each
broken case copies the packages into a temporary directory, adds one forbidden import
there and runs the same command on the copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "models", "scheduler")

LAYERS = "handlers > bot > scheduler > models"
NO_AIOGRAM = "models/ is free of aiogram"
MODEL_LAYERS = "models/: workflows and read models > aggregates > time and storage"
NO_CYCLES = "No import cycles among the modules of models/"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    command = str(exe) if exe.exists() else shutil.which("lint-imports")
    assert command, "lint-imports is not installed (pip install -e '.[test]')"
    env = {**os.environ, "PYTHONPATH": str(cwd), "NO_COLOR": "1"}
    return subprocess.run(
        [command, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def copy_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def append(path: Path, code: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + code + "\n", encoding="utf-8")


def test_ci_runs_the_contracts() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    assert "lint-imports" in script.splitlines()


def test_the_real_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for name in (LAYERS, NO_AIOGRAM, MODEL_LAYERS, NO_CYCLES):
        assert f"{name} KEPT" in output


@pytest.mark.parametrize(
    ("module", "code", "broken", "names"),
    [
        pytest.param(
            "models/people.py", "import aiogram", [NO_AIOGRAM], ["aiogram"], id="aiogram-in-models"
        ),
        pytest.param(
            "bot/clock.py", "import handlers", [LAYERS], ["bot.clock", "handlers"], id="bot-up"
        ),
        pytest.param(
            "models/db.py",
            "import bot.config",
            [LAYERS],
            ["models.db", "bot.config"],
            id="models-up",
        ),
        # An import inside a function counts too: people -> roster -> people is a cycle.
        pytest.param(
            "models/people.py",
            "def _roster():\n    from models import roster\n\n    return roster",
            [MODEL_LAYERS, NO_CYCLES],
            ["models.people", "models.roster"],
            id="cycle-in-models",
        ),
        # A new module of models/ must be placed in a layer.
        pytest.param(
            "models/unplaced.py",
            "from models.people import User",
            [MODEL_LAYERS],
            ["models.unplaced"],
            id="unplaced-module",
        ),
    ],
)
def test_a_broken_contract_fails(
    tmp_path: Path, module: str, code: str, broken: list[str], names: list[str]
) -> None:
    tree = copy_tree(tmp_path)
    target = tree / module
    if not target.exists():
        target.write_text('"""A module nobody placed in the layers."""\n', encoding="utf-8")
    append(target, code)

    result = lint_imports(tree)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for name in broken:
        assert f"{name} BROKEN" in output, output
    for name in names:
        assert name in output, output
