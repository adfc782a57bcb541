"""Ranking companies by risk: rank 1 needs attention first."""

from __future__ import annotations

from collections.abc import Sequence

from hamscore.assessment import Assessment

__all__ = ["rank", "rank_key"]


def rank_key(rating_index: int | None, total: float | None) -> tuple[int, int, float]:
    """Sort key: rated before unrated, worst rating first, then lowest total first.

    ``rating_index`` is the band's position in the definition (0 = best); totals are compared
    after rounding to 6 places, like every other comparison of scores.
    """
    if rating_index is None:
        return (1, 0, 0.0)
    return (0, -rating_index, round(total, 6) if total is not None else -1.0)


def rank(assessments: Sequence[Assessment], *, levels: Sequence[str] = ("green", "yellow", "red")) -> list[int]:
    """Competition ranks (1, 2, 2, 4) for assessments, in their input order.

    ``levels`` lists the rating levels best to worst (the questionnaire's bands); pass
    ``[b.level for b in q.definition.rating.bands]`` for a questionnaire with other levels.

    >>> from hamscore.assessment import Assessment
    >>> def a(rating, total):
    ...     return Assessment(questionnaire="q", version="1", digest="", mode="self", total=total,
    ...                       rating=rating, completeness=1.0, indicators={}, caps=(), gaps=())
    >>> rank([a("green", 90.0), a("red", 70.0), a("yellow", 55.0), a("yellow", 55.0), a(None, None)])
    [4, 1, 2, 2, 5]
    """
    index = {level: i for i, level in enumerate(levels)}
    keys = []
    for item in assessments:
        if item.rating is not None and item.rating not in index:
            raise ValueError(f"rating {item.rating!r} is not among levels {list(levels)}; pass levels=")
        keys.append(rank_key(index.get(item.rating) if item.rating is not None else None, item.total))
    return competition_ranks(keys)


def competition_ranks(keys: Sequence[tuple[int, int, float]]) -> list[int]:
    """Rank positions with ties sharing the smallest rank, in input order."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ranks = [0] * len(keys)
    for position, i in enumerate(order):
        if position > 0 and keys[i] == keys[order[position - 1]]:
            ranks[i] = ranks[order[position - 1]]
        else:
            ranks[i] = position + 1
    return ranks
