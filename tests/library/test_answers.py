"""Answers documents: what counts as an answer, and every problem ``validate`` reports.

The persona is Siti's micro bakery in Kota Serang (profile size "mikro", sector "C", regency "36.73"),
answering the wages questions on her phone.
"""

from __future__ import annotations

import math

import pytest

import hamscore
from hamscore import AnswerError, Code

BAKERY = """
[[indicators]]
id = "wages"
title = { id = "Upah", en = "Wages" }
[[indicators.questions]]
id = "min_wage"
type = "single"
text = "Upah minimum dibayar?"
evidence = "required"
options = [{ id = "yes", label = "Ya", points = 2 }, { id = "no", label = "Tidak", points = 0, cap = "red" }]
[[indicators.questions]]
id = "benefits"
type = "multi"
text = "Tunjangan"
allow_na = true
options = [{ id = "bpjs", label = "BPJS", points = 2 }, { id = "thr", label = "THR", points = 1 },
           { id = "cuti", label = "Cuti", points = 1 }]
[[indicators.questions]]
id = "overtime_hours"
type = "number"
text = "Jam lembur per minggu"
allow_na = true
bands = [{ max = 14, points = 2 }, { min = 14, points = 0 }]
[[indicators.questions]]
id = "payday"
type = "date"
text = "Tanggal gajian terakhir"
required = false
allow_na = true
[[indicators.questions]]
id = "remarks"
type = "text"
text = "Catatan"
required = false
allow_na = true
[[indicators.questions]]
id = "shift_pay"
type = "single"
text = "Tunjangan shift malam?"
show_if = 'profile.size != "mikro"'
options = [{ id = "yes", label = "Ya", points = 1 }, { id = "no", label = "Tidak", points = 0 }]
"""

SITI = {"size": "mikro", "sector": "C", "regency": "36.73"}

