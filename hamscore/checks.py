"""Checks a decoded definition for everything its types cannot express.

Each check appends :class:`~hamscore.problems.Problem` values; none stops at the first. The
conditions are parsed here once and handed on, so compiling never parses twice.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from typing import Any

from hamscore.conditions import (
    BOOLEAN_NODES,
    KEYWORDS,
    PROFILE_FIELDS,
    SECTORS,
    SIZES,
    Answered,
    Cmp,
    ConditionSyntaxError,
    ListLit,
    Lit,
    Node,
    Not,
    Ref,
    parse,
    references,
)
from hamscore.conditions import And as AndNode
from hamscore.conditions import Or as OrNode
from hamscore.model import Definition, MultiQuestion, NumberQuestion, Question, SingleQuestion, Text
from hamscore.problems import Code, Problem

__all__ = ["Conditions", "check_definition"]

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
OPTION_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")
# ASCII digits and \Z: in Python `\d` is any Unicode digit and `$` also matches before a final newline.
PROVINCE = re.compile(r"^[0-9]{2}\Z")
REGENCY = re.compile(r"^[0-9]{2}\.[0-9]{2}\Z")

_LINKS = (
    re.compile(r"\]\(\s*<?([^)\s>]+)"),  # Markdown link target
    re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>"),  # autolink
    re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*://\S+)"),  # bare scheme://
    # Dangerous schemes written bare. Each needs what makes it a link, so prose such as
    # "personal data: health" is not mistaken for one.
    re.compile(r"(?i)(?<![A-Za-z0-9+.-])((?:javascript|vbscript):\S+|data:[a-z]+/\S*|file:/\S*)"),
)
_SAFE_SCHEMES = ("http", "https", "mailto")


class Conditions:
    """Parsed conditions of a definition: by indicator position and by question id."""

    def __init__(self) -> None:
        self.indicators: dict[int, Node] = {}
        self.questions: dict[str, Node] = {}


def check_definition(d: Definition, *, broken_ids: set[str] | None = None) -> tuple[list[Problem], Conditions]:
    """Run every check; returns the problems and the parsed conditions."""
    broken = broken_ids or set()
    problems: list[Problem] = []
    _check_header(d, problems)
    _check_rating(d, problems)
    _check_texts(d, problems)
    _check_structure(d, problems)
    conditions = _check_conditions(d, problems, broken)
    return problems, conditions


def _problem(code: Code, location: str, message: str, hint: str) -> Problem:
    return Problem(code=code, location=location, message=message, hint=hint)


# ---------------------------------------------------------------------------------------------


def _check_header(d: Definition, out: list[Problem]) -> None:
    if not SLUG.match(d.id):
        out.append(_problem(Code.INVALID_ID, "id", f"questionnaire id {d.id!r} is not a slug",
                            "use lower-case letters, digits, '-' and '_', e.g. 'bham'"))
    if not VERSION.match(d.version):
        out.append(_problem(Code.INVALID_ID, "version", f"version {d.version!r} is not a version string",
                            "use letters, digits and '.', e.g. '2026.1'"))
    langs = d.languages
    if not langs:
        out.append(_problem(Code.INVALID_LANGUAGES, "languages", "no language is listed",
                            'list the languages, default first, e.g. ["id", "en"]'))
    for i, lang in enumerate(langs):
        if not LANGUAGE.match(lang):
            out.append(_problem(Code.INVALID_LANGUAGES, f"languages[{i}]", f"{lang!r} is not a language code",
                                'use a two-letter code such as "id" or "en"'))
        if lang in langs[:i]:
            out.append(_problem(Code.INVALID_LANGUAGES, f"languages[{i}]", f"language {lang!r} is listed twice",
                                "list each language once"))


def _check_rating(d: Definition, out: list[Problem]) -> None:
    bands = d.rating.bands
    factor = d.rating.evidence_factor
    if not 0 <= factor <= 1 or math.isnan(factor):
        out.append(_problem(Code.EVIDENCE_FACTOR_RANGE, "rating.evidence_factor",
                            f"evidence_factor {factor} is outside 0..1",
                            "give the share of credit kept without evidence, e.g. 0.5"))
    if not bands:
        out.append(_problem(Code.NO_RATING_BANDS, "rating.bands", "no rating band is defined",
                            'add bands best to worst, ending with one whose min is 0, e.g. {level = "red", min = 0}'))
        return
    seen: set[str] = set()
    for i, band in enumerate(bands):
        loc = f"rating.bands[{i}]"
        if band.level in seen:
            out.append(_problem(Code.DUPLICATE_LEVEL, f"{loc}.level", f"level {band.level!r} is used twice",
                                "give every band its own level"))
        if not IDENT.match(band.level):
            out.append(_problem(Code.INVALID_ID, f"{loc}.level", f"level {band.level!r} is not a simple name",
                                "use a name such as green, yellow or red"))
        seen.add(band.level)
        for field in ("min", "min_indicator"):
            value = getattr(band, field)
            if value is not None and not 0 <= value <= 100:
                out.append(_problem(Code.BAND_OUT_OF_RANGE, f"{loc}.{field}", f"{field} {value} is outside 0..100",
                                    "scores run from 0 to 100"))
        if i > 0 and not band.min < bands[i - 1].min:
            out.append(_problem(Code.RATING_BANDS_ORDER, f"{loc}.min",
                                f"band {band.level!r} (min {band.min}) is not below the band before it "
                                f"({bands[i - 1].level!r}, min {bands[i - 1].min})",
                                "list bands best to worst, each min lower than the one before"))
    last = bands[-1]
    if last.min != 0 or last.min_indicator is not None:
        out.append(_problem(Code.RATING_LAST_BAND, f"rating.bands[{len(bands) - 1}]",
                            f"the last band {last.level!r} must have min = 0 and no min_indicator",
                            "end with the worst level at min = 0 so every total gets a rating"))


def _texts(d: Definition) -> Iterator[tuple[str, Text | None, bool]]:
    """Every text of the definition: (location, text, whether it may be absent)."""
    yield "title", d.title, False
    for i, ind in enumerate(d.indicators):
        loc = f"indicators[{i}]"
        yield f"{loc}.title", ind.title, False
        yield f"{loc}.description", ind.description, True
        for j, q in enumerate(ind.questions):
            qloc = f"{loc}.questions[{j}]"
            yield f"{qloc}.text", q.text, False
            yield f"{qloc}.help", q.help, True
            if isinstance(q, SingleQuestion | MultiQuestion):
                for k, opt in enumerate(q.options):
                    yield f"{qloc}.options[{k}].label", opt.label, False
                    yield f"{qloc}.options[{k}].advice", opt.advice, True


def _check_texts(d: Definition, out: list[Problem]) -> None:
    langs = d.languages
    for loc, value, optional in _texts(d):
        if value is None:
            continue
        strings: list[tuple[str, str]]
        if isinstance(value, str):
            strings = [(loc, value)]
        else:
            strings = [(f"{loc}.{lang}", s) for lang, s in value.items()]
            for lang in langs:
                if lang not in value:
                    out.append(_problem(Code.MISSING_TRANSLATION, loc, f"no {lang!r} text",
                                        f'add {lang} = "..." to this text'))
            for lang in value:
                if lang not in langs:
                    out.append(_problem(Code.UNKNOWN_LANGUAGE, f"{loc}.{lang}",
                                        f"language {lang!r} is not in languages {list(langs)}",
                                        "add the language to `languages` or remove this text"))
        for sloc, s in strings:
            if not s.strip() and not optional:
                out.append(_problem(Code.EMPTY_TEXT, sloc, "text is empty", "write the text, or remove the field"))
            for url in _links(s):
                out.append(_problem(Code.UNSAFE_LINK, sloc, f"link {url!r} is not http, https or mailto",
                                    "link only to http:, https: or mailto: addresses"))


def _links(s: str) -> list[str]:
    if ":" not in s and "](" not in s:
        return []  # every kind of link needs one of these; most texts have neither
    found: list[str] = []
    starts: set[int] = set()  # one link can match several patterns; report it once
    for pattern in _LINKS:
        for m in pattern.finditer(s):
            url = m.group(1)
            if m.start(1) in starts:
                continue
            starts.add(m.start(1))
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme not in _SAFE_SCHEMES and url not in found:
                found.append(url)
    return found


def _check_structure(d: Definition, out: list[Problem]) -> None:
    levels = {band.level for band in d.rating.bands}
    if not d.indicators:
        out.append(_problem(Code.NO_INDICATORS, "indicators", "the questionnaire has no indicator",
                            "add at least one [[indicators]] table with questions"))
    indicator_ids: dict[str, str] = {}
    question_ids: dict[str, str] = {}
    for i, ind in enumerate(d.indicators):
        loc = f"indicators[{i}]"
        if not IDENT.match(ind.id):
            out.append(_problem(Code.INVALID_ID, f"{loc}.id", f"indicator id {ind.id!r} is not a simple name",
                                "use letters, digits and '_', starting with a letter"))
        if ind.id in indicator_ids:
            out.append(_problem(Code.DUPLICATE_ID, f"{loc}.id",
                                f"indicator id {ind.id!r} is already used at {indicator_ids[ind.id]}",
                                "give every indicator its own id"))
        indicator_ids.setdefault(ind.id, loc)
        if not ind.weight > 0 or math.isinf(ind.weight):
            out.append(_problem(Code.NON_POSITIVE_WEIGHT, f"{loc}.weight", f"weight {ind.weight} is not positive",
                                "give a weight above 0 (1 is the default), or remove the indicator"))
        if not ind.questions:
            out.append(_problem(Code.EMPTY_INDICATOR, f"{loc}.questions", f"indicator {ind.id!r} has no question",
                                "add questions or remove the indicator"))
        for j, q in enumerate(ind.questions):
            qloc = f"{loc}.questions[{j}]"
            _check_question_id(q, qloc, question_ids, out)
            if isinstance(q, SingleQuestion | MultiQuestion):
                _check_options(q, qloc, levels, out)
            if isinstance(q, NumberQuestion):
                _check_number_bands(q, qloc, out)


def _check_question_id(q: Question, loc: str, seen: dict[str, str], out: list[Problem]) -> None:
    if not IDENT.match(q.id) or q.id in KEYWORDS:
        why = "is a keyword of the condition language" if q.id in KEYWORDS else "is not a simple name"
        out.append(_problem(Code.INVALID_ID, f"{loc}.id", f"question id {q.id!r} {why}",
                            "use letters, digits and '_' (no dots), starting with a letter; not and/or/not/in/"
                            "true/false/answered"))
    if q.id in seen:
        out.append(_problem(Code.DUPLICATE_ID, f"{loc}.id", f"question id {q.id!r} is already used at {seen[q.id]}",
                            "question ids are unique in the whole file; rename one"))
    seen.setdefault(q.id, loc)


def _check_options(q: SingleQuestion | MultiQuestion, loc: str, levels: set[str], out: list[Problem]) -> None:
    if not q.options:
        out.append(_problem(Code.MISSING_OPTIONS, f"{loc}.options", f"{q.type} question has no options",
                            "add options = [{id, label, points}, ...]"))
    seen: set[str] = set()
    for k, opt in enumerate(q.options):
        oloc = f"{loc}.options[{k}]"
        if opt.id == "na":
            out.append(_problem(Code.RESERVED_OPTION_ID, f"{oloc}.id", "option id 'na' is reserved for not applicable",
                                "remove this option and set allow_na = true on the question"))
        elif not OPTION_ID.match(opt.id):
            out.append(_problem(Code.INVALID_ID, f"{oloc}.id", f"option id {opt.id!r} is not a simple name",
                                "use letters, digits, '_', '-' and '.', without spaces"))
        if opt.id in seen:
            out.append(_problem(Code.DUPLICATE_ID, f"{oloc}.id", f"option id {opt.id!r} is used twice in {q.id!r}",
                                "give every option of a question its own id"))
        seen.add(opt.id)
        if not opt.points >= 0 or math.isinf(opt.points):
            out.append(_problem(Code.NEGATIVE_POINTS, f"{oloc}.points", f"points {opt.points} is not a finite number >= 0",
                                "give 0 or more points; use cap for a red flag"))
        if opt.cap is not None and opt.cap not in levels:
            out.append(_problem(Code.UNKNOWN_CAP_LEVEL, f"{oloc}.cap", f"cap {opt.cap!r} is not a rating level",
                                "use one of: " + ", ".join(sorted(levels))))
    if isinstance(q, MultiQuestion) and q.max_points is not None and not q.max_points >= 0:
        out.append(_problem(Code.NEGATIVE_POINTS, f"{loc}.max_points", f"max_points {q.max_points} is below 0",
                            "give 0 or more, or remove max_points"))


def _check_number_bands(q: NumberQuestion, loc: str, out: list[Problem]) -> None:
    if not q.bands:
        out.append(_problem(Code.MISSING_BANDS, f"{loc}.bands", "number question has no bands",
                            "add bands = [{min, max, points}, ...]; each band is [min, max)"))
        return
    for k, band in enumerate(q.bands):
        bloc = f"{loc}.bands[{k}]"
        lo = -math.inf if band.min is None else band.min
        hi = math.inf if band.max is None else band.max
        if not lo < hi:  # also catches nan, and an open side starting at the wrong infinity
            out.append(_problem(Code.EMPTY_BAND, bloc, f"band [{lo:g}, {hi:g}) contains no number",
                                "make min smaller than max; bands are half-open [min, max)"))
        if not band.points >= 0 or math.isinf(band.points):
            out.append(_problem(Code.NEGATIVE_POINTS, f"{bloc}.points", f"points {band.points} is not a finite number >= 0",
                                "give 0 or more points"))
    ordered = sorted(enumerate(q.bands), key=lambda kb: -math.inf if kb[1].min is None else kb[1].min)
    for (_, prev), (k, cur) in itertools.pairwise(ordered):
        prev_max = math.inf if prev.max is None else prev.max
        cur_min = -math.inf if cur.min is None else cur.min
        if prev_max > cur_min:
            out.append(_problem(Code.OVERLAPPING_BANDS, f"{loc}.bands[{k}]",
                                f"band starting at {_fmt(cur.min)} overlaps the band [{_fmt(prev.min)}, {_fmt(prev.max)})",
                                "bands are half-open [min, max): let one band's max equal the next band's min"))


def _fmt(x: float | None) -> str:
    return "-inf" if x is None else f"{x:g}"


# ---------------------------------------------------------------------------------------------
# Conditions


class _Scope:
    """What a condition may refer to, and what each name holds."""

    def __init__(self, d: Definition, broken: set[str]) -> None:
        self.questions: dict[str, Question] = {q.id: q for ind in d.indicators for q in ind.questions}
        self.broken = broken


def _check_conditions(d: Definition, out: list[Problem], broken: set[str]) -> Conditions:
    scope = _Scope(d, broken)
    parsed = Conditions()
    located: dict[str, str] = {}
    for i, ind in enumerate(d.indicators):
        own = {q.id for q in ind.questions}
        if ind.show_if is not None:
            loc = f"indicators[{i}].show_if"
            node = _parse_and_check(ind.show_if, loc, scope, out)
            if node is not None:
                parsed.indicators[i] = node
                for name in sorted(set(references(node)) & own):
                    out.append(_problem(Code.OWN_QUESTION_REFERENCE, loc,
                                        f"indicator {ind.id!r} is shown depending on its own question {name!r}",
                                        "condition the indicator on a question of another indicator, or put the "
                                        "condition on the questions instead"))
        for j, q in enumerate(ind.questions):
            located.setdefault(q.id, f"indicators[{i}].questions[{j}].show_if")
            if q.show_if is None:
                continue
            loc = f"indicators[{i}].questions[{j}].show_if"
            node = _parse_and_check(q.show_if, loc, scope, out)
            if node is None:
                continue
            parsed.questions[q.id] = node
            if q.id in references(node):
                out.append(_problem(Code.SELF_REFERENCE, loc, f"question {q.id!r} is shown depending on itself",
                                    "condition it on an earlier question or on the profile"))
    _check_cycles(d, parsed, located, out)
    return parsed


def _parse_and_check(source: str, loc: str, scope: _Scope, out: list[Problem]) -> Node | None:
    try:
        node = parse(source)
    except ConditionSyntaxError as exc:
        out.append(_problem(exc.code, loc, exc.message, exc.hint))
        return None
    _check_node(node, loc, scope, out, as_condition=True)
    return node


def _check_node(node: Node, loc: str, scope: _Scope, out: list[Problem], *, as_condition: bool) -> None:
    if as_condition and not isinstance(node, BOOLEAN_NODES):
        what = f"the name {node.name!r}" if isinstance(node, Ref) else "a literal"
        out.append(_problem(Code.NOT_A_CONDITION, loc, f"{what} is used as a whole condition",
                            'compare it, e.g. q == "ya", or test answered(q)'))
        return
    if isinstance(node, AndNode | OrNode):
        for arg in node.args:
            _check_node(arg, loc, scope, out, as_condition=True)
    elif isinstance(node, Not):
        _check_node(node.arg, loc, scope, out, as_condition=True)
    elif isinstance(node, Answered):
        _resolve(node.name, loc, scope, out)
    elif isinstance(node, Cmp):
        _check_cmp(node, loc, scope, out)


def _resolve(name: str, loc: str, scope: _Scope, out: list[Problem]) -> tuple[str, Any] | None:
    """What a name holds: ("question", Question), ("profile", field) or None when unknown."""
    if name.startswith("profile."):
        field = name.partition(".")[2]
        if field not in PROFILE_FIELDS:
            out.append(_problem(Code.UNKNOWN_PROFILE_FIELD, loc, f"profile has no field {field!r}",
                                "profile fields are " + ", ".join(PROFILE_FIELDS)))
            return None
        return "profile", field
    if name in scope.questions:
        return "question", scope.questions[name]
    if name not in scope.broken:
        out.append(_problem(Code.UNKNOWN_REFERENCE, loc, f"no question has the id {name!r}",
                            "check the spelling; conditions name question ids or profile.<field>"))
    return None


def _check_cmp(node: Cmp, loc: str, scope: _Scope, out: list[Problem]) -> None:
    op, left, right = node.op, node.left, node.right

    def impossible(message: str, hint: str) -> None:
        out.append(_problem(Code.IMPOSSIBLE_COMPARISON, loc, message, hint))

    for side in (left, right):
        if isinstance(side, BOOLEAN_NODES):
            impossible(f"'{op}' compares a condition", "compare a question or profile field with a literal")
            return
    if op == "in":
        if isinstance(left, Ref) and isinstance(right, ListLit):
            target = _resolve(left.name, loc, scope, out)
            if target is None:
                return
            if target[0] == "question" and isinstance(target[1], MultiQuestion):
                impossible(f"{left.name!r} is a multi question; 'in [..]' tests one value",
                           f'test each option with "option" in {left.name}')
                return
            for item in right.items:
                _check_literal_for(target, left.name, item, loc, impossible)
            return
        if isinstance(left, Lit) and isinstance(right, Ref):
            target = _resolve(right.name, loc, scope, out)
            if target is None:
                return
            if not (target[0] == "question" and isinstance(target[1], MultiQuestion)):
                impossible(f"'\"x\" in {right.name}' needs a multi question",
                           f"write {right.name} == \"x\" or {right.name} in [..] for a single value")
                return
            _check_literal_for(target, right.name, left.value, loc, impossible)
            return
        impossible("'in' needs a name and a list, or an option and a multi question",
                   'write q in ["a", "b"], or "a" in q for a multi question')
        return
    if isinstance(left, Lit) and isinstance(right, Ref):
        left, right = right, left
    if not (isinstance(left, Ref) and isinstance(right, Lit)):
        for side in (left, right):
            if isinstance(side, Ref):
                _resolve(side.name, loc, scope, out)
        impossible(f"'{op}' must compare a question or profile field with a literal",
                   'write e.g. q == "ya" or profile.employees >= 50')
        return
    target = _resolve(left.name, loc, scope, out)
    if target is None:
        return
    kind, what = target
    if op in ("<", "<=", ">", ">="):
        numeric = (kind == "profile" and what == "employees") or isinstance(what, NumberQuestion)
        if not numeric:
            impossible(f"'{op}' compares numbers, but {left.name!r} is not a number",
                       "use == or in for options and texts")
        elif type(right.value) not in (int, float):
            impossible(f"'{op}' compares {left.name!r} with the non-number {right.value!r}", "compare with a number")
        return
    if kind == "question" and isinstance(what, MultiQuestion):
        impossible(f"'{op}' on the multi question {left.name!r}", f'test an option with "option" in {left.name}')
        return
    _check_literal_for(target, left.name, right.value, loc, impossible)


def _whole_count(v: Any) -> bool:
    return type(v) in (int, float) and v >= 0 and float(v).is_integer()


def _check_literal_for(target: tuple[str, Any], name: str, value: Any, loc: str, impossible: Any) -> None:
    """Can the value of ``name`` ever equal the literal ``value``?"""
    kind, what = target
    if type(value) is bool:
        impossible(f"{name!r} is never {str(value).lower()}", "compare with an option id, a number or a text")
        return
    if kind == "profile":
        ok = {
            "size": lambda v: v in SIZES,
            "sector": lambda v: v in SECTORS,
            "employees": lambda v: _whole_count(v),
            "province": lambda v: type(v) is str and bool(PROVINCE.match(v)),
            "regency": lambda v: type(v) is str and bool(REGENCY.match(v)),
        }[what](value)
        if not ok:
            impossible(f"profile.{what} is never {value!r}", f"profile.{what} is the {PROFILE_FIELDS[what]}")
        return
    q: Question = what
    if value == "na" and type(value) is str:
        if not q.allow_na:
            impossible(f"{name!r} cannot be answered 'na'", f"set allow_na = true on {name!r}, or drop the test")
        return
    if isinstance(q, SingleQuestion | MultiQuestion):
        ids = [o.id for o in q.options]
        if type(value) is not str or value not in ids:
            impossible(f"{name!r} has no option {value!r}", "options are: " + ", ".join(ids))
    elif isinstance(q, NumberQuestion):
        if type(value) not in (int, float):
            impossible(f"{name!r} is a number question; it never equals the text {value!r}", "compare with a number")
    elif type(value) is not str:
        impossible(f"{name!r} is a {q.type} question; it never equals the number {value!r}",
                   "compare with a quoted text")


def _check_cycles(d: Definition, parsed: Conditions, located: dict[str, str], out: list[Problem]) -> None:
    deps = dependencies(d, parsed)
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    reported: set[frozenset[str]] = set()

    def visit(qid: str, path: list[str]) -> None:
        state[qid] = 1
        path.append(qid)
        for dep in deps.get(qid, ()):
            if dep == qid:
                continue  # reported as SELF_REFERENCE
            if state.get(dep) == 1:
                cycle = path[path.index(dep):]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    chain = " -> ".join([*cycle, dep])
                    out.append(_problem(Code.CYCLIC_CONDITION, located.get(cycle[0], ""),
                                        f"conditions depend on each other in a circle: {chain}",
                                        "break the circle: one of these questions must not depend on the others"))
            elif dep in deps and state.get(dep) is None:
                visit(dep, path)
        path.pop()
        state[qid] = 2

    for qid in deps:
        if state.get(qid) is None:
            visit(qid, [])


def dependencies(d: Definition, parsed: Conditions) -> dict[str, list[str]]:
    """For each question, the questions its applicability reads (its own and its indicator's show_if)."""
    known = {q.id for ind in d.indicators for q in ind.questions}
    deps: dict[str, list[str]] = {}
    for i, ind in enumerate(d.indicators):
        ind_refs = references(parsed.indicators[i]) if i in parsed.indicators else []
        for q in ind.questions:
            own = references(parsed.questions[q.id]) if q.id in parsed.questions else []
            names = [n for n in [*ind_refs, *own] if n in known]
            deps[q.id] = list(dict.fromkeys(names))
    return deps
