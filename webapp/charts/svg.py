"""Server-rendered SVG charts: accessible (a title, a description, a title on every mark, a data table
next to each chart in the page), printable (no script, no external fonts), escaped throughout."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup, escape

__all__ = ["bars", "heat_map", "stacked_bars"]

COLOURS = {"green": "#2e7d32", "yellow": "#e0a800", "red": "#c62828", "none": "#9aa5b1"}
_LABEL = 200
_WIDTH = 420
_ROW = 26


def _open(chart_id: str, title: str, desc: str, width: float, height: float) -> list[str]:
    return [
        (
            f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {width:.0f} '
            f'{height:.0f}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    rows: Mapping[str, Mapping[str, int]],
    *,
    label: Callable[[str], str],
    level_label: Callable[[str], str],
    shares: bool = True,
) -> Markup:
    """One horizontal bar per group, split by rating level; bars show shares (each group's 100%)."""
    height = _ROW * max(1, len(rows)) + 40
    width = _LABEL + _WIDTH + 70
    parts = _open(chart_id, title, desc, width, height)
    biggest = max((sum(c.values()) for c in rows.values()), default=0) or 1
    for i, (group, counts) in enumerate(rows.items()):
        y = i * _ROW + 4
        total = sum(counts.values())
        parts.append(
            f'<text class="label" x="{_LABEL - 8}" y="{y + 15}" text-anchor="end">{escape(label(group)[:32])}</text>'
        )
        x = float(_LABEL)
        for level, n in counts.items():
            if not n:
                continue
            w = _WIDTH * n / (total if shares else biggest)
            pct = 100 * n / total if total else 0
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{_ROW - 8}" fill="{COLOURS.get(level, "#777")}">'
                f"<title>{escape(label(group))}: {escape(level_label(level))} {n} ({pct:.0f}%)</title></rect>"
            )
            x += w
        parts.append(f'<text class="value" x="{x + 6:.1f}" y="{y + 15}">{total}</text>')
    # Legend.
    lx = float(_LABEL)
    ly = height - 14
    for level, colour in COLOURS.items():
        parts.append(f'<rect x="{lx:.0f}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text class="axis" x="{lx + 14:.0f}" y="{ly}">{escape(level_label(level))}</text>')
        lx += 100
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(chart_id: str, title: str, desc: str, values: Sequence[tuple[str, float]]) -> Markup:
    height = _ROW * max(1, len(values)) + 10
    width = _LABEL + _WIDTH + 70
    parts = _open(chart_id, title, desc, width, height)
    biggest = max((v for _, v in values), default=0) or 1
    for i, (name, value) in enumerate(values):
        y = i * _ROW + 4
        w = _WIDTH * value / biggest
        parts.append(
            f'<text class="label" x="{_LABEL - 8}" y="{y + 15}" text-anchor="end">{escape(name)}</text>'
        )
        parts.append(
            f'<rect class="bar" x="{_LABEL}" y="{y}" width="{w:.1f}" height="{_ROW - 8}">'
            f"<title>{escape(name)}: {value:.0f}</title></rect>"
        )
        parts.append(f'<text class="value" x="{_LABEL + w + 6:.1f}" y="{y + 15}">{value:.0f}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _heat_colour(score: float) -> str:
    """Red (0) through yellow (50) to green (100), readable in greyscale print by the number in the cell."""
    score = max(0.0, min(100.0, score))
    if score < 50:
        r, g = 198, int(40 + (168 - 40) * score / 50)
    else:
        r, g = int(198 - (198 - 46) * (score - 50) / 50), int(168 - (168 - 125) * (score - 50) / 50)
    return f"#{r:02x}{g:02x}32"


def heat_map(
    chart_id: str,
    title: str,
    desc: str,
    rows: Mapping[str, Mapping[str, float]],
    columns: Sequence[tuple[str, str]],
    *,
    row_label: Callable[[str], str],
) -> Markup:
    """Sectors (rows) × indicators (columns), each cell the mean score, written in the cell too."""
    cell_w, cell_h, top, left = 54, 26, 120, 90
    width = left + cell_w * max(1, len(columns)) + 10
    height = top + cell_h * max(1, len(rows)) + 10
    parts = _open(chart_id, title, desc, width, height)
    for j, (_, name) in enumerate(columns):
        x = left + j * cell_w + cell_w / 2
        parts.append(
            f'<text class="axis" transform="translate({x:.0f},{top - 6}) rotate(-50)">{escape(name[:22])}</text>'
        )
    for i, (group, cells) in enumerate(rows.items()):
        y = top + i * cell_h
        parts.append(
            f'<text class="label" x="{left - 6}" y="{y + 17}" text-anchor="end">{escape(row_label(group)[:20])}</text>'
        )
        for j, (key, name) in enumerate(columns):
            x = left + j * cell_w
            score = cells.get(key)
            if score is None:
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="#eef0f3"/>'
                )
                continue
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{_heat_colour(score)}">'
                f"<title>{escape(row_label(group))} · {escape(name)}: {score:.1f}</title></rect>"
            )
            parts.append(
                f'<text class="cell" x="{x + cell_w / 2 - 1:.0f}" y="{y + 17}" text-anchor="middle">{score:.0f}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
