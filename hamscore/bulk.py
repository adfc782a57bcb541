"""Scoring many submissions at once with polars: one row per submission.

This is the only module of hamscore that imports polars.

The layout
==========
A frame holds one row per submission. Its columns, all optional (a missing column reads as
"unanswered" or "not given"):

``<question id>``
    The answer. ``single``, ``text`` and ``date`` questions: String (``"na"`` for not applicable,
    null or ``""`` when unanswered). ``multi``: List(String) of option ids (an empty list is an
    answer: none chosen; null is unanswered). ``number``: Float64 or an integer type.
``na.<question id>``
    Boolean, for ``multi`` and ``number`` questions: true when the answer is ``"na"``. The answer
    column must then be null (a row with both is invalid).
``evidence.<question id>``
    String: ``"provided"``, ``"verified"``, ``"rejected"``, or null when missing.
``profile.size``, ``profile.sector``, ``profile.province``, ``profile.regency``
    String; ``profile.employees``: an integer type.

Any other column (a company id, a submission date) passes through untouched. The questionnaire
and version are not columns: a frame is scored with the questionnaire it was collected for.

:func:`score_frame` adds

``score.<indicator id>`` (Float64), ``total`` (Float64), ``rating`` (String), ``completeness`` (Float64)
    Exactly the single scorer's values (see below); null where the single scorer gives ``None``.
``caps``
    List(String): every triggered cap as ``"question:option:level"``, in definition order, like
    the ``caps`` of an :class:`~hamscore.assessment.Assessment` (ids never contain a colon).
``valid``
    Boolean: false for a row the single scorer would refuse (an unknown option, ``"na"`` where
    not allowed, a repeated choice, a number that is not finite, a malformed date, an unknown
    evidence status, an invalid profile value). Such a row gets null scores, rating and caps;
    :meth:`Questionnaire.validate` on its document says what is wrong.

Exactness
=========
Every valid row gets bit for bit the single scorer's result, which a property test checks over
generated questionnaires. That needs care in four places:

* Sums are folds with ``+`` in definition order, like the single scorer's loop. polars'
  ``sum_horizontal`` does not add left to right (``[1e16, 1.0, 1.0]`` sums to ``1e16 + 2``, the
  single scorer gets ``1e16``), so it is not used for floats.
* Scores are compared with band limits after Python's ``round(x, 6)``, which rounds the exact
  binary value; polars' ``round`` multiplies by 10**6 first and differs now and then
  (``944.6850865``: Python 944.685087, polars 944.685086). So no rounding happens in polars:
  for each limit ``m`` the definition is compiled to the smallest float ``t`` with
  ``round(t, 6) >= m`` (rounding is monotone), and the frame compares ``score >= t``.
* Operations keep the single scorer's order: ``100.0 * earned / possible``,
  ``weighted / weight_sum``.
* No divisor is a constant column: polars' in-memory engine divides by a constant by
  multiplying with its reciprocal, and ``10.0 * (1 / 3.0)`` is 3.333333333333333 where
  ``10.0 / 3.0`` is 3.3333333333333335. Sums start from a real column of zeros.

Engine
======
A :class:`polars.DataFrame` is scored with the in-memory engine: polars may otherwise pick its
streaming engine, whose fixed start-up cost (about 250 ms) dwarfs scoring 10,000 rows. A
:class:`polars.LazyFrame` comes back lazy; collect it with ``engine="in-memory"`` for the same
reason, or with ``engine="streaming"`` for data larger than memory.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from hamscore.conditions import And as AndNode
from hamscore.conditions import Answered, Cmp, ListLit, Lit, Node, Not, Ref, parse, references
from hamscore.conditions import Or as OrNode
from hamscore.questionnaire import Questionnaire
from hamscore.scoring import DOCUMENT_KEYS, FREE, MODES, MULTI, NUMBER, SINGLE, Engine, QuestionPlan

__all__ = ["frame_from_documents", "rank_frame", "read_frame", "score_frame", "write_frame"]

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

RESULT_COLUMNS = ("total", "rating", "completeness", "caps", "valid")
PROFILE_DTYPES: dict[str, pl.DataType] = {
    "size": pl.String(), "sector": pl.String(), "employees": pl.Int64(),
    "province": pl.String(), "regency": pl.String(),
}
_SIZES = ("mikro", "kecil", "menengah", "besar")
_SECTORS = tuple("ABCDEFGHIJKLMNOPQRSTU")
_INTERNAL = "__hamscore."
_CSV_LIST_SEPARATOR = ";"


# ---------------------------------------------------------------------------------------------
# Scoring


def score_frame(q: Questionnaire, frame: Frame, *, mode: str = "self") -> Frame:
    """Score every row of ``frame`` (see the module docstring for the layout).

    Returns the same kind of frame, with the input columns followed by ``score.<indicator>``,
    ``total``, ``rating``, ``completeness``, ``caps`` and ``valid``.

    >>> import polars as pl
    >>> from hamscore.questionnaire import EXAMPLE, load
    >>> q = load(EXAMPLE)
    >>> frame = pl.DataFrame({"company": ["A", "B"], "has_policy": ["yes", "no"],
    ...                       "policy_reviewed": ["no", None], "profile.size": ["besar", "kecil"]})
    >>> score_frame(q, frame).select("company", "total", "rating").rows()
    [('A', 50.0, 'red'), ('B', 0.0, 'red')]
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'self' or 'verified', not {mode!r}")
    lazy = frame.lazy()
    plan = _Plan(q._engine, lazy.collect_schema(), verified=mode == "verified")
    scored = plan.apply(lazy)
    if isinstance(frame, pl.LazyFrame):
        return scored
    return scored.collect(engine="in-memory")


