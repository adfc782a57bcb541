"""The scoring engine: a definition compiled once into flat tables, then applied to answers.

This module implements the method of docs/methodology.md. Floating point is summed in definition
order with plain additions (never ``sum()``, whose algorithm differs between Python versions), so
the bulk scorer, which adds in the same order, reproduces every result to the last bit. Scores are
compared with band limits and ordered only after ``round(x, 6)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import reduce
from itertools import compress, pairwise, repeat
from operator import add, call, itemgetter, lt, mul, neg, sub, truediv
from typing import Any, Literal, cast

from hamscore.assessment import Assessment, Cap, Gap, IndicatorScore
from hamscore.checks import PROVINCE, REGENCY, Conditions, dependencies
from hamscore.conditions import Compiled, compile_condition, references
from hamscore.model import DateQuestion, Definition, MultiQuestion, NumberQuestion, SingleQuestion, Text
from hamscore.problems import Code
from hamscore.rounding import PLACES, threshold
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

        # Flat tables for the scorer, all in definition order (questions of an indicator are adjacent).
        self._qids = tuple(p.id for p in self.plans)
        self._outcome_of = tuple(outcome_function(p) for p in self.plans)
        self._indicator_of = tuple(p.indicator for p in self.plans)
        self._conditional = tuple((pos, p.id) for pos, p in enumerate(self.plans) if p.conditional)
        self._evidence_positions = tuple(pos for pos, p in enumerate(self.plans) if p.evidence_required)
        self._cap_positions = tuple(pos for pos, p in enumerate(self.plans) if p.caps)
        self._required_mask = tuple(p.required for p in self.plans)
        slices: list[tuple[int, int]] = []
        start = 0
        for ind in d.indicators:
            slices.append((start, start + len(ind.questions)))
            start += len(ind.questions)
        self._slices = tuple(slices)
        self._advice_cache: dict[str, dict[tuple[int, Any], tuple[str, ...]]] = {}
        self._band_thresholds = tuple(
            (i, threshold(band_min), None if at_least is None else threshold(at_least))
            for i, band_min, at_least in self.band_limits
        )

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
        # Every question's outcome in one pass at C speed: a single question is one dict lookup
        # (which also validates it), the other kinds call their small compiled function.
        looked_up: list[Outcome | None] = list(map(call, self._outcome_of, map(answers.get, self._qids)))
        if None in looked_up:  # an option id that the question does not have
            raise InvalidAnswers
        outcomes = cast(list[Outcome], looked_up)
        if self._conditional:
            applicable, _ = self.applicability(answers, profile)
            for pos, qid in self._conditional:
                if qid not in applicable:
                    outcomes[pos] = HIDDEN
        earned = list(map(_RAW, outcomes))
        possible = list(map(_POSSIBLE, outcomes))
        verified_only = mode == "verified"
        if self._evidence_positions:
            factor = self.evidence_factor
            for pos in self._evidence_positions:
                raw = earned[pos]
                if raw > 0:
                    status = evidence.get(self._qids[pos])
                    if verified_only:
                        credit = 1.0 if status == "verified" else 0.0
                    elif status is None:
                        credit = factor
                    else:
                        credit = 0.0 if status == "rejected" else 1.0
                    earned[pos] = raw * credit

        # Indicator sums: plain left folds in definition order (the bulk scorer folds the same way).
        indicators: dict[str, IndicatorScore] = {}
        scores: list[float | None] = []
        possible_sums: list[float] = []
        weighted = 0.0
        weight_sum = 0.0
        for key, (start, end), weight in zip(self.indicator_ids, self._slices, self.weights, strict=True):
            e = reduce(add, earned[start:end], 0.0)
            p = reduce(add, possible[start:end], 0.0)
            possible_sums.append(p)
            if p > 0:
                score = 100.0 * e / p
                weighted += score * weight
                weight_sum += weight
                indicators[key] = IndicatorScore(score=score, earned=e, possible=p)
                scores.append(score)
            else:
                indicators[key] = IndicatorScore(score=None, earned=e, possible=p)
                scores.append(None)
        total = weighted / weight_sum if weight_sum > 0 else None

        caps: list[Cap] = []
        worst_cap = -1
        for pos in self._cap_positions:
            hit = outcomes[pos][3]
            if hit:
                qid = self._qids[pos]
                for option, level in hit:
                    caps.append(Cap(question=qid, option=option, level=self.levels[level]))
                    worst_cap = max(worst_cap, level)

        states = list(compress(map(_STATE, outcomes), self._required_mask))
        required_total = len(states) - states.count(HIDDEN_STATE)
        required_done = required_total - states.count(UNANSWERED_STATE)
        completeness = required_done / required_total if required_total else 1.0

        short = list(compress(range(len(outcomes)), map(lt, earned, possible)))
        gaps = self._gaps(short, outcomes, earned, possible, possible_sums, weight_sum, lang) if short else ()
        return Assessment(
            questionnaire=self.definition.id,
            version=self.definition.version,
            digest=self.digest,
            mode="verified" if verified_only else "self",
            total=total,
            rating=self.rate(total, scores, worst_cap),
            completeness=completeness,
            indicators=indicators,
            caps=tuple(caps),
            gaps=gaps,
        )

    def rate(self, total: float | None, scores: list[float | None], worst_cap: int) -> str | None:
        """Step 7 of the method: the first band that fits, then lowered by the worst cap.

        Limits are compared after rounding to 6 places, through precomputed thresholds.
        """
        if total is None:
            return self.levels[worst_cap] if worst_cap >= 0 else None
        present = [s for s in scores if s is not None]
        lowest = min(present) if present else None
        chosen = len(self.levels) - 1
        for i, total_at_least, indicators_at_least in self._band_thresholds:
            if total >= total_at_least and (indicators_at_least is None or lowest is None
                                            or lowest >= indicators_at_least):
                chosen = i
                break
        return self.levels[max(chosen, worst_cap)]

    def _gaps(self, short: list[int], outcomes: list[Outcome], earned: list[float], possible: list[float],
              possible_sums: list[float], weight_sum: float, lang: str) -> tuple[Gap, ...]:
        """Step 9: every counted question short of its possible, by impact then id.

        Written as maps over the short questions rather than a loop, because a submission can
        have dozens of gaps and this runs for every one of them.
        """
        pick = itemgetter(*short) if len(short) > 1 else (lambda seq: (seq[short[0]],))
        chosen: tuple[Outcome, ...] = pick(outcomes)
        indicators: tuple[int, ...] = pick(self._indicator_of)
        qids: tuple[str, ...] = pick(self._qids)
        # ((((possible - earned) / indicator possible) * 100) * weight) / sum of weights, as in the method.
        impacts = list(map(
            truediv,
            map(mul, map(mul, map(truediv, map(sub, pick(possible), pick(earned)),
                                  map(possible_sums.__getitem__, indicators)), repeat(100.0)),
                map(self.weights.__getitem__, indicators)),
            repeat(weight_sum),
        ))
        cache = self._advice_cache.get(lang)
        if cache is None:
            cache = self._advice_cache.setdefault(lang, {})
        keys = list(zip(short, map(_KEY, chosen), strict=True))
        advice = list(map(cache.get, keys))
        if None in advice:
            for n, key in enumerate(keys):
                if advice[n] is None:
                    advice[n] = cache.setdefault(key, self._advice(self.plans[key[0]], key[1], lang))
        gaps: list[Gap] = list(map(_new_gap, qids, map(self.indicator_ids.__getitem__, indicators), impacts,
                        map(_REASON, chosen), advice))
        ordered = sorted(zip(map(neg, impacts), qids, gaps, strict=True))
        # The order is by impact rounded to 6 places, then id. The exact impact gives the same order
        # unless two neighbours differ by less than 2e-6 without being equal (their rounded values
        # may then tie, and the id must decide): only then round, which is slow.
        if any(0.0 < b[0] - a[0] < 2e-6 for a, b in pairwise(ordered)):
            ordered.sort(key=lambda item: (-round(-item[0], PLACES), item[1]))
        return tuple(map(_THIRD, ordered))

    def _advice(self, p: QuestionPlan, key: Any, lang: str) -> tuple[str, ...]:
        """The advice texts for a gap: the chosen single option's, or a multi's unchosen options with points."""
        if not p.advice:
            return ()
        fallback = self.default_lang
        if p.kind == SINGLE:
            if key in p.advice:
                return (text(p.advice[key], lang, fallback=fallback),)
            return ()
        if p.kind == MULTI:
            chosen = key if isinstance(key, tuple) else ()
            return tuple(
                text(p.advice[oid], lang, fallback=fallback)
                for oid, pts in p.options
                if pts > 0 and oid not in chosen and oid in p.advice
            )
        return ()


# ---------------------------------------------------------------------------------------------
# Outcomes: what one answer to one question comes to, before applicability and evidence.
# (state, raw points, possible points, caps hit as ((option, level index), ...), advice key,
#  the reason should it be a gap)

Outcome = tuple[int, float, float, tuple[tuple[str, int], ...], Any, str | None]
HIDDEN_STATE, UNANSWERED_STATE, NA_STATE, ANSWERED_STATE = -1, 0, 1, 2
_MULTI_MEMORY = 4096  # combinations remembered per multi question
HIDDEN: Outcome = (HIDDEN_STATE, 0.0, 0.0, (), None, None)
NA: Outcome = (NA_STATE, 0.0, 0.0, (), None, None)
_STATE = itemgetter(0)
_RAW = itemgetter(1)
_POSSIBLE = itemgetter(2)
_new_gap = cast(Callable[..., Gap], Gap)
_KEY = itemgetter(4)
_REASON = itemgetter(5)
_THIRD = itemgetter(2)


def outcome_function(p: QuestionPlan) -> Callable[[Any], Outcome | None]:
    """The function from an answer to its outcome; raises InvalidAnswers (or TypeError) on a bad answer."""
    unanswered: Outcome = (UNANSWERED_STATE, 0.0, p.possible, (), None, "unanswered")
    if p.kind == SINGLE:
        # A dict's own get: unknown options come back as None, unhashable answers raise TypeError.
        table: dict[Any, Outcome] = {None: unanswered, "": unanswered}
        if p.allow_na:
            table["na"] = NA
        for oid, pts in p.options:
            hit = ((oid, p.caps[oid]),) if oid in p.caps else ()
            table[oid] = (ANSWERED_STATE, pts, p.possible, hit, oid, "answer" if pts < p.possible else "evidence")
        return table.get
    allow_na = p.allow_na
    if p.kind == MULTI:
        options, ids, caps, possible = p.options, frozenset(p.points), p.caps, p.possible
        max_points = None if p.max_points is None else float(p.max_points)

        # Submissions repeat the same few combinations, so outcomes are remembered by combination.
        seen: dict[tuple[str, ...], Outcome] = {}

        def multi(a: Any) -> Outcome:
            if a is None or a == "":
                return unanswered
            if type(a) is not list:
                if allow_na and a == "na":
                    return NA
                raise InvalidAnswers
            combination = tuple(a)
            known = seen.get(combination)
            if known is not None:
                return known
            chosen = set(a)
            if len(chosen) != len(a) or not chosen <= ids:
                raise InvalidAnswers
            raw = 0.0
            hit: list[tuple[str, int]] = []
            for oid, pts in options:
                if oid in chosen:
                    raw += pts
                    if oid in caps:
                        hit.append((oid, caps[oid]))
            if max_points is not None and raw > max_points:
                raw = max_points
            outcome = (ANSWERED_STATE, raw, possible, tuple(hit), combination, "answer" if raw < possible else "evidence")
            if len(seen) < _MULTI_MEMORY:
                seen[combination] = outcome
            return outcome

        return multi
    if p.kind == NUMBER:
        possible = p.possible
        band_outcomes = [
            (band, (ANSWERED_STATE, band[2], possible, (), None, "answer" if band[2] < possible else "evidence"))
            for band in p.bands
        ]
        outside: Outcome = (ANSWERED_STATE, 0.0, possible, (), None, "answer" if possible > 0 else "evidence")

        def number(a: Any) -> Outcome:
            if a is None or a == "":
                return unanswered
            if type(a) is float or type(a) is int:
                if not _finite(a):
                    raise InvalidAnswers
                for (lo, hi, _), outcome in band_outcomes:
                    if lo <= a < hi:
                        return outcome
                return outside
            if allow_na and a == "na":
                return NA
            raise InvalidAnswers

        return number
    answered: Outcome = (ANSWERED_STATE, 0.0, 0.0, (), None, None)
    is_date = p.is_date

    def free(a: Any) -> Outcome:
        if a is None or a == "":
            return unanswered
        if type(a) is not str:
            raise InvalidAnswers
        if a == "na":
            if allow_na:
                return NA
            raise InvalidAnswers
        if is_date and not _is_iso_date(a):
            raise InvalidAnswers
        return answered

    return free


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
