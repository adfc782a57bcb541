"""Problems found in a definition or in answers, and the errors that carry them.

Every problem has a stable code, a location in the document (``indicators[2].questions[5].show_if``),
a message saying what is wrong and a hint saying what to do. Checks return problems; only the
convenience entry points raise, and then with *all* problems at once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

import msgspec

__all__ = ["AnswerError", "Code", "DefinitionError", "Problem"]


class Code(StrEnum):
    """Stable problem codes. The value is what tools and tests match on; never rename one."""

    # Reading a definition
    PARSE_ERROR = "PARSE_ERROR"
    SCHEMA_ERROR = "SCHEMA_ERROR"
    # Identity and structure
    INVALID_ID = "INVALID_ID"
    DUPLICATE_ID = "DUPLICATE_ID"
    RESERVED_OPTION_ID = "RESERVED_OPTION_ID"
    INVALID_LANGUAGES = "INVALID_LANGUAGES"
    NO_INDICATORS = "NO_INDICATORS"
    EMPTY_INDICATOR = "EMPTY_INDICATOR"
    NON_POSITIVE_WEIGHT = "NON_POSITIVE_WEIGHT"
    NEGATIVE_POINTS = "NEGATIVE_POINTS"
    FIELD_ON_WRONG_TYPE = "FIELD_ON_WRONG_TYPE"
    MISSING_OPTIONS = "MISSING_OPTIONS"
    MISSING_BANDS = "MISSING_BANDS"
    EMPTY_BAND = "EMPTY_BAND"
    OVERLAPPING_BANDS = "OVERLAPPING_BANDS"
    # Rating
    NO_RATING_BANDS = "NO_RATING_BANDS"
    DUPLICATE_LEVEL = "DUPLICATE_LEVEL"
    RATING_BANDS_ORDER = "RATING_BANDS_ORDER"
    RATING_LAST_BAND = "RATING_LAST_BAND"
    BAND_OUT_OF_RANGE = "BAND_OUT_OF_RANGE"
    UNKNOWN_CAP_LEVEL = "UNKNOWN_CAP_LEVEL"
    EVIDENCE_FACTOR_RANGE = "EVIDENCE_FACTOR_RANGE"
    # Texts
    MISSING_TRANSLATION = "MISSING_TRANSLATION"
    UNKNOWN_LANGUAGE = "UNKNOWN_LANGUAGE"
    EMPTY_TEXT = "EMPTY_TEXT"
    UNSAFE_LINK = "UNSAFE_LINK"
    # Conditions
    CONDITION_SYNTAX = "CONDITION_SYNTAX"
    CONDITION_TOO_LONG = "CONDITION_TOO_LONG"
    CONDITION_TOO_DEEP = "CONDITION_TOO_DEEP"
    NOT_A_CONDITION = "NOT_A_CONDITION"
    UNKNOWN_REFERENCE = "UNKNOWN_REFERENCE"
    UNKNOWN_PROFILE_FIELD = "UNKNOWN_PROFILE_FIELD"
    SELF_REFERENCE = "SELF_REFERENCE"
    OWN_QUESTION_REFERENCE = "OWN_QUESTION_REFERENCE"
    CYCLIC_CONDITION = "CYCLIC_CONDITION"
    IMPOSSIBLE_COMPARISON = "IMPOSSIBLE_COMPARISON"
    # Answers
    INVALID_DOCUMENT = "INVALID_DOCUMENT"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    QUESTIONNAIRE_MISMATCH = "QUESTIONNAIRE_MISMATCH"
    VERSION_MISMATCH = "VERSION_MISMATCH"
    INVALID_PROFILE_VALUE = "INVALID_PROFILE_VALUE"
    UNKNOWN_QUESTION = "UNKNOWN_QUESTION"
    UNKNOWN_OPTION = "UNKNOWN_OPTION"
    WRONG_TYPE = "WRONG_TYPE"
    NOT_FINITE = "NOT_FINITE"
    INVALID_DATE = "INVALID_DATE"
    NA_NOT_ALLOWED = "NA_NOT_ALLOWED"
    DUPLICATE_CHOICE = "DUPLICATE_CHOICE"
    INVALID_EVIDENCE_STATUS = "INVALID_EVIDENCE_STATUS"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    EVIDENCE_NOT_EXPECTED = "EVIDENCE_NOT_EXPECTED"


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """One thing wrong, where it is, and what to do about it.

    >>> p = Problem(code=Code.DUPLICATE_ID, location="indicators[0].questions[1].id",
    ...             message="question id 'q1' is used twice", hint="rename one of them")
    >>> str(p)
    "indicators[0].questions[1].id: DUPLICATE_ID question id 'q1' is used twice (rename one of them)"
    """

    code: Code
    location: str
    message: str
    hint: str
    severity: Literal["error", "warning"] = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        tag = "" if self.is_error else "warning "
        return f"{where}{tag}{self.code.value} {self.message} ({self.hint})"


class _ProblemsError(ValueError):
    """Base for errors that carry every problem found, not just the first."""

    title = "problems"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._render())

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    def _render(self) -> str:
        errors = self.errors
        head = f"{len(errors)} {self.title}" + (f" in {self.source}" if self.source else "")
        lines = [f"  {p}" for p in errors]
        return head + ":\n" + "\n".join(lines)


class DefinitionError(_ProblemsError):
    """A questionnaire definition could not be loaded; ``.problems`` lists every problem found."""

    title = "problem(s) in the questionnaire definition"


class AnswerError(_ProblemsError):
    """Answers were refused; ``.problems`` lists every problem found (errors and warnings)."""

    title = "problem(s) in the answers"
