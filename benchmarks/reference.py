"""A straightforward walk of the method over the definition Structs: the yardstick for speed.

It follows docs/methodology.md step by step, reading the definition each time (conditions are
parsed and interpreted with :func:`hamscore.conditions.evaluate` on every call, options are
found by a linear search). It takes a valid document and returns the figures the method defines;
``tests/library/test_reference.py`` checks that it agrees with ``Questionnaire.score``.
"""

from __future__ import annotations

from typing import Any

from hamscore.conditions import evaluate, parse
from hamscore.model import Definition, MultiQuestion, NumberQuestion, SingleQuestion

__all__ = ["walk"]


def _answered(a: Any) -> bool:
    return a is not None and a != ""


def walk(d: Definition, doc: dict[str, Any], *, mode: str = "self") -> dict[str, Any]:
    """Score ``doc`` by walking ``d``: total, rating, completeness, indicator scores and caps."""
    answers = doc.get("answers") or {}
    evidence = doc.get("evidence") or {}
    profile = doc.get("profile") or {}
    values: dict[str, Any] = {f"profile.{k}": v for k, v in profile.items() if v is not None}
    levels = [band.level for band in d.rating.bands]

    # 1. Applicability, repeated until nothing changes (conditions only read earlier decisions).
    applies: dict[str, bool] = {}
    changed = True
    while changed:
        changed = False
        for ind in d.indicators:
            shown = ind.show_if is None or evaluate(parse(ind.show_if), values)
            for q in ind.questions:
                now = shown and (q.show_if is None or evaluate(parse(q.show_if), values))
                if applies.get(q.id) != now:
                    applies[q.id] = now
                    changed = True
                    if now and _answered(answers.get(q.id)):
                        values[q.id] = answers[q.id]
                    else:
                        values.pop(q.id, None)

    scores: dict[str, float | None] = {}
    caps: list[tuple[str, str, str]] = []
    required = done = 0
    weighted = weight_sum = 0.0
    for ind in d.indicators:
        earned_sum = possible_sum = 0.0
        for q in ind.questions:
            if not applies[q.id]:
                continue
            a = answers.get(q.id)
            if q.required:
                required += 1
                done += _answered(a)
            if not isinstance(q, SingleQuestion | MultiQuestion | NumberQuestion) or a == "na":
                continue
            # 3. Possible and earned points.
            if isinstance(q, SingleQuestion):
                possible = max(o.points for o in q.options)
            elif isinstance(q, MultiQuestion):
                possible = 0.0
                for o in q.options:
                    possible += o.points
                if q.max_points is not None:
                    possible = min(possible, float(q.max_points))
            else:
                possible = max(b.points for b in q.bands)
            raw = 0.0
            if _answered(a) and isinstance(q, SingleQuestion):
                for o in q.options:
                    if o.id == a:
                        raw = o.points
                        if o.cap is not None:
                            caps.append((q.id, o.id, o.cap))
            elif _answered(a) and isinstance(q, MultiQuestion):
                for o in q.options:
                    if o.id in a:
                        raw += o.points
                        if o.cap is not None:
                            caps.append((q.id, o.id, o.cap))
                if q.max_points is not None and raw > q.max_points:
                    raw = float(q.max_points)
            elif _answered(a) and isinstance(q, NumberQuestion):
                for b in q.bands:
                    if (b.min is None or b.min <= a) and (b.max is None or a < b.max):
                        raw = b.points
                        break
            # 4. Evidence.
            earned = raw
            if q.evidence == "required" and raw > 0:
                status = evidence.get(q.id)
                if mode == "verified":
                    earned = raw * (1.0 if status == "verified" else 0.0)
                elif status is None:
                    earned = raw * d.rating.evidence_factor
                else:
                    earned = raw * (0.0 if status == "rejected" else 1.0)
            possible_sum += possible
            earned_sum += earned
        # 5. Indicator score; 6. the weighted mean.
        if possible_sum > 0:
            score = 100.0 * earned_sum / possible_sum
            scores[ind.id] = score
            weighted += score * ind.weight
            weight_sum += ind.weight
        else:
            scores[ind.id] = None
    total = weighted / weight_sum if weight_sum > 0 else None

    # 7. Rating, then caps.
    worst = max((levels.index(level) for _, _, level in caps), default=-1)
    rating: str | None
    if total is None:
        rating = levels[worst] if worst >= 0 else None
    else:
        lowest = min(round(s, 6) for s in scores.values() if s is not None)
        chosen = len(levels) - 1
        for i, band in enumerate(d.rating.bands):
            if round(total, 6) >= band.min and (band.min_indicator is None or lowest >= band.min_indicator):
                chosen = i
                break
        rating = levels[max(chosen, worst)]
    return {"total": total, "rating": rating, "completeness": done / required if required else 1.0,
            "scores": scores, "caps": caps}
