"""``show_if``: the condition language, its load-time checks and its run-time meaning.

The persona is Pak Budi's garment workshop in Kabupaten Tangerang (profile size "kecil", sector "C",
regency "36.03"), whose questionnaire asks follow-up questions only where they make sense.
"""

from __future__ import annotations

import pytest

from hamscore import Code
from hamscore.conditions import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Answered,
    Cmp,
    ListLit,
    Lit,
    Not,
    Or,
    Ref,
    compile_condition,
    evaluate,
    parse,
)

# Indicator 0 holds the questions conditions talk about; indicator 1 holds `t`, whose show_if is
# the condition under test.
SOURCES = """
[[indicators]]
id = "workers"
title = "Pekerja"
[[indicators.questions]]
id = "union"
type = "single"
text = "Ada serikat pekerja?"
allow_na = true
options = [{ id = "yes", label = "Ya", points = 1 }, { id = "no", label = "Tidak", points = 0 }]
[[indicators.questions]]
id = "headcount"
type = "number"
text = "Jumlah pekerja kontrak?"
bands = [{ max = 10, points = 1 }, { min = 10, points = 0 }]
[[indicators.questions]]
id = "trained"
type = "multi"
text = "Bahasa pelatihan K3"
options = [{ id = "id", label = "Indonesia", points = 1 }, { id = "jv", label = "Jawa", points = 1 }]
[[indicators.questions]]
id = "note"
type = "text"
text = "Catatan"
required = false
[[indicators.questions]]
id = "audited"
type = "single"
text = "Pernah diaudit?"
options = [{ id = "yes", label = "Ya", points = 1 }, { id = "no", label = "Tidak", points = 0 }]
"""


def target(condition: str) -> str:
    """The sources plus question `t` in a second indicator, shown when ``condition`` holds."""
    quoted = "'''" + condition + "'''"
    return SOURCES + f"""
[[indicators]]
id = "target"
title = "Tindak lanjut"
[[indicators.questions]]
id = "t"
type = "single"
text = "Tindak lanjut"
show_if = {quoted}
options = [{{ id = "yes", label = "Ya", points = 1 }}]
"""


T = "indicators[1].questions[0].show_if"

