"""The scoring engine: a definition compiled once into flat tables, then applied to answers.

This module implements the method of docs/methodology.md. Floating point is summed in definition
order with plain additions (never ``sum()``, whose algorithm differs between Python versions), so
the bulk scorer, which adds in the same order, reproduces every result to the last bit. Scores are
compared with band limits and ordered only after ``round(x, 6)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from hamscore.assessment import Assessment, Cap, Gap, IndicatorScore
from hamscore.checks import PROVINCE, REGENCY, Conditions, dependencies
from hamscore.conditions import Compiled, compile_condition, references
from hamscore.model import DateQuestion, Definition, MultiQuestion, NumberQuestion, SingleQuestion, Text
from hamscore.problems import Code
from hamscore.text import text

__all__ = ["Engine", "InvalidAnswers", "Mode"]

Mode = Literal["self", "verified"]
MODES = ("self", "verified")

SINGLE, MULTI, NUMBER, FREE = 0, 1, 2, 3  # FREE: text and date questions, which score nothing
EVIDENCE_STATUSES = frozenset({"provided", "verified", "rejected"})
PROFILE_KEYS = ("size", "sector", "employees", "province", "regency")
DOCUMENT_KEYS = frozenset({"questionnaire", "version", "profile", "answers", "evidence"})


class InvalidAnswers(Exception):
    """Raised inside the engine when the fast path meets something invalid; the caller validates."""


class QuestionPlan:
    """Everything the scorer needs about one question, computed once."""

    __slots__ = (
        "advice",
        "allow_na",
        "bands",
        "caps",
        "conditional",
        "evidence",
        "evidence_required",
        "id",
        "indicator",
        "is_date",
        "kind",
        "max_points",
        "options",
        "points",
        "possible",
        "required",
    )

    def __init__(self, q: Any, indicator: int, conditional: bool, levels: dict[str, int]) -> None:
        self.id: str = q.id
        self.indicator = indicator
        self.conditional = conditional
        self.required: bool = q.required
        self.allow_na: bool = q.allow_na
        self.evidence: str = q.evidence
        self.evidence_required = q.evidence == "required"
        self.is_date = isinstance(q, DateQuestion)
        self.points: dict[str, float] = {}
        self.options: tuple[tuple[str, float], ...] = ()
        self.caps: dict[str, int] = {}
        self.advice: dict[str, Text] = {}
        self.max_points: float | None = None
        self.bands: tuple[tuple[float, float, float], ...] = ()
        if isinstance(q, SingleQuestion | MultiQuestion):
            self.kind = SINGLE if isinstance(q, SingleQuestion) else MULTI
            self.options = tuple((o.id, float(o.points)) for o in q.options)
            self.points = dict(self.options)
            self.caps = {o.id: levels[o.cap] for o in q.options if o.cap is not None}
            self.advice = {o.id: o.advice for o in q.options if o.advice is not None}
            if isinstance(q, MultiQuestion):
                self.max_points = q.max_points
                possible = 0.0
                for _, pts in self.options:
                    possible += pts
                self.possible = possible if q.max_points is None else min(possible, float(q.max_points))
            else:
                self.possible = max((p for _, p in self.options), default=0.0)
        elif isinstance(q, NumberQuestion):
            self.kind = NUMBER
            self.bands = tuple(
                (-math.inf if b.min is None else float(b.min), math.inf if b.max is None else float(b.max), float(b.points))
                for b in q.bands
            )
            self.possible = max((b[2] for b in self.bands), default=0.0)
        else:
            self.kind = FREE
            self.possible = 0.0


class Step:
    """One step of the applicability pass: an indicator's or a question's condition."""

    __slots__ = ("cond", "indicator", "is_indicator", "key", "referenced")

    def __init__(self, *, is_indicator: bool, key: Any, indicator: int, cond: Compiled | None, referenced: bool) -> None:
        self.is_indicator = is_indicator
        self.key = key
        self.indicator = indicator
        self.cond = cond
        self.referenced = referenced


class Engine:
    """A definition compiled for scoring. Built once per definition; immutable afterwards."""

    def __init__(self, d: Definition, conditions: Conditions, *, digest: str) -> None:
        self.definition = d
        self.digest = digest
        self.levels = [band.level for band in d.rating.bands]
        level_index = {level: i for i, level in enumerate(self.levels)}
        self.band_limits = [
            (i, band.min, band.min_indicator) for i, band in enumerate(d.rating.bands)
        ]
        self.evidence_factor = float(d.rating.evidence_factor)
        self.indicator_ids = [ind.id for ind in d.indicators]
        self.weights = [float(ind.weight) for ind in d.indicators]
        self.default_lang = d.languages[0] if d.languages else "en"

        conditional_indicators = set(conditions.indicators)
        referenced: set[str] = set()
        for node in [*conditions.indicators.values(), *conditions.questions.values()]:
            referenced.update(n for n in references(node) if not n.startswith("profile."))
        self.referenced = frozenset(referenced)

        self.plans: list[QuestionPlan] = []
        for i, ind in enumerate(d.indicators):
            for q in ind.questions:
                conditional = i in conditional_indicators or q.id in conditions.questions
                self.plans.append(QuestionPlan(q, i, conditional, level_index))
        self.by_id = {p.id: p for p in self.plans}
        self.ids = frozenset(self.by_id)
        self.steps = self._steps(d, conditions)

    def _steps(self, d: Definition, conditions: Conditions) -> list[Step]:
        """Topological order of the conditions, so a question is decided after all it depends on."""
        deps = dependencies(d, conditions)
        indicator_of = {p.id: p.indicator for p in self.plans}
        order: list[str] = []
        seen: set[str] = set()

        def visit(qid: str) -> None:
            if qid in seen:
                return
            seen.add(qid)
            for dep in deps.get(qid, ()):
                if dep != qid:
                    visit(dep)
            order.append(qid)

        for p in self.plans:
            visit(p.id)
        steps: list[Step] = []
        done_indicators: set[int] = set()
        for qid in order:
            plan = self.by_id[qid]
            i = indicator_of[qid]
            if i in conditions.indicators and i not in done_indicators:
                # Every question this indicator's condition reads comes earlier in `order`,
                # because each of the indicator's questions depends on them.
                done_indicators.add(i)
                steps.append(Step(is_indicator=True, key=i, indicator=i,
                                  cond=compile_condition(conditions.indicators[i]), referenced=False))
            if plan.conditional or qid in self.referenced:
                cond = compile_condition(conditions.questions[qid]) if qid in conditions.questions else None
                steps.append(Step(is_indicator=False, key=qid, indicator=i, cond=cond,
                                  referenced=qid in self.referenced))
        self.conditional_indicators = done_indicators
        return steps

    # -----------------------------------------------------------------------------------------

    def applicability(self, answers: Mapping[str, Any], profile: Mapping[str, Any] | None) -> tuple[set[str], list[bool]]:
        """The conditional questions that apply, and which indicators are shown."""
        vals: dict[str, Any] = {}
        if profile:
            for key in PROFILE_KEYS:
                value = profile.get(key)
                if value is not None:
                    vals["profile." + key] = value
        shown = [True] * len(self.indicator_ids)
        applicable: set[str] = set()
        for step in self.steps:
            if step.is_indicator:
                shown[step.key] = step.cond(vals) if step.cond is not None else True
                continue
            if not shown[step.indicator] or (step.cond is not None and not step.cond(vals)):
                continue
            applicable.add(step.key)
            if step.referenced:
                a = answers.get(step.key)
                if a is not None and a != "":
                    vals[step.key] = a
        return applicable, shown

    def applicable_ids(self, answers: Mapping[str, Any], profile: Mapping[str, Any] | None) -> frozenset[str]:
        applicable, _ = self.applicability(answers, profile)
        return frozenset(p.id for p in self.plans if not p.conditional or p.id in applicable)

    def score(self, doc: Mapping[str, Any], mode: str, lang: str | None) -> Assessment:
        """Score a document whose shape is already known to be a mapping; raises InvalidAnswers."""
        if not doc.keys() <= DOCUMENT_KEYS:
            raise InvalidAnswers
        d = self.definition
        if doc.get("questionnaire", d.id) != d.id or doc.get("version", d.version) != d.version:
            raise InvalidAnswers
        answers = doc.get("answers") or {}
        evidence = doc.get("evidence") or {}
        profile = doc.get("profile") or {}
        if type(answers) is not dict or type(evidence) is not dict or type(profile) is not dict:
            raise InvalidAnswers
        if not answers.keys() <= self.ids or not evidence.keys() <= self.ids:
            raise InvalidAnswers
        if not _profile_ok(profile) or not set(evidence.values()) <= _EVIDENCE_OR_NONE:
            raise InvalidAnswers
        return self._score(answers, evidence, profile, mode, lang or self.default_lang)

    def _score(self, answers: dict[str, Any], evidence: dict[str, Any], profile: dict[str, Any],
               mode: str, lang: str) -> Assessment:
        applicable, _ = self.applicability(answers, profile)
        n = len(self.indicator_ids)
        earned_sum = [0.0] * n
        possible_sum = [0.0] * n
        caps: list[Cap] = []
        worst_cap = -1
        shortfalls: list[tuple[QuestionPlan, float, float, str, Any]] = []
        required_total = 0
        required_done = 0
        verified_only = mode == "verified"
        factor = self.evidence_factor

        for p in self.plans:
            a = answers.get(p.id)
            if p.conditional and p.id not in applicable:
                if a is not None and a != "" and not _valid(p, a):
                    raise InvalidAnswers
                continue
            answered = a is not None and a != ""
            if p.required:
                required_total += 1
                if answered:
                    required_done += 1
            kind = p.kind
            if not answered:
                if kind != FREE:
                    i = p.indicator
                    possible_sum[i] += p.possible
                    earned_sum[i] += 0.0
                    if p.possible > 0:
                        shortfalls.append((p, p.possible, 0.0, "unanswered", None))
                continue
            if a == "na":
                if not p.allow_na:
                    raise InvalidAnswers
                continue
            if kind == SINGLE:
                if type(a) is not str:
                    raise InvalidAnswers
                pts = p.points.get(a)
                if pts is None:
                    raise InvalidAnswers
                if a in p.caps:
                    level = p.caps[a]
                    caps.append(Cap(question=p.id, option=a, level=self.levels[level]))
                    worst_cap = max(worst_cap, level)
                raw = pts
            elif kind == MULTI:
                if type(a) is not list or len(set(a)) != len(a) or not p.points.keys() >= set(a):
                    raise InvalidAnswers
                raw = 0.0
                for oid, pts in p.options:
                    if oid in a:
                        raw += pts
                        if oid in p.caps:
                            level = p.caps[oid]
                            caps.append(Cap(question=p.id, option=oid, level=self.levels[level]))
                            worst_cap = max(worst_cap, level)
                if p.max_points is not None and raw > p.max_points:
                    raw = float(p.max_points)
            elif kind == NUMBER:
                if (type(a) is not float and type(a) is not int) or not _finite(a):
                    raise InvalidAnswers
                raw = 0.0
                for lo, hi, pts in p.bands:
                    if lo <= a < hi:
                        raw = pts
                        break
            else:
                if type(a) is not str or not _valid(p, a):
                    raise InvalidAnswers
                continue
            earned = raw
            if p.evidence_required and raw > 0:
                status = evidence.get(p.id)
                if verified_only:
                    credit = 1.0 if status == "verified" else 0.0
                elif status is None:
                    credit = factor
                else:
                    credit = 0.0 if status == "rejected" else 1.0
                earned = raw * credit
            i = p.indicator
            possible_sum[i] += p.possible
            earned_sum[i] += earned
            if earned < p.possible:
                reason = "answer" if raw < p.possible else "evidence"
                shortfalls.append((p, p.possible, earned, reason, a))

        indicators: dict[str, IndicatorScore] = {}
        scores: list[float | None] = []
        weighted = 0.0
        weight_sum = 0.0
        for i, key in enumerate(self.indicator_ids):
            possible = possible_sum[i]
            if possible > 0:
                score = 100.0 * earned_sum[i] / possible
                weighted += score * self.weights[i]
                weight_sum += self.weights[i]
                indicators[key] = IndicatorScore(score=score, earned=earned_sum[i], possible=possible)
                scores.append(score)
            else:
                indicators[key] = IndicatorScore(score=None, earned=earned_sum[i], possible=possible)
                scores.append(None)
        total = weighted / weight_sum if weight_sum > 0 else None

        rating = self.rate(total, scores, worst_cap)
        gaps = self._gaps(shortfalls, possible_sum, weight_sum, lang)
        completeness = required_done / required_total if required_total else 1.0
        return Assessment(
            questionnaire=self.definition.id,
            version=self.definition.version,
            digest=self.digest,
            mode="verified" if verified_only else "self",
            total=total,
            rating=rating,
            completeness=completeness,
            indicators=indicators,
            caps=tuple(caps),
            gaps=gaps,
        )

    def rate(self, total: float | None, scores: list[float | None], worst_cap: int) -> str | None:
        """Step 7 of the method: the first band that fits, then lowered by the worst cap."""
        if total is None:
            return self.levels[worst_cap] if worst_cap >= 0 else None
        rounded_total = round(total, 6)
        lowest = min((round(s, 6) for s in scores if s is not None), default=None)
        chosen = len(self.levels) - 1
        for i, band_min, min_indicator in self.band_limits:
            if rounded_total >= band_min and (min_indicator is None or lowest is None or lowest >= min_indicator):
                chosen = i
                break
        return self.levels[max(chosen, worst_cap)]

    def _gaps(self, shortfalls: list[tuple[QuestionPlan, float, float, str, Any]], possible_sum: list[float],
              weight_sum: float, lang: str) -> tuple[Gap, ...]:
        gaps: list[Gap] = []
        for p, possible, earned, reason, answer in shortfalls:
            i = p.indicator
            if possible_sum[i] <= 0 or weight_sum <= 0:
                continue
            impact = (possible - earned) / possible_sum[i] * 100.0 * self.weights[i] / weight_sum
            gaps.append(Gap(question=p.id, indicator=self.indicator_ids[i], impact=impact, reason=reason,  # type: ignore[arg-type]
                            advice=self._advice(p, answer, lang)))
        gaps.sort(key=lambda g: (-round(g.impact, 6), g.question))
        return tuple(gaps)

    def _advice(self, p: QuestionPlan, answer: Any, lang: str) -> tuple[str, ...]:
        if not p.advice:
            return ()
        fallback = self.default_lang
        if p.kind == SINGLE:
            if answer in p.advice:
                return (text(p.advice[answer], lang, fallback=fallback),)
            return ()
        if p.kind == MULTI:
            chosen = answer if isinstance(answer, list) else []
            return tuple(
                text(p.advice[oid], lang, fallback=fallback)
                for oid, pts in p.options
                if pts > 0 and oid not in chosen and oid in p.advice
            )
        return ()


_EVIDENCE_OR_NONE = EVIDENCE_STATUSES | {None}
_SIZES = frozenset({"mikro", "kecil", "menengah", "besar"})
_SECTORS = frozenset("ABCDEFGHIJKLMNOPQRSTU")


def _profile_ok(profile: dict[str, Any]) -> bool:
    """A quick yes/no on the profile's known fields; the validator explains any no."""
    size = profile.get("size")
    if size is not None and size not in _SIZES:
        return False
    sector = profile.get("sector")
    if sector is not None and sector not in _SECTORS:
        return False
    employees = profile.get("employees")
    if employees is not None and (type(employees) is not int or employees < 0):
        return False
    province = profile.get("province")
    if province is not None and (type(province) is not str or not PROVINCE.match(province)):
        return False
    regency = profile.get("regency")
    return regency is None or (type(regency) is str and bool(REGENCY.match(regency)))