def _smallest_rounding_to_at_least(limit: float) -> float:
    """The smallest float ``t`` with ``round(t, 6) >= limit``; ``round`` is monotone, so
    ``round(x, 6) >= limit`` exactly when ``x >= t``."""

    def key(x: float) -> int:
        (bits,) = struct.unpack("<q", struct.pack("<d", x))
        return int(bits) if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)

    def value(k: int) -> float:
        bits = k if k >= 0 else (-k) | -0x8000000000000000
        (x,) = struct.unpack("<d", struct.pack("<q", bits))
        return float(x)

    lo, hi = key(limit - 1.0), key(limit + 1.0)  # round(lo) < limit <= round(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if round(value(mid), 6) >= limit:
            hi = mid
        else:
            lo = mid
    return value(hi)


class _View:
    """How a condition sees one name: as a string, a number and/or a list, each with the
    condition under which the name has that kind of value (``gate``)."""

    __slots__ = ("lst", "num", "present", "string")

    def __init__(self, present: pl.Expr, *, string: tuple[pl.Expr, pl.Expr] | None = None,
                 num: tuple[pl.Expr, pl.Expr] | None = None, lst: tuple[pl.Expr, pl.Expr] | None = None) -> None:
        self.present = present
        self.string = string
        self.num = num
        self.lst = lst


def _false() -> pl.Expr:
    return pl.lit(False)


def _any(exprs: Sequence[pl.Expr]) -> pl.Expr:
    if not exprs:
        return _false()
    out = exprs[0]
    for e in exprs[1:]:
        out = out | e
    return out


def _all(exprs: Sequence[pl.Expr]) -> pl.Expr:
    if not exprs:
        return pl.lit(True)
    out = exprs[0]
    for e in exprs[1:]:
        out = out & e
    return out


_ZERO = _INTERNAL + "zero"


def _zero() -> pl.Expr:
    """A column of 0.0, one per row, that is never a constant (see :func:`_fold_sum`)."""
    return pl.col(_ZERO)


def _fold_sum(terms: Sequence[pl.Expr]) -> pl.Expr:
    """``((0.0 + t1) + t2) + ...``: the single scorer's order of additions.

    The sum starts from a real column of zeros rather than a literal, so it never ends up a
    constant column: the in-memory engine divides by a constant column by multiplying with its
    reciprocal, which is not always the correctly rounded quotient (10.0 / 3.0 would come out
    3.333333333333333, not 3.3333333333333335).
    """
    out = _zero()
    for t in terms:
        out = out + t
    return out


def _is_number(x: Any) -> bool:
    return type(x) is int or type(x) is float


