"""The questionnaire definition: frozen Structs whose field names are a public contract.

A definition file (TOML for people, JSON with the same structure) decodes into these Structs.
Every Struct forbids unknown fields, because a misspelt field name (``requried = false``) would
otherwise be silently ignored and change a company's score. Question kinds are a tagged union on
``type``, so each kind carries only the fields that mean something for it.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

__all__ = [
    "DateQuestion",
    "Definition",
    "Indicator",
    "MultiQuestion",
    "NumberBand",
    "NumberQuestion",
    "Option",
    "Question",
    "Rating",
    "RatingBand",
    "SingleQuestion",
    "Text",
    "TextQuestion",
]

Text: TypeAlias = str | dict[str, str]
"""A text: a plain string (the same in every language) or a table of language code to string."""

Evidence: TypeAlias = Literal["none", "optional", "required"]


class _Base(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base of every definition Struct: immutable, keyword-only, unknown fields refused."""


class RatingBand(_Base, frozen=True):
    level: str
    min: float
    min_indicator: float | None = None


class Rating(_Base, frozen=True):
    bands: tuple[RatingBand, ...]
    evidence_factor: float = 0.5


class Option(_Base, frozen=True):
    id: str
    label: Text
    points: float
    cap: str | None = None
    advice: Text | None = None


class NumberBand(_Base, frozen=True):
    """A half-open interval ``[min, max)``; a missing bound is unbounded."""

    points: float
    min: float | None = None
    max: float | None = None


class _QuestionBase(_Base, frozen=True, tag_field="type"):
    id: str
    text: Text
    help: Text | None = None
    required: bool = True
    allow_na: bool = False
    show_if: str | None = None
    evidence: Evidence = "none"
    refs: tuple[str, ...] | None = None

    @property
    def type(self) -> str:
        """The kind of question: single, multi, number, text or date (the ``type`` field of the file)."""
        return str(self.__struct_config__.tag)


class SingleQuestion(_QuestionBase, tag="single", frozen=True):
    options: tuple[Option, ...] = ()


class MultiQuestion(_QuestionBase, tag="multi", frozen=True):
    options: tuple[Option, ...] = ()
    max_points: float | None = None


class NumberQuestion(_QuestionBase, tag="number", frozen=True):
    bands: tuple[NumberBand, ...] = ()


class TextQuestion(_QuestionBase, tag="text", frozen=True):
    pass


class DateQuestion(_QuestionBase, tag="date", frozen=True):
    pass


Question: TypeAlias = SingleQuestion | MultiQuestion | NumberQuestion | TextQuestion | DateQuestion

QUESTION_TYPES: dict[str, type[Question]] = {
    "single": SingleQuestion,
    "multi": MultiQuestion,
    "number": NumberQuestion,
    "text": TextQuestion,
    "date": DateQuestion,
}


class Indicator(_Base, frozen=True):
    id: str
    title: Text
    questions: tuple[Question, ...]
    weight: float = 1.0
    description: Text | None = None
    show_if: str | None = None


class Definition(_Base, frozen=True):
    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    rating: Rating
    indicators: tuple[Indicator, ...]
