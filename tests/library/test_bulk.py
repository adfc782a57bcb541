"""Bulk scoring with polars: the layout, exactness against the single scorer, ranking and files."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hamscore
from hamscore import AnswerError
from hamscore.bulk import frame_from_documents, rank_frame, read_frame, score_frame, write_frame
from tests.strategies import documents, questionnaires

BODY = """
[[indicators]]
id = "policy"
title = "Kebijakan"
[[indicators.questions]]
id = "has_policy"
type = "single"
text = "Apakah ada kebijakan HAM?"
allow_na = true
options = [{ id = "ya", label = "Ya", points = 2 }, { id = "tidak", label = "Tidak", points = 0, cap = "red" }]
[[indicators.questions]]
id = "topics"
type = "multi"
text = "Topik apa yang dicakup?"
show_if = 'has_policy == "ya"'
max_points = 2
evidence = "required"
options = [{ id = "labour", label = "Buruh", points = 1 }, { id = "land", label = "Tanah", points = 1 },
           { id = "water", label = "Air", points = 1 }]

[[indicators]]
id = "workers"
title = "Pekerja"
weight = 2
[[indicators.questions]]
id = "wage_gap"
type = "number"
text = "Selisih upah (%)"
allow_na = true
bands = [{ max = 5, points = 2 }, { min = 5, max = 20, points = 1 }, { min = 20, points = 0 }]
[[indicators.questions]]
id = "audited_on"
type = "date"
text = "Tanggal audit"
required = false
"""


@pytest.fixture
def q(load):
    return load(BODY)


def single_scorer_row(q, doc, mode="self"):
    """What the single scorer says about ``doc``, in the columns score_frame adds."""
    try:
        a = q.score(doc, mode=mode)
    except AnswerError:
        return {**{f"score.{ind.id}": None for ind in q.indicators}, "total": None, "rating": None,
                "completeness": None, "caps": None, "valid": False}
    return {**{f"score.{key}": s.score for key, s in a.indicators.items()}, "total": a.total, "rating": a.rating,
            "completeness": a.completeness, "caps": [f"{c.question}:{c.option}:{c.level}" for c in a.caps],
            "valid": True}


def as_text(frame):
    """The frame with its answers as text: String and List(String) where it has Enum columns."""
    return frame.with_columns(
        pl.col(name).cast(pl.List(pl.String) if isinstance(dtype, pl.List) else pl.String)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Enum) or (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Enum)))


def bulk_rows(q, docs, mode="self", *, text=False):
    frame = frame_from_documents(q, docs)
    scored = score_frame(q, as_text(frame) if text else frame, mode=mode)
    added = [f"score.{ind.id}" for ind in q.indicators] + ["total", "rating", "completeness", "caps", "valid"]
    return scored.select(added).to_dicts()


# --- the layout ----------------------------------------------------------------------------


def test_it_scores_a_frame_in_the_documented_layout(q):
    frame = pl.DataFrame(
        {
            "company": ["PT Maju", "CV Kecil"],
            "has_policy": ["ya", "tidak"],
            "topics": [["labour", "land", "water"], None],
            "evidence.topics": ["verified", None],
            "wage_gap": [3.0, None],
            "na.wage_gap": [False, True],
            "audited_on": ["2026-03-31", None],
            "profile.size": ["besar", "mikro"],
        }
    )

    scored = score_frame(q, frame)

    assert scored.columns[:8] == frame.columns, "input columns pass through, in order"
    assert scored.columns[8:] == ["score.policy", "score.workers", "total", "rating", "completeness", "caps", "valid"]
    assert scored.row(0, named=True) | {} == {
        **frame.row(0, named=True),
        "score.policy": 100.0, "score.workers": 100.0, "total": 100.0, "rating": "green",
        "completeness": 1.0, "caps": [], "valid": True,
    }
    cv = scored.row(1, named=True)
    assert (cv["score.policy"], cv["score.workers"], cv["rating"], cv["caps"]) == (
        0.0, None, "red", ["has_policy:tidak:red"])


def test_documents_become_enum_columns_unless_a_value_is_outside_them(q):
    doc = {"answers": {"has_policy": "ya", "topics": ["labour"]}, "evidence": {"topics": "provided"},
           "profile": {"size": "kecil", "sector": "C"}}
    frame = frame_from_documents(q, [doc])
    assert frame.schema["has_policy"] == pl.Enum(["ya", "tidak", "na"]), "na is a category where it is allowed"
    assert frame.schema["topics"] == pl.List(pl.Enum(["labour", "land", "water"]))
    assert frame.schema["evidence.topics"] == pl.Enum(["provided", "verified", "rejected"])
    assert frame.schema["profile.size"] == pl.Enum(["mikro", "kecil", "menengah", "besar"])
    assert frame.schema["profile.sector"] == pl.Enum(list("ABCDEFGHIJKLMNOPQRSTU"))
    odd = frame_from_documents(q, [{"answers": {"has_policy": "mungkin", "topics": ["labour", "sea"]}}])
    assert (odd.schema["has_policy"], odd.schema["topics"]) == (pl.String, pl.List(pl.String))
    assert score_frame(q, odd)["valid"].to_list() == [False]


def test_it_returns_a_lazy_frame_for_a_lazy_frame(q):
    lazy = pl.LazyFrame({"has_policy": ["ya"]})
    scored = score_frame(q, lazy)
    assert isinstance(scored, pl.LazyFrame)
    assert scored.collect(engine="in-memory")["valid"].to_list() == [True]


def test_a_missing_column_means_unanswered(q):
    scored = score_frame(q, pl.DataFrame({"company": ["PT Kosong"]}))
    assert scored.select("total", "rating", "completeness").row(0) == (0.0, "red", 0.0)


def test_rows_the_single_scorer_refuses_are_invalid_with_null_scores(q):
    docs = [{"answers": {"has_policy": "mungkin"}}, {"answers": {"topics": ["labour", "labour"]}},
            {"answers": {"wage_gap": math.nan}}, {"answers": {"audited_on": "2026-02-30"}},
            {"profile": {"province": "3"}}, {"evidence": {"topics": "lost"}}, {"answers": {"has_policy": "ya"}}]
    rows = bulk_rows(q, docs)
    assert [row["valid"] for row in rows] == [False] * 6 + [True]
    assert all(row["total"] is None and row["rating"] is None and row["caps"] is None for row in rows[:6])


def test_na_on_a_multi_or_number_question_is_a_boolean_column(q):
    frame = frame_from_documents(q, [{"answers": {"wage_gap": "na", "has_policy": "na"}}])
    assert frame.select("wage_gap", "na.wage_gap", "has_policy").row(0) == (None, True, "na")
    assert score_frame(q, frame)["score.workers"].to_list() == [None], "an all-na indicator has no score"


def test_a_row_with_both_na_and_an_answer_is_invalid(q):
    frame = pl.DataFrame({"wage_gap": [3.0], "na.wage_gap": [True]})
    assert score_frame(q, frame)["valid"].to_list() == [False]


def test_a_string_column_for_a_multi_question_is_refused_with_a_hint(q):
    with pytest.raises(TypeError, match="read_frame"):
        score_frame(q, pl.DataFrame({"topics": ["labour;land"]}))


def test_documents_the_layout_cannot_hold_are_refused_naming_them(q):
    with pytest.raises(ValueError, match=r"document 1: answers.wage_gap"):
        frame_from_documents(q, [{}, {"answers": {"wage_gap": "lima"}}])
    with pytest.raises(ValueError, match="document 0: answers: no question 'nope'"):
        frame_from_documents(q, [{"answers": {"nope": 1}}])


def test_evidence_counts_by_mode(q):
    docs = [{"answers": {"has_policy": "ya", "topics": ["labour"]}, "evidence": {"topics": status}}
            for status in (None, "provided", "verified", "rejected")]
    self_scores = [row["score.policy"] for row in bulk_rows(q, docs, mode="self")]
    verified_scores = [row["score.policy"] for row in bulk_rows(q, docs, mode="verified")]
    assert self_scores == [62.5, 75.0, 75.0, 50.0]
    assert verified_scores == [50.0, 50.0, 75.0, 50.0]


# --- exactness -----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_bulk_scores_equal_the_single_scorer_for_every_row(data):
    q = data.draw(questionnaires(), label="questionnaire")
    docs = data.draw(st.lists(documents(q), min_size=1, max_size=12), label="documents")
    for mode in ("self", "verified"):
        expected = [single_scorer_row(q, doc, mode) for doc in docs]
        assert bulk_rows(q, docs, mode) == expected
        assert bulk_rows(q, docs, mode, text=True) == expected, "answers given as text score the same"


def test_sums_keep_the_single_scorers_order_of_additions(load):
    # 1e16 + 1 + 1 is 1e16 added left to right, but 1e16 + 2 added right to left.
    body = "[[indicators]]\nid = 'big'\ntitle = 'Big'\n" + "".join(
        f"[[indicators.questions]]\nid = 'q{k}'\ntype = 'single'\ntext = 'Q'\n"
        f"options = [{{ id = 'a', label = 'A', points = {pts} }}, {{ id = 'b', label = 'B', points = 3e16 }}]\n"
        for k, pts in enumerate(("1e16", "1", "1")))
    big = load(body)
    doc = {"answers": {"q0": "a", "q1": "a", "q2": "a"}}
    assert bulk_rows(big, [doc]) == [single_scorer_row(big, doc)]


def test_band_limits_compare_after_pythons_rounding_to_six_places(load):
    # 100 * 6999999999999999 / 1e16 is 69.99999999999999: yellow at 70 once rounded.
    body = """
[[indicators]]
id = "edge"
title = "Edge"
[[indicators.questions]]
id = "q"
type = "single"
text = "Q"
options = [{ id = "a", label = "A", points = 0.6999999999999999 }, { id = "full", label = "Full", points = 1 }]
"""
    edge = load(body, rating='[rating]\nbands = [{ level = "yellow", min = 69.999999 + 0.000001 }, '
                             '{ level = "red", min = 0 }]\n'.replace("69.999999 + 0.000001", "70"))
    doc = {"answers": {"q": "a"}}
    (row,) = bulk_rows(edge, [doc])
    assert row["total"] == pytest.approx(70)
    assert row["total"] < 70
    assert row["rating"] == single_scorer_row(edge, doc)["rating"] == "yellow"


def test_polars_round_differs_from_pythons_so_bulk_scoring_does_not_use_it():
    x = 944.6850865  # its binary value is a little above the half-way point
    assert round(x, 6) == 944.685087
    assert pl.Series([x]).round(6).item() != round(x, 6)


# --- ranking -------------------------------------------------------------------------------


def test_rank_puts_the_highest_risk_first_and_ties_share_a_rank():
    scored = pl.DataFrame({"company": ["A", "B", "C", "D", "E", "F"],
                           "rating": ["green", "red", "yellow", "yellow", None, "red"],
                           "total": [90.0, 70.0, 55.0, 55.0000000001, None, None]})
    ranked = rank_frame(scored)
    assert dict(zip(ranked["company"], ranked["rank"], strict=True)) == {
        "F": 1, "B": 2, "C": 3, "D": 3, "A": 5, "E": 6}


def test_rank_agrees_with_the_single_ranking(q):
    docs = [{"answers": {"has_policy": p, "wage_gap": g}} for p in ("ya", "tidak", None) for g in (1.0, 10.0, None)]
    scored = score_frame(q, frame_from_documents(q, docs))
    assert rank_frame(scored)["rank"].to_list() == hamscore.rank([q.score(d) for d in docs])


def test_rank_knows_other_levels_when_told():
    scored = pl.DataFrame({"rating": ["baik", "buruk"], "total": [90.0, 10.0]})
    assert rank_frame(scored, levels=["baik", "buruk"])["rank"].to_list() == [2, 1]
    with pytest.raises(pl.exceptions.InvalidOperationError):
        rank_frame(scored)


# --- files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_answers_survive_a_round_trip_through_a_file(q, tmp_path, suffix):
    docs = [{"answers": {"has_policy": "ya", "topics": ["labour", "land"], "wage_gap": 3}, "evidence": {"topics": "provided"},
             "profile": {"size": "kecil", "employees": 12, "province": "36"}},
            {"answers": {"has_policy": "na", "topics": [], "wage_gap": "na", "audited_on": "2026-03-31"}},
            {}]
    frame = frame_from_documents(q, docs)
    path = tmp_path / f"answers{suffix}"
    write_frame(frame, path)
    back = read_frame(path, questionnaire=q)
    assert back.select(frame.columns).equals(frame)
    assert score_frame(q, back).equals(score_frame(q, frame))


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_scored_and_ranked_frames_survive_a_round_trip(q, tmp_path, suffix):
    docs = [{"answers": {"has_policy": "tidak"}}, {"answers": {"has_policy": "ya", "wage_gap": 1}}, {"answers": {"has_policy": "?"}}]
    ranked = rank_frame(score_frame(q, frame_from_documents(q, docs)))
    path = tmp_path / f"ranked{suffix}"
    write_frame(ranked, path)
    back = read_frame(path)
    added = ["score.policy", "score.workers", "total", "rating", "completeness", "caps", "valid", "rank"]
    assert back.select(added).to_dicts() == ranked.select(added).to_dicts()


def test_an_unknown_file_type_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.xlsx"):
        read_frame(tmp_path / "answers.xlsx")


def test_a_score_divided_by_points_that_are_the_same_on_every_row_is_still_exact(load):
    # polars' in-memory engine would compute 10 / 3 as 10 * (1 / 3) for a constant divisor.
    body = """