class _Plan:
    """The definition compiled to polars expressions, for one input schema and mode."""

    def __init__(self, engine: Engine, schema: pl.Schema, *, verified: bool) -> None:
        self.engine = engine
        self.schema = schema
        self.verified = verified
        d = engine.definition
        self.ind_nodes: dict[int, Node] = {i: parse(ind.show_if) for i, ind in enumerate(d.indicators)
                                           if ind.show_if is not None}
        self.q_nodes: dict[str, Node] = {q.id: parse(q.show_if) for ind in d.indicators for q in ind.questions
                                         if q.show_if is not None}
        self.applies: dict[str, pl.Expr] = {}  # question id -> its applicability column
        self.shown: dict[int, pl.Expr] = {}

    # --- columns of the layout -----------------------------------------------------------

    def _column(self, name: str, dtype: pl.DataType) -> pl.Expr:
        if name not in self.schema:
            return pl.lit(None, dtype=dtype)
        have = self.schema[name]
        if have == dtype:
            return pl.col(name)
        ok = have == pl.Null or (dtype == pl.String and isinstance(have, pl.Categorical | pl.Enum)) or (
            dtype == pl.Float64 and have.is_numeric()) or (dtype == pl.Int64 and have.is_integer()) or (
            isinstance(dtype, pl.List) and isinstance(have, pl.List)
            and (have.inner == pl.String or have.inner == pl.Null or isinstance(have.inner, pl.Categorical | pl.Enum)))
        if not ok:
            hint = " (read CSV files with read_frame(path, questionnaire=q))" if have == pl.String else ""
            raise TypeError(f"column {name!r} is {have}, expected {dtype}{hint}")
        return pl.col(name).cast(dtype)

    def answer(self, p: QuestionPlan) -> pl.Expr:
        dtype: pl.DataType = {MULTI: pl.List(pl.String()), NUMBER: pl.Float64()}.get(p.kind, pl.String())
        return self._column(p.id, dtype)

    def na_flag(self, p: QuestionPlan) -> pl.Expr:
        """Is the answer ``na``? (Not for text and single questions, whose na is the string.)"""
        if p.kind in (MULTI, NUMBER):
            return self._column("na." + p.id, pl.Boolean()).fill_null(False)
        return self.answer(p) == "na"

    def answered(self, p: QuestionPlan) -> pl.Expr:
        a = self.answer(p)
        if p.kind in (MULTI, NUMBER):
            return a.is_not_null() | self.na_flag(p)
        return (a.is_not_null() & (a != "")).fill_null(False)

    def evidence(self, qid: str) -> pl.Expr:
        return self._column("evidence." + qid, pl.String())

    def profile(self, field: str) -> pl.Expr:
        return self._column("profile." + field, PROFILE_DTYPES[field])

    def applies_expr(self, qid: str) -> pl.Expr:
        return self.applies.get(qid, pl.lit(True))

    # --- conditions ----------------------------------------------------------------------

    def view(self, name: str) -> _View:
        if name.startswith("profile."):
            field = name.removeprefix("profile.")
            col = self.profile(field)
            if field == "employees":
                return _View(col.is_not_null(), num=(col.cast(pl.Float64), pl.lit(True)))
            return _View(col.is_not_null(), string=(col, pl.lit(True)))
        p = self.engine.by_id[name]
        a, app = self.answer(p), self.applies_expr(name)
        present = app & self.answered(p)
        if p.kind in (SINGLE, FREE):
            return _View(present, string=(a, present))
        na = self.na_flag(p)
        if p.kind == NUMBER:
            return _View(present, string=(pl.lit("na"), app & na), num=(a, app & ~na))
        return _View(present, string=(pl.lit("na"), app & na), lst=(a, app & ~na))

    def condition(self, node: Node) -> pl.Expr:
        """The condition as a Boolean expression without nulls (a comparison with nothing is false)."""
        if isinstance(node, OrNode):
            return _any([self.condition(arg) for arg in node.args])
        if isinstance(node, AndNode):
            return _all([self.condition(arg) for arg in node.args])
        if isinstance(node, Not):
            return ~self.condition(node.arg)
        if isinstance(node, Answered):
            return self.view(node.name).present.fill_null(False)
        if isinstance(node, Cmp):
            return self.compare(node).fill_null(False)
        return _false()  # a bare value is not a condition; the loader refuses it

    def compare(self, node: Cmp) -> pl.Expr:
        op, left, right = node.op, node.left, node.right
        flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
        if op != "in" and isinstance(left, Lit) and isinstance(right, Ref):
            op, left, right = flip[op], right, left
        if op == "in" and isinstance(left, Lit) and isinstance(right, Ref):
            lst = self.view(right.name).lst
            if lst is None or type(left.value) is not str:
                return _false()
            return lst[1] & lst[0].list.contains(pl.lit(left.value))
        if op == "in" and isinstance(left, Ref) and isinstance(right, ListLit):
            v = self.view(left.name)
            terms: list[pl.Expr] = []
            strings = [i for i in right.items if type(i) is str]
            numbers = [float(i) for i in right.items if type(i) is int or type(i) is float]
            if v.string is not None and strings:
                terms.append(v.string[1] & v.string[0].is_in(strings))
            if v.num is not None and numbers:
                terms.append(v.num[1] & _any([v.num[0] == float(n) for n in numbers]))
            return _any(terms)
        if not (isinstance(left, Ref) and isinstance(right, Lit)):
            raise ValueError(f"condition shape not supported in bulk scoring: {node!r}")  # the loader refuses these
        v, c = self.view(left.name), right.value
        if type(c) is str:
            if v.string is None or op not in ("==", "!="):
                return _false()
            value, gate = v.string
            return gate & (value == c if op == "==" else value != c)
        if not _is_number(c) or v.num is None:
            return _false()
        value, gate = v.num
        c = float(c)
        cmp = {"==": value == c, "!=": value != c, "<": value < c, "<=": value <= c,
               ">": value > c, ">=": value >= c}
        return gate & cmp[op] if op in cmp else _false()

    def layers(self) -> list[list[tuple[str, pl.Expr]]]:
        """Applicability columns, grouped so each layer reads only the layers before it."""
        depth: dict[str, int] = {}
        layers: list[list[tuple[str, pl.Expr]]] = []
        for step in self.engine.steps:
            if step.is_indicator:
                node = self.ind_nodes[step.key]
                refs = _question_refs(node)
                level = 1 + max((depth.get(r, -1) for r in refs), default=-1)
                name = f"{_INTERNAL}show.{step.key}"
                expr = self.condition(node)
                depth[name] = level
                self.shown[step.key] = pl.col(name)
            else:
                qid = step.key
                parts: list[pl.Expr] = []
                refs = []
                if step.indicator in self.shown:
                    parts.append(self.shown[step.indicator])
                    refs.append(f"{_INTERNAL}show.{step.indicator}")
                node_q = self.q_nodes.get(qid)
                if node_q is not None:
                    parts.append(self.condition(node_q))
                    refs.extend(_question_refs(node_q))
                if not parts:
                    continue  # always applies: no column needed
                level = 1 + max((depth.get(r, -1) for r in refs), default=-1)
                depth[qid] = level
                name = f"{_INTERNAL}applies.{qid}"
                expr = _all(parts)
                self.applies[qid] = pl.col(name)
            while len(layers) <= level:
                layers.append([])
            layers[level].append((name, expr))
        return layers

    # --- scoring -------------------------------------------------------------------------

    def earned(self, p: QuestionPlan) -> pl.Expr:
        """Earned points of an answered, applicable, non-na question (after evidence)."""
        a = self.answer(p)
        if p.kind == SINGLE:
            # A chain of comparisons: quicker than a hash lookup for a handful of options.
            options: Any = pl
            for oid, pts in p.options:
                options = options.when(a == oid).then(pl.lit(pts, dtype=pl.Float64))
            raw: pl.Expr = options.otherwise(pl.lit(0.0, dtype=pl.Float64))
        elif p.kind == MULTI:
            raw = _fold_sum([pl.when(a.list.contains(pl.lit(oid))).then(pl.lit(pts)).otherwise(pl.lit(0.0))
                             for oid, pts in p.options])
            if p.max_points is not None:
                mp = float(p.max_points)
                raw = pl.when(raw > mp).then(pl.lit(mp)).otherwise(raw)
        else:
            chain: Any = pl
            has_bands = False
            for lo, hi, pts in p.bands:
                has_bands = True
                inside = [a >= lo] if lo != -math.inf else []
                inside += [a < hi] if hi != math.inf else []
                chain = chain.when(_all(inside)).then(pl.lit(pts))
            raw = chain.otherwise(pl.lit(0.0)) if has_bands else pl.lit(0.0)
        if not p.evidence_required:
            return raw
        status = self.evidence(p.id)
        if self.verified:
            credit = pl.when(status == "verified").then(pl.lit(1.0)).otherwise(pl.lit(0.0))
        else:
            credit = (pl.when(status.is_null()).then(pl.lit(self.engine.evidence_factor))
                      .when(status == "rejected").then(pl.lit(0.0)).otherwise(pl.lit(1.0)))
        return pl.when(raw > 0).then(raw * credit).otherwise(raw)

    def valid(self) -> pl.Expr:
        """Would the single scorer accept the row? (Applicable or not, every answer must be valid.)"""
        checks: list[pl.Expr] = []
        for p in self.engine.plans:
            if p.id not in self.schema and "na." + p.id not in self.schema:
                continue
            a, na = self.answer(p), self.na_flag(p)
            if p.kind in (MULTI, NUMBER):
                ok = ~na | (a.is_null() & pl.lit(p.allow_na))
                if p.kind == MULTI:
                    # Every item a distinct option exactly when the options found number as many as the items.
                    found = pl.sum_horizontal([a.list.contains(pl.lit(oid)).cast(pl.Int32) for oid, _ in p.options])
                    ok = ok & (a.is_null() | (found == a.list.len()))
                else:
                    ok = ok & (a.is_null() | a.is_finite())
            else:
                answered = self.answered(p)
                if p.kind == SINGLE:
                    known = a.is_in([oid for oid, _ in p.options])
                elif p.is_date:
                    known = (a.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$") & ~a.str.starts_with("0000")
                             & a.str.to_date("%Y-%m-%d", strict=False).is_not_null())
                else:
                    known = pl.lit(True)
                ok = ~answered | (known & (a != "na")) | ((a == "na") & pl.lit(p.allow_na))
            checks.append(ok.fill_null(False))
        for name in self.schema:
            if name.startswith("evidence.") and name.removeprefix("evidence.") in self.engine.by_id:
                status = pl.col(name).cast(pl.String)
                checks.append(status.is_null() | status.is_in(["provided", "verified", "rejected"]))
        checks.extend(self._profile_checks())
        return pl.all_horizontal([c.fill_null(False) for c in checks]) if checks else pl.lit(True)

    def _profile_checks(self) -> list[pl.Expr]:
        out: list[pl.Expr] = []
        for field, allowed in (("size", _SIZES), ("sector", _SECTORS)):
            if "profile." + field in self.schema:
                col = self.profile(field)
                out.append(col.is_null() | col.is_in(allowed))
        if "profile.employees" in self.schema:
            col = self.profile("employees")
            out.append(col.is_null() | (col >= 0))
        for field, pattern in (("province", r"^[0-9]{2}$"), ("regency", r"^[0-9]{2}\.[0-9]{2}$")):
            if "profile." + field in self.schema:
                col = self.profile(field)
                out.append(col.is_null() | col.str.contains(pattern))
        return out

    def apply(self, lazy: pl.LazyFrame) -> pl.LazyFrame:
        engine = self.engine
        lazy = lazy.with_columns((pl.int_range(pl.len(), dtype=pl.Int32) * 0).cast(pl.Float64).alias(_ZERO))
        for layer in self.layers():
            lazy = lazy.with_columns([expr.alias(name) for name, expr in layer])
        n = len(engine.indicator_ids)
        possible_terms: list[list[pl.Expr]] = [[] for _ in range(n)]
        earned_terms: list[list[pl.Expr]] = [[] for _ in range(n)]
        required_total: list[pl.Expr] = []
        required_done: list[pl.Expr] = []
        cap_names: list[pl.Expr] = []
        cap_levels: list[pl.Expr] = []
        for p in engine.plans:
            app = self.applies_expr(p.id)
            answered = self.answered(p)
            if p.required:
                required_total.append(app.cast(pl.Int32))
                required_done.append((app & answered).cast(pl.Int32))
            if p.kind == FREE:
                continue
            counts = app & ~self.na_flag(p).fill_null(False)
            possible_terms[p.indicator].append(
                pl.when(counts).then(pl.lit(p.possible)).otherwise(pl.lit(0.0)))
            earned_terms[p.indicator].append(
                pl.when(counts & answered).then(self.earned(p)).otherwise(pl.lit(0.0)))
            if p.caps:
                a = self.answer(p)
                for oid, _ in p.options:
                    if oid not in p.caps:
                        continue
                    chosen = a == oid if p.kind == SINGLE else a.list.contains(pl.lit(oid)) & ~self.na_flag(p)
                    hit = (app & chosen).fill_null(False)
                    level = p.caps[oid]
                    cap_names.append(pl.when(hit).then(pl.lit(f"{p.id}:{oid}:{engine.levels[level]}")))
                    cap_levels.append(pl.when(hit).then(pl.lit(level)))
        sums = [_fold_sum(possible_terms[i]).alias(f"{_INTERNAL}possible.{i}") for i in range(n)]
        sums += [_fold_sum(earned_terms[i]).alias(f"{_INTERNAL}earned.{i}") for i in range(n)]
        zero = _zero().cast(pl.Int32)  # integer sums in any order, but never a constant divisor
        sums.append(pl.sum_horizontal([zero, *required_total]).alias(f"{_INTERNAL}required"))
        sums.append(pl.sum_horizontal([zero, *required_done]).alias(f"{_INTERNAL}done"))
        sums.append((pl.max_horizontal(cap_levels) if cap_levels else pl.lit(None, dtype=pl.Int32))
                    .alias(f"{_INTERNAL}worst_cap"))
        sums.append((pl.concat_list(cap_names).list.drop_nulls() if cap_names
                     else pl.lit([], dtype=pl.List(pl.String))).alias("caps"))
        sums.append(self.valid().alias("valid"))
        lazy = lazy.with_columns(sums)

        scores = []
        for i, key in enumerate(engine.indicator_ids):
            possible, earned = pl.col(f"{_INTERNAL}possible.{i}"), pl.col(f"{_INTERNAL}earned.{i}")
            scores.append(pl.when(possible > 0).then(pl.lit(100.0) * earned / possible).alias(f"score.{key}"))
        lazy = lazy.with_columns(scores)
        score_cols = [pl.col(f"score.{key}") for key in engine.indicator_ids]
        weighted = _fold_sum([pl.when(s.is_not_null()).then(s * pl.lit(w)).otherwise(pl.lit(0.0))
                              for s, w in zip(score_cols, engine.weights, strict=True)])
        weight_sum = _fold_sum([pl.when(s.is_not_null()).then(pl.lit(w)).otherwise(pl.lit(0.0))
                                for s, w in zip(score_cols, engine.weights, strict=True)])
        lazy = lazy.with_columns(pl.when(weight_sum > 0).then(weighted / weight_sum).alias("total"))

        total, worst = pl.col("total"), pl.col(f"{_INTERNAL}worst_cap")
        band: Any = pl
        for i, band_min, min_indicator in engine.band_limits:
            fits = total >= _smallest_rounding_to_at_least(band_min)
            if min_indicator is not None:
                t = _smallest_rounding_to_at_least(min_indicator)
                fits = fits & _all([s.is_null() | (s >= t) for s in score_cols])
            band = band.when(fits).then(pl.lit(i))
        band = band.otherwise(pl.lit(len(engine.levels) - 1))
        index = pl.when(total.is_null()).then(worst).otherwise(pl.max_horizontal(band, worst))
        rating = index.replace_strict(list(range(len(engine.levels))), engine.levels, default=None,
                                      return_dtype=pl.String)
        required, done = pl.col(f"{_INTERNAL}required"), pl.col(f"{_INTERNAL}done")
        completeness = pl.when(required > 0).then(done / required).otherwise(pl.lit(1.0))
        valid = pl.col("valid")
        results = [pl.when(valid).then(e) for e in
                   [*score_cols, total, rating.alias("rating"), completeness.alias("completeness"), pl.col("caps")]]
        lazy = lazy.with_columns(results)
        ordered = [c for c in self.schema.names()
                   if not c.startswith(_INTERNAL) and c not in RESULT_COLUMNS and not c.startswith("score.")]
        ordered += [f"score.{key}" for key in engine.indicator_ids]
        return lazy.select([*ordered, "total", "rating", "completeness", "caps", "valid"])