CASES = [
    pytest.param(Code.CONDITION_SYNTAX, target('union =='), T, id="CONDITION_SYNTAX-missing-operand"),
    pytest.param(Code.CONDITION_SYNTAX, target('union = "yes"'), T, id="CONDITION_SYNTAX-single-equals"),
    pytest.param(Code.CONDITION_SYNTAX, target('union == "yes'), T, id="CONDITION_SYNTAX-unclosed-string"),
    pytest.param(Code.CONDITION_SYNTAX, target('(union == "yes"'), T, id="CONDITION_SYNTAX-unclosed-parenthesis"),
    pytest.param(Code.CONDITION_SYNTAX, target('workers.union == "yes"'), T, id="CONDITION_SYNTAX-dotted-id"),
    pytest.param(Code.CONDITION_SYNTAX, target('in == "yes"'), T, id="CONDITION_SYNTAX-keyword-as-id"),
    pytest.param(Code.CONDITION_SYNTAX, target("union in [headcount]"), T, id="CONDITION_SYNTAX-name-in-list"),
    pytest.param(Code.CONDITION_SYNTAX, target('  '), T, id="CONDITION_SYNTAX-empty"),
    pytest.param(Code.CONDITION_SYNTAX, target('union == "yes" union == "no"'), T, id="CONDITION_SYNTAX-missing-and"),
    pytest.param(Code.CONDITION_TOO_LONG, target(" or ".join(['union == "yes"'] * 40)), T, id="CONDITION_TOO_LONG"),
    pytest.param(Code.CONDITION_TOO_DEEP, target("(" * (MAX_DEPTH + 1) + 'union == "yes"' + ")" * (MAX_DEPTH + 1)), T,
                 id="CONDITION_TOO_DEEP-parentheses"),
    pytest.param(Code.CONDITION_TOO_DEEP, target("not " * (MAX_DEPTH + 1) + 'union == "yes"'), T,
                 id="CONDITION_TOO_DEEP-not"),
    pytest.param(Code.NOT_A_CONDITION, target("union"), T, id="NOT_A_CONDITION-bare-identifier"),
    pytest.param(Code.NOT_A_CONDITION, target("true"), T, id="NOT_A_CONDITION-bare-literal"),
    pytest.param(Code.NOT_A_CONDITION, target('"yes"'), T, id="NOT_A_CONDITION-bare-string"),
    pytest.param(Code.NOT_A_CONDITION, target('union == "yes" and audited'), T, id="NOT_A_CONDITION-inside-and"),
    pytest.param(Code.UNKNOWN_REFERENCE, target('unoin == "yes"'), T, id="UNKNOWN_REFERENCE"),
    pytest.param(Code.UNKNOWN_REFERENCE, target("answered(unoin)"), T, id="UNKNOWN_REFERENCE-answered"),
    pytest.param(Code.UNKNOWN_PROFILE_FIELD, target('profile.city == "Serang"'), T, id="UNKNOWN_PROFILE_FIELD"),
    pytest.param(Code.UNKNOWN_PROFILE_FIELD, target("answered(profile.city)"), T, id="UNKNOWN_PROFILE_FIELD-answered"),
    pytest.param(Code.SELF_REFERENCE, target("not answered(t)"), T, id="SELF_REFERENCE"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('union == "maybe"'), T, id="IMPOSSIBLE_COMPARISON-unknown-option"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('union in ["yes", "maybe"]'), T,
                 id="IMPOSSIBLE_COMPARISON-unknown-option-in-list"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('"xh" in trained'), T, id="IMPOSSIBLE_COMPARISON-unknown-multi-option"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('headcount == "ten"'), T, id="IMPOSSIBLE_COMPARISON-string-vs-number"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('headcount < "10"'), T, id="IMPOSSIBLE_COMPARISON-less-than-string"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target("union < 3"), T, id="IMPOSSIBLE_COMPARISON-less-than-on-single"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('profile.size > "kecil"'), T, id="IMPOSSIBLE_COMPARISON-order-on-size"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target("note == 5"), T, id="IMPOSSIBLE_COMPARISON-text-vs-number"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('trained == "id"'), T, id="IMPOSSIBLE_COMPARISON-equals-on-multi"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('trained != "id"'), T, id="IMPOSSIBLE_COMPARISON-not-equals-on-multi"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('trained in ["id"]'), T, id="IMPOSSIBLE_COMPARISON-multi-in-list"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('"yes" in union'), T, id="IMPOSSIBLE_COMPARISON-option-in-single"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('audited == "na"'), T, id="IMPOSSIBLE_COMPARISON-na-not-allowed"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target("union == true"), T, id="IMPOSSIBLE_COMPARISON-boolean"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('union == audited'), T, id="IMPOSSIBLE_COMPARISON-two-questions"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('"yes" == "yes"'), T, id="IMPOSSIBLE_COMPARISON-two-literals"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('profile.size == "huge"'), T, id="IMPOSSIBLE_COMPARISON-profile-size"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('profile.sector == "Z"'), T, id="IMPOSSIBLE_COMPARISON-profile-sector"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('profile.province == "Banten"'), T,
                 id="IMPOSSIBLE_COMPARISON-profile-province"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('profile.regency == "3603"'), T,
                 id="IMPOSSIBLE_COMPARISON-profile-regency"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target("profile.employees == 5.5"), T,
                 id="IMPOSSIBLE_COMPARISON-fractional-employees"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target("profile.employees in [10, -1]"), T,
                 id="IMPOSSIBLE_COMPARISON-negative-employees"),
    pytest.param(Code.IMPOSSIBLE_COMPARISON, target('profile.employees >= "50"'), T,
                 id="IMPOSSIBLE_COMPARISON-profile-employees"),
]


OWN = SOURCES.replace('title = "Pekerja"', 'title = "Pekerja"\nshow_if = \'union == "yes"\'')
CIRCLE = SOURCES.replace('id = "union"\n', 'id = "union"\nshow_if = \'audited == "yes"\'\n').replace(
    'id = "audited"\n', 'id = "audited"\nshow_if = \'not (union == "no")\'\n')
CASES += [
    pytest.param(Code.OWN_QUESTION_REFERENCE, OWN, "indicators[0].show_if", id="OWN_QUESTION_REFERENCE"),
    pytest.param(Code.CYCLIC_CONDITION, CIRCLE, "indicators[0].questions[0].show_if", id="CYCLIC_CONDITION"),
]


@pytest.mark.parametrize(("code", "body", "location"), CASES)
def test_each_condition_problem_is_a_located_load_error(code, body, location, check, located):
    located(check(body), code, location)


def test_condition_length_limit_is_counted_in_characters(check, located):
    at_limit = 'union == "yes"' + " " * (MAX_LENGTH - len('union == "yes"'))
    assert check(target(at_limit)) == []
    located(check(target(at_limit + " ")), Code.CONDITION_TOO_LONG, T)