# (code, document, location, severity)
CASES = [
    pytest.param(Code.INVALID_DOCUMENT, ["min_wage", "yes"], "", "error", id="INVALID_DOCUMENT"),
    pytest.param(Code.UNKNOWN_FIELD, {"answer": {"min_wage": "yes"}}, "answer", "error", id="UNKNOWN_FIELD"),
    pytest.param(Code.QUESTIONNAIRE_MISMATCH, {"questionnaire": "smeta"}, "questionnaire", "error",
                 id="QUESTIONNAIRE_MISMATCH"),
    pytest.param(Code.VERSION_MISMATCH, {"questionnaire": "bham", "version": "2025.2"}, "version", "error",
                 id="VERSION_MISMATCH"),
    pytest.param(Code.INVALID_PROFILE_VALUE, {"profile": {"size": "kecil sekali"}}, "profile.size", "error",
                 id="INVALID_PROFILE_VALUE-size"),
    pytest.param(Code.INVALID_PROFILE_VALUE, {"profile": {"sector": "c"}}, "profile.sector", "error",
                 id="INVALID_PROFILE_VALUE-sector"),
    pytest.param(Code.INVALID_PROFILE_VALUE, {"profile": {"employees": -1}}, "profile.employees", "error",
                 id="INVALID_PROFILE_VALUE-negative-employees"),
    pytest.param(Code.INVALID_PROFILE_VALUE, {"profile": {"employees": 4.5}}, "profile.employees", "error",
                 id="INVALID_PROFILE_VALUE-fractional-employees"),
    pytest.param(Code.INVALID_PROFILE_VALUE, {"profile": {"province": "Banten"}}, "profile.province", "error",
                 id="INVALID_PROFILE_VALUE-province"),
    pytest.param(Code.INVALID_PROFILE_VALUE, {"profile": {"regency": "3673"}}, "profile.regency", "error",
                 id="INVALID_PROFILE_VALUE-regency"),
    pytest.param(Code.UNKNOWN_PROFILE_FIELD, {"profile": {"city": "Serang"}}, "profile.city", "warning",
                 id="UNKNOWN_PROFILE_FIELD-in-answers"),
    pytest.param(Code.UNKNOWN_QUESTION, {"answers": {"min_wages": "yes"}}, "answers.min_wages", "error",
                 id="UNKNOWN_QUESTION-answer"),
    pytest.param(Code.UNKNOWN_QUESTION, {"evidence": {"min_wages": "provided"}}, "evidence.min_wages", "error",
                 id="UNKNOWN_QUESTION-evidence"),
    pytest.param(Code.UNKNOWN_OPTION, {"answers": {"min_wage": "maybe"}}, "answers.min_wage", "error",
                 id="UNKNOWN_OPTION-single"),
    pytest.param(Code.UNKNOWN_OPTION, {"answers": {"benefits": ["bpjs", "pension"]}}, "answers.benefits", "error",
                 id="UNKNOWN_OPTION-multi"),
    pytest.param(Code.UNKNOWN_OPTION, {"answers": {"benefits": ["na"]}}, "answers.benefits", "error",
                 id="UNKNOWN_OPTION-na-in-a-list"),
    pytest.param(Code.WRONG_TYPE, {"answers": {"min_wage": 1}}, "answers.min_wage", "error", id="WRONG_TYPE-single"),
    pytest.param(Code.WRONG_TYPE, {"answers": {"benefits": "bpjs"}}, "answers.benefits", "error",
                 id="WRONG_TYPE-multi-not-a-list"),
    pytest.param(Code.WRONG_TYPE, {"answers": {"benefits": [1]}}, "answers.benefits", "error",
                 id="WRONG_TYPE-multi-item"),
    pytest.param(Code.WRONG_TYPE, {"answers": {"overtime_hours": "12"}}, "answers.overtime_hours", "error",
                 id="WRONG_TYPE-number-as-string"),
    pytest.param(Code.WRONG_TYPE, {"answers": {"overtime_hours": True}}, "answers.overtime_hours", "error",
                 id="WRONG_TYPE-boolean-is-not-a-number"),
    pytest.param(Code.WRONG_TYPE, {"answers": {"remarks": 5}}, "answers.remarks", "error", id="WRONG_TYPE-text"),
    pytest.param(Code.WRONG_TYPE, {"answers": ["min_wage"]}, "answers", "error", id="WRONG_TYPE-answers-section"),
    pytest.param(Code.NOT_FINITE, {"answers": {"overtime_hours": math.nan}}, "answers.overtime_hours", "error",
                 id="NOT_FINITE-nan"),
    pytest.param(Code.NOT_FINITE, {"answers": {"overtime_hours": -math.inf}}, "answers.overtime_hours", "error",
                 id="NOT_FINITE-infinite"),
    pytest.param(Code.NOT_FINITE, {"answers": {"overtime_hours": 10**400}}, "answers.overtime_hours", "error",
                 id="NOT_FINITE-integer-beyond-float64"),
    pytest.param(Code.INVALID_DATE, {"answers": {"payday": "31-03-2026"}}, "answers.payday", "error",
                 id="INVALID_DATE-format"),
    pytest.param(Code.INVALID_DATE, {"answers": {"payday": "2026-02-30"}}, "answers.payday", "error",
                 id="INVALID_DATE-no-such-day"),
    pytest.param(Code.NA_NOT_ALLOWED, {"answers": {"min_wage": "na"}}, "answers.min_wage", "error",
                 id="NA_NOT_ALLOWED"),
    pytest.param(Code.DUPLICATE_CHOICE, {"answers": {"benefits": ["thr", "bpjs", "thr"]}}, "answers.benefits",
                 "error", id="DUPLICATE_CHOICE"),
    pytest.param(Code.INVALID_EVIDENCE_STATUS, {"evidence": {"min_wage": "uploaded"}}, "evidence.min_wage", "error",
                 id="INVALID_EVIDENCE_STATUS"),
    pytest.param(Code.NOT_APPLICABLE, {"profile": SITI, "answers": {"shift_pay": "yes"}}, "answers.shift_pay",
                 "warning", id="NOT_APPLICABLE"),
    pytest.param(Code.EVIDENCE_NOT_EXPECTED, {"evidence": {"overtime_hours": "provided"}}, "evidence.overtime_hours",
                 "warning", id="EVIDENCE_NOT_EXPECTED"),
]


@pytest.mark.parametrize(("code", "doc", "location", "severity"), CASES)
def test_each_answer_problem_has_code_location_message_and_hint(code, doc, location, severity, load, located):
    q = load(BAKERY)
    found = q.validate(doc)
    problem = located(found, code, location)
    assert problem.severity == severity
    if severity == "error":
        with pytest.raises(AnswerError) as raised:
            q.score(doc)
        assert problem in raised.value.problems
        assert str(problem) in str(raised.value)
    else:
        assert [p for p in found if p.is_error] == []
        q.score(doc)  # warnings never stop scoring