def _valid(p: QuestionPlan, a: Any) -> bool:
    """Is a (non-empty) answer valid for this question, whether or not it applies?"""
    return answer_problem(p, a) is None


def answer_problem(p: QuestionPlan, a: Any) -> tuple[Code, str, str] | None:
    """What is wrong with a non-empty answer ``a`` to the question ``p``: (code, message, hint), or None."""
    if type(a) is str and a == "na":
        if p.allow_na:
            return None
        return (Code.NA_NOT_ALLOWED, "this question cannot be answered 'na'",
                "choose an answer; 'na' is allowed only where the questionnaire says allow_na")
    if p.kind == SINGLE:
        if type(a) is not str:
            return (Code.WRONG_TYPE, f"expected an option id (a string), got {_kind(a)}",
                    "give one of: " + ", ".join(p.points))
        if a not in p.points:
            return (Code.UNKNOWN_OPTION, f"{a!r} is not an option of this question",
                    "give one of: " + ", ".join(p.points))
        return None
    if p.kind == MULTI:
        if type(a) is not list:
            return (Code.WRONG_TYPE, f"expected a list of option ids, got {_kind(a)}",
                    'give a list such as ["a", "b"] (empty when none applies), or "na" where allowed')
        for item in a:
            if type(item) is not str:
                return (Code.WRONG_TYPE, f"expected option ids (strings) in the list, got {_kind(item)}",
                        "give one or more of: " + ", ".join(p.points))
            if item not in p.points:
                hint = 'write "na" (not ["na"]) for not applicable' if item == "na" else (
                    "give one or more of: " + ", ".join(p.points))
                return (Code.UNKNOWN_OPTION, f"{item!r} is not an option of this question", hint)
        if len(set(a)) != len(a):
            return (Code.DUPLICATE_CHOICE, "an option is chosen twice", "list each chosen option once")
        return None
    if p.kind == NUMBER:
        if type(a) is not int and type(a) is not float:
            return (Code.WRONG_TYPE, f"expected a number, got {_kind(a)}", "give a number such as 12.5")
        if not _finite(a):
            shown = f"{a}" if type(a) is float else "an integer beyond float64"
            return (Code.NOT_FINITE, f"{shown} is not a finite number", "give a finite number")
        return None
    if type(a) is not str:
        return (Code.WRONG_TYPE, f"expected a text, got {_kind(a)}", "give the answer as a string")
    if p.is_date and not _is_iso_date(a):
        return (Code.INVALID_DATE, f"{a!r} is not a date", "write the date as YYYY-MM-DD, e.g. 2026-03-31")
    return None


def _finite(a: float) -> bool:
    # Scores are float64: an integer too large for a float (JSON allows any digits) is refused like inf.
    try:
        return math.isfinite(a)
    except OverflowError:
        return False


def _kind(a: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(a), type(a).__name__)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_iso_date(s: str) -> bool:
    # date.fromisoformat alone also takes "2026-W01-1" and "20260331xx"; the method asks for YYYY-MM-DD.
    if not _ISO_DATE.fullmatch(s):
        return False
    try:
        date.fromisoformat(s)
    except ValueError:
        return False
    return True