def test_nesting_up_to_the_limit_is_fine(check):
    assert check(target("(" * MAX_DEPTH + 'union == "yes"' + ")" * MAX_DEPTH)) == []
    assert check(target("not " * MAX_DEPTH + 'union == "yes"')) == []


def test_a_circle_names_its_questions_in_order(check):
    found = check(CIRCLE)
    assert [p.code for p in found] == [Code.CYCLIC_CONDITION]
    assert "union -> audited -> union" in found[0].message


def test_a_circle_through_an_indicator_condition_is_a_cyclic_condition(check):
    body = target('audited == "yes"').replace(
        'id = "audited"\n', "id = \"audited\"\nshow_if = 'answered(t)'\n")
    assert [p.code for p in check(body)] == [Code.CYCLIC_CONDITION]


def test_every_valid_form_loads(check):
    for condition in [
        'union == "yes"',
        "union == 'yes'",
        'union != "no"',
        'union == "na"',
        'union in ["yes", "na"]',
        '"jv" in trained',
        "headcount >= 10 and headcount < 100.5",
        "headcount == 0",
        "-1 < headcount",
        'note == "tidak ada"',
        "answered(note) or answered(profile.size)",
        'profile.size in ["mikro", "kecil"] and profile.sector == "C"',
        'profile.province == "36" and profile.regency == "36.03"',
        "profile.employees >= 50",
        'not (union == "yes") or (audited == "no" and not answered(headcount))',
    ]:
        assert check(target(condition)) == [], condition


# --- grammar ------------------------------------------------------------------------------------


def test_not_binds_tighter_than_and_which_binds_tighter_than_or():
    assert parse('not a == "x" and b == "y" or c == "z"') == Or((
        And((Not(Cmp("==", Ref("a"), Lit("x"))), Cmp("==", Ref("b"), Lit("y")))),
        Cmp("==", Ref("c"), Lit("z")),
    ))
    assert parse('a == "x" or b == "y" and c == "z"') == Or((
        Cmp("==", Ref("a"), Lit("x")),
        And((Cmp("==", Ref("b"), Lit("y")), Cmp("==", Ref("c"), Lit("z")))),
    ))


def test_parentheses_group_before_precedence():
    assert parse('(a == "x" or b == "y") and c == "z"') == And((
        Or((Cmp("==", Ref("a"), Lit("x")), Cmp("==", Ref("b"), Lit("y")))),
        Cmp("==", Ref("c"), Lit("z")),
    ))
    assert parse('not (a == "x" or b == "y")') == Not(Or((Cmp("==", Ref("a"), Lit("x")), Cmp("==", Ref("b"), Lit("y")))))


def test_precedence_changes_the_answer():
    vals = {"a": "x", "c": "z"}
    assert evaluate(parse('a == "x" or b == "y" and c == "q"'), vals) is True
    assert evaluate(parse('(a == "x" or b == "y") and c == "q"'), vals) is False


def test_both_quote_styles_mean_the_same_string():
    assert parse("q == 'ya'") == parse('q == "ya"') == Cmp("==", Ref("q"), Lit("ya"))
    assert parse("""q in ['it"s', "say 'hi'"]""") == Cmp("in", Ref("q"), ListLit(('it"s', "say 'hi'")))


def test_literals_numbers_booleans_lists_and_answered():
    assert parse("n >= -2.5e1") == Cmp(">=", Ref("n"), Lit(-25.0))
    assert parse("n == 7") == Cmp("==", Ref("n"), Lit(7))
    assert parse("n in [1, 2.5, 'x', true]") == Cmp("in", Ref("n"), ListLit((1, 2.5, "x", True)))
    assert parse("n in []") == Cmp("in", Ref("n"), ListLit(()))
    assert parse("answered(profile.size)") == Answered("profile.size")


def test_a_name_that_starts_with_a_keyword_is_still_a_name():
    assert parse('notes == "x" and order == "y"') == And((Cmp("==", Ref("notes"), Lit("x")),
                                                          Cmp("==", Ref("order"), Lit("y"))))


# --- meaning ------------------------------------------------------------------------------------


def holds(condition: str, vals: dict) -> bool:
    """The interpreter's answer, after checking the scorer's compiled closure agrees with it."""
    node = parse(condition)
    result = evaluate(node, vals)
    assert compile_condition(node)(vals) is result, condition
    return result


def test_any_comparison_with_nothing_is_false_not_equal_included():
    for condition in ['q == "yes"', 'q != "yes"', "q < 3", "q >= 3", 'q in ["yes"]', '"yes" in q', "q != 3"]:
        assert holds(condition, {}) is False, condition
        assert holds(condition, {"q": None}) is False, condition


