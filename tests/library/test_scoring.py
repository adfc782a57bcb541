"""The scoring method, step by step, with every expected number worked out by hand.

Personas: Siti's micro bakery in Kota Serang, Pak Budi's garment workshop in Kabupaten Tangerang, and
PT Baja Cilegon, a large steel maker that the task force verifies document by document.
"""

from __future__ import annotations

import math

import pytest

YES_NO = 'options = [{ id = "yes", label = "Ya", points = 1 }, { id = "no", label = "Tidak", points = 0 }]'


def one_indicator(*questions: str, head: str = 'id = "main"\ntitle = "Utama"') -> str:
    body = f"\n[[indicators]]\n{head}\n"
    for q in questions:
        body += f"[[indicators.questions]]\n{q}\n"
    return body


# --- 1. applicability ---------------------------------------------------------------------------


def test_a_hidden_indicator_scores_null_with_zero_points_and_is_left_out_of_the_total(load):
    """Siti's bakery has no contractors, so the contractor indicator is hidden and weighs nothing."""
    body = f"""
[[indicators]]
id = "wages"
title = "Upah"
[[indicators.questions]]
id = "min_wage"
type = "single"
text = "Upah minimum?"
{YES_NO}
[[indicators]]
id = "contractors"
title = "Kontraktor"
weight = 5
show_if = 'profile.employees >= 20'
[[indicators.questions]]
id = "contract_terms"
type = "single"
text = "Kontrak tertulis?"
{YES_NO}
"""
    q = load(body)
    a = q.score({"profile": {"employees": 3}, "answers": {"min_wage": "yes", "contract_terms": "no"}})
    assert a.total == 100.0
    assert a.indicators["contractors"].score is None
    assert (a.indicators["contractors"].earned, a.indicators["contractors"].possible) == (0.0, 0.0)
    a = q.score({"profile": {"employees": 25}, "answers": {"min_wage": "yes", "contract_terms": "no"}})
    assert a.total == (100.0 * 1 + 0.0 * 5) / 6


def test_a_question_counts_only_when_its_indicator_and_its_own_condition_hold(load):
    body = one_indicator(
        f'id = "a"\ntype = "single"\ntext = "A"\n{YES_NO}',
        f'id = "b"\ntype = "single"\ntext = "B"\nshow_if = \'a == "yes"\'\n{YES_NO}',
    )
    q = load(body)
    assert q.score({"answers": {"a": "no", "b": "no"}}).indicators["main"].possible == 1.0
    assert q.score({"answers": {"a": "yes", "b": "no"}}).indicators["main"].possible == 2.0


def test_a_question_shown_only_under_a_hidden_question_is_hidden_and_scores_nothing(load):
    """Pak Budi's workshop is "kecil": `night_shift` is for large firms, so `night_pay` below it is hidden too,
    and night_pay's red flag does not count even though an old answer is still there."""
    body = one_indicator(
        f'id = "wages"\ntype = "single"\ntext = "Upah"\n{YES_NO}',
        'id = "night_pay"\ntype = "single"\ntext = "Tunjangan malam?"\nshow_if = \'night_shift == "yes"\'\n'
        'options = [{ id = "yes", label = "Ya", points = 2 }, { id = "no", label = "Tidak", points = 0, cap = "red" }]',
        f'id = "night_shift"\ntype = "single"\ntext = "Ada shift malam?"\nshow_if = \'profile.size == "besar"\'\n{YES_NO}',
    )
    q = load(body)
    answers = {"wages": "yes", "night_shift": "yes", "night_pay": "no"}
    small = q.score({"profile": {"size": "kecil"}, "answers": answers})
    assert (small.total, small.rating, small.caps, small.completeness) == (100.0, "green", (), 1.0)
    large = q.score({"profile": {"size": "besar"}, "answers": answers})
    # wages 1 of 1, night_pay 0 of 2, night_shift 1 of 1: 2 of 4
    assert (large.total, large.rating) == (50.0, "red")
    assert [(c.question, c.option, c.level) for c in large.caps] == [("night_pay", "no", "red")]


