"""Scoring many submissions at once with polars: one row per submission.

This is the only module of hamscore that imports polars.

The layout
==========
A frame holds one row per submission. Its columns, all optional (a missing column reads as
"unanswered" or "not given"):

``<question id>``
    The answer. ``single``: ``Enum`` of the option ids in definition order, followed by ``"na"``
    where the question allows it (null when unanswered). ``multi``: ``List(Enum)`` of the option
    ids (an empty list is an answer: none chosen; null is unanswered). ``number``: Float64 or an
    integer type. ``text`` and ``date``: String (``"na"`` for not applicable, null or ``""`` when
    unanswered).
``na.<question id>``
    Boolean, for ``multi`` and ``number`` questions: true when the answer is ``"na"``. The answer
    column must then be null (a row with both is invalid).
``evidence.<question id>``
    ``Enum("provided", "verified", "rejected")``, null when missing.
``profile.size``, ``profile.sector``
    ``Enum`` of the sizes (``mikro``, ``kecil``, ``menengah``, ``besar``) and of the sector letters
    ``A`` to ``U``; ``profile.employees``: an integer type; ``profile.province``,
    ``profile.regency``: String.

Every Enum column may also be given as text: String for a single answer, an evidence status or a
profile value (``""`` is unanswered), List(String) for a multi answer; Categorical or an Enum of
other categories is read as text too. Text is converted first (which costs time), and a value
outside the categories (an unknown option, ``"na"`` where not allowed, ``["na"]``) marks the row
invalid. :func:`frame_from_documents` and :func:`read_frame` with a questionnaire give the Enum
types to every column whose values all fit them, and keep the text form of the others. Enum
columns keep their codes in Parquet files, so reading them back is quick too.

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
  single scorer gets ``1e16``), so it is not used for floats. Only where every value of an
  indicator's sum is a whole multiple of 2**-20 and the largest total stays below 2**53 of
  those is every partial sum exact, whatever the order; then the constants are added up once
  and neighbouring questions share one table of their sums.
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

How it is fast
==============
Every question gets a *state* column first: a small unsigned integer per row that says whether it
applies, whether it was answered, and what: the code of the chosen option (an Enum's own code, so
no string is compared), the bitmask of a multi answer (``1 << i`` for option ``i``, computed once
from the list), or the band holding a number. Points, possible points and caps are then read
from tables indexed by the state (for a multi question with up to ten options, a table of every
combination, filled by the single scorer's own loop), and conditions compare states with
integers. Validity mostly comes from the types: what remains to check is an unknown value in a
text column, ``"na"`` where not allowed, a repeated choice (a multi's mask then has fewer bits
than its list has items), a number that is not finite, a date, and the profile's text fields.
Triggered caps set bits of one integer per row; their lists are built once per distinct integer.
Completeness counts come from integer divisions of the states (see :class:`_Question`).

The query is a handful of ``with_columns`` stages (states by depth of the conditions they read,
then sums, scores, total and rating), compiled once per questionnaire, input schema and mode and
kept, since building the expressions of a large questionnaire costs about as much as scoring
10,000 rows. And and or over many terms are balanced trees, not chains: planning time grows
steeply with an expression's depth. For a DataFrame, the results are computed apart and put
beside its columns: a frame read from Parquet comes in several chunks per column, and the
points tables give one, and polars copies every column of a frame into one chunk before it
works on a frame that mixes both.

Engine
======
A :class:`polars.DataFrame` is scored with the in-memory engine and without the optimiser's
passes: polars may otherwise pick its streaming engine, whose fixed start-up cost (about 250 ms)
dwarfs scoring 10,000 rows, and the plan is already flat. A :class:`polars.LazyFrame` comes back
lazy. For a large Parquet file, score ``pl.scan_parquet(path)`` and collect with
``engine="streaming"``: it reads and scores in batches on every core, overlapping the two (for
a million rows of the 140-question benchmark, about 20% quicker and 8% less CPU time than
:func:`read_frame` followed by :func:`score_frame`).
Collect a small lazy frame with ``engine="in-memory"``.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import operator
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import polars as pl

from hamscore.conditions import And as AndNode
from hamscore.conditions import Answered, Cmp, ListLit, Lit, Node, Not, Ref, parse, references
from hamscore.conditions import Or as OrNode
from hamscore.questionnaire import Questionnaire
from hamscore.rounding import threshold
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
    plan = _compiled(q._engine, lazy.collect_schema(), verified=mode == "verified")
    if isinstance(frame, pl.LazyFrame):
        return plan.apply(lazy)
    # The plan is already as flat as it gets; the optimiser's passes cost more than they save.
    results = plan.results(lazy).collect(engine="in-memory", optimizations=pl.QueryOptFlags.none())
    kept = plan.kept
    return pl.concat([frame if len(kept) == frame.width else frame.select(kept), results], how="horizontal")


_PLANS: dict[tuple[Engine, tuple[tuple[str, Any], ...], bool], _Plan] = {}
_PLANS_KEPT = 16
_PLANS_LOCK = threading.Lock()  # score_frame may be called from several threads (a web server's)


def _compiled(engine: Engine, schema: pl.Schema, *, verified: bool) -> _Plan:
    """The plan for this definition, input schema and mode, compiled once and reused: building
    the expressions of a 140-question definition costs more than scoring 10,000 rows."""
    key = (engine, tuple((name, _dtype_key(dtype)) for name, dtype in schema.items()), verified)
    with _PLANS_LOCK:
        plan = _PLANS.pop(key, None)
    if plan is None:
        plan = _Plan(engine, schema, verified=verified)
    with _PLANS_LOCK:
        _PLANS[key] = plan  # most recently used last
        while len(_PLANS) > _PLANS_KEPT:
            del _PLANS[next(iter(_PLANS))]
    return plan


def _dtype_key(dtype: Any) -> Any:
    """A hashable stand-in for ``dtype``: hashing an Enum itself walks its categories one by one."""
    if isinstance(dtype, pl.Enum):
        return ("enum", tuple(dtype.categories.to_list()))
    if isinstance(dtype, pl.List):
        return ("list", _dtype_key(dtype.inner))
    return dtype


def _false() -> pl.Expr:
    return pl.lit(False)


def _any(exprs: Sequence[pl.Expr]) -> pl.Expr:
    return _balanced(exprs, operator.or_) if exprs else _false()


def _all(exprs: Sequence[pl.Expr]) -> pl.Expr:
    return _balanced(exprs, operator.and_) if exprs else pl.lit(True)


def _balanced(exprs: Sequence[pl.Expr], op: Callable[[pl.Expr, pl.Expr], pl.Expr]) -> pl.Expr:
    """``op`` over ``exprs`` as a balanced tree (and and or are associative, in Kleene's logic
    too): planning time grows steeply with an expression's depth, and polars' own
    all_horizontal and any_horizontal become chains."""
    level = list(exprs)
    while len(level) > 1:
        level = [op(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    return level[0]


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


def _uint(n: int) -> pl.DataType:
    """The smallest unsigned type that holds 0 .. n - 1."""
    return pl.UInt8() if n <= 1 << 8 else pl.UInt16() if n <= 1 << 16 else pl.UInt32() if n <= 1 << 32 else pl.UInt64()


def _table(values: Sequence[Any], dtype: pl.DataType) -> pl.Expr:
    return pl.lit(pl.Series(values, dtype=dtype))


def _enum_categories(dtype: pl.DataType) -> list[str] | None:
    return [str(c) for c in dtype.categories] if isinstance(dtype, pl.Enum) else None


_MASK_BITS = 60  # a multi question with more options keeps its answer as a list
_TABLE_BITS = 10  # up to this many options, a multi's points come from a table of every choice
_EVIDENCE = ("provided", "verified", "rejected")
_UNIT_SEPARATOR = "\x1f"
_MISSING = 4  # the code of a missing evidence status


class _Question:
    """One question inside the plan: its *state*, a small unsigned integer per row that says
    everything scoring and conditions need, and the tables that read it.

    States, by kind (``U``: unanswered, ``H``: not applicable, ``NA``: answered ``na``):

    * single: ``0 .. k-1`` the chosen option, ``k`` na, ``k+1`` an unknown value, ``k+2`` U, ``k+3`` H;
    * multi: the bitmask of the chosen options (``1 << i`` for option ``i``), ``2**k`` NA,
      ``2**k + 1`` U, ``2**k + 2`` H; above :data:`_MASK_BITS` options ``0`` answered, 1, 2, 3;
    * number: ``0 .. b-1`` the band holding the value, ``b`` outside every band, ``b+1`` NA,
      ``b+2`` U, ``b+3`` H;
    * text and date: ``0`` answered (``na`` included), ``2`` U, ``3`` H.

    A row's state is below ``U`` exactly when the question applies and has a value; ``H`` is the
    largest state and below ``2 * U``, so ``state // U`` is 1 for U and H and 0 otherwise, and
    ``state // H`` is 1 for H only: integer divisions, much quicker than comparing and casting.
    """

    def __init__(self, p: QuestionPlan, plan: _Plan) -> None:
        self.p = p
        self.col = f"{_INTERNAL}state.{p.id}"
        self.checks: list[pl.Expr] = []  # false when the answer is not acceptable (null: fine)
        self.na: int | None = None
        self.band_out = 0
        self.value: pl.Expr | None = None  # the number or text itself, for conditions
        self.codes: dict[str, int] = {}
        self.masked = False
        self.list: pl.Expr | None = None
        present = p.id in plan.schema
        if p.kind == SINGLE:
            k = len(p.options)
            self.codes = {oid: i for i, (oid, _) in enumerate(p.options)}
            self.codes.setdefault("na", k)
            self.na, bad, self.u, self.h = k, k + 1, k + 2, k + 3
            self.dtype = _uint(k + 4)
            self.base = self._single_code(plan, bad).fill_null(self.u)
        elif p.kind == MULTI:
            self._multi(plan)
        elif p.kind == NUMBER:
            b = len(p.bands)
            self.band_out, self.na, self.u, self.h = b, b + 1, b + 2, b + 3
            self.dtype = _uint(b + 4)
            a = plan.column(p.id, pl.Float64())
            self.value = a
            # The band of each interval between consecutive band limits, tested with one comparison each.
            cuts = sorted({x for lo, hi, _ in p.bands for x in (lo, hi) if math.isfinite(x)})
            edges = [-math.inf, *cuts, math.inf]
            spans = [next((i for i, (lo, hi, _) in enumerate(p.bands) if lo <= start and end <= hi), b)
                     for start, end in itertools.pairwise(edges)]
            band: Any = pl
            for cut, span, following in zip(cuts, spans[:-1], spans[1:], strict=True):
                if span != following:
                    band = band.when(a < cut).then(pl.lit(span, dtype=self.dtype))
            last = pl.lit(spans[-1], dtype=self.dtype)
            banded = last if band is pl else band.otherwise(last)
            na = plan.na_flag(p.id)
            self.base = self._na_first(na, pl.when(a.is_null()).then(pl.lit(self.u, dtype=self.dtype)).otherwise(banded))
            if present:
                self.checks.append(a.is_finite())
            if na is not None:
                self._check_na(plan, na, a.is_null())
        else:
            self.u, self.h = 2, 3  # 1 is unused, so that H < 2 * U as for every kind
            self.dtype = pl.UInt8()
            a = plan.column(p.id, pl.String())
            self.value = a
            answered = a.is_not_null() & (a != "")
            self.base = pl.when(answered).then(pl.lit(0, dtype=self.dtype)).otherwise(pl.lit(self.u, dtype=self.dtype))
            if present and p.is_date:
                known = (a.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$") & ~a.str.starts_with("0000")
                         & a.str.to_date("%Y-%m-%d", strict=False).is_not_null())
                self.checks.append(_any([a.is_null(), a == "", known, *([a == "na"] if p.allow_na else [])]))
            elif present and not p.allow_na:
                self.checks.append(a != "na")

    def _check_na(self, plan: _Plan, na: pl.Expr, is_null: pl.Expr) -> None:
        """An answer and na at once, or na where not allowed, is refused."""
        if self.p.allow_na:
            self.checks.append(~na | is_null)
        else:  # one test over every such column at the end
            plan.refused.append(plan.column("na." + self.p.id, pl.Boolean()))

    def _na_first(self, na: pl.Expr | None, otherwise: pl.Expr) -> pl.Expr:
        assert self.na is not None
        return otherwise if na is None else pl.when(na).then(pl.lit(self.na, dtype=self.dtype)).otherwise(otherwise)

    def _single_code(self, plan: _Plan, bad: int) -> pl.Expr:
        """The chosen option's index, ``k`` for na, ``bad`` for anything else; null when unanswered."""
        p, name = self.p, self.p.id
        options = [oid for oid, _ in p.options]
        if name not in plan.schema:
            return pl.lit(None, dtype=self.dtype)
        have = plan.schema[name]
        categories = _enum_categories(have)
        if categories is not None and categories in (options, [*options, "na"]):
            # The fast representation: the codes are the states already.
            code = pl.col(name).to_physical().cast(self.dtype)
            if len(categories) > len(options) and not p.allow_na:
                self.checks.append(code != len(options))
            return code
        if not (have in (pl.String, pl.Null) or isinstance(have, pl.Categorical | pl.Enum)):
            raise TypeError(f"column {name!r} is {have}, expected {pl.Enum([*options, 'na'])} or String")
        text = pl.col(name).cast(pl.String)
        code = text.cast(pl.Enum([*options, "na"]), strict=False).to_physical().cast(self.dtype)
        out = pl.when(text == "").then(None).when(text.is_not_null() & code.is_null()).then(
            pl.lit(bad, dtype=self.dtype)).otherwise(code)
        self.checks.append(out <= len(options) if p.allow_na else out < len(options))
        return out

    def _multi(self, plan: _Plan) -> None:
        p, name = self.p, self.p.id
        options = [oid for oid, _ in p.options]
        k = len(options)
        enum = pl.Enum(options)
        lst: pl.Expr | None = None
        if name in plan.schema:
            have = plan.schema[name]
            inner = have.inner if isinstance(have, pl.List) else None
            if have == pl.List(enum):
                lst = pl.col(name)
            elif have == pl.Null or (inner is not None and (
                    inner in (pl.String, pl.Null) or isinstance(inner, pl.Categorical | pl.Enum))):
                # Unknown options become null items, which the check below refuses.
                lst = pl.col(name).cast(pl.List(pl.String)).cast(pl.List(enum), strict=False)
            else:
                hint = " (read CSV files with read_frame(path, questionnaire=q))" if have == pl.String else ""
                raise TypeError(f"column {name!r} is {have}, expected {pl.List(enum)} or List(String){hint}")
        na = plan.na_flag(name)
        if k <= _MASK_BITS:
            self.masked = True
            self.na, self.u, self.h = 1 << k, (1 << k) + 1, (1 << k) + 2
            self.dtype = _uint((1 << k) + 3)
            if lst is None:
                mask: pl.Expr = pl.lit(None, dtype=pl.UInt64)
            else:
                # Distinct items set distinct bits; a repeated item carries into another bit, so the
                # answer lists each option once exactly when its mask has as many bits as it has items.
                mask = pl.col(plan.mask_column(name, lst, k))
                self.checks.append(mask.bitwise_count_ones() == lst.list.len())
            answer = (mask & pl.lit((1 << k) - 1, dtype=pl.UInt64)).cast(self.dtype)
            is_null = mask.is_null()
        else:
            self.na, self.u, self.h = 1, 2, 3
            self.dtype = pl.UInt8()
            self.list = lst if lst is not None else pl.lit(None, dtype=pl.List(enum))
            answer = pl.lit(0, dtype=self.dtype)
            is_null = self.list.is_null()
            if lst is not None:
                self.checks.append((lst.list.n_unique() == lst.list.len()) & (lst.list.drop_nulls().list.len() == lst.list.len()))
        self.base = self._na_first(na, pl.when(is_null).then(pl.lit(self.u, dtype=self.dtype)).otherwise(answer))
        if na is not None:
            self._check_na(plan, na, is_null)

    # --- reading the state ---------------------------------------------------------------

    @property
    def state(self) -> pl.Expr:
        return pl.col(self.col)

    def present(self) -> pl.Expr:
        """Applies and has a value (``na`` included)."""
        return self.state < self.u

    def chosen(self, oid: str) -> pl.Expr:
        """Applies and has option ``oid`` chosen."""
        p, s = self.p, self.state
        index = next((i for i, (o, _) in enumerate(p.options) if o == oid), None)
        if index is None:
            return _false()
        if p.kind == SINGLE:
            return s == index
        if self.masked:
            return (s < self.na) & ((s & pl.lit(1 << index, dtype=self.dtype)) != 0)
        assert self.list is not None
        return (s == 0) & self.list.list.contains(pl.lit(oid, dtype=pl.Enum([o for o, _ in p.options])))

    def states_with_options(self) -> list[set[str]] | None:
        """The options chosen in each state, when a table of every state is small."""
        p = self.p
        if p.kind == SINGLE:
            return [{oid} for oid, _ in p.options] + [set()] * 4
        if p.kind == MULTI and self.masked and len(p.options) <= _TABLE_BITS:
            options = [oid for oid, _ in p.options]
            return [{oid for i, oid in enumerate(options) if mask >> i & 1} for mask in range(1 << len(options))] + [set()] * 3
        return None

    def raw_points(self) -> list[float] | None:
        """Earned points (before evidence) by state, when a table of every state is small."""
        p = self.p
        if p.kind == SINGLE:
            return [pts for _, pts in p.options] + [0.0] * 4
        if p.kind == NUMBER:
            return [pts for _, _, pts in p.bands] + [0.0] * 4
        if p.kind == MULTI and self.masked and len(p.options) <= _TABLE_BITS:
            out = []
            for mask in range(1 << len(p.options)):
                raw = 0.0  # the single scorer's loop, to the bit
                for i, (_, pts) in enumerate(p.options):
                    if mask >> i & 1:
                        raw += pts
                if p.max_points is not None and raw > p.max_points:
                    raw = float(p.max_points)
                out.append(raw)
            return out + [0.0] * 3
        return None

    def raw_expr(self) -> pl.Expr:
        table = self.raw_points()
        if table is not None:
            return _table(table, pl.Float64()).gather(self.state)
        p = self.p
        raw = _fold_sum([pl.when(self.chosen(oid)).then(pl.lit(pts)).otherwise(pl.lit(0.0)) for oid, pts in p.options])
        if p.max_points is not None:
            mp = float(p.max_points)
            raw = pl.when(raw > mp).then(pl.lit(mp)).otherwise(raw)
        return raw

    def possible_term(self) -> _Lookup | pl.Expr:
        """The question's possible points, or 0 where it does not count (hidden or na)."""
        p, s = self.p, self.state
        table = self.raw_points()
        if table is not None:
            assert self.na is not None
            # Every state below NA counts but an unknown single option (its row is invalid); then NA, U, H.
            return _Lookup(s, [p.possible] * self.na + [0.0] * (self.u - self.na) + [p.possible, 0.0])
        return pl.when((s == self.h) | (s == self.na)).then(pl.lit(0.0)).otherwise(pl.lit(p.possible))


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
        # Zeros computed from a column, row by row: no constant, and nothing that needs the frame's
        # length (which would make the streaming engine read everything before it starts).
        zero = (pl.col(schema.names()[0]).is_null().cast(pl.Float64) * 0.0 if schema.names()
                else pl.int_range(pl.len(), dtype=pl.Int32).cast(pl.Float64) * 0.0)
        self.stage0: dict[str, pl.Expr] = {_ZERO: zero}
        self.checks: list[pl.Expr] = []
        self.refused: list[pl.Expr] = []  # true when the row is invalid (null: fine)
        self.questions = {p.id: _Question(p, self) for p in engine.plans}
        for qn in self.questions.values():
            self.checks.extend(qn.checks)
        self.profile: dict[str, pl.Expr] = {}
        self._profile_columns()
        # Credit by evidence status: provided, verified, rejected, unknown (the row is invalid), missing.
        factor = engine.evidence_factor
        self.credit = [0.0, 1.0, 0.0, 0.0, 0.0] if verified else [1.0, 1.0, 0.0, 0.0, factor]
        self.evidence_codes: dict[str, pl.Expr] = {}  # 0 .. 4 as in self.credit
        self._evidence()
        self.stages = self._stages()

    # --- columns of the layout -----------------------------------------------------------

    def column(self, name: str, dtype: pl.DataType) -> pl.Expr:
        if name not in self.schema:
            return pl.lit(None, dtype=dtype)
        have = self.schema[name]
        if have == dtype:
            return pl.col(name)
        ok = have == pl.Null or (dtype == pl.String and isinstance(have, pl.Categorical | pl.Enum)) or (
            dtype == pl.Float64 and have.is_numeric()) or (dtype == pl.Int64 and have.is_integer())
        if not ok:
            raise TypeError(f"column {name!r} is {have}, expected {dtype}")
        return pl.col(name).cast(dtype)

    def na_flag(self, qid: str) -> pl.Expr | None:
        """``na.<question id>`` without nulls, or None when the frame has no such column."""
        if "na." + qid not in self.schema:
            return None
        return self.column("na." + qid, pl.Boolean()).fill_null(False)

    def mask_column(self, qid: str, lst: pl.Expr, k: int) -> str:
        """A column with the bitmask of a multi answer's items (UInt64): the one costly step of a
        multi answer, so it is computed once, first, and read by the state and the checks."""
        name = f"{_INTERNAL}mask.{qid}"
        item = pl.element()
        if k <= 32:
            # Comparisons on small integers are much quicker than polars' integer pow.
            small = _uint(1 << k) if k < 32 else pl.UInt32()
            bits: Any = pl
            for i in range(k):
                bits = bits.when(item == i).then(pl.lit(1 << i, dtype=small))
            bit = bits.otherwise(pl.lit(0, dtype=small))  # an unknown item (null) sets no bit
        else:
            bit = pl.lit(2, dtype=pl.UInt64).pow(item)
        self.stage0[name] = lst.to_physical().list.eval(bit).list.sum().cast(pl.UInt64)
        return name

    def _profile_columns(self) -> None:
        for field, allowed in (("size", _SIZES), ("sector", _SECTORS)):
            name = "profile." + field
            if name not in self.schema:
                continue
            have = self.schema[name]
            if _enum_categories(have) == list(allowed):
                self.profile[field] = pl.col(name).to_physical()
                continue
            text = self.column(name, pl.String())
            code = text.cast(pl.Enum(allowed), strict=False).to_physical()
            self.profile[field] = code
            self.checks.append(text.is_null() | code.is_not_null())
        if "profile.employees" in self.schema:
            col = self.column("profile.employees", pl.Int64())
            self.profile["employees"] = col
            self.checks.append(col >= 0)
        for field, pattern in (("province", r"^[0-9]{2}$"), ("regency", r"^[0-9]{2}\.[0-9]{2}$")):
            name = "profile." + field
            if name in self.schema:
                col = self.column(name, pl.String())
                self.profile[field] = col
                self.checks.append(col.str.contains(pattern))

    def _evidence(self) -> None:
        """Evidence checks, and the status code of each question that requires evidence."""
        for p in self.engine.plans:
            name = "evidence." + p.id
            if name not in self.schema:
                continue
            have = self.schema[name]
            if _enum_categories(have) == list(_EVIDENCE):
                code = pl.col(name).to_physical().cast(pl.UInt8)
            else:
                text = self.column(name, pl.String())
                known = text.cast(pl.Enum(_EVIDENCE), strict=False).to_physical().cast(pl.UInt8)
                code = pl.when(text.is_not_null() & known.is_null()).then(pl.lit(3, dtype=pl.UInt8)).otherwise(known)
                self.checks.append(code < 3)
            if p.evidence_required:
                self.evidence_codes[p.id] = code.fill_null(_MISSING)

    # --- conditions ----------------------------------------------------------------------

    def condition(self, node: Node) -> pl.Expr:
        """The condition as a Boolean expression without nulls (a comparison with nothing is false)."""
        if isinstance(node, OrNode):
            return _any([self.condition(arg) for arg in node.args])
        if isinstance(node, AndNode):
            return _all([self.condition(arg) for arg in node.args])
        if isinstance(node, Not):
            return ~self.condition(node.arg)
        if isinstance(node, Answered):
            if node.name.startswith("profile."):
                col = self.profile.get(node.name.removeprefix("profile."))
                return _false() if col is None else col.is_not_null()
            return self.questions[node.name].present()
        if isinstance(node, Cmp):
            return self.compare(node).fill_null(False)
        return _false()  # a bare value is not a condition; the loader refuses it

    def compare(self, node: Cmp) -> pl.Expr:
        op, left, right = node.op, node.left, node.right
        flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
        if op != "in" and isinstance(left, Lit) and isinstance(right, Ref):
            op, left, right = flip[op], right, left
        if op == "in" and isinstance(left, Lit) and isinstance(right, Ref):
            qn = self.questions.get(right.name)
            if qn is None or qn.p.kind != MULTI or type(left.value) is not str:
                return _false()
            return qn.chosen(left.value)
        if op == "in" and isinstance(left, Ref) and isinstance(right, ListLit):
            items: list[str | float] = [i for i in right.items if type(i) is str]
            items += [float(i) for i in right.items if _is_number(i)]
            return _any([self.compare(Cmp(op="==", left=left, right=Lit(value=v))) for v in items])
        if not (isinstance(left, Ref) and isinstance(right, Lit)):
            raise ValueError(f"condition shape not supported in bulk scoring: {node!r}")  # the loader refuses these
        c = right.value
        if left.name.startswith("profile."):
            return self._compare_profile(left.name.removeprefix("profile."), op, c)
        qn = self.questions[left.name]
        kind, s = qn.p.kind, qn.state
        if type(c) is str:
            if op not in ("==", "!="):
                return _false()
            if kind == FREE:
                assert qn.value is not None
                return (s == 0) & (qn.value == c if op == "==" else qn.value != c)
            if kind == SINGLE:
                code = qn.codes.get(c)
                if op == "==":
                    return _false() if code is None else s == code
                return qn.present() if code is None else qn.present() & (s != code)
            # A multi or number answer is the string "na" when answered na, and no string otherwise.
            assert qn.na is not None
            return (s == qn.na) if (c == "na") == (op == "==") else _false()
        if not _is_number(c) or kind != NUMBER:
            return _false()
        assert qn.value is not None
        return (s <= qn.band_out) & _number_cmp(qn.value, op, float(c))

    def _compare_profile(self, field: str, op: str, c: Any) -> pl.Expr:
        col = self.profile.get(field)
        if col is None:
            return _false()
        if field == "employees":
            return _number_cmp(col.cast(pl.Float64), op, float(c)) if _is_number(c) else _false()
        if type(c) is not str or op not in ("==", "!="):
            return _false()
        if field in ("size", "sector"):
            allowed = _SIZES if field == "size" else _SECTORS
            if c not in allowed:
                return _false() if op == "==" else col.is_not_null()
            code = allowed.index(c)
            return col == code if op == "==" else col != code
        return col == c if op == "==" else col != c

    # --- the stages of the query ---------------------------------------------------------

    def _stages(self) -> list[list[pl.Expr]]:
        """The query as a few ``with_columns`` stages, each reading only the stages before it.

        States come first (by depth of the conditions they depend on), then everything that reads
        states in one stage, then the scores, the total and the rating. Few, flat stages keep
        polars' planning short; columns computed once are read many times.
        """
        engine = self.engine
        depth: dict[str, int] = {}
        shown: dict[int, tuple[pl.Expr, int]] = {}
        levels: list[list[pl.Expr]] = []

        def put(level: int, expr: pl.Expr) -> None:
            while len(levels) <= level:
                levels.append([])
            levels[level].append(expr)

        for step in engine.steps:  # conditions read only what comes before them here
            if step.is_indicator:
                node = self.ind_nodes[step.key]
                level = max((depth[r] + 1 for r in _question_refs(node)), default=0)
                name = f"{_INTERNAL}show.{step.key}"
                put(level, self.condition(node).alias(name))
                shown[step.key] = (pl.col(name), level)
                continue
            level = shown[step.indicator][1] + 1 if step.indicator in shown else 0
            node_q = self.q_nodes.get(step.key)
            if node_q is not None:
                level = max([level, *(depth[r] + 1 for r in _question_refs(node_q))])
            depth[step.key] = level
        for p in engine.plans:
            qn = self.questions[p.id]
            parts: list[pl.Expr] = []
            if p.indicator in shown:
                parts.append(shown[p.indicator][0])
            own = self.q_nodes.get(p.id)
            if own is not None:
                parts.append(self.condition(own))
            state = qn.base if not parts else pl.when(_all(parts)).then(qn.base).otherwise(pl.lit(qn.h, dtype=qn.dtype))
            put(depth.get(p.id, 0), state.alias(qn.col))
        stages = [[expr.alias(name) for name, expr in self.stage0.items()], *levels]
        stages.append(self._sums())
        stages.extend(self._results())
        return stages

    def _sums(self) -> list[pl.Expr]:
        engine = self.engine
        n = len(engine.indicator_ids)
        possible_terms: list[list[_Term]] = [[] for _ in range(n)]
        earned_terms: list[list[_Term]] = [[] for _ in range(n)]
        required = 0
        required_hidden: list[pl.Expr] = []
        required_missing: list[pl.Expr] = []
        for p in engine.plans:
            qn = self.questions[p.id]
            if p.required:
                required += 1
                if p.conditional:
                    required_hidden.append(qn.state // qn.h)
                required_missing.append(qn.state // qn.u)  # hidden or unanswered
            if p.kind == FREE:
                continue
            # A question that always applies and refuses na always counts (an na makes the row invalid).
            always = not p.conditional and not p.allow_na
            possible_terms[p.indicator].append(p.possible if always else qn.possible_term())
            earned_terms[p.indicator].append(self._earned(qn))
        sums = [_sum(possible_terms[i]).alias(f"{_INTERNAL}possible.{i}") for i in range(n)]
        sums += [_sum(earned_terms[i]).alias(f"{_INTERNAL}earned.{i}") for i in range(n)]
        # Integer sums add up the same in any order; the zero column keeps them from being constant divisors.
        # Applicable required questions, and those answered: counts in the smallest type that holds them.
        count = _uint(required + 1)
        zero = _zero().cast(count)
        sums.append((zero + required - pl.sum_horizontal([zero, *(t.cast(count) for t in required_hidden)]))
                    .alias(f"{_INTERNAL}required"))
        sums.append((zero + required - pl.sum_horizontal([zero, *(t.cast(count) for t in required_missing)]))
                    .alias(f"{_INTERNAL}done"))
        cap_mask, self.cap_results = self._caps()
        sums.extend(cap_mask)
        # Every check is false for a value the single scorer refuses, and true or null otherwise.
        checks = [*self.checks, *([~_any(self.refused)] if self.refused else [])]
        sums.append(_all(checks).fill_null(True).alias("valid"))
        return sums

    def _earned(self, qn: _Question) -> _Lookup | pl.Expr:
        """Earned points after evidence (a credit of 1 or 0 keeps the points or gives 0, exactly).
        Where the points come from a table, the credit is in the table too, indexed by state and status."""
        p = qn.p
        table = qn.raw_points()
        if not p.evidence_required:
            return _Lookup(qn.state, table) if table is not None else qn.raw_expr()
        code = self.evidence_codes.get(p.id)
        if code is None:  # no evidence column: every row's is missing
            credit = self.credit[_MISSING]
            if table is not None:
                return _Lookup(qn.state, [raw * credit if raw > 0 else raw for raw in table])
            return qn.raw_expr() * pl.lit(credit)
        if table is not None:
            n = len(self.credit)
            index = qn.state.cast(_uint(len(table) * n)) * n + code
            return _Lookup(index, [raw * c if raw > 0 else raw for raw in table for c in self.credit])
        return qn.raw_expr() * _table(self.credit, pl.Float64()).gather(code)

    def _caps(self) -> tuple[list[pl.Expr], list[pl.Expr]]:
        """``caps`` and the worst cap's level: the columns for the stage of sums, and those for the
        stage after. Every triggered cap sets a bit of one integer per row, and the lists are built
        once per distinct integer (a few thousand among a million rows)."""
        engine = self.engine
        caps = [(p, oid) for p in engine.plans for oid, _ in p.options if oid in p.caps]
        worst_name, caps_name = f"{_INTERNAL}worst_cap", "caps"
        if not caps:
            return [], [pl.lit(None, dtype=pl.Int32).alias(worst_name), pl.lit([], dtype=pl.List(pl.String)).alias(caps_name)]
        names = [f"{p.id}:{oid}:{engine.levels[p.caps[oid]]}" for p, oid in caps]
        if len(caps) > _MASK_BITS:
            hits = [self.questions[p.id].chosen(oid) for p, oid in caps]
            return [pl.max_horizontal([pl.when(hit).then(pl.lit(p.caps[oid])) for hit, (p, oid) in zip(hits, caps, strict=True)])
                    .alias(worst_name),
                    pl.concat_list([pl.when(hit).then(pl.lit(name)) for hit, name in zip(hits, names, strict=True)])
                    .list.drop_nulls().alias(caps_name)], []
        terms: list[pl.Expr] = []
        bit = 0
        for p in engine.plans:
            own = [(oid, 1 << (bit + j)) for j, oid in enumerate(o for o, _ in p.options if o in p.caps)]
            if not own:
                continue
            bit += len(own)
            qn = self.questions[p.id]
            states = qn.states_with_options()
            if states is not None:
                table = [sum(b for oid, b in own if oid in chosen) for chosen in states]
                terms.append(_table(table, pl.UInt64()).gather(qn.state))
            else:
                terms.extend(pl.when(qn.chosen(oid)).then(pl.lit(b, dtype=pl.UInt64)).otherwise(pl.lit(0, dtype=pl.UInt64))
                             for oid, b in own)
        mask_name = f"{_INTERNAL}cap_mask"
        mask = pl.col(mask_name)
        worst: Any = pl
        for level in sorted({p.caps[oid] for p, oid in caps}, reverse=True):
            bits = sum(1 << i for i, (p, oid) in enumerate(caps) if p.caps[oid] == level)
            worst = worst.when((mask & pl.lit(bits, dtype=pl.UInt64)) != 0).then(pl.lit(level, dtype=pl.Int32))
        return [pl.sum_horizontal(terms).alias(mask_name)], [
            worst.otherwise(pl.lit(None, dtype=pl.Int32)).alias(worst_name),
            mask.map_batches(_CapLists(names), return_dtype=pl.List(pl.String), is_elementwise=True).alias(caps_name)]

    def _results(self) -> list[list[pl.Expr]]:
        engine = self.engine
        scores = []
        for i, key in enumerate(engine.indicator_ids):
            possible, earned = pl.col(f"{_INTERNAL}possible.{i}"), pl.col(f"{_INTERNAL}earned.{i}")
            scores.append(pl.when(possible > 0).then(pl.lit(100.0) * earned / possible).alias(f"score.{key}"))
        score_cols = [pl.col(f"score.{key}") for key in engine.indicator_ids]
        weighted = _fold_sum([pl.when(s.is_not_null()).then(s * pl.lit(w)).otherwise(pl.lit(0.0))
                              for s, w in zip(score_cols, engine.weights, strict=True)])
        weight_sum = _fold_sum([pl.when(s.is_not_null()).then(pl.lit(w)).otherwise(pl.lit(0.0))
                                for s, w in zip(score_cols, engine.weights, strict=True)])
        total_stage = [pl.when(weight_sum > 0).then(weighted / weight_sum).alias("total")]

        total, worst = pl.col("total"), pl.col(f"{_INTERNAL}worst_cap")
        band: Any = pl
        for i, band_min, min_indicator in engine.band_limits:
            fits = total >= threshold(band_min)
            if min_indicator is not None:
                t = threshold(min_indicator)
                fits = fits & _all([s.is_null() | (s >= t) for s in score_cols])
            band = band.when(fits).then(pl.lit(i))
        band = band.otherwise(pl.lit(len(engine.levels) - 1))
        index = pl.when(total.is_null()).then(worst).otherwise(pl.max_horizontal(band, worst))
        rating = _table(engine.levels, pl.String()).gather(index)
        required, done = pl.col(f"{_INTERNAL}required"), pl.col(f"{_INTERNAL}done")
        completeness = pl.when(required > 0).then(done / required).otherwise(pl.lit(1.0))
        valid = pl.col("valid")
        results: list[pl.Expr] = [pl.when(valid).then(e) for e in
                   [*score_cols, total, rating.alias("rating"), completeness.alias("completeness"), pl.col("caps")]]
        return [[*scores, *self.cap_results], total_stage, results]

    @functools.cached_property
    def kept(self) -> list[str]:
        """The input columns that pass through, in order (a result column given as input is replaced)."""
        return [c for c in self.schema.names()
                if not c.startswith(_INTERNAL) and c not in RESULT_COLUMNS and not c.startswith("score.")]

    def added(self) -> list[str]:
        return [*(f"score.{key}" for key in self.engine.indicator_ids), *RESULT_COLUMNS]

    def apply(self, lazy: pl.LazyFrame) -> pl.LazyFrame:
        """The input columns, then the results: one chain, which the streaming engine runs in batches."""
        for stage in self.stages:
            lazy = lazy.with_columns(stage)
        return lazy.select([*self.kept, *self.added()])

    def results(self, lazy: pl.LazyFrame) -> pl.LazyFrame:
        """Only the results. The sums come out of a select, so the last stages run on a narrow
        frame: the points tables give columns in one chunk, and the next step on a wide frame
        whose other columns are in several chunks (as Parquet gives them) would first copy every
        column into one chunk."""
        sums_at = len(self.stages) - 4
        for stage in self.stages[:sums_at]:
            lazy = lazy.with_columns(stage)
        lazy = lazy.select([_zero(), *self.stages[sums_at]])
        for stage in self.stages[sums_at + 1:]:
            lazy = lazy.with_columns(stage)
        return lazy.select(self.added())


class _CapLists:
    """Turns cap bitmasks into lists of ``question:option:level``, building each distinct list once."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def __call__(self, masks: pl.Series) -> pl.Series:
        distinct = masks.unique().sort()
        m = pl.col("m")
        named = [pl.when((m & pl.lit(1 << i, dtype=pl.UInt64)) != 0).then(pl.lit(name)) for i, name in enumerate(self.names)]
        if any(_UNIT_SEPARATOR in name for name in self.names):
            built = pl.concat_list(named).list.drop_nulls()
        else:  # joining and splitting texts is much quicker than concat_list
            built = pl.when(m == 0).then(pl.lit([], dtype=pl.List(pl.String))).otherwise(
                pl.concat_str(named, separator=_UNIT_SEPARATOR, ignore_nulls=True).str.split(_UNIT_SEPARATOR))
        lists = distinct.to_frame("m").select(built).to_series()
        return lists.gather(distinct.search_sorted(masks)).alias(masks.name)


class _Lookup(NamedTuple):
    """A term read from a table: ``values[index]`` for each row."""

    at: pl.Expr
    values: list[float]

    def expr(self) -> pl.Expr:
        return _table(self.values, pl.Float64()).gather(self.at)


_Term = float | _Lookup | pl.Expr
_GROUP_SIZE = 4096  # the most entries of a table that adds up several questions


def _sum(terms: Sequence[_Term]) -> pl.Expr:
    """The fold of an indicator's points, in definition order (a float: the same on every row).

    When every partial sum is exact whatever the order (every value is a whole multiple of
    2**-20, and the largest possible total stays below 2**53 of those), the constants are added
    up here, once, and neighbouring lookups share one table of their sums, indexed by their
    indexes together: fewer, cheaper steps, the same bits."""
    scale = 2.0**20
    values = [[t] if isinstance(t, float) else t.values if isinstance(t, _Lookup) else None for t in terms]
    exact = all(v is not None and all(math.isfinite(x) and x >= 0 and (x * scale).is_integer() for x in v)
                for v in values) and math.fsum(max(v) for v in values if v) * scale < 2.0**53
    if not exact:
        return _fold_sum([pl.lit(t) if isinstance(t, float) else t.expr() if isinstance(t, _Lookup) else t
                          for t in terms])
    constant = 0.0
    for t in terms:
        if isinstance(t, float):
            constant += t
    lookups = [t for t in terms if isinstance(t, _Lookup)]
    groups: list[list[_Lookup]] = []
    for t in lookups:
        if groups and math.prod(len(g.values) for g in groups[-1]) * len(t.values) <= _GROUP_SIZE:
            groups[-1].append(t)
        else:
            groups.append([t])
    out = [pl.lit(constant)]
    for group in groups:
        if len(group) == 1:
            out.append(group[0].expr())
            continue
        dtype = _uint(math.prod(len(g.values) for g in group))
        index, table = group[0].at.cast(dtype), group[0].values
        for g in group[1:]:
            index = index * len(g.values) + g.at.cast(dtype)
            table = [a + b for a in table for b in g.values]
        out.append(_Lookup(index, table).expr())
    return _fold_sum(out)


def _number_cmp(value: pl.Expr, op: str, c: float) -> pl.Expr:
    cmp = {"==": value == c, "!=": value != c, "<": value < c, "<=": value <= c, ">": value > c, ">=": value >= c}
    return cmp[op] if op in cmp else _false()


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
    return _with_layout_types(pl.DataFrame(columns, schema=schema), q)


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
    unanswered question an empty field). With ``questionnaire``, columns of the layout get its
    fast types wherever all their values fit (see the module docstring), whatever the format.
    For a large Parquet file, scanning it is quicker (see "Engine" in the module docstring).
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
        frame = _with_layout_types(frame, questionnaire)
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


def _layout_dtypes(q: Questionnaire, names: Iterable[str]) -> dict[str, tuple[pl.DataType, pl.DataType]]:
    """The columns of the layout among ``names``: their fast type and the type of the text form."""
    out: dict[str, tuple[pl.DataType, pl.DataType]] = {}
    plans = q._engine.by_id
    for name in names:
        p = plans.get(name)
        if p is not None and p.kind == SINGLE:
            out[name] = (pl.Enum([oid for oid, _ in p.options] + (["na"] if p.allow_na else [])), pl.String())
        elif p is not None and p.kind == MULTI:
            out[name] = (pl.List(pl.Enum([oid for oid, _ in p.options])), pl.List(pl.String()))
        elif p is not None:
            out[name] = (pl.Float64(),) * 2 if p.kind == NUMBER else (pl.String(),) * 2
        elif name.startswith("na.") and name.removeprefix("na.") in plans:
            out[name] = (pl.Boolean(),) * 2
        elif name.startswith("evidence.") and name.removeprefix("evidence.") in plans:
            out[name] = (pl.Enum(_EVIDENCE), pl.String())
        elif name in ("profile.size", "profile.sector"):
            out[name] = (pl.Enum(_SIZES if name == "profile.size" else _SECTORS), pl.String())
        elif name.startswith("profile.") and name.removeprefix("profile.") in PROFILE_DTYPES:
            out[name] = (PROFILE_DTYPES[name.removeprefix("profile.")],) * 2
    return out


def _with_layout_types(frame: pl.DataFrame, q: Questionnaire) -> pl.DataFrame:
    """``frame`` with the layout's fast types where every value fits them, else the text form
    (which keeps a value the single scorer refuses, for :func:`score_frame` to mark invalid)."""
    columns: list[pl.Series] = []
    for name, (fast, text) in _layout_dtypes(q, frame.columns).items():
        column = frame.get_column(name)
        if column.dtype == fast:
            continue
        if column.dtype != text:
            column = column.cast(text)
        if fast != text:
            with contextlib.suppress(pl.exceptions.InvalidOperationError):  # else a value is outside the categories
                column = column.cast(fast)
        columns.append(column)
    return frame.with_columns(columns) if columns else frame


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
        df.with_columns([pl.col(name).cast(pl.List(pl.String)).list.join(_CSV_LIST_SEPARATOR) for name in lists]).write_csv(path)
