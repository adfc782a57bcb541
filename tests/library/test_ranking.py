"""Ranking companies by risk for the task force: rank 1 needs attention first."""

from __future__ import annotations

import math

import pytest

import hamscore
from hamscore import Assessment


def assessed(rating: str | None, total: float | None, name: str = "q") -> Assessment:
    return Assessment(questionnaire=name, version="1", digest="", mode="self", total=total, rating=rating,
                      completeness=1.0, indicators={}, caps=(), gaps=())


def test_worst_rating_first_then_lowest_total_with_ties_sharing_a_rank():
    """PT Baja Cilegon (red 70), two yellow 55s sharing rank 2, a yellow 60 at rank 4 and a green 90."""
    companies = [assessed("green", 90.0), assessed("red", 70.0), assessed("yellow", 55.0), assessed("yellow", 55.0),
                 assessed("yellow", 60.0)]
    assert hamscore.rank(companies) == [5, 1, 2, 2, 4]


def test_ties_are_competition_ranks_1_2_2_4():
    assert hamscore.rank([assessed("red", 10.0), assessed("red", 20.0), assessed("red", 20.0),
                          assessed("red", 30.0)]) == [1, 2, 2, 4]


def test_unrated_companies_rank_last_and_tie_with_each_other():
    ranks = hamscore.rank([assessed(None, None), assessed("green", 100.0), assessed(None, None)])
    assert ranks == [2, 1, 2]


def test_a_worse_rating_outranks_a_lower_total():
    """A red cap at total 95 needs attention before a yellow company at 51."""
    assert hamscore.rank([assessed("yellow", 51.0), assessed("red", 95.0)]) == [2, 1]


def test_totals_within_rounding_noise_tie():
    assert hamscore.rank([assessed("yellow", 60.0), assessed("yellow", math.nextafter(60.0, 0.0))]) == [1, 1]


def test_a_rating_with_no_total_comes_first_within_its_rating():
    # The contract orders by total ascending but says nothing of a rating without a total (a cap from
    # questions that score nothing). We treat the missing total as the lowest: it ranks first in its band.
    assert hamscore.rank([assessed("red", 0.0), assessed("red", None)]) == [2, 1]


def test_other_level_names_are_passed_best_to_worst():
    levels = ("hijau", "kuning", "merah")
    assert hamscore.rank([assessed("hijau", 90.0), assessed("merah", 90.0)], levels=levels) == [2, 1]


def test_an_unknown_level_is_refused_with_a_hint():
    with pytest.raises(ValueError, match="levels="):
        hamscore.rank([assessed("hijau", 90.0)])


def test_ranking_nothing_gives_nothing():
    assert hamscore.rank([]) == []


def test_levels_is_keyword_only():
    with pytest.raises(TypeError):
        hamscore.rank([], ("green", "red"))  # type: ignore[misc]


def test_ranking_scored_assessments_from_a_questionnaire(load):
    body = """
[[indicators]]
id = "wages"
title = "Upah"
[[indicators.questions]]
id = "min_wage"
type = "single"
text = "Upah minimum?"
options = [{ id = "yes", label = "Ya", points = 4 }, { id = "part", label = "Sebagian", points = 2 },
           { id = "no", label = "Tidak", points = 0, cap = "red" }]
"""
    q = load(body)
    scored = [q.score({"answers": {"min_wage": a}}) for a in ("yes", "no", "part", None)]
    levels = [b.level for b in q.definition.rating.bands]
    assert [a.rating for a in scored] == ["green", "red", "yellow", "red"]
    # "no" and unanswered are both red at total 0: they share rank 1
    assert hamscore.rank(scored, levels=levels) == [4, 1, 3, 1]