# --- 2. na and questions that score nothing -----------------------------------------------------


def test_a_question_answered_na_drops_out_of_the_sums(load):
    body = one_indicator(
        f'id = "a"\ntype = "single"\ntext = "A"\n{YES_NO}',
        'id = "b"\ntype = "single"\ntext = "B"\nallow_na = true\n'
        'options = [{ id = "yes", label = "Ya", points = 3 }, { id = "no", label = "Tidak", points = 0 }]',
    )
    a = load(body).score({"answers": {"a": "yes", "b": "na"}})
    assert (a.indicators["main"].earned, a.indicators["main"].possible, a.total) == (1.0, 1.0, 100.0)
    assert (a.gaps, a.completeness) == ((), 1.0)


def test_an_indicator_answered_all_na_scores_null_zero_of_zero_and_leaves_the_total(load):
    """Siti's bakery has no dormitory: every housing question is na, so housing is not scored at all."""
    body = """
[[indicators]]
id = "wages"
title = "Upah"
[[indicators.questions]]
id = "min_wage"
type = "single"
text = "Upah minimum?"
options = [{ id = "yes", label = "Ya", points = 4 }, { id = "part", label = "Sebagian", points = 1 }]
[[indicators]]
id = "housing"
title = "Asrama"
weight = 3
[[indicators.questions]]
id = "dorm_space"
type = "number"
text = "Luas per orang (m2)"
allow_na = true
bands = [{ min = 4, points = 2 }]
[[indicators.questions]]
id = "dorm_locks"
type = "multi"
text = "Kunci"
allow_na = true
options = [{ id = "door", label = "Pintu", points = 1 }]
"""
    a = load(body).score({"answers": {"min_wage": "part", "dorm_space": "na", "dorm_locks": "na"}})
    assert a.indicators["housing"].score is None
    assert (a.indicators["housing"].earned, a.indicators["housing"].possible) == (0.0, 0.0)
    assert a.total == 25.0  # wages alone: 1 of 4, housing's weight 3 does not count
    assert a.completeness == 1.0
    assert [(g.question, g.impact) for g in a.gaps] == [("min_wage", 75.0)]


def test_text_and_date_questions_score_nothing_but_count_for_completeness(load):
    body = one_indicator(
        f'id = "a"\ntype = "single"\ntext = "A"\n{YES_NO}',
        'id = "note"\ntype = "text"\ntext = "Catatan"',
        'id = "audit_date"\ntype = "date"\ntext = "Tanggal audit"',
    )
    q = load(body)
    a = q.score({"answers": {"a": "yes"}})
    assert (a.indicators["main"].possible, a.total, a.completeness, a.gaps) == (1.0, 100.0, 1 / 3, ())
    a = q.score({"answers": {"a": "yes", "note": "ok", "audit_date": "2026-01-15"}})
    assert (a.indicators["main"].possible, a.total, a.completeness) == (1.0, 100.0, 1.0)


def test_an_indicator_of_only_text_questions_has_no_score(load):
    body = one_indicator('id = "note"\ntype = "text"\ntext = "Catatan"')
    a = load(body).score({"answers": {"note": "semua baik"}})
    assert (a.indicators["main"].score, a.total, a.rating) == (None, None, None)


# --- 3. points ----------------------------------------------------------------------------------


def test_single_possible_is_the_best_option_and_earned_the_chosen_one(load):
    body = one_indicator('id = "s"\ntype = "single"\ntext = "S"\noptions = [{ id = "low", label = "L", points = 1 }, '
                         '{ id = "high", label = "H", points = 5 }, { id = "mid", label = "M", points = 2 }]')
    a = load(body).score({"answers": {"s": "mid"}})
    assert (a.indicators["main"].earned, a.indicators["main"].possible, a.total) == (2.0, 5.0, 40.0)


MULTI = one_indicator(
    'id = "grievance"\ntype = "multi"\ntext = "Saluran pengaduan"\nmax_points = 3\n'
    'options = [{ id = "box", label = "Kotak saran", points = 2, advice = { id = "Pasang kotak", en = "Install a box" } },'
    ' { id = "hotline", label = "Hotline", points = 2, advice = { id = "Buka hotline", en = "Open a hotline" } },'
    ' { id = "union", label = "Serikat", points = 1, advice = { id = "Libatkan serikat", en = "Involve the union" } },'
    ' { id = "none", label = "Tidak ada", points = 0, advice = "-" }]'
)


@pytest.mark.parametrize(("chosen", "earned"), [
    ([], 0.0), (["union"], 1.0), (["box"], 2.0), (["box", "union"], 3.0), (["box", "hotline"], 3.0),
    (["box", "hotline", "union"], 3.0),
])
def test_a_multi_question_earns_the_capped_sum_of_its_chosen_options(chosen, earned, load):
    """Possible is 2 + 2 + 1 = 5 capped by max_points 3."""
    a = load(MULTI).score({"answers": {"grievance": chosen}})
    assert (a.indicators["main"].earned, a.indicators["main"].possible) == (earned, 3.0)


def test_a_multi_question_without_max_points_can_earn_the_sum(load):
    a = load(MULTI.replace("max_points = 3\n", "")).score({"answers": {"grievance": ["box", "hotline", "union"]}})
    assert (a.indicators["main"].earned, a.indicators["main"].possible, a.total) == (5.0, 5.0, 100.0)


NUMBER = one_indicator(
    'id = "local_hires"\ntype = "number"\ntext = "Persen pekerja lokal"\n'
    "bands = [{ max = 10, points = 1 }, { min = 10, max = 50, points = 2 }, { min = 60, points = 4 }]"
)


@pytest.mark.parametrize(("value", "earned"), [
    (-1e300, 1.0),  # no min: from minus infinity
    (9.999, 1.0),
    (10, 2.0),  # half-open: 10 belongs to [10, 50), not to [.., 10)
    (49.99, 2.0),
    (50, 0.0),  # [50, 60) is in no band
    (59.9, 0.0),
    (60, 4.0),
    (1e300, 4.0),  # no max: to plus infinity
])
def test_a_number_earns_the_points_of_the_half_open_band_containing_it(value, earned, load):
    a = load(NUMBER).score({"answers": {"local_hires": value}})
    assert (a.indicators["main"].earned, a.indicators["main"].possible) == (earned, 4.0)


@pytest.mark.parametrize("required", ["true", "false"])
def test_an_unanswered_question_earns_zero_of_its_possible_required_or_not(required, load):
    body = one_indicator(
        f'id = "a"\ntype = "single"\ntext = "A"\n{YES_NO}',
        f'id = "b"\ntype = "single"\ntext = "B"\nrequired = {required}\n'
        'options = [{ id = "yes", label = "Ya", points = 3 }]',
    )
    a = load(body).score({"answers": {"a": "yes"}})
    assert (a.indicators["main"].earned, a.indicators["main"].possible, a.total) == (1.0, 4.0, 25.0)
    assert [(g.question, g.reason, g.impact) for g in a.gaps] == [("b", "unanswered", 75.0)]
    assert a.completeness == (0.5 if required == "true" else 1.0)


# --- 4. evidence --------------------------------------------------------------------------------

EVIDENCE = """
[rating]
evidence_factor = 0.25
bands = [{ level = "green", min = 80 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]
""", one_indicator(
    'id = "hr_policy"\ntype = "single"\ntext = "Kebijakan HAM tertulis?"\nevidence = "required"\n'
    'options = [{ id = "yes", label = "Ya", points = 4 }, { id = "draft", label = "Draf", points = 2 },'
    ' { id = "outsourced", label = "Dari induk", points = 2, cap = "yellow" },'
    ' { id = "no", label = "Tidak", points = 0, cap = "red" }]',
    'id = "grievance"\ntype = "single"\ntext = "Ada mekanisme pengaduan?"\n'
    'options = [{ id = "yes", label = "Ya", points = 4 }, { id = "no", label = "Tidak", points = 0 }]',
)


def score_evidence(load, answer: str, status: str | None, mode: str):
    rating, body = EVIDENCE
    doc = {"answers": {"hr_policy": answer, "grievance": "yes"}, "evidence": {}}
    if status is not None:
        doc["evidence"]["hr_policy"] = status
    return load(body, rating=rating).score(doc, mode=mode)


@pytest.mark.parametrize(("mode", "status", "earned", "total"), [
    ("self", "provided", 8.0, 100.0),
    ("self", "verified", 8.0, 100.0),
    ("self", "rejected", 4.0, 50.0),
    ("self", None, 5.0, 62.5),  # 4 x evidence_factor 0.25 + 4
    ("verified", "provided", 4.0, 50.0),
    ("verified", "verified", 8.0, 100.0),
    ("verified", "rejected", 4.0, 50.0),
    ("verified", None, 4.0, 50.0),
])
def test_required_evidence_multiplies_earned_by_its_credit_in_each_mode(mode, status, earned, total, load):
    """PT Baja Cilegon's written policy: in self mode declared evidence counts, in verified mode only verified."""
    a = score_evidence(load, "yes", status, mode)
    assert (a.mode, a.indicators["main"].earned, a.total) == (mode, earned, total)
    gaps = [(g.question, g.reason, g.impact) for g in a.gaps]
    assert gaps == ([] if earned == 8.0 else [("hr_policy", "evidence", 100.0 - total)])


def test_missing_evidence_on_a_partial_answer_keeps_the_factor_and_the_reason_is_the_answer(load):
    a = score_evidence(load, "draft", None, "self")
    assert (a.indicators["main"].earned, a.total) == (4.5, 56.25)  # 2 x 0.25 + 4 of 8
    assert [(g.question, g.reason, g.impact) for g in a.gaps] == [("hr_policy", "answer", 43.75)]


@pytest.mark.parametrize("mode", ["self", "verified"])
def test_an_answer_earning_nothing_has_no_evidence_effect(mode, load):
    a = score_evidence(load, "no", None, mode)
    assert (a.indicators["main"].earned, a.total) == (4.0, 50.0)
    assert [(g.question, g.reason) for g in a.gaps] == [("hr_policy", "answer")]


@pytest.mark.parametrize(("mode", "status", "total"), [
    ("self", "verified", 75.0), ("self", "rejected", 50.0), ("self", None, 56.25), ("verified", None, 50.0),
])
def test_caps_do_not_depend_on_evidence(mode, status, total, load):
    """The policy comes from the parent company: capped at yellow whatever the evidence says."""
    a = score_evidence(load, "outsourced", status, mode)
    assert (a.total, a.rating) == (total, "yellow")
    assert [(c.question, c.option, c.level) for c in a.caps] == [("hr_policy", "outsourced", "yellow")]


def test_optional_evidence_never_changes_points(load):
    rating, body = EVIDENCE
    body = body.replace('evidence = "required"', 'evidence = "optional"')
    q = load(body, rating=rating)
    for mode in ("self", "verified"):
        a = q.score({"answers": {"hr_policy": "yes", "grievance": "yes"}, "evidence": {"hr_policy": "rejected"}},
                    mode=mode)
        assert a.total == 100.0


def test_the_default_mode_is_self(load):
    assert score_evidence(load, "yes", None, "self") == load(EVIDENCE[1], rating=EVIDENCE[0]).score(
        {"answers": {"hr_policy": "yes", "grievance": "yes"}})


# --- 5, 6. indicator scores and the weighted total ----------------------------------------------

