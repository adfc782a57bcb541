"""Our own small translation catalogue: one JSON file per language in ``webapp/locales``.

Every string the UI shows goes through :func:`Catalogue.text`; a key missing from a language is an error
(tests render every page in both languages), never a silent fallback to the key.
"""

from __future__ import annotations

import json
from importlib.resources import files

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Catalogue", "MissingTranslation", "pick_language"]

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


class MissingTranslation(KeyError):
    pass


class Catalogue:
    def __init__(self) -> None:
        root = files("webapp").joinpath("locales")
        self.messages: dict[str, dict[str, str]] = {
            lang: json.loads(root.joinpath(f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGUAGES
        }

    def text(self, lang: str, key: str, /, **values: object) -> str:
        """The message ``key`` in ``lang`` with ``{name}`` placeholders filled from ``values``."""
        try:
            message = self.messages[lang][key]
        except KeyError:
            raise MissingTranslation(
                f"no {lang!r} text for {key!r}; add it to webapp/locales/{lang}.json"
            ) from None
        return message.format(**values) if values else message


def pick_language(*candidates: str | None) -> str:
    """The first supported language among ``candidates`` (user setting, cookie, ...), else Indonesian."""
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE
