"""The ranking table: the region's submissions for a cycle, ranked by the library's order, filtered,
searched, sorted and paginated in one indexed query on the read model.

The rank is the company's place in the reviewer's whole region for the cycle (competition rank over
the ranking key); filters narrow the rows shown but do not renumber them, so "rank 3" means the same on
every filtered view of a region.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import msgspec
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from webapp.accounts.services import SECTORS, SIZES
from webapp.db import Database
from webapp.db.models import Cycle
from webapp.db.taskforce import RankingRow
from webapp.ranking.scope import Scope

__all__ = [
    "COLUMNS",
    "RATINGS",
    "SORTS",
    "STATUSES",
    "Filters",
    "Page",
    "band",
    "cycles",
    "parse_filters",
    "ranked_rows",
    "ranking_page",
    "ranking_query",
    "ranks",
    "resolve_cycle",
]

PER_PAGE = 25
RATINGS = ("green", "yellow", "red", "none")
STATUSES = ("submitted", "returned", "verified")
SORTS = ("rank", "name", "regency", "sector", "size", "total", "verified", "completeness", "change", "status")


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    """What the URL of a ranking view may say. Anything else in the query string is ignored, and a value
    outside its list (or a regency outside the reviewer's region) is dropped: filters only ever narrow."""

    cycle: int | None = None
    regency: str = ""
    sector: str = ""
    size: str = ""
    rating: str = ""
    status: str = ""
    q: str = ""
    sort: str = "rank"
    dir: str = "asc"
    page: int = 1

    def params(self, **changes: Any) -> dict[str, str]:
        """The query-string parameters of this view (defaults left out), with ``changes`` applied."""
        values = msgspec.structs.asdict(msgspec.structs.replace(self, **changes))
        defaults = msgspec.structs.asdict(Filters())
        return {k: str(v) for k, v in values.items() if v is not None and v != defaults[k]}

    def url(self, path: str, **changes: Any) -> str:
        params = self.params(**changes)
        return f"{path}?{urlencode(params)}" if params else path


def _one(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def parse_filters(data: Mapping[str, Any], scope: Scope) -> Filters:
    def pick(name: str, allowed: tuple[str, ...] | list[str]) -> str:
        value = _one(data, name)
        return value if value in allowed else ""

    def number(name: str) -> int | None:
        value = _one(data, name)
        return int(value) if value.isdigit() and len(value) < 10 else None

    sort = pick("sort", SORTS) or "rank"
    return Filters(
        cycle=number("cycle"),
        regency=pick("regency", [code for code, _ in scope.regencies()]),
        sector=pick("sector", SECTORS),
        size=pick("size", SIZES),
        rating=pick("rating", RATINGS),
        status=pick("status", STATUSES),
        q=_one(data, "q")[:100],
        sort=sort,
        dir="desc" if _one(data, "dir") == "desc" else "asc",
        page=max(1, number("page") or 1),
    )


def band(total: float | None) -> str:
    """The 10-point band of a total, e.g. ``60–70`` (100 falls in ``90–100``)."""
    if total is None:
        return "–"
    low = min(90, max(0, math.floor(total / 10.0) * 10))
    return f"{low}–{low + 10}"


def cycles(db: Database) -> list[Cycle]:
    with db.read() as s:
        return list(s.scalars(select(Cycle).order_by(Cycle.opens_on.desc())))


def resolve_cycle(all_cycles: list[Cycle], cycle_id: int | None) -> Cycle | None:
    """The requested cycle, else the latest one."""
    if cycle_id is not None:
        for cycle in all_cycles:
            if cycle.id == cycle_id:
                return cycle
    return all_cycles[0] if all_cycles else None


def _conditions(scope: Scope, filters: Filters, cycle_id: int) -> list[Any]:
    conds: list[Any] = [RankingRow.cycle_id == cycle_id, scope.rows()]
    if filters.regency:
        conds.append(RankingRow.regency == filters.regency)
    if filters.sector:
        conds.append(RankingRow.sector == filters.sector)
    if filters.size:
        conds.append(RankingRow.size == filters.size)
    if filters.rating == "none":
        conds.append(RankingRow.rating.is_(None))
    elif filters.rating:
        conds.append(RankingRow.rating == filters.rating)
    if filters.status:
        conds.append(RankingRow.status == filters.status)
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conds.append(RankingRow.name.ilike(f"%{escaped}%", escape="\\"))
    return conds


_SORT_COLUMNS: dict[str, Any] = {
    "rank": RankingRow.priority,
    "name": RankingRow.name,
    "regency": RankingRow.regency,
    "sector": RankingRow.sector,
    "size": RankingRow.size,
    "total": RankingRow.total,
    "verified": RankingRow.verified_total,
    "completeness": RankingRow.completeness,
    "change": RankingRow.total - RankingRow.previous_total,
    "status": RankingRow.status,
}

# Columns of a ranking row as the table, the exports and the API give them, in this order.
COLUMNS = (
    "rank",
    "submission_id",
    "company",
    "province",
    "regency",
    "sector",
    "size",
    "status",
    "rating",
    "total",
    "band",
    "verified_rating",
    "verified_total",
    "completeness",
    "previous_total",
    "change",
)


def ranking_query(scope: Scope, filters: Filters, cycle_id: int) -> Select[Any]:
    """SELECT of the filtered rows, sorted; no LIMIT and no rank (see ``ranked_rows``).

    Every column read here is in the scope's covering index (migration tf02), so a page never visits the
    table itself.
    """
    column = _SORT_COLUMNS[filters.sort]
    order = column.desc() if filters.dir == "desc" else column.asc()
    return (
        select(
            RankingRow.bucket,
            RankingRow.priority,
            RankingRow.submission_id,
            RankingRow.name.label("company"),
            RankingRow.province,
            RankingRow.regency,
            RankingRow.sector,
            RankingRow.size,
            RankingRow.status,
            RankingRow.rating,
            RankingRow.total,
            RankingRow.verified_rating,
            RankingRow.verified_total,
            RankingRow.completeness,
            RankingRow.previous_total,
        )
        .where(*_conditions(scope, filters, cycle_id))
        # bucket, priority is the rank order (bucket = floor(priority)), and the covering index's order.
        .order_by(
            order.nulls_last(),
            RankingRow.bucket,
            RankingRow.priority,
            RankingRow.name,
            RankingRow.submission_id,
        )
    )


def ranks(
    s: Session, scope: Scope, cycle_id: int, keys: list[tuple[int, float]], *, many: int = 100
) -> dict[tuple[int, float], int]:
    """Competition ranks in the whole region (not the filtered view) for (bucket, priority) keys.

    rank = 1 + the number of the region's rows with a smaller key. For a page (a few keys) that is one
    histogram over the ~300 buckets plus one read of the keys' own buckets; for an export (many keys) it
    is one ordered read of the region's keys. Both are index-only, and a binary search does the rest.
    """
    region = [RankingRow.cycle_id == cycle_id, scope.rows()]
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    if len(wanted) > many:
        ordered = list(
            s.scalars(
                select(RankingRow.priority).where(*region).order_by(RankingRow.bucket, RankingRow.priority)
            )
        )
        return {key: bisect.bisect_left(ordered, key[1]) + 1 for key in wanted}
    histogram = s.execute(
        select(RankingRow.bucket, func.count())
        .where(*region)
        .group_by(RankingRow.bucket)
        .order_by(RankingRow.bucket)
    ).all()
    below: dict[int, int] = {}
    running = 0
    for bucket, count in histogram:
        below[bucket] = running
        running += count
    # The priorities in the keys' own buckets (a few hundred), read in one go, then counted here.
    buckets = sorted({bucket for bucket, _ in wanted})
    inside: dict[int, list[float]] = {}
    for bucket, priority in s.execute(
        select(RankingRow.bucket, RankingRow.priority)
        .where(*region, RankingRow.bucket.in_(buckets))
        .order_by(RankingRow.bucket, RankingRow.priority)
    ):
        inside.setdefault(bucket, []).append(priority)
    return {
        (bucket, priority): below.get(bucket, running) + bisect.bisect_left(inside.get(bucket, []), priority) + 1
        for bucket, priority in wanted
    }


def ranked_rows(
    s: Session, scope: Scope, filters: Filters, cycle_id: int, *, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """The filtered, sorted rows (``COLUMNS``), each with its rank in the region."""
    query = ranking_query(scope, filters, cycle_id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    result = s.execute(query).all()
    rank_of = ranks(s, scope, cycle_id, [(r.bucket, r.priority) for r in result])
    return [row_dict(r, rank_of[(r.bucket, r.priority)]) for r in result]


def row_dict(row: Any, rank: int) -> dict[str, Any]:
    """One result row of ``ranking_query`` as the exports and the API give it (see ``COLUMNS``)."""
    change = (
        None if row.total is None or row.previous_total is None else round(row.total - row.previous_total, 2)
    )
    return {
        "rank": rank,
        "submission_id": row.submission_id,
        "company": row.company,
        "province": row.province,
        "regency": row.regency,
        "sector": row.sector,
        "size": row.size,
        "status": row.status,
        "rating": row.rating,
        "total": row.total,
        "band": band(row.total) if row.total is not None else None,
        "verified_rating": row.verified_rating,
        "verified_total": row.verified_total,
        "completeness": row.completeness,
        "previous_total": row.previous_total,
        "change": change,
    }


@dataclass
class Page:
    filters: Filters
    cycle: Cycle | None
    cycles: list[Cycle]
    rows: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))


def ranking_page(db: Database, scope: Scope, filters: Filters, *, per_page: int = PER_PAGE) -> Page:
    all_cycles = cycles(db)
    cycle = resolve_cycle(all_cycles, filters.cycle)
    if cycle is None:
        return Page(filters=filters, cycle=None, cycles=all_cycles)
    filters = msgspec.structs.replace(filters, cycle=cycle.id)
    with db.read() as s:
        count = (
            s.scalar(
                select(func.count()).select_from(RankingRow).where(*_conditions(scope, filters, cycle.id))
            )
            or 0
        )
        last_page = max(1, math.ceil(count / per_page))
        page_no = min(filters.page, last_page)
        filters = msgspec.structs.replace(filters, page=page_no)
        rows = ranked_rows(s, scope, filters, cycle.id, limit=per_page, offset=(page_no - 1) * per_page)
    return Page(
        filters=filters,
        cycle=cycle,
        cycles=all_cycles,
        rows=rows,
        count=count,
        per_page=per_page,
    )