TWO = """
[[indicators]]
id = "policy"
title = "Kebijakan"
weight = 3
[[indicators.questions]]
id = "a1"
type = "single"
text = "A1"
options = [{ id = "full", label = "Penuh", points = 4 }, { id = "some", label = "Sebagian", points = 1 }]
[[indicators.questions]]
id = "a2"
type = "single"
text = "A2"
options = [{ id = "full", label = "Penuh", points = 4 }, { id = "some", label = "Sebagian", points = 1 }]
[[indicators]]
id = "remedy"
title = "Pemulihan"
[[indicators.questions]]
id = "b1"
type = "single"
text = "B1"
options = [{ id = "full", label = "Penuh", points = 4 }, { id = "none", label = "Tidak", points = 0 }]
[[indicators]]
id = "dormitory"
title = "Asrama"
weight = 10
show_if = 'profile.employees >= 100'
[[indicators.questions]]
id = "c1"
type = "single"
text = "C1"
options = [{ id = "full", label = "Penuh", points = 4 }]
"""


def test_indicator_score_and_weighted_total_over_scored_indicators(load):
    """policy 5 of 8 = 62.5 (weight 3), remedy 0 of 4 = 0 (weight 1), dormitory hidden (weight 10 ignored).

    Total = (62.5 x 3 + 0 x 1) / 4 = 46.875.
    """
    a = load(TWO).score({"profile": {"employees": 12}, "answers": {"a1": "some", "a2": "full", "b1": "none"}})
    assert {k: (v.score, v.earned, v.possible) for k, v in a.indicators.items()} == {
        "policy": (62.5, 5.0, 8.0),
        "remedy": (0.0, 0.0, 4.0),
        "dormitory": (None, 0.0, 0.0),
    }
    assert (a.total, a.rating) == (46.875, "red")


def test_gap_impact_is_the_total_gained_by_full_credit(load):
    """a1: (4 - 1) / 8 x 100 x 3 / 4 = 28.125; b1: (4 - 0) / 4 x 100 x 1 / 4 = 25 (weights of scored indicators)."""
    a = load(TWO).score({"profile": {"employees": 12}, "answers": {"a1": "some", "a2": "full", "b1": "none"}})
    assert [(g.question, g.indicator, g.impact, g.reason) for g in a.gaps] == [
        ("a1", "policy", 28.125, "answer"),
        ("b1", "remedy", 25.0, "answer"),
    ]
    assert a.total + sum(g.impact for g in a.gaps) == 100.0


def test_no_total_when_no_indicator_has_a_score(load):
    indicators = load(TWO).score({"profile": {"employees": 12}, "answers": {}}).indicators
    assert indicators["policy"].score == 0.0  # unanswered questions still count: a score of 0, not none
    body = one_indicator('id = "a"\ntype = "single"\ntext = "A"\nallow_na = true\n' + YES_NO)
    assert load(body).score({"answers": {"a": "na"}}).total is None


# --- 7. rating ----------------------------------------------------------------------------------

BANDS = """
[rating]
bands = [{ level = "green", min = 80, min_indicator = 50 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]
"""


@pytest.mark.parametrize(("earned", "rating"), [
    ((80, 20), "green"), ((79, 21), "yellow"), ((50, 50), "yellow"), ((49, 51), "red"), ((0, 100), "red"),
])
def test_the_rating_is_the_first_band_whose_min_the_total_reaches(earned, rating, load):
    """Exact band boundaries: a total of exactly 80 is green and exactly 50 is yellow."""
    good, bad = earned
    body = one_indicator(
        f'id = "a"\ntype = "single"\ntext = "A"\noptions = [{{ id = "y", label = "Y", points = {good} }}, '
        f'{{ id = "n", label = "N", points = 0 }}]',
        f'id = "b"\ntype = "single"\ntext = "B"\noptions = [{{ id = "y", label = "Y", points = {bad} }}, '
        f'{{ id = "n", label = "N", points = 0 }}]',
    )
    a = load(body, rating=BANDS).score({"answers": {"a": "y", "b": "n"}})
    assert (a.total, a.rating) == (float(good), rating)


