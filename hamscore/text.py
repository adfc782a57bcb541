"""Reading a text in one language."""

from __future__ import annotations

from hamscore.model import Text

__all__ = ["text"]


def text(value: Text | None, lang: str, *, fallback: str | None = None) -> str:
    """Return ``value`` in ``lang``: a plain string is the same in every language.

    A loaded definition has every language on every text; ``fallback`` serves texts built by hand.

    >>> text({"id": "Kebijakan HAM", "en": "Human-rights policy"}, "en")
    'Human-rights policy'
    >>> text("ISO 45001", "id")
    'ISO 45001'
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if lang in value:
        return value[lang]
    if fallback is not None and fallback in value:
        return value[fallback]
    return next(iter(value.values()), "")
