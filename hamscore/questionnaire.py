"""A loaded, checked questionnaire: the object analysts and the web app work with."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec

from hamscore.assessment import Assessment
from hamscore.checks import check_definition
from hamscore.loading import Source, decode_definition, read_source
from hamscore.model import Definition, Indicator, Question, Text
from hamscore.problems import AnswerError, Code, DefinitionError, Problem
from hamscore.scoring import MODES, Engine, InvalidAnswers, answer_problem
from hamscore.text import text
from hamscore.validation import validate_document

__all__ = ["Questionnaire", "check", "digest_of", "load"]


def digest_of(definition: Definition) -> str:
    """SHA-256 of the canonical JSON: keys sorted, defaults filled. TOML and JSON give one digest."""
    canonical = msgspec.json.encode(definition, order="sorted")
    return hashlib.sha256(canonical).hexdigest()


def _analyse(source: Source) -> tuple[Definition | None, list[Problem], str | None, Any]:
    raw, name, problems = read_source(source)
    if problems:
        return None, problems, name, None
    definition, problems, skipped = decode_definition(raw)
    if definition is None:
        return None, problems, name, None
    more, conditions = check_definition(definition, broken_ids=skipped.ids)
    return definition, problems + skipped.relocate(more), name, conditions


def check(source: Source) -> list[Problem]:
    """Every problem of a definition, without raising; an empty list means it loads.

    >>> check('id = "demo"')[0].code
    <Code.SCHEMA_ERROR: 'SCHEMA_ERROR'>
    """
    _, problems, _, _ = _analyse(source)
    return problems


def load(source: Source) -> Questionnaire:
    """Load and check a definition from bytes, text (TOML or JSON) or a path.

    A one-line string ending in ``.toml`` or ``.json`` is taken as a path. Raises
    :class:`DefinitionError` listing every problem.

    >>> q = load('''
    ... id = "demo"
    ... version = "1"
    ... title = "Demo"
    ... languages = ["en"]
    ... [rating]
    ... bands = [{level = "green", min = 80}, {level = "red", min = 0}]
    ... [[indicators]]
    ... id = "policy"
    ... title = "Policy"
    ... [[indicators.questions]]
    ... id = "has_policy"
    ... type = "single"
    ... text = "Do you have a human-rights policy?"
    ... options = [{id = "yes", label = "Yes", points = 1}, {id = "no", label = "No", points = 0}]
    ... ''')
    >>> q.score({"answers": {"has_policy": "yes"}}).rating
    'green'
    """
    definition, problems, name, conditions = _analyse(source)
    if definition is None or any(p.is_error for p in problems):
        raise DefinitionError(problems, source=name)
    return Questionnaire(definition, conditions)


class Questionnaire:
    """A checked definition, compiled for scoring. Immutable; load it with :func:`load`."""

    __slots__ = ("_engine", "definition", "digest")

    def __init__(self, definition: Definition, conditions: Any) -> None:
        self.definition = definition
        self.digest = digest_of(definition)
        self._engine = Engine(definition, conditions, digest=self.digest)

    # --- the definition -------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def version(self) -> str:
        return self.definition.version

    @property
    def title(self) -> Text:
        return self.definition.title

    @property
    def languages(self) -> tuple[str, ...]:
        return self.definition.languages

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return self.definition.indicators

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in definition order."""
        return tuple(q for ind in self.definition.indicators for q in ind.questions)

    def question(self, question_id: str) -> Question:
        """The question with this id; raises ``KeyError`` naming it."""
        for q in self._iter_questions():
            if q.id == question_id:
                return q
        raise KeyError(f"no question {question_id!r} in {self.id} {self.version}")

    def indicator_of(self, question_id: str) -> Indicator:
        """The indicator a question belongs to."""
        for ind in self.definition.indicators:
            if any(q.id == question_id for q in ind.questions):
                return ind
        raise KeyError(f"no question {question_id!r} in {self.id} {self.version}")

    def _iter_questions(self) -> Iterator[Question]:
        for ind in self.definition.indicators:
            yield from ind.questions

    def to_json(self) -> bytes:
        """The canonical JSON of the definition (what the digest is computed from)."""
        return msgspec.json.encode(self.definition, order="sorted")

    # --- answers --------------------------------------------------------------------------

    def applicable(self, doc: Mapping[str, Any]) -> frozenset[str]:
        """Ids of the questions that apply to this answers document (profile and answers).

        >>> q = load(EXAMPLE)
        >>> sorted(q.applicable({"profile": {"size": "besar"}}))
        ['has_policy', 'policy_reviewed']
        """
        answers = doc.get("answers") or {}
        profile = doc.get("profile") or {}
        return self._engine.applicable_ids(answers, profile)

    def affects_applicability(self, question_id: str) -> bool:
        """Whether an answer to this question can change which questions apply: some ``show_if``, of a
        question or of an indicator, reads it. When it cannot, a form that saves this answer can keep
        the applicable set it had. Raises ``KeyError`` for an unknown id.

        >>> q = load(EXAMPLE)
        >>> q.affects_applicability("has_policy")    # policy_reviewed reads the profile, not the answer
        False
        """
        if question_id not in self._engine.by_id:
            raise KeyError(f"no question {question_id!r} in {self.id} {self.version}")
        return question_id in self._engine.referenced

    def validate(self, doc: Any) -> list[Problem]:
        """Every problem of an answers document (errors and warnings), each with code and location.

        >>> [p.code.value for p in load(EXAMPLE).validate({"answers": {"has_policy": "maybe"}})]
        ['UNKNOWN_OPTION']
        """
        return validate_document(self._engine, doc)

    def check_answer(self, question_id: str, value: Any) -> Problem | None:
        """The problem with one answer to one question, or None when it is a valid answer.

        For checking a single field as it is typed or saved, without building a whole document.
        An empty answer (``None`` or ``""``) is valid: it means unanswered.

        >>> q = load(EXAMPLE)
        >>> q.check_answer("has_policy", "yes") is None
        True
        >>> print(q.check_answer("has_policy", "maybe"))
        answers.has_policy: UNKNOWN_OPTION 'maybe' is not an option of this question (give one of: yes, no)
        """
        location = f"answers.{question_id}"
        plan = self._engine.by_id.get(question_id)
        if plan is None:
            return Problem(code=Code.UNKNOWN_QUESTION, location=location,
                           message=f"no question has the id {question_id!r}",
                           hint="check the id against the questionnaire")
        if value is None or value == "":
            return None
        found = answer_problem(plan, value)
        if found is None:
            return None
        code, message, hint = found
        return Problem(code=code, location=location, message=message, hint=hint)

    def score(self, doc: Any, *, mode: str = "self", lang: str | None = None) -> Assessment:
        """Score one answers document; raises :class:`AnswerError` with every problem if it is invalid.

        ``mode`` is ``"self"`` (evidence counts as the company declares it) or ``"verified"``
        (only verified evidence earns credit); ``lang`` picks the language of advice texts.

        >>> a = load(EXAMPLE).score({"profile": {"size": "kecil"}, "answers": {"has_policy": "no"}})
        >>> a.rating, a.total
        ('red', 0.0)
        """
        if mode not in MODES:
            raise ValueError(f"mode must be 'self' or 'verified', not {mode!r}")
        if lang is not None and lang not in self.languages:
            raise ValueError(f"lang must be one of {list(self.languages)}, not {lang!r}")
        if isinstance(doc, Mapping):
            try:
                return self._engine.score(doc, mode, lang)
            except (InvalidAnswers, TypeError):
                pass
        problems = self.validate(doc)
        if not any(p.is_error for p in problems):  # pragma: no cover - the engine and validator disagree
            problems.append(Problem(code=Code.INVALID_DOCUMENT, location="", message="answers could not be scored",
                                    hint="report this document to the hamscore maintainers"))
        raise AnswerError(problems)

    def explain(self, assessment: Assessment, *, lang: str | None = None) -> str:
        """A short report of an assessment in words, with this questionnaire's titles and labels.

        >>> q = load(EXAMPLE)
        >>> print(q.explain(q.score({"answers": {"has_policy": "no"}}), lang="en"))
        Rating: red (total 0.0 of 100; completeness 100%).
        Bands: green from 80, red from 0.
        Indicators:
          Policy: 0.0 (0 of 1 points)
        Biggest gains:
          +100.0  Do you have a human-rights policy? (a weaker answer)
        """
        lang = lang or self.languages[0]
        words = _WORDS.get(lang, _WORDS["en"])
        total = "—" if assessment.total is None else f"{assessment.total:.1f}"
        level_names = _LEVEL_NAMES.get(lang, {})
        rating = level_names.get(assessment.rating or "", assessment.rating or "—")
        lines = [(f"{words['rating']}: {rating} ({words['total']} {total} {words['of']} 100; "
                 f"{words['complete']} {assessment.completeness:.0%}).")]
        bands = []
        for band in self.definition.rating.bands:
            rule = f"{level_names.get(band.level, band.level)} {words['from']} {band.min:g}"
            if band.min_indicator is not None:
                rule += f" ({words['every']} {band.min_indicator:g})"
            bands.append(rule)
        lines.append(f"{words['bands']}: " + ", ".join(bands) + ".")
        for cap in assessment.caps:
            q = self.question(cap.question)
            label = next((o.label for o in getattr(q, "options", ()) if o.id == cap.option), cap.option)
            level = level_names.get(cap.level, cap.level)
            lines.append(f"{words['flag']} ({level}): {text(q.text, lang)} → {text(label, lang)}")
        lines.append(f"{words['indicators']}:")
        for ind in self.definition.indicators:
            score = assessment.indicators[ind.id]
            shown = "—" if score.score is None else f"{score.score:.1f} ({score.earned:g} {words['of']} {score.possible:g} {words['points']})"
            lines.append(f"  {text(ind.title, lang)}: {shown}")
        if assessment.gaps:
            lines.append(f"{words['gains']}:")
            for gap in assessment.gaps[:5]:
                why = words[gap.reason]
                lines.append(f"  +{gap.impact:.1f}  {text(self.question(gap.question).text, lang)} ({why})")
                lines.extend(f"         → {advice}" for advice in gap.advice)
        return "\n".join(lines)

    def __repr__(self) -> str:
        n = sum(len(ind.questions) for ind in self.definition.indicators)
        return (f"<Questionnaire {self.id} {self.version}: {len(self.definition.indicators)} indicators, "
                f"{n} questions, digest {self.digest[:12]}>")