def test_validate_returns_every_problem_at_once(load):
    doc = {
        "questionnaire": "bham",
        "version": "2025.2",
        "profile": {"size": "tiny"},
        "answers": {"min_wage": "na", "benefits": ["thr", "thr"], "overtime_hours": math.inf, "nope": 1},
        "evidence": {"min_wage": "uploaded"},
    }
    assert [(p.code.value, p.location) for p in load(BAKERY).validate(doc)] == [
        ("VERSION_MISMATCH", "version"),
        ("INVALID_PROFILE_VALUE", "profile.size"),
        ("NA_NOT_ALLOWED", "answers.min_wage"),
        ("DUPLICATE_CHOICE", "answers.benefits"),
        ("NOT_FINITE", "answers.overtime_hours"),
        ("UNKNOWN_QUESTION", "answers.nope"),
        ("INVALID_EVIDENCE_STATUS", "evidence.min_wage"),
    ]


def test_score_refuses_invalid_answers_with_every_problem_and_no_traceback(load):
    q = load(BAKERY)
    with pytest.raises(AnswerError) as raised:
        q.score({"answers": {"min_wage": "maybe", "overtime_hours": math.nan}})
    assert [(p.code, p.location) for p in raised.value.errors] == [
        (Code.UNKNOWN_OPTION, "answers.min_wage"),
        (Code.NOT_FINITE, "answers.overtime_hours"),
    ]
    assert str(raised.value).startswith("2 problem(s) in the answers:")


@pytest.mark.parametrize("doc", [None, "min_wage=yes", 42, {"answers": {"benefits": [["bpjs"]]}},
                                 {"evidence": {"min_wage": ["provided"]}}, {"profile": {"employees": [1]}}])
def test_garbage_is_refused_as_answer_error_never_a_traceback(doc, load):
    with pytest.raises(AnswerError):
        load(BAKERY).score(doc)


def test_an_invalid_answer_to_a_hidden_question_is_still_refused(load):
    q = load(BAKERY)
    doc = {"profile": SITI, "answers": {"shift_pay": "maybe"}}
    assert [(p.code, p.location) for p in q.validate(doc)] == [(Code.UNKNOWN_OPTION, "answers.shift_pay")]
    with pytest.raises(AnswerError):
        q.score(doc)


# --- what counts as answered -------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["absent", None, ""])
def test_a_question_is_unanswered_when_absent_null_or_empty_string(missing, load):
    q = load(BAKERY)
    answers = {"min_wage": "yes", "benefits": [], "overtime_hours": 10}
    if missing != "absent":
        answers["remarks"] = missing
        answers["min_wage"] = missing
    else:
        del answers["min_wage"]
    doc = {"profile": SITI, "answers": answers, "evidence": {"min_wage": "provided"}}
    assert q.validate(doc) == []
    a = q.score(doc)
    # min_wage unanswered: 0 of 2; benefits none chosen: 0 of 4; overtime 10 h: 2 of 2
    assert (a.indicators["wages"].earned, a.indicators["wages"].possible) == (2.0, 8.0)
    assert a.completeness == 2 / 3
    assert [(g.question, g.reason) for g in a.gaps] == [("benefits", "answer"), ("min_wage", "unanswered")]


def test_an_empty_list_is_a_valid_multi_answer_meaning_none_chosen(load):
    a = load(BAKERY).score({"answers": {"benefits": []}})
    assert a.completeness == 1 / 3  # benefits is answered; min_wage and overtime_hours are not
    assert [(g.question, g.impact, g.reason) for g in a.gaps] == [
        ("benefits", 50.0, "answer"),
        ("min_wage", 25.0, "unanswered"),
        ("overtime_hours", 25.0, "unanswered"),
    ]


@pytest.mark.parametrize("question", ["benefits", "overtime_hours", "payday", "remarks"])
def test_na_is_the_string_na_for_every_type(question, load):
    q = load(BAKERY)
    doc = {"answers": {question: "na"}}
    assert q.validate(doc) == []
    a = q.score(doc)
    assert question not in {g.question for g in a.gaps}


def test_na_is_never_a_list(load):
    problems = load(BAKERY).validate({"answers": {"benefits": ["na"]}})
    assert [(p.code, p.location) for p in problems] == [(Code.UNKNOWN_OPTION, "answers.benefits")]
    assert '"na"' in problems[0].hint