def test_min_indicator_keeps_a_high_total_out_of_the_band(load):
    """Total 85 reaches green's min 80, but one indicator scores 40 < 50: yellow."""
    body = """
[[indicators]]
id = "strong"
title = "Kuat"
weight = 3
[[indicators.questions]]
id = "s"
type = "single"
text = "S"
options = [{ id = "y", label = "Y", points = 1 }]
[[indicators]]
id = "weak"
title = "Lemah"
[[indicators.questions]]
id = "w"
type = "single"
text = "W"
options = [{ id = "y", label = "Y", points = 5 }, { id = "p", label = "P", points = 2 }, { id = "q", label = "Q", points = 2.5 }]
"""
    q = load(body, rating=BANDS)
    a = q.score({"answers": {"s": "y", "w": "p"}})
    assert (a.total, a.indicators["weak"].score, a.rating) == (85.0, 40.0, "yellow")
    a = q.score({"answers": {"s": "y", "w": "q"}})  # exactly 50: the limit is reached
    assert (a.total, a.indicators["weak"].score, a.rating) == (87.5, 50.0, "green")


CAPS = one_indicator(
    f'id = "wages"\ntype = "single"\ntext = "Upah"\n{YES_NO}',
    'id = "child_labour"\ntype = "single"\ntext = "Pekerja anak?"\n'
    'options = [{ id = "no", label = "Tidak", points = 1 }, { id = "yes", label = "Ya", points = 0, cap = "red" }]',
    'id = "ppe"\ntype = "multi"\ntext = "APD"\n'
    'options = [{ id = "helmet", label = "Helm", points = 1 }, { id = "none", label = "Tidak ada", points = 0, cap = "yellow" },'
    ' { id = "shared", label = "Bergantian", points = 0, cap = "yellow" }]',
    'id = "forced_overtime"\ntype = "single"\ntext = "Lembur paksa?"\nshow_if = \'profile.size == "besar"\'\n'
    'options = [{ id = "no", label = "Tidak", points = 1 }, { id = "yes", label = "Ya", points = 0, cap = "red" }]',
)


def test_a_cap_lowers_the_rating_to_its_level(load):
    a = load(CAPS).score({"answers": {"wages": "yes", "child_labour": "no", "ppe": ["helmet", "none"]}})
    assert (a.total, a.rating) == (100.0, "yellow")
    assert [(c.question, c.option, c.level) for c in a.caps] == [("ppe", "none", "yellow")]


def test_the_worst_cap_wins_and_every_triggered_cap_is_listed_in_definition_order(load):
    a = load(CAPS).score({"answers": {"wages": "yes", "child_labour": "yes", "ppe": ["shared", "helmet", "none"]}})
    assert (a.total, a.rating) == (200 / 3, "red")
    assert [(c.question, c.option, c.level) for c in a.caps] == [
        ("child_labour", "yes", "red"), ("ppe", "none", "yellow"), ("ppe", "shared", "yellow"),
    ]


def test_a_cap_never_raises_a_rating(load):
    a = load(CAPS).score({"answers": {"wages": "no", "child_labour": "no", "ppe": ["none"]}})
    assert (a.total, a.rating) == (100 / 3, "red")


def test_caps_from_hidden_questions_are_ignored(load):
    """Pak Budi's kept answer to forced_overtime (for large firms only) does not cap his small workshop."""
    answers = {"wages": "yes", "child_labour": "no", "ppe": ["helmet"], "forced_overtime": "yes"}
    small = load(CAPS).score({"profile": {"size": "kecil"}, "answers": answers})
    assert (small.total, small.rating, small.caps) == (100.0, "green", ())
    large = load(CAPS).score({"profile": {"size": "besar"}, "answers": answers})
    assert (large.total, large.rating) == (75.0, "red")


def test_with_no_total_the_worst_cap_is_the_rating(load):
    body = one_indicator(
        'id = "child_labour"\ntype = "single"\ntext = "Pekerja anak?"\n'
        'options = [{ id = "no", label = "Tidak", points = 0 }, { id = "yes", label = "Ya", points = 0, cap = "red" }]',
        'id = "note"\ntype = "text"\ntext = "Catatan"\nrequired = false',
    )
    q = load(body)
    a = q.score({"answers": {"child_labour": "yes"}})
    assert (a.total, a.rating, a.indicators["main"].score) == (None, "red", None)
    a = q.score({"answers": {"child_labour": "no"}})
    assert (a.total, a.rating) == (None, None)