def test_not_of_an_equality_with_nothing_is_true():
    assert holds('not (q == "yes")', {}) is True
    assert holds('not (q == "yes")', {"q": "yes"}) is False
    assert holds('not (q == "yes")', {"q": "no"}) is True


def test_not_equal_is_true_only_for_a_different_value_of_the_same_kind():
    assert holds('q != "yes"', {"q": "no"}) is True
    assert holds('q != "yes"', {"q": "yes"}) is False
    assert holds('q != "5"', {"q": 5}) is False
    assert holds("q != 5", {"q": 6.5}) is True


def test_order_comparisons_are_for_numbers_only_and_false_otherwise():
    assert holds("q < 10", {"q": 9.5}) is True
    assert holds("q <= 10", {"q": 10}) is True
    assert holds("q > 10", {"q": 10}) is False
    assert holds("q >= 10", {"q": 10.0}) is True
    assert holds("10 > q", {"q": 9}) is True
    assert holds("q < 10", {"q": "9"}) is False
    assert holds("q < 10", {"q": ["a"]}) is False


def test_type_mismatches_are_false_at_run_time():
    assert holds('q == "5"', {"q": 5}) is False
    assert holds("q == 5", {"q": "5"}) is False
    assert holds('q == "id"', {"q": ["id"]}) is False
    assert holds('q in ["id"]', {"q": ["id"]}) is False
    assert holds('"id" in q', {"q": "id"}) is False
    assert holds("q in [1, 2]", {"q": "1"}) is False


def test_numbers_compare_by_value_whatever_their_spelling():
    assert holds("q == 10", {"q": 10.0}) is True
    assert holds("q == 1.5e1", {"q": 15}) is True
    assert holds("q in [1, 2]", {"q": 2.0}) is True


def test_in_tests_a_single_value_against_a_list():
    assert holds('profile.size in ["mikro", "kecil"]', {"profile.size": "kecil"}) is True
    assert holds('profile.size in ["mikro", "kecil"]', {"profile.size": "besar"}) is False
    assert holds('q in ["yes", 1]', {"q": 1}) is True


def test_option_in_a_multi_answer_tests_membership():
    assert holds('"jv" in trained', {"trained": ["id", "jv"]}) is True
    assert holds('"jv" in trained', {"trained": ["id"]}) is False
    assert holds('"jv" in trained', {"trained": []}) is False


def test_answered_is_true_for_any_value_na_and_empty_multi_included():
    assert holds("answered(q)", {"q": "na"}) is True
    assert holds("answered(q)", {"q": []}) is True
    assert holds("answered(q)", {"q": 0}) is True
    assert holds("answered(q)", {}) is False
    assert holds("answered(profile.size)", {"profile.size": "mikro"}) is True
    assert holds("answered(profile.size)", {}) is False


def test_an_na_answer_is_the_string_na():
    assert holds('q == "na"', {"q": "na"}) is True
    assert holds('q != "yes"', {"q": "na"}) is True


def test_a_missing_profile_field_is_nothing():
    assert holds('profile.size != "besar"', {}) is False
    assert holds('not (profile.size == "besar")', {}) is True


# --- meaning in a loaded questionnaire ----------------------------------------------------------


def shows_t(load, condition: str, answers: dict, profile: dict | None = None) -> bool:
    q = load(target(condition))
    return "t" in q.applicable({"answers": answers, "profile": profile or {}})


def test_pak_budis_workshop_sees_the_follow_up_for_small_manufacturers(load):
    condition = 'profile.size in ["mikro", "kecil"] and profile.sector == "C" and profile.regency == "36.03"'
    assert shows_t(load, condition, {}, {"size": "kecil", "sector": "C", "regency": "36.03"}) is True
    assert shows_t(load, condition, {}, {"size": "besar", "sector": "C", "regency": "36.03"}) is False
    assert shows_t(load, condition, {}, {"size": "kecil", "sector": "C"}) is False


def test_employees_compare_as_numbers(load):
    assert shows_t(load, "profile.employees >= 50", {}, {"employees": 50}) is True
    assert shows_t(load, "profile.employees >= 50", {}, {"employees": 49}) is False
    assert shows_t(load, "profile.employees >= 50", {}, {}) is False


