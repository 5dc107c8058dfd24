"""What `pip install .` ships: every file the code reads at run time."""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_data_file_of_a_package_is_in_its_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    packages = [name.rstrip("*") for name in setuptools["packages"]["find"]["include"]]
    shipped: set[Path] = set()
    for package, patterns in setuptools["package-data"].items():
        for pattern in patterns:  # matched as setuptools does: a * stays in its folder
            shipped.update(
                ROOT / package / found for found in glob.glob(pattern, root_dir=ROOT / package)
            )
    data = {
        path
        for package in packages
        for path in (ROOT / package).rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    missing = sorted(str(path.relative_to(ROOT)) for path in data - shipped)
    # A file left out works in a checkout and breaks a `pip install .` (the survey
    # definitions once did: the installed bot did not start).
    assert not missing, missing
