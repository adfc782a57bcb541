"""Server-rendered SVG bar chart of the total and indicator scores (accessible, printable, no script)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

import hamscore
from webapp.i18n import Catalogue

__all__ = ["score_chart"]

_ROW = 28
_LABEL = 260
_BAR = 360


def score_chart(view: Any, *, lang: str, catalogue: Catalogue) -> Markup:
    """One bar per scored indicator plus the total; last year's score as a tick where there is one."""
    assessment = view.assessment
    previous = (view.previous or {}).get("indicators", {})
    rows: list[tuple[str, float | None, float | None, bool]] = [
        (catalogue.text(lang, "result.total"), assessment["total"], (view.previous or {}).get("total"), True)
    ]
    for ind in view.questionnaire.indicators:
        score = assessment["indicators"].get(ind.id, {}).get("score")
        before = previous.get(ind.id, {}).get("score") if previous else None
        rows.append((hamscore.text(ind.title, lang), score, before, False))
    height = _ROW * len(rows) + 30
    width = _LABEL + _BAR + 60
    title = catalogue.text(lang, "result.chart_title")
    parts = [
        (
            f'<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {width} {height}" '
            'width="100%" xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for tick in (0, 50, 100):
        x = _LABEL + _BAR * tick / 100
        parts.append(f'<line class="grid" x1="{x}" y1="0" x2="{x}" y2="{height - 24}"/>')
        parts.append(f'<text class="axis" x="{x}" y="{height - 8}" text-anchor="middle">{tick}</text>')
    for i, (label, score, before, total) in enumerate(rows):
        y = i * _ROW + 4
        parts.append(
            f'<text class="label{" total" if total else ""}" x="{_LABEL - 8}" y="{y + 15}" '
            f'text-anchor="end">{escape(label[:40])}</text>'
        )
        if score is None:
            parts.append(f'<text class="value" x="{_LABEL + 4}" y="{y + 15}">–</text>')
            continue
        length = _BAR * max(0.0, min(100.0, score)) / 100
        parts.append(
            f'<rect class="bar{" total" if total else ""}" x="{_LABEL}" y="{y}" width="{length:.1f}" '
            f'height="{_ROW - 8}"><title>{escape(label)}: {score:.1f}</title></rect>'
        )
        parts.append(f'<text class="value" x="{_LABEL + length + 6:.1f}" y="{y + 15}">{score:.0f}</text>')
        if before is not None:
            x = _LABEL + _BAR * max(0.0, min(100.0, before)) / 100
            parts.append(
                f'<line class="previous" x1="{x:.1f}" y1="{y - 2}" x2="{x:.1f}" y2="{y + _ROW - 6}">'
                f"<title>{escape(str(view.previous_cycle))}: {before:.1f}</title></line>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
