"""Fluent translations: one Translator per language, HTML-safe arguments."""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.types import fluent_number

import locales
from models.people import NAMELESS

LOCALES_DIR = Path(locales.__file__).resolve().parent
LANGUAGES = ("ru", "en")
log = logging.getLogger(__name__)
NAMELESS_ID = re.compile(re.escape(NAMELESS) + r"(\d+)")


class Translator:
    """Renders a key in one language. String arguments are HTML-escaped, because every
    message goes out with parse_mode=HTML; integers are printed without grouping."""

    def __init__(self, language: str, bundle: FluentBundle) -> None:
        self.language = language
        self._bundle = bundle

    def __call__(self, key: str, **args: Any) -> str:
        return self._render(key, {k: self._argument(v, escape=True) for k, v in args.items()})

    def plain(self, key: str, **args: Any) -> str:
        """Rendered without HTML escaping, for files and button labels."""
        return self._render(key, {k: self._argument(v, escape=False) for k, v in args.items()})

    def _argument(self, value: Any, *, escape: bool) -> Any:
        value = self._prepare(value, escape=escape)
        return self.name(value) if isinstance(value, str) else value

    def name(self, text: str) -> str:
        """`text` with every person who has no name to show (models/people.py
        User.display_name) written as «без имени #id»; for labels built without a key."""
        if NAMELESS not in text:
            return text
        return NAMELESS_ID.sub(
            lambda m: self._render(
                "person-nameless", {"id": self._prepare(int(m[1]), escape=False)}
            ),
            text,
        )

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key)

    def _render(self, key: str, args: dict[str, Any]) -> str:
        if not self._bundle.has_message(key):
            log.error("missing locale key %s in %s", key, self.language)
            return key
        message = self._bundle.get_message(key)
        if message.value is None:
            return key
        text, errors = self._bundle.format_pattern(message.value, args)
        for error in errors:
            log.error("locale %s key %s: %s", self.language, key, error)
        return text

    @staticmethod
    def _prepare(value: Any, *, escape: bool) -> Any:
        if isinstance(value, bool) or value is None:
            return str(value).lower() if isinstance(value, bool) else ""
        if isinstance(value, int):
            return fluent_number(value, useGrouping=False)
        if isinstance(value, str):
            return html.escape(value, quote=False) if escape else value
        return value


class Locales:
    def __init__(self, default: str = "ru", directory: Path = LOCALES_DIR) -> None:
        self.default = default
        self._translators: dict[str, Translator] = {}
        self._keys: dict[str, set[str]] = {}
        for language in LANGUAGES:
            bundle = FluentBundle([language], use_isolating=False)
            keys: set[str] = set()
            for path in sorted((directory / language).glob("*.ftl")):
                resource = FluentResource(path.read_text(encoding="utf-8"))
                bundle.add_resource(resource)
                keys.update(
                    entry.id.name
                    for entry in resource.body
                    if type(entry).__name__ == "Message" and hasattr(entry, "id")
                )
            self._translators[language] = Translator(language, bundle)
            self._keys[language] = keys

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._translators)

    def get(self, language: str | None) -> Translator:
        return self._translators.get(language or "", self._translators[self.default])

    def keys(self, language: str) -> set[str]:
        return self._keys[language]

    def pick(self, stored: str | None, telegram_code: str | None) -> str:
        """The stored choice, else Telegram's language when we have it, else the default."""
        if stored in self._translators:
            return stored
        code = (telegram_code or "").split("-")[0].lower()
        if code in self._translators:
            return code
        return self.default