# --- 8. completeness ----------------------------------------------------------------------------


def test_completeness_is_answered_over_applicable_required_questions(load):
    body = one_indicator(
        f'id = "q1"\ntype = "single"\ntext = "1"\n{YES_NO}',
        f'id = "q2"\ntype = "single"\ntext = "2"\n{YES_NO}',
        f'id = "q3"\ntype = "single"\ntext = "3"\nrequired = false\n{YES_NO}',
        f'id = "q4"\ntype = "single"\ntext = "4"\nallow_na = true\n{YES_NO}',
        f'id = "q5"\ntype = "single"\ntext = "5"\nshow_if = \'profile.size == "besar"\'\n{YES_NO}',
        'id = "q6"\ntype = "text"\ntext = "6"',
        'id = "q7"\ntype = "multi"\ntext = "7"\noptions = [{ id = "x", label = "X", points = 1 }]',
    )
    # required and applicable: q1, q2, q4, q6, q7; answered: q1, q4 (na), q6, q7 (empty list)
    a = load(body).score({"answers": {"q1": "no", "q4": "na", "q6": "ok", "q7": [], "q5": "yes"}})
    assert a.completeness == 4 / 5


def test_completeness_is_one_when_no_required_question_applies(load):
    body = one_indicator(f'id = "q1"\ntype = "single"\ntext = "1"\nrequired = false\n{YES_NO}',
                         f'id = "q2"\ntype = "single"\ntext = "2"\nshow_if = \'answered(q1)\'\n{YES_NO}')
    a = load(body).score({})
    assert (a.completeness, a.total) == (1.0, 0.0)


# --- 9. gaps ------------------------------------------------------------------------------------


def test_gap_advice_is_the_chosen_single_options_in_the_requested_language(load):
    body = one_indicator(
        'id = "policy"\ntype = "single"\ntext = "Kebijakan?"\n'
        'options = [{ id = "yes", label = "Ya", points = 2, advice = "tidak dipakai" },'
        ' { id = "draft", label = "Draf", points = 1, advice = { id = "Sahkan draf", en = "Adopt the draft" } },'
        ' { id = "no", label = "Tidak", points = 0, advice = { id = "Tulis kebijakan", en = "Write a policy" } }]',
    )
    q = load(body)
    assert q.score({"answers": {"policy": "draft"}}).gaps[0].advice == ("Sahkan draf",)  # first language
    assert q.score({"answers": {"policy": "draft"}}, lang="en").gaps[0].advice == ("Adopt the draft",)
    assert q.score({"answers": {"policy": "no"}}, lang="en").gaps[0].advice == ("Write a policy",)
    assert q.score({}).gaps[0].advice == ()  # unanswered: nothing chosen, no option's advice


def test_gap_advice_of_a_multi_is_its_unchosen_options_with_points(load):
    q = load(MULTI)
    gap = q.score({"answers": {"grievance": ["union"]}}, lang="en").gaps[0]
    # (3 - 1) / 3 x 100, in the method's order of operations
    assert (gap.impact, gap.reason, gap.advice) == (2 / 3 * 100, "answer", ("Install a box", "Open a hotline"))
    gap = q.score({"answers": {"grievance": ["none"]}}, lang="id").gaps[0]
    assert gap.advice == ("Pasang kotak", "Buka hotline", "Libatkan serikat")
    # Unanswered: nothing is chosen, so every option with points is unchosen and gives its advice
    # (an unanswered single has no chosen option and so no advice).
    gap = q.score({}, lang="en").gaps[0]
    assert (gap.reason, gap.advice) == ("unanswered", ("Install a box", "Open a hotline", "Involve the union"))


def test_a_multi_at_its_cap_has_no_gap(load):
    assert load(MULTI).score({"answers": {"grievance": ["box", "union"]}}).gaps == ()


