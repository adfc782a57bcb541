"""The answers document as Structs: for its JSON Schema and for typed callers.

Scoring takes plain mappings (what JSON decodes to); these Structs describe the same shape.
"""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["Profile", "Submission"]

Answer = str | list[str] | float | None


class Profile(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Company facts that conditions may read."""

    size: Literal["mikro", "kecil", "menengah", "besar"] | None = None
    sector: str | None = None
    employees: int | None = None
    province: str | None = None
    regency: str | None = None


class Submission(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One company's answers: ``{"questionnaire", "version", "profile", "answers", "evidence"}``."""

    questionnaire: str | None = None
    version: str | None = None
    profile: Profile = msgspec.field(default_factory=Profile)
    answers: dict[str, Answer] = msgspec.field(default_factory=dict)
    evidence: dict[str, Literal["provided", "verified", "rejected"] | None] = msgspec.field(default_factory=dict)
