"""Every action written to a program's change log has a label on the card, in both
languages: the card never shows a raw key such as «meeting-confirmed»."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.i18n import Locales
from models.changes import ProposalKind

MODELS = Path(__file__).resolve().parent.parent / "models"
# Written through a variable or an f-string, not a literal at the call.
STEPS = ("proposed", "agreed", "declined", "withdrawn", "failed")
COMPUTED = {"completed", "terminated"} | {f"{s}-{k}" for s in STEPS for k in ProposalKind}


def literal_actions() -> set[str]:
    """The action argument of every `audit.record(session, program, actor, action, …)`."""
    found: set[str] = set()
    for path in MODELS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 4:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if name != "record" or not (isinstance(owner, ast.Name) and owner.id == "audit"):
                continue
            action = node.args[3]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.add(action.value)
            elif isinstance(action, ast.IfExp):
                found.update(
                    branch.value
                    for branch in (action.body, action.orelse)
                    if isinstance(branch, ast.Constant)
                )
    return found


def test_the_scan_finds_the_log_writers() -> None:
    assert {"created", "item-done", "meeting-held", "acknowledged"} <= literal_actions()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_logged_action_has_a_card_label(language: str) -> None:
    t = Locales().get(language)
    raw = sorted(a for a in literal_actions() | COMPUTED if t("card-action", action=a) == a)
    assert not raw, f"card-action has no label in {language} for {raw}"
