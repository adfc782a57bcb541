"""Hypothesis strategies: questionnaires that load, and answer documents for them.

The questionnaires use every feature the method has (indicator weights and conditions, the five
question kinds, options with points, caps and advice, number bands with gaps, ``max_points``,
required evidence, ``allow_na``, optional questions) and conditions over the profile and earlier
questions (``answered()``, ``not``, ``in`` lists, ``"x" in multi``, number comparisons). The
documents mix valid answers with unanswered ones, ``na``, empty multi answers, numbers outside
every band, answers to questions that do not apply, evidence statuses, and a few invalid values
(unknown options, ``na`` where not allowed, repeated choices, NaN, malformed dates, bad profile
values and evidence statuses).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import msgspec
from hypothesis import strategies as st

import hamscore

__all__ = ["documents", "questionnaires"]

LEVELS = ("green", "yellow", "red")
SIZES = ("mikro", "kecil", "menengah", "besar")
POINTS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0, 1.0, 2.0, 3.0, 1 / 3, 7.0)
NUMBERS = (-1.0, 0.0, 0.5, 1.0, 2.0, 5.0, 9.99, 10.0, 10.5, 100.0, 1e6)


def _option_id(k: int) -> str:
    return f"o{k}"


@st.composite
def _question(draw: st.DrawFn, qid: str, levels: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(("single", "single", "multi", "multi", "number", "text", "date")))
    q: dict[str, Any] = {"id": qid, "type": kind, "text": f"Question {qid}"}
    if kind in ("single", "multi"):
        options = []
        for k in range(draw(st.integers(1, 4))):
            option: dict[str, Any] = {"id": _option_id(k), "label": f"Option {k}", "points": draw(st.sampled_from(POINTS))}
            if draw(st.integers(0, 5)) == 0:
                option["cap"] = draw(st.sampled_from(levels))
            if draw(st.booleans()):
                option["advice"] = f"Do better than {k}"
            options.append(option)
        q["options"] = options
        if kind == "multi" and draw(st.booleans()):
            q["max_points"] = draw(st.sampled_from((0.0, 0.5, 1.0, 2.0, 2.5)))
    elif kind == "number":
        cuts = sorted(draw(st.sets(st.sampled_from((0.0, 1.0, 2.0, 5.0, 10.0, 100.0)), min_size=1, max_size=4)))
        edges: list[float | None] = [None, *cuts, None] if draw(st.booleans()) else list(cuts)
        bands = []
        for lo, hi in itertools.pairwise(edges):
            if draw(st.integers(0, 4)) == 0:
                continue  # a gap between bands
            band: dict[str, Any] = {"points": draw(st.sampled_from(POINTS))}
            if lo is not None:
                band["min"] = lo
            if hi is not None:
                band["max"] = hi
            bands.append(band)
        q["bands"] = bands or [{"min": 0.0, "points": 1.0}]
    if kind != "text" and kind != "date" and draw(st.integers(0, 3)) == 0:
        q["evidence"] = "required"
    if draw(st.integers(0, 3)) == 0:
        q["allow_na"] = True
    if draw(st.integers(0, 4)) == 0:
        q["required"] = False
    return q


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value + '"'
    return repr(value)


@st.composite
def _comparison(draw: st.DrawFn, earlier: list[dict[str, Any]]) -> str:
    """One comparison the loader accepts, over the profile or an earlier question."""
    choices = ["size", "employees", "province"]
    if earlier:
        choices += ["question"] * 3
    what = draw(st.sampled_from(choices))
    if what == "size":
        sizes = draw(st.lists(st.sampled_from(SIZES), min_size=1, max_size=3, unique=True))
        return draw(st.sampled_from((f'profile.size == "{sizes[0]}"', f'profile.size != "{sizes[0]}"',
                                     "profile.size in [" + ", ".join(_literal(s) for s in sizes) + "]",
                                     "answered(profile.size)")))
    if what == "employees":
        op = draw(st.sampled_from(("<", "<=", ">", ">=", "==", "!=")))
        return f"profile.employees {op} {draw(st.sampled_from((0, 10, 50, 100)))}"
    if what == "province":
        return draw(st.sampled_from(('profile.province == "36"', 'profile.province in ["31", "36"]')))
    q = draw(st.sampled_from(earlier))
    qid, kind = q["id"], q["type"]
    forms = [f"answered({qid})"]
    if q.get("allow_na"):
        forms.append(f'{qid} == "na"' if kind != "multi" else f"answered({qid})")
    if kind == "single":
        ids = [o["id"] for o in q["options"]]
        forms += [f'{qid} == "{ids[0]}"', f'{qid} != "{ids[-1]}"',
                  f"{qid} in [" + ", ".join(_literal(i) for i in ids[:2]) + "]"]
    elif kind == "multi":
        forms += [f'"{o["id"]}" in {qid}' for o in q["options"]]
    elif kind == "number":
        op = draw(st.sampled_from(("<", "<=", ">", ">=", "==", "!=")))
        forms += [f"{qid} {op} {draw(st.sampled_from((0, 1, 2.5, 10)))}", f"{qid} in [1, 10]"]
    elif kind == "text":
        forms += [f'{qid} == "ya"', f'{qid} != "ya"']
    return draw(st.sampled_from(forms))


@st.composite
def _condition(draw: st.DrawFn, earlier: list[dict[str, Any]]) -> str:
    parts = [draw(_comparison(earlier)) for _ in range(draw(st.integers(1, 3)))]
    parts = [f"not ({p})" if draw(st.integers(0, 3)) == 0 else p for p in parts]
    joiner = draw(st.sampled_from((" and ", " or ")))
    return joiner.join(parts)


@st.composite
def questionnaires(draw: st.DrawFn) -> hamscore.Questionnaire:
    """A loaded questionnaire of 1 to 4 indicators with 1 to 5 questions each."""
    n_levels = draw(st.integers(1, 3))
    levels = list(LEVELS[-n_levels:]) if n_levels < 3 else list(LEVELS)
    mins = sorted(draw(st.sets(st.sampled_from((20.0, 33.3, 50.0, 62.5, 80.0, 90.0)),
                               min_size=n_levels - 1, max_size=n_levels - 1)), reverse=True)
    bands: list[dict[str, Any]] = []
    for level, band_min in zip(levels, [*mins, 0.0], strict=True):
        band: dict[str, Any] = {"level": level, "min": band_min}
        if band_min > 0 and draw(st.booleans()):
            band["min_indicator"] = draw(st.sampled_from((10.0, 25.0, 50.0, 100 / 3)))
        bands.append(band)
    indicators: list[dict[str, Any]] = []
    earlier: list[dict[str, Any]] = []
    n = 0
    for i in range(draw(st.integers(1, 4))):
        questions: list[dict[str, Any]] = []
        own: list[dict[str, Any]] = []
        for _ in range(draw(st.integers(1, 5))):
            n += 1
            q = draw(_question(f"q{n}", levels))
            if draw(st.integers(0, 2)) == 0:
                q["show_if"] = draw(_condition(earlier + own))
            questions.append(q)
            own.append(q)
        indicator: dict[str, Any] = {"id": f"ind{i}", "title": f"Indicator {i}", "questions": questions,
                                     "weight": draw(st.sampled_from((0.5, 1.0, 1.0, 2.0, 3.0)))}
        if draw(st.integers(0, 4)) == 0:
            indicator["show_if"] = draw(_condition(earlier))
        indicators.append(indicator)
        earlier += own
    definition = {"id": "gen", "version": "1", "title": "Generated", "languages": ["en"],
                  "rating": {"bands": bands, "evidence_factor": draw(st.sampled_from((0.0, 0.5, 1 / 3, 1.0)))},
                  "indicators": indicators}
    return hamscore.load(msgspec.json.encode(definition))


@st.composite
def _answer(draw: st.DrawFn, q: hamscore.Question) -> Any:
    roll = draw(st.integers(0, 19))
    if roll == 0:
        return draw(st.sampled_from((None, "")))
    if roll == 1:
        return "na"  # invalid where na is not allowed
    options = [o.id for o in getattr(q, "options", ())]
    if q.type == "single":
        return "zzz" if roll == 2 else draw(st.sampled_from(options))
    if q.type == "multi":
        if roll == 2:
            return [*options[:1], *options[:1]]  # a repeated choice
        if roll == 3:
            return ["zzz"]
        return draw(st.lists(st.sampled_from(options), unique=True))
    if q.type == "number":
        if roll == 2:
            return draw(st.sampled_from((math.nan, math.inf)))
        return draw(st.one_of(st.sampled_from(NUMBERS), st.integers(-5, 200)))
    if q.type == "date":
        return draw(st.sampled_from(("2026-03-31", "2024-02-29", "2026-02-30", "0000-01-01", "2026-W01-1",
                                     "20260331xx", "31/03/2026")))
    return draw(st.sampled_from(("ya", "tidak", "Kebijakan tertulis")))


@st.composite
def documents(draw: st.DrawFn, q: hamscore.Questionnaire) -> dict[str, Any]:
    """An answers document for ``q``; most are valid, some are not."""
    answers: dict[str, Any] = {}
    evidence: dict[str, Any] = {}
    for question in q.questions:
        if draw(st.integers(0, 5)) > 0:
            answers[question.id] = draw(_answer(question))
        if question.evidence != "none" or draw(st.integers(0, 9)) == 0:
            status = draw(st.sampled_from((None, None, "provided", "verified", "rejected", "lost")))
            if status is not None or draw(st.booleans()):
                evidence[question.id] = status
    profile: dict[str, Any] = {}
    if draw(st.integers(0, 4)) > 0:
        profile["size"] = draw(st.sampled_from((*SIZES, "raksasa")))
    if draw(st.booleans()):
        profile["employees"] = draw(st.sampled_from((0, 5, 10, 49, 50, 100, -1)))
    if draw(st.booleans()):
        profile["province"] = draw(st.sampled_from(("36", "31", "3", "36\n")))
    if draw(st.integers(0, 3)) == 0:
        profile["sector"] = draw(st.sampled_from(("A", "C", "Z")))
    if draw(st.integers(0, 3)) == 0:
        profile["regency"] = draw(st.sampled_from(("36.73", "36-73")))
    return {"questionnaire": q.id, "version": q.version, "profile": profile, "answers": answers,
            "evidence": evidence}