def test_an_unanswered_question_is_nothing_and_an_empty_string_is_unanswered(load):
    assert shows_t(load, 'union != "yes"', {}) is False
    assert shows_t(load, 'union != "yes"', {"union": None}) is False
    assert shows_t(load, 'note != "x"', {"note": ""}) is False
    assert shows_t(load, "answered(note)", {"note": ""}) is False
    assert shows_t(load, 'not (union == "yes")', {}) is True


def test_answered_counts_na_and_an_empty_multi_answer(load):
    assert shows_t(load, "answered(union)", {"union": "na"}) is True
    assert shows_t(load, "answered(trained)", {"trained": []}) is True
    assert shows_t(load, '"id" in trained', {"trained": ["id"]}) is True


def test_a_hidden_question_is_nothing_even_when_it_has_an_answer(load):
    """`union` is asked of firms with employees only; its kept answer does not show `t` to others."""
    body = target('union == "yes"').replace('id = "union"\n', "id = \"union\"\nshow_if = 'profile.employees > 0'\n")
    q = load(body)
    assert "t" in q.applicable({"answers": {"union": "yes"}, "profile": {"employees": 12}})
    assert "t" not in q.applicable({"answers": {"union": "yes"}, "profile": {"employees": 0}})
    # `!=` is false on nothing, so a hidden union does not show t through "not yes" either
    body = body.replace("show_if = '''union == \"yes\"'''", "show_if = '''union != \"yes\"'''")
    q = load(body)
    assert "t" not in q.applicable({"answers": {"union": "no"}, "profile": {"employees": 0}})


def test_a_question_shown_only_under_a_hidden_question_is_hidden_too(load):
    """A chain: union hidden -> audited (shown when union answered) hidden -> t (shown when audited) hidden.

    The questions are written in the opposite order to their dependencies, so the scorer must follow the
    dependency order, not the file order.
    """
    body = target('audited == "yes"').replace(
        'id = "union"\n', "id = \"union\"\nshow_if = 'profile.employees > 0'\n").replace(
        'id = "audited"\n', "id = \"audited\"\nshow_if = 'answered(union)'\n")
    q = load(body)
    answers = {"union": "no", "audited": "yes"}
    assert {"union", "audited", "t"} <= q.applicable({"answers": answers, "profile": {"employees": 3}})
    assert not {"union", "audited", "t"} & q.applicable({"answers": answers, "profile": {"employees": 0}})
    assert "t" not in q.applicable({"answers": answers, "profile": {}})


def test_a_chain_written_backwards_in_the_file_is_evaluated_in_dependency_order(load):
    body = """
[[indicators]]
id = "later"
title = "Lanjutan"
[[indicators.questions]]
id = "c"
type = "single"
text = "C"
show_if = 'b == "yes"'
options = [{ id = "yes", label = "Ya", points = 1 }]
[[indicators]]
id = "earlier"
title = "Awal"
[[indicators.questions]]
id = "b"
type = "single"
text = "B"
show_if = 'a == "yes"'
options = [{ id = "yes", label = "Ya", points = 1 }, { id = "no", label = "Tidak", points = 0 }]
[[indicators.questions]]
id = "a"
type = "single"
text = "A"
options = [{ id = "yes", label = "Ya", points = 1 }, { id = "no", label = "Tidak", points = 0 }]
"""
    q = load(body)
    assert q.applicable({"answers": {"a": "yes", "b": "yes"}}) == {"a", "b", "c"}
    assert q.applicable({"answers": {"a": "no", "b": "yes"}}) == {"a"}


def test_a_hidden_indicator_hides_its_questions_and_they_are_nothing_to_others(load):
    body = target("answered(headcount)").replace(
        'title = "Pekerja"', "title = \"Pekerja\"\nshow_if = 'profile.employees >= 1'")
    q = load(body)
    assert "t" in q.applicable({"answers": {"headcount": 4}, "profile": {"employees": 5}})
    assert q.applicable({"answers": {"headcount": 4}, "profile": {"employees": 0}}) == frozenset()


def test_a_question_affects_applicability_exactly_when_a_condition_reads_it(load):
    """The form re-derives what applies after a save only when the saved answer is one a show_if reads."""
    body = target('union == "yes"').replace(
        'title = "Tindak lanjut"', "title = \"Tindak lanjut\"\nshow_if = 'answered(audited) or profile.employees >= 1'")
    q = load(body)
    assert q.affects_applicability("union")  # read by t's show_if
    assert q.affects_applicability("audited")  # read by the indicator's show_if
    assert not q.affects_applicability("headcount")
    assert not q.affects_applicability("t")
    with pytest.raises(KeyError, match="tidak_ada"):
        q.affects_applicability("tidak_ada")