_WORDS = {
    "en": {"rating": "Rating", "total": "total", "of": "of", "complete": "completeness", "bands": "Bands",
           "from": "from", "every": "every indicator at least", "flag": "Red flag", "indicators": "Indicators",
           "points": "points", "gains": "Biggest gains", "unanswered": "unanswered", "answer": "a weaker answer",
           "evidence": "evidence missing"},
    "id": {"rating": "Peringkat", "total": "total", "of": "dari", "complete": "kelengkapan", "bands": "Batas",
           "from": "mulai", "every": "setiap indikator minimal", "flag": "Tanda bahaya", "indicators": "Indikator",
           "points": "poin", "gains": "Perbaikan terbesar", "unanswered": "belum dijawab",
           "answer": "jawaban lebih lemah", "evidence": "bukti belum ada"},
}

# Rating levels are names in the definition; the usual three get their Indonesian words.
_LEVEL_NAMES = {"id": {"green": "hijau", "yellow": "kuning", "red": "merah"}}

EXAMPLE = """
id = "demo"
version = "1"
title = { en = "Demo", id = "Demo" }
languages = ["en", "id"]
[rating]
bands = [{level = "green", min = 80}, {level = "red", min = 0}]
[[indicators]]
id = "policy"
title = "Policy"
[[indicators.questions]]
id = "has_policy"
type = "single"
text = "Do you have a human-rights policy?"
options = [{id = "yes", label = "Yes", points = 1}, {id = "no", label = "No", points = 0}]
[[indicators.questions]]
id = "policy_reviewed"
type = "single"
text = "Is it reviewed every year?"
show_if = 'profile.size == "besar"'
options = [{id = "yes", label = "Yes", points = 1}, {id = "no", label = "No", points = 0}]
"""
"""A two-question definition the examples in docstrings load."""