def _question_refs(node: Node) -> list[str]:
    return [name for name in references(node) if not name.startswith("profile.")]


# ---------------------------------------------------------------------------------------------
# Documents to frames


def frame_from_documents(q: Questionnaire, docs: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Answer documents (as :meth:`Questionnaire.score` takes them) in the layout, one row each.

    Values the single scorer refuses but the layout can hold (an unknown option, a number that is
    not finite, an unknown evidence status) are kept, and :func:`score_frame` marks their rows
    invalid. A document the layout cannot hold (an unknown field or question, a value of the
    wrong type, another questionnaire) raises ``ValueError`` naming it; check such documents
    with :meth:`Questionnaire.validate`.

    >>> from hamscore.questionnaire import EXAMPLE, load
    >>> frame_from_documents(load(EXAMPLE), [{"answers": {"has_policy": "yes"}}]).row(0, named=True)["has_policy"]
    'yes'
    """
    engine = q._engine
    plans = engine.plans
    columns: dict[str, list[Any]] = {p.id: [] for p in plans}
    schema: dict[str, pl.DataType] = {}
    for p in plans:
        schema[p.id] = {MULTI: pl.List(pl.String()), NUMBER: pl.Float64()}.get(p.kind, pl.String())
        if p.kind in (MULTI, NUMBER):
            columns["na." + p.id] = []
            schema["na." + p.id] = pl.Boolean()
    evidence_ids = [p.id for p in plans if p.evidence != "none"]
    evidence_rows: list[Mapping[str, Any]] = []
    for field, dtype in PROFILE_DTYPES.items():
        columns["profile." + field] = []
        schema["profile." + field] = dtype

    for n, doc in enumerate(docs):
        def refuse(where: str, what: str, n: int = n) -> ValueError:
            return ValueError(f"document {n}: {where}: {what}; check it with Questionnaire.validate")

        if not isinstance(doc, Mapping) or not doc.keys() <= DOCUMENT_KEYS:
            raise refuse("", "not an answers document")
        if doc.get("questionnaire", q.id) != q.id or doc.get("version", q.version) != q.version:
            raise refuse("questionnaire", f"not for {q.id} {q.version}")
        answers, evidence, profile = (doc.get(key) or {} for key in ("answers", "evidence", "profile"))
        for key, section in (("answers", answers), ("evidence", evidence), ("profile", profile)):
            if not isinstance(section, Mapping):
                raise refuse(key, "not an object")
        unknown = [k for k in [*answers, *evidence] if k not in engine.by_id]
        if unknown:
            raise refuse("answers", f"no question {unknown[0]!r}")
        for p in plans:
            a = answers.get(p.id)
            if a == "":
                a = None
            if p.kind in (MULTI, NUMBER):
                is_na = type(a) is str and a == "na"
                columns["na." + p.id].append(is_na)
                if is_na:
                    a = None
                elif a is not None and (
                        (p.kind == MULTI and not (type(a) is list and all(type(x) is str for x in a)))
                        or (p.kind == NUMBER and type(a) is not int and type(a) is not float)):
                    raise refuse(f"answers.{p.id}", f"{a!r} is not a {'list of options' if p.kind == MULTI else 'number'}")
            elif a is not None and type(a) is not str:
                raise refuse(f"answers.{p.id}", f"{a!r} is not a string")
            columns[p.id].append(a)
        for qid, status in evidence.items():
            if status is not None and type(status) is not str:
                raise refuse(f"evidence.{qid}", f"{status!r} is not a status")
            if qid not in evidence_ids:
                evidence_ids.append(qid)
        evidence_rows.append(evidence)
        for field in PROFILE_DTYPES:
            value = profile.get(field)
            wanted = int if field == "employees" else str
            if value is not None and type(value) is not wanted:
                raise refuse(f"profile.{field}", f"{value!r} is not {'a whole number' if wanted is int else 'a string'}")
            columns["profile." + field].append(value)
    for qid in evidence_ids:
        columns["evidence." + qid] = [row.get(qid) for row in evidence_rows]
        schema["evidence." + qid] = pl.String()
    return pl.DataFrame(columns, schema=schema)


# ---------------------------------------------------------------------------------------------
# Ranking


def rank_frame(frame: Frame, *, levels: Sequence[str] | None = None) -> Frame:
    """Add ``rank``: 1 is the highest risk (worst rating first, then lowest total; unrated last).

    Equal keys share a rank (1, 2, 2, 4); totals are compared after Python's ``round(x, 6)``, like
    :func:`hamscore.ranking.rank`. ``levels`` lists the rating levels best to worst (default
    green, yellow, red); a rating outside them is an error when the frame is collected.

    >>> import polars as pl
    >>> scored = pl.DataFrame({"rating": ["green", "red", "yellow", "yellow", None],
    ...                        "total": [90.0, 70.0, 55.0, 55.0, None]})
    >>> rank_frame(scored)["rank"].to_list()
    [4, 1, 2, 2, 5]
    """
    levels = list(levels or ("green", "yellow", "red"))
    rating = pl.col("rating").cast(pl.String)
    index = rating.replace_strict(levels, list(range(len(levels))), return_dtype=pl.Int64)
    rounded = pl.col("total").cast(pl.Float64).map_batches(_round6, return_dtype=pl.Float64, is_elementwise=True)
    unrated = rating.is_null()
    key = pl.struct(
        unrated.cast(pl.Int8).alias("unrated"),
        pl.when(unrated).then(pl.lit(0)).otherwise(-index).alias("worst"),
        pl.when(unrated).then(pl.lit(0.0)).otherwise(rounded.fill_null(-1.0)).alias("total"),
    )
    ranked = frame.lazy().with_columns(key.rank("min").cast(pl.Int64).alias("rank"))
    if isinstance(frame, pl.LazyFrame):
        return ranked
    return ranked.collect(engine="in-memory")


def _round6(s: pl.Series) -> pl.Series:
    # Python's round: exact on the binary value; polars' round is not (see the module docstring).
    return pl.Series(s.name, [None if x is None else round(x, 6) for x in s.to_list()], dtype=pl.Float64)


# ---------------------------------------------------------------------------------------------
# Files


def _format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    formats = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
    if suffix not in formats:
        raise ValueError(f"{str(path)!r}: unknown file type {suffix!r}; use .parquet, .csv or .jsonl")
    return formats[suffix]


def read_frame(path: str | Path, *, questionnaire: Questionnaire | None = None) -> pl.DataFrame:
    """Read a frame from Parquet, CSV or JSON lines (by the file's extension).

    CSV has no types: every column is read as text, the result columns of :func:`score_frame`
    and :func:`rank_frame` get their types back, and with ``questionnaire`` the answer columns
    too (a multi answer is written ``a;b``; an empty list is the quoted empty text ``""``, an
    unanswered question an empty field).
    """
    kind = _format(path)
    if kind == "parquet":
        frame = pl.read_parquet(path)
    elif kind == "jsonl":
        frame = pl.read_ndjson(path, infer_schema_length=None)
    else:
        frame = pl.read_csv(path, infer_schema=False)
        frame = frame.with_columns(_csv_types(frame.columns, questionnaire))
    if questionnaire is not None:
        frame = frame.with_columns(_layout_types(frame.collect_schema(), questionnaire))
    return frame


def _csv_types(names: Sequence[str], q: Questionnaire | None) -> list[pl.Expr]:
    out: list[pl.Expr] = []
    for name in names:
        col = pl.col(name)
        if name in ("total", "completeness") or name.startswith("score."):
            out.append(col.cast(pl.Float64))
        elif name == "valid" or name.startswith("na."):
            out.append(col.replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean))
        elif name == "rank":
            out.append(col.cast(pl.Int64))
        elif name == "caps":
            out.append(col.str.split(_CSV_LIST_SEPARATOR).list.eval(pl.element().filter(pl.element() != "")))
    if q is not None:
        for p in q._engine.plans:
            if p.id in names and p.kind == MULTI:
                out.append(pl.col(p.id).str.split(_CSV_LIST_SEPARATOR)
                           .list.eval(pl.element().filter(pl.element() != "")))
            elif p.id in names and p.kind == NUMBER:
                out.append(pl.col(p.id).cast(pl.Float64))
        if "profile.employees" in names:
            out.append(pl.col("profile.employees").cast(pl.Int64))
    return out


def _layout_types(schema: pl.Schema, q: Questionnaire) -> list[pl.Expr]:
    out: list[pl.Expr] = []
    for p in q._engine.plans:
        dtype: pl.DataType = {MULTI: pl.List(pl.String()), NUMBER: pl.Float64()}.get(p.kind, pl.String())
        if p.id in schema and schema[p.id] != dtype:
            out.append(pl.col(p.id).cast(dtype))
        if "na." + p.id in schema and schema["na." + p.id] != pl.Boolean:
            out.append(pl.col("na." + p.id).cast(pl.Boolean))
    for field, dtype in PROFILE_DTYPES.items():
        name = "profile." + field
        if name in schema and schema[name] != dtype:
            out.append(pl.col(name).cast(dtype))
    return out


def write_frame(frame: pl.DataFrame | pl.LazyFrame, path: str | Path) -> None:
    """Write a frame as Parquet, CSV or JSON lines (by the file's extension); see :func:`read_frame`."""
    kind = _format(path)
    df = frame.collect(engine="in-memory") if isinstance(frame, pl.LazyFrame) else frame
    if kind == "parquet":
        df.write_parquet(path)
    elif kind == "jsonl":
        df.write_ndjson(path)
    else:
        lists = [name for name, dtype in df.schema.items() if isinstance(dtype, pl.List)]
        df.with_columns([pl.col(name).list.join(_CSV_LIST_SEPARATOR) for name in lists]).write_csv(path)