def test_gaps_are_ordered_by_impact_then_question_id_in_plain_string_order(load):
    body = one_indicator(
        f'id = "b9"\ntype = "single"\ntext = "9"\n{YES_NO}',
        f'id = "b10"\ntype = "single"\ntext = "10"\n{YES_NO}',
        'id = "B"\ntype = "single"\ntext = "B"\noptions = [{ id = "yes", label = "Ya", points = 2 }]',
        f'id = "a"\ntype = "single"\ntext = "a"\n{YES_NO}',
    )
    a = load(body).score({"answers": {"a": "yes"}})
    assert [(g.question, g.impact) for g in a.gaps] == [("B", 40.0), ("b10", 20.0), ("b9", 20.0)]


def test_gaps_whose_impacts_differ_by_rounding_noise_are_ordered_by_id(load):
    """zz's possible is 0.1 + 0.2 = 0.30000000000000004 and aa's is 0.3, so unrounded zz's impact is 50.0 and
    aa's 49.999999999999986; rounded to 6 places they are equal, and aa comes first by id."""
    body = one_indicator(
        'id = "zz"\ntype = "multi"\ntext = "Z"\n'
        'options = [{ id = "p", label = "P", points = 0.1 }, { id = "q", label = "Q", points = 0.2 }]',
        'id = "aa"\ntype = "single"\ntext = "A"\noptions = [{ id = "y", label = "Y", points = 0.3 }]',
    )
    gaps = load(body).score({}).gaps
    assert [(g.question, g.impact) for g in gaps] == [("aa", 49.999999999999986), ("zz", 50.0)]


# --- 10. floating point -------------------------------------------------------------------------

NEARLY_80 = one_indicator(
    'id = "q1"\ntype = "single"\ntext = "1"\n'
    'options = [{ id = "yes", label = "Ya", points = 0.7 }, { id = "no", label = "Tidak", points = 0 }]',
    'id = "q2"\ntype = "single"\ntext = "2"\n'
    'options = [{ id = "full", label = "Penuh", points = 3.8 }, { id = "part", label = "Sebagian", points = 2.9 }]',
)


def test_a_total_one_ulp_below_a_band_limit_rates_as_the_limit(load):
    """0.7 + 2.9 of 0.7 + 3.8 is 79.99999999999999 in float64: it rates green, like 80."""
    a = load(NEARLY_80).score({"answers": {"q1": "yes", "q2": "part"}})
    assert a.total == 79.99999999999999 == math.nextafter(80.0, 0.0)  # reported unrounded
    assert a.rating == "green"


def test_an_indicator_one_ulp_below_min_indicator_reaches_it(load):
    other = """
[[indicators]]
id = "other"
title = "Lain"
[[indicators.questions]]
id = "o"
type = "single"
text = "O"
options = [{ id = "y", label = "Y", points = 1 }]
"""
    rating = """
[rating]
bands = [{ level = "green", min = 80, min_indicator = 80 }, { level = "red", min = 0 }]
"""
    a = load(NEARLY_80 + other, rating=rating).score({"answers": {"q1": "yes", "q2": "part", "o": "y"}})
    assert a.indicators["main"].score == math.nextafter(80.0, 0.0)
    assert a.rating == "green"


@pytest.mark.parametrize(("earned", "rating"), [(799999996, "green"), (799999994, "yellow")])
def test_scores_are_compared_after_rounding_to_six_decimal_places(earned, rating, load):
    """79.9999996 rounds to 80.0 (green); 79.9999994 rounds to 79.999999 (yellow)."""
    body = one_indicator(
        'id = "q"\ntype = "single"\ntext = "Q"\n'
        f'options = [{{ id = "full", label = "F", points = 1000000000 }}, {{ id = "x", label = "X", points = {earned} }}]'
    )
    a = load(body).score({"answers": {"q": "x"}})
    assert a.total == 100.0 * earned / 1000000000
    assert a.rating == rating
