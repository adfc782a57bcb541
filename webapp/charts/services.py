"""The numbers behind the task force's charts, all scoped to the reviewer's region in the query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import case, func, select

from webapp.db import Database
from webapp.db.models import Company, Cycle, Submission
from webapp.db.taskforce import RankingRow
from webapp.ranking.scope import Scope

__all__ = ["ChartData", "chart_data"]

LEVELS = ("green", "yellow", "red", "none")


@dataclass
class ChartData:
    cycle: Cycle | None
    # {group: {level: count}} for regencies and sectors.
    by_regency: dict[str, dict[str, int]] = field(default_factory=dict)
    by_sector: dict[str, dict[str, int]] = field(default_factory=dict)
    # {sector: {indicator: mean score}} and the number of scores behind each mean.
    heat: dict[str, dict[str, float]] = field(default_factory=dict)
    heat_n: dict[str, int] = field(default_factory=dict)
    # registered, in progress, submitted, verified.
    participation: dict[str, int] = field(default_factory=dict)
    # [(cycle name, {level: count}, mean total)] oldest first.
    trend: list[tuple[str, dict[str, int], float | None]] = field(default_factory=list)


def _levels(counts: dict[str | None, int]) -> dict[str, int]:
    out = dict.fromkeys(LEVELS, 0)
    for level, n in counts.items():
        out[level if level in LEVELS else "none"] += n
    return out


def chart_data(db: Database, scope: Scope, cycle: Cycle | None, all_cycles: list[Cycle]) -> ChartData:
    data = ChartData(cycle=cycle)
    with db.read() as s:
        registered = s.scalar(select(func.count()).select_from(Company).where(scope.companies())) or 0
        data.participation = {"registered": registered, "in_progress": 0, "submitted": 0, "verified": 0}
        if cycle is None:
            return data
        # The rating that counts: the task force's once verified, else the company's own.
        effective = case(
            (RankingRow.status == "verified", RankingRow.verified_rating), else_=RankingRow.rating
        )
        regency: dict[str, dict[str | None, int]] = defaultdict(dict)
        for code, rating, n in s.execute(
            select(RankingRow.regency, effective, func.count())
            .where(RankingRow.cycle_id == cycle.id, scope.rows())
            .group_by(RankingRow.regency, effective)
        ):
            regency[code][rating] = n
        data.by_regency = {code: _levels(c) for code, c in sorted(regency.items())}
        sector: dict[str, dict[str | None, int]] = defaultdict(dict)
        for letter, rating, n in s.execute(
            select(RankingRow.sector, effective, func.count())
            .where(RankingRow.cycle_id == cycle.id, scope.rows())
            .group_by(RankingRow.sector, effective)
        ):
            sector[letter][rating] = n
        data.by_sector = {letter: _levels(c) for letter, c in sorted(sector.items())}

        sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
        counts: dict[str, int] = defaultdict(int)
        for letter, raw in s.execute(
            select(RankingRow.sector, RankingRow.indicators).where(
                RankingRow.cycle_id == cycle.id, scope.rows()
            )
        ):
            counts[letter] += 1
            scores: dict[str, Any] = msgspec.json.decode(raw)
            for indicator, score in scores.items():
                if score is not None:
                    cell = sums[letter][indicator]
                    cell[0] += score
                    cell[1] += 1
        data.heat = {
            letter: {ind: total / n for ind, (total, n) in cells.items() if n}
            for letter, cells in sorted(sums.items())
        }
        data.heat_n = dict(counts)

        statuses = dict(
            s.execute(
                select(Submission.status, func.count())
                .join(Company, Company.id == Submission.company_id)
                .where(Submission.cycle_id == cycle.id, scope.companies())
                .group_by(Submission.status)
            ).all()
        )
        data.participation.update(
            in_progress=statuses.get("draft", 0) + statuses.get("returned", 0),
            submitted=statuses.get("submitted", 0),
            verified=statuses.get("verified", 0),
        )

        for old in sorted(all_cycles, key=lambda c: c.opens_on):
            per: dict[str | None, int] = {}
            for rating, n in s.execute(
                select(effective, func.count())
                .where(RankingRow.cycle_id == old.id, scope.rows())
                .group_by(effective)
            ):
                per[rating] = n
            mean = s.scalar(
                select(func.avg(RankingRow.total)).where(RankingRow.cycle_id == old.id, scope.rows())
            )
            data.trend.append((old.name, _levels(per), None if mean is None else float(mean)))
    return data