def test_a_date_answer_is_an_iso_date(load):
    assert load(BAKERY).validate({"answers": {"payday": "2026-03-31"}}) == []
    assert load(BAKERY).validate({"answers": {"payday": "2024-02-29"}}) == []


def test_integers_and_floats_are_both_numbers(load):
    q = load(BAKERY)
    assert q.validate({"answers": {"overtime_hours": 3}}) == []
    assert q.validate({"answers": {"overtime_hours": 3.5}}) == []


def test_matching_questionnaire_and_version_are_fine(load):
    assert load(BAKERY).validate({"questionnaire": "bham", "version": "2026.1"}) == []


def test_an_empty_document_is_valid_and_scores_nothing_answered(load):
    a = load(BAKERY).score({})
    assert a.completeness == 0.0
    assert a.total == 0.0


# --- answers to questions that do not apply ----------------------------------------------------


def test_an_answer_to_a_question_that_does_not_apply_is_ignored_but_kept(load):
    """Siti answered shift_pay once; as a micro business it does not apply, so it neither earns nor caps."""
    q = load(BAKERY)
    answers = {"min_wage": "yes", "benefits": ["bpjs", "thr", "cuti"], "overtime_hours": 0, "shift_pay": "no"}
    doc = {"profile": SITI, "answers": answers, "evidence": {"min_wage": "verified"}}
    assert [(p.code, p.severity) for p in q.validate(doc)] == [(Code.NOT_APPLICABLE, "warning")]
    a = q.score(doc)
    assert (a.total, a.indicators["wages"].possible) == (100.0, 8.0)
    assert doc["answers"]["shift_pay"] == "no"  # scoring never changes the document


def test_a_kept_answer_counts_again_when_the_question_applies_again(load):
    """When Siti's bakery grows to "kecil", the kept shift_pay answer counts without being re-entered."""
    q = load(BAKERY)
    answers = {"min_wage": "yes", "benefits": ["bpjs", "thr", "cuti"], "overtime_hours": 0, "shift_pay": "no"}
    doc = {"profile": {**SITI, "size": "kecil"}, "answers": answers, "evidence": {"min_wage": "verified"}}
    assert q.validate(doc) == []
    a = q.score(doc)
    assert (a.indicators["wages"].earned, a.indicators["wages"].possible) == (8.0, 9.0)
    assert a.total == 800 / 9


def test_one_answer_can_be_checked_on_its_own_as_the_whole_document_would_check_it():
    """Budi saves one field at a time; checking it alone gives the same problem as the whole document."""
    q = hamscore.load(ONE_OF_EACH_FOR_CHECK)
    for question, value in [("pilih", "mungkin"), ("banyak", ["a", "a"]), ("angka", float("nan")),
                            ("tanggal", "31-03-2026"), ("pilih", "na"), ("banyak", ["na"])]:
        alone = q.check_answer(question, value)
        whole = [p for p in q.validate({"answers": {question: value}}) if p.is_error]
        assert alone is not None
        assert [alone] == whole
    assert q.check_answer("pilih", "ya") is None
    assert q.check_answer("pilih", "") is None
    assert q.check_answer("banyak", []) is None
    unknown = q.check_answer("tidak_ada", "ya")
    assert unknown is not None
    assert (unknown.code, unknown.location) == (hamscore.Code.UNKNOWN_QUESTION, "answers.tidak_ada")


ONE_OF_EACH_FOR_CHECK = """
id = "satu"
version = "1"
title = "Satu"
languages = ["id"]
[rating]
bands = [{ level = "green", min = 80 }, { level = "red", min = 0 }]
[[indicators]]
id = "semua"
title = "Semua"
[[indicators.questions]]
id = "pilih"
type = "single"
text = "Pilih"
options = [{ id = "ya", label = "Ya", points = 1 }, { id = "tidak", label = "Tidak", points = 0 }]
[[indicators.questions]]
id = "banyak"
type = "multi"
text = "Banyak"
options = [{ id = "a", label = "A", points = 1 }, { id = "b", label = "B", points = 1 }]
[[indicators.questions]]
id = "angka"
type = "number"
text = "Angka"
bands = [{ min = 0, points = 1 }]
[[indicators.questions]]
id = "tanggal"
type = "date"
text = "Tanggal"
"""
