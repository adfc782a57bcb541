"""The task force's charts page: rating distribution, indicator heat map, participation, trend."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery

import hamscore
from webapp.charts import svg
from webapp.charts.services import chart_data
from webapp.ranking import services as ranking
from webapp.ranking.scope import scope_of
from webapp.regions import regions
from webapp.web import CurrentUser, ctx_of, render

__all__ = ["ROUTES"]


@get("/taskforce/charts", sync_to_thread=True)
def charts(request: Request, current: CurrentUser, cycle: FromQuery[str] = "") -> Response[str]:
    scope = scope_of(current)
    ctx = ctx_of(request)
    lang = current.lang

    def t(key: str, **values: object) -> str:
        return ctx.catalogue.text(lang, key, **values)

    all_cycles = ranking.cycles(ctx.db)
    chosen = ranking.resolve_cycle(all_cycles, int(cycle) if cycle.isdigit() and len(cycle) < 10 else None)
    data = chart_data(ctx.db, scope, chosen, all_cycles)
    region_name = scope.label() or t("reviewer.national")

    def level_label(level: str) -> str:
        return t(f"rating.{level}")

    columns: list[tuple[str, str]] = []
    if chosen is not None:
        q = ctx.questionnaires.get(chosen.definition_id)
        columns = [(ind.id, hamscore.text(ind.title, lang)) for ind in q.indicators]
    names = regions()
    charts_html: dict[str, Any] = {
        "regency": svg.stacked_bars(
            "chart-regency",
            t("charts.by_regency"),
            t("charts.by_regency_desc", region=region_name),
            data.by_regency,
            label=lambda code: names.name(code) if code else t("charts.no_regency"),
            level_label=level_label,
        ),
        "sector": svg.stacked_bars(
            "chart-sector",
            t("charts.by_sector"),
            t("charts.by_sector_desc", region=region_name),
            data.by_sector,
            label=lambda letter: f"{t('field.sector')} {letter}",
            level_label=level_label,
        ),
        "heat": svg.heat_map(
            "chart-heat",
            t("charts.heat"),
            t("charts.heat_desc", region=region_name),
            data.heat,
            columns,
            row_label=lambda letter: f"{letter} (n={data.heat_n.get(letter, 0)})",
        ),
        "participation": svg.bars(
            "chart-participation",
            t("charts.participation"),
            t("charts.participation_desc", region=region_name),
            [(t(f"charts.part.{k}"), float(v)) for k, v in data.participation.items()],
        ),
        "trend": svg.stacked_bars(
            "chart-trend",
            t("charts.trend"),
            t("charts.trend_desc", region=region_name),
            {name: counts for name, counts, _ in data.trend},
            label=lambda name: name,
            level_label=level_label,
        ),
    }
    return render(
        request,
        current,
        "taskforce/charts.html",
        {
            "data": data,
            "charts": charts_html,
            "cycles": all_cycles,
            "chosen": chosen,
            "scope": scope,
            "columns": columns,
            "levels": ("green", "yellow", "red", "none"),
        },
        fragment="charts",
    )


ROUTES = [charts]
