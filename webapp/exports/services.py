"""The filtered ranking as CSV, XLSX or Parquet, scoped to the reviewer's region like the page.

CSV cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) are prefixed with an apostrophe, so a company name such as ``=HYPERLINK(...)`` stays
text. XLSX cells are written as typed values (strings never as formulas).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import polars as pl
from sqlalchemy import select

from webapp.db import Database
from webapp.db.models import Cycle
from webapp.exports.xlsx import write_xlsx
from webapp.ranking.scope import Scope
from webapp.ranking.services import COLUMNS, Filters, ranked_rows

__all__ = ["FORMATS", "export", "neutralise"]

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A CSV cell that no spreadsheet will evaluate.

    >>> neutralise("=1+1"), neutralise("-5"), neutralise("PT Maju"), neutralise(-5.0)
    ("'=1+1", "'-5", 'PT Maju', -5.0)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows(db: Database, scope: Scope, filters: Filters, cycle_id: int) -> list[dict[str, Any]]:
    with db.read() as s:
        return ranked_rows(s, scope, filters, cycle_id)


def export(db: Database, scope: Scope, filters: Filters, fmt: str) -> tuple[bytes, str, int]:
    """The file's bytes, its file name and the number of rows."""
    with db.read() as s:
        cycle = s.get(Cycle, filters.cycle) if filters.cycle is not None else None
        if cycle is None:
            cycle = s.scalar(select(Cycle).order_by(Cycle.opens_on.desc()).limit(1))
    if cycle is None:
        data: list[dict[str, Any]] = []
        name = "ranking"
    else:
        data = rows(db, scope, filters, cycle.id)
        name = f"ranking-{cycle.name}"
    if fmt == "csv":
        body = _csv(data)
    elif fmt == "xlsx":
        body = _xlsx(data)
    else:
        body = _parquet(data)
    return body, f"{_safe(name)}.{fmt}", len(data)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)


def _csv(data: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in data:
        writer.writerow(["" if row[c] is None else neutralise(row[c]) for c in COLUMNS])
    # A byte-order mark so spreadsheet programs read the names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(data: list[dict[str, Any]]) -> bytes:
    return write_xlsx(COLUMNS, ([row[c] for c in COLUMNS] for row in data), sheet="ranking")


_SCHEMA = {
    "rank": pl.Int64,
    "submission_id": pl.Int64,
    "company": pl.String,
    "province": pl.String,
    "regency": pl.String,
    "sector": pl.String,
    "size": pl.String,
    "status": pl.String,
    "rating": pl.String,
    "total": pl.Float64,
    "band": pl.String,
    "verified_rating": pl.String,
    "verified_total": pl.Float64,
    "completeness": pl.Float64,
    "previous_total": pl.Float64,
    "change": pl.Float64,
}


def _parquet(data: list[dict[str, Any]]) -> bytes:
    frame = pl.DataFrame(data, schema=_SCHEMA, orient="row") if data else pl.DataFrame(schema=_SCHEMA)
    out = io.BytesIO()
    frame.write_parquet(out)
    return out.getvalue()