[[indicators]]
id = "third"
title = "Third"
[[indicators.questions]]
id = "q"
type = "single"
text = "Q"
options = [{ id = "a", label = "A", points = 0.1 }, { id = "full", label = "Full", points = 3 }]
"""
    third = load(body)
    doc = {"answers": {"q": "a"}}
    assert bulk_rows(third, [doc, doc]) == [single_scorer_row(third, doc)] * 2
    assert single_scorer_row(third, doc)["total"] == 10.0 / 3.0


@pytest.mark.parametrize("n_options", [11, 61])
def test_a_multi_question_with_many_options_scores_like_the_single_scorer(load, n_options):
    # Up to ten options a multi's points come from a table, up to sixty from bits, beyond from the list.
    options = ", ".join(f"{{ id = 'o{k}', label = 'O', points = {k % 4 / 3}"
                        + (", cap = 'red'" if k in (2, n_options - 1) else "") + " }" for k in range(n_options))
    many = load(f"[[indicators]]\nid = 'many'\ntitle = 'Many'\n[[indicators.questions]]\nid = 'm'\ntype = 'multi'\n"
                f"text = 'M'\nmax_points = 7\noptions = [{options}]\n"
                f"[[indicators.questions]]\nid = 'after'\ntype = 'single'\ntext = 'A'\nshow_if = '\"o{n_options - 1}\" in m'\n"
                f"options = [{{ id = 'a', label = 'A', points = 1 }}]\n")
    docs = [{"answers": {"m": [f"o{k}" for k in chosen], "after": "a"}}
            for chosen in ([], [0], [1, 2], list(range(0, n_options, 3)), [n_options - 1, 5], [4, 4], [1, 7, 9, 10])]
    docs += [{"answers": {"m": ["o1", "zzz"]}}, {"answers": {"m": "na"}}, {}]
    for text in (False, True):
        assert bulk_rows(many, docs, text=text) == [single_scorer_row(many, doc) for doc in docs]


def test_the_streaming_engine_scores_a_lazy_frame_like_the_in_memory_one(q):
    docs = [{"answers": {"has_policy": p, "topics": t, "wage_gap": g}, "evidence": {"topics": "verified"}}
            for p in ("ya", "tidak", None) for t in (["labour", "land"], [], None) for g in (1.0, 10.0, "na")]
    lazy = frame_from_documents(q, docs).lazy()
    streamed = score_frame(q, lazy).collect(engine="streaming")
    assert streamed.equals(score_frame(q, lazy).collect(engine="in-memory"))
    assert streamed.select("total", "rating").rows() == [(s.total, s.rating) for s in map(q.score, docs)]


def test_points_that_add_up_exactly_in_any_order_score_like_the_single_scorer(load):
    # Quarter points sum exactly in any order, so bulk scoring adds several questions in one table.
    body = "[[indicators]]\nid = 'many'\ntitle = 'Many'\n" + "".join(
        f"[[indicators.questions]]\nid = 'q{k}'\ntype = 'single'\ntext = 'Q'\nallow_na = {str(k % 3 == 0).lower()}\n"
        f"evidence = '{'required' if k % 2 else 'none'}'\n"
        f"options = [{{ id = 'a', label = 'A', points = {k / 4} }}, {{ id = 'b', label = 'B', points = 3 }}, "
        f"{{ id = 'c', label = 'C', points = 0 }}]\n" for k in range(9))
    many = load(body)
    def answer(k, j):
        return "na" if k % 3 == 0 and j % 4 == 1 else ("a", "b", "c", None)[(k * j) % 4]

    docs = [{"answers": {f"q{k}": answer(k, j) for k in range(9) if answer(k, j) is not None},
             "evidence": {f"q{k}": ("provided", "rejected", None)[(k + j) % 3] for k in range(1, 9, 2)}}
            for j in range(12)]
    assert all(row["valid"] for row in bulk_rows(many, docs))
    for mode in ("self", "verified"):
        assert bulk_rows(many, docs, mode) == [single_scorer_row(many, doc, mode) for doc in docs]
