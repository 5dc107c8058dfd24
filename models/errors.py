"""What a person asked for breaks a rule: the one shape of such an error in models/.

`key` is a locale key and `params` fill it; a handler answers `t(error.key,
**error.params)`. Each aggregate names its own subclass, so a handler catches only the
refusals of the step it called."""

from __future__ import annotations

from typing import Any


class RuleError(ValueError):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, Any] = params
