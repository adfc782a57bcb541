"""Loading a questionnaire definition: every problem has a code, a location, a message and a hint.

The persona is Bu Rina of the provincial task force in Banten, who writes questionnaires by hand
and needs each mistake pointed out where it is, all at once.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import hamscore
from hamscore import Code, DefinitionError

POLICY = """
[[indicators]]
id = "policy"
title = { id = "Kebijakan", en = "Policy" }
[[indicators.questions]]
id = "has_policy"
type = "single"
text = "Ada kebijakan HAM?"
options = [{ id = "yes", label = "Ya", points = 1 }, { id = "no", label = "Tidak", points = 0 }]
"""


def indicator(question: str, *, head: str = 'id = "policy"\ntitle = "Kebijakan"') -> str:
    """One indicator holding one question given as the lines of its table."""
    return f"\n[[indicators]]\n{head}\n[[indicators.questions]]\n{question}\n"


SINGLE = 'id = "q1"\ntype = "single"\ntext = "Pertanyaan"\n'
YES_NO = 'options = [{ id = "yes", label = "Ya", points = 1 }, { id = "no", label = "Tidak", points = 0 }]\n'
NUMBER = 'id = "q1"\ntype = "number"\ntext = "Berapa?"\n'
Q0 = "indicators[0].questions[0]"


def rating(bands: str, extra: str = "") -> str:
    return f"\n[rating]\nbands = [{bands}]\n{extra}\n"


def head_with(lines: str) -> str:
    return f'id = "bham"\nversion = "2026.1"\ntitle = "Penilaian HAM"\n{lines}\n'


GOOD_BANDS = '{ level = "green", min = 80 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }'

# (code, location, body, parts of the file replaced: head and/or rating)
CASES = [
    pytest.param(Code.PARSE_ERROR, "", POLICY + "[[indicators]\n", {}, id="PARSE_ERROR-broken-toml"),
    pytest.param(Code.SCHEMA_ERROR, Q0, indicator(SINGLE + YES_NO + "requried = false"), {},
                 id="SCHEMA_ERROR-misspelt-field"),
    pytest.param(Code.SCHEMA_ERROR, f"{Q0}.required", indicator(SINGLE + YES_NO + 'required = "yes"'), {},
                 id="SCHEMA_ERROR-wrong-value-type"),
    pytest.param(Code.SCHEMA_ERROR, f"{Q0}.type", indicator('id = "q1"\ntype = "scale"\ntext = "Q"'), {},
                 id="SCHEMA_ERROR-unknown-question-type"),
    pytest.param(Code.INVALID_ID, f"{Q0}.id", indicator(SINGLE.replace('"q1"', '"q.1"') + YES_NO), {},
                 id="INVALID_ID-dotted-question-id"),
    pytest.param(Code.INVALID_ID, f"{Q0}.id", indicator(SINGLE.replace('"q1"', '"answered"') + YES_NO), {},
                 id="INVALID_ID-keyword-question-id"),
    pytest.param(Code.INVALID_ID, f"{Q0}.id", indicator(SINGLE.replace('"q1"', '"1q"') + YES_NO), {},
                 id="INVALID_ID-question-id-starting-with-digit"),
    pytest.param(Code.DUPLICATE_ID, "indicators[1].questions[0].id",
                 POLICY + POLICY.replace('id = "policy"', 'id = "policy2"'), {}, id="DUPLICATE_ID-question-in-file"),
    pytest.param(Code.DUPLICATE_ID, "indicators[1].id",
                 POLICY + POLICY.replace('"has_policy"', '"other"'), {}, id="DUPLICATE_ID-indicator"),
    pytest.param(Code.DUPLICATE_ID, f"{Q0}.options[1].id",
                 indicator(SINGLE + 'options = [{ id = "yes", label = "Ya", points = 1 }, '
                                    '{ id = "yes", label = "Ya", points = 0 }]'), {}, id="DUPLICATE_ID-option"),
    pytest.param(Code.RESERVED_OPTION_ID, f"{Q0}.options[1].id",
                 indicator(SINGLE + 'options = [{ id = "yes", label = "Ya", points = 1 }, '
                                    '{ id = "na", label = "Tidak berlaku", points = 0 }]'), {},
                 id="RESERVED_OPTION_ID-na"),
    pytest.param(Code.INVALID_LANGUAGES, "languages[1]", POLICY, {"head": head_with('languages = ["id", "id"]')},
                 id="INVALID_LANGUAGES-duplicate"),
    pytest.param(Code.INVALID_LANGUAGES, "languages[0]", POLICY.replace('{ id = "Kebijakan", en = "Policy" }', '"K"'),
                 {"head": head_with('languages = ["Bahasa Indonesia"]')}, id="INVALID_LANGUAGES-not-a-code"),
    pytest.param(Code.NO_INDICATORS, "indicators", "", {"head": head_with('languages = ["id"]\nindicators = []')},
                 id="NO_INDICATORS"),
    pytest.param(Code.EMPTY_INDICATOR, "indicators[0].questions",
                 '[[indicators]]\nid = "policy"\ntitle = "Kebijakan"\nquestions = []\n', {}, id="EMPTY_INDICATOR"),
    pytest.param(Code.NON_POSITIVE_WEIGHT, "indicators[0].weight",
                 indicator(SINGLE + YES_NO, head='id = "policy"\ntitle = "Kebijakan"\nweight = 0'), {},
                 id="NON_POSITIVE_WEIGHT-zero"),
    pytest.param(Code.NON_POSITIVE_WEIGHT, "indicators[0].weight",
                 indicator(SINGLE + YES_NO, head='id = "policy"\ntitle = "Kebijakan"\nweight = -1.5'), {},
                 id="NON_POSITIVE_WEIGHT-negative"),
    pytest.param(Code.NEGATIVE_POINTS, f"{Q0}.options[1].points",
                 indicator(SINGLE + 'options = [{ id = "yes", label = "Ya", points = 1 }, '
                                    '{ id = "no", label = "Tidak", points = -1 }]'), {}, id="NEGATIVE_POINTS-option"),
    pytest.param(Code.NEGATIVE_POINTS, f"{Q0}.bands[0].points",
                 indicator(NUMBER + "bands = [{ max = 10, points = -2 }, { min = 10, points = 1 }]"), {},
                 id="NEGATIVE_POINTS-number-band"),
    pytest.param(Code.FIELD_ON_WRONG_TYPE, f"{Q0}.options",
                 indicator(NUMBER + "bands = [{ points = 1 }]\n" + YES_NO), {}, id="FIELD_ON_WRONG_TYPE-options-on-number"),
    pytest.param(Code.FIELD_ON_WRONG_TYPE, f"{Q0}.bands",
                 indicator(SINGLE + YES_NO + "bands = [{ points = 1 }]"), {}, id="FIELD_ON_WRONG_TYPE-bands-on-single"),
    pytest.param(Code.FIELD_ON_WRONG_TYPE, f"{Q0}.max_points",
                 indicator(SINGLE + YES_NO + "max_points = 1"), {}, id="FIELD_ON_WRONG_TYPE-max-points-on-single"),
    pytest.param(Code.MISSING_OPTIONS, f"{Q0}.options", indicator(SINGLE), {}, id="MISSING_OPTIONS"),
    pytest.param(Code.MISSING_BANDS, f"{Q0}.bands", indicator(NUMBER), {}, id="MISSING_BANDS"),
    pytest.param(Code.EMPTY_BAND, f"{Q0}.bands[0]",
                 indicator(NUMBER + "bands = [{ min = 5, max = 5, points = 1 }]"), {}, id="EMPTY_BAND"),
    pytest.param(Code.EMPTY_BAND, f"{Q0}.bands[0]", indicator(NUMBER + "bands = [{ min = nan, points = 1 }]"), {},
                 id="EMPTY_BAND-nan"),
    pytest.param(Code.EMPTY_BAND, f"{Q0}.bands[0]", indicator(NUMBER + "bands = [{ min = inf, points = 1 }]"), {},
                 id="EMPTY_BAND-starts-at-infinity"),
    pytest.param(Code.OVERLAPPING_BANDS, f"{Q0}.bands[1]",
                 indicator(NUMBER + "bands = [{ max = 10, points = 0 }, { min = 9, points = 1 }]"), {},
                 id="OVERLAPPING_BANDS"),
    pytest.param(Code.NO_RATING_BANDS, "rating.bands", POLICY, {"rating": rating("")}, id="NO_RATING_BANDS"),
    pytest.param(Code.DUPLICATE_LEVEL, "rating.bands[1].level", POLICY,
                 {"rating": rating('{ level = "green", min = 80 }, { level = "green", min = 0 }')}, id="DUPLICATE_LEVEL"),
    pytest.param(Code.RATING_BANDS_ORDER, "rating.bands[1].min", POLICY,
                 {"rating": rating('{ level = "yellow", min = 50 }, { level = "green", min = 80 }, { level = "red", min = 0 }')},
                 id="RATING_BANDS_ORDER"),
    pytest.param(Code.RATING_LAST_BAND, "rating.bands[1]", POLICY,
                 {"rating": rating('{ level = "green", min = 80 }, { level = "red", min = 10 }')}, id="RATING_LAST_BAND-min"),
    pytest.param(Code.RATING_LAST_BAND, "rating.bands[1]", POLICY,
                 {"rating": rating('{ level = "green", min = 80 }, { level = "red", min = 0, min_indicator = 10 }')},
                 id="RATING_LAST_BAND-min-indicator"),
    pytest.param(Code.BAND_OUT_OF_RANGE, "rating.bands[0].min_indicator", POLICY,
                 {"rating": rating('{ level = "green", min = 80, min_indicator = 120 }, { level = "red", min = 0 }')},
                 id="BAND_OUT_OF_RANGE"),
    pytest.param(Code.UNKNOWN_CAP_LEVEL, f"{Q0}.options[1].cap",
                 indicator(SINGLE + 'options = [{ id = "yes", label = "Ya", points = 1 }, '
                                    '{ id = "no", label = "Tidak", points = 0, cap = "orange" }]'), {},
                 id="UNKNOWN_CAP_LEVEL"),
    pytest.param(Code.EVIDENCE_FACTOR_RANGE, "rating.evidence_factor", POLICY,
                 {"rating": rating(GOOD_BANDS, "evidence_factor = 1.5")}, id="EVIDENCE_FACTOR_RANGE"),
    pytest.param(Code.MISSING_TRANSLATION, f"{Q0}.text",
                 indicator('id = "q1"\ntype = "single"\ntext = { id = "Ada kebijakan?" }\n' + YES_NO), {},
                 id="MISSING_TRANSLATION"),
    pytest.param(Code.UNKNOWN_LANGUAGE, f"{Q0}.text.jv",
                 indicator('id = "q1"\ntype = "single"\ntext = { id = "Ada?", en = "Any?", jv = "Wonten?" }\n'
                           + YES_NO), {}, id="UNKNOWN_LANGUAGE"),
    pytest.param(Code.EMPTY_TEXT, f"{Q0}.text", indicator('id = "q1"\ntype = "single"\ntext = "  "\n' + YES_NO), {},
                 id="EMPTY_TEXT"),
    pytest.param(Code.UNSAFE_LINK, f"{Q0}.help.en",
                 indicator(SINGLE + YES_NO + 'help = { id = "Lihat [panduan](https://example.org)", '
                                             'en = "See [guide](javascript:alert(1))" }'), {},
                 id="UNSAFE_LINK-markdown-javascript"),
    pytest.param(Code.UNSAFE_LINK, f"{Q0}.options[0].advice",
                 indicator(SINGLE + 'options = [{ id = "yes", label = "Ya", points = 1, '
                                    'advice = "file:///etc/passwd" }, { id = "no", label = "Tidak", points = 0 }]'),
                 {}, id="UNSAFE_LINK-bare-file-scheme"),
]


@pytest.mark.parametrize(("code", "location", "body", "parts"), CASES)
def test_each_definition_problem_has_code_location_message_and_hint(code, location, body, parts, check, located,
                                                                    definition):
    located(check(body, **parts), code, location)
    with pytest.raises(DefinitionError) as raised:
        hamscore.load(definition(body, **parts))
    assert code.value in str(raised.value)


def test_every_problem_code_has_a_located_test(request):
    """The meta-rule: each ``Code`` member is produced, with its location, by some parametrised test."""
    here = Path(__file__).parent
    files = {Path(str(item.path)) for item in request.session.items}
    tables = {here / "test_definitions.py", here / "test_conditions.py", here / "test_answers.py"}
    if not tables <= files:
        pytest.skip("the code tables live in three files; run the whole of tests/library")
    covered = {
        item.callspec.params["code"]
        for item in request.session.items
        if hasattr(item, "callspec") and isinstance(item.callspec.params.get("code"), Code)
    }
    assert sorted(set(Code) - covered) == []


# --- reading ------------------------------------------------------------------------------------


def test_loading_reports_all_problems_at_once(check):
    """A file with three different mistakes yields all three, not the first."""
    body = """
[[indicators]]
id = "policy"
title = "Kebijakan"
weight = 0
[[indicators.questions]]
id = "q1"
type = "single"
text = "Pertanyaan"
options = [{ id = "yes", label = "Ya", points = 1, cap = "orange" }]
[[indicators.questions]]
id = "q2"
type = "number"
text = "Berapa?"
show_if = 'q9 == "yes"'
bands = [{ points = 1 }]
"""
    assert sorted((p.code.value, p.location) for p in check(body)) == [
        ("NON_POSITIVE_WEIGHT", "indicators[0].weight"),
        ("UNKNOWN_CAP_LEVEL", "indicators[0].questions[0].options[0].cap"),
        ("UNKNOWN_REFERENCE", "indicators[0].questions[1].show_if"),
    ]


def test_a_broken_question_does_not_hide_problems_of_the_others(check):
    body = indicator(SINGLE + YES_NO + "requried = false") + """
[[indicators.questions]]
id = "q2"
type = "single"
text = "Kedua"
options = []
"""
    assert [(p.code.value, p.location) for p in check(body)] == [
        ("SCHEMA_ERROR", "indicators[0].questions[0]"),
        ("MISSING_OPTIONS", "indicators[0].questions[1].options"),
    ]


def test_a_condition_naming_a_broken_question_is_not_also_an_unknown_reference(check):
    body = indicator(SINGLE + YES_NO + "requried = false") + """
[[indicators.questions]]
id = "q2"
type = "single"
text = "Kedua"
show_if = 'q1 == "yes"'
""" + YES_NO
    assert [p.code.value for p in check(body)] == ["SCHEMA_ERROR"]


def test_definition_error_lists_every_problem_in_its_message(definition):
    text = definition(indicator(SINGLE + 'options = [{ id = "na", label = "X", points = -1 }]'))
    with pytest.raises(DefinitionError) as raised:
        hamscore.load(text)
    error = raised.value
    assert [p.code for p in error.problems] == [Code.RESERVED_OPTION_ID, Code.NEGATIVE_POINTS]
    message = str(error)
    assert message.startswith("2 problem(s) in the questionnaire definition:")
    for p in error.problems:
        assert str(p) in message


def test_bytes_that_are_not_utf8_are_a_parse_error():
    assert [(p.code, p.location) for p in hamscore.check(b"id = \"\xff\"")] == [(Code.PARSE_ERROR, "")]


def test_an_unreadable_path_is_a_parse_error_naming_the_file(tmp_path):
    missing = tmp_path / "tidak_ada.toml"
    with pytest.raises(DefinitionError) as raised:
        hamscore.load(missing)
    assert raised.value.problems[0].code is Code.PARSE_ERROR
    assert str(missing) in str(raised.value)


def test_a_definition_loads_from_bytes_text_or_path_alike(tmp_path, definition):
    text = definition(POLICY)
    path = tmp_path / "bham.toml"
    path.write_text(text, encoding="utf-8")
    digests = {
        hamscore.load(text).digest,
        hamscore.load(text.encode()).digest,
        hamscore.load(path).digest,
        hamscore.load(str(path)).digest,
    }
    assert len(digests) == 1


def test_a_json_definition_with_the_same_structure_has_the_same_digest(tmp_path, definition):
    text = definition(POLICY)
    as_json = json.dumps(tomllib.loads(text))
    path = tmp_path / "bham.json"
    path.write_text(as_json, encoding="utf-8")
    assert hamscore.load(as_json).digest == hamscore.load(text).digest == hamscore.load(path).digest


def test_defaults_omitted_or_written_out_give_one_digest(load):
    written = POLICY.replace('id = "policy"\n', 'id = "policy"\nweight = 1.0\n').replace(
        'text = "Ada kebijakan HAM?"\n',
        'text = "Ada kebijakan HAM?"\nrequired = true\nallow_na = false\nevidence = "none"\n',
    )
    rating = """
[rating]
evidence_factor = 0.5
bands = [{ level = "green", min = 80.0 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]
"""
    assert load(written, rating=rating).digest == load(POLICY).digest


def test_a_different_definition_has_a_different_digest(load):
    assert load(POLICY).digest != load(POLICY.replace("points = 1", "points = 2")).digest


def test_the_digest_is_the_sha256_of_the_canonical_json(load):
    import hashlib

    q = load(POLICY)
    assert q.digest == hashlib.sha256(q.to_json()).hexdigest()
    assert list(json.loads(q.to_json())) == sorted(json.loads(q.to_json()))


# --- defaults and shape -------------------------------------------------------------------------


def test_defaults_are_weight_1_required_no_na_no_evidence_factor_half(load):
    q = load(POLICY)
    ind = q.indicators[0]
    question = ind.questions[0]
    assert (ind.weight, question.required, question.allow_na, question.evidence) == (1.0, True, False, "none")
    assert q.definition.rating.evidence_factor == 0.5
    assert question.type == "single"


def test_band_limits_may_be_open_on_either_side(load):
    q = load(indicator(NUMBER + "bands = [{ max = 0, points = 0 }, { min = 0, max = 10, points = 1 }, "
                                "{ min = 10, points = 2 }]"))
    assert [(b.min, b.max) for b in q.question("q1").bands] == [(None, 0.0), (0.0, 10.0), (10.0, None)]


def test_touching_bands_do_not_overlap(check):
    assert check(indicator(NUMBER + "bands = [{ min = 0, max = 10, points = 1 }, { min = 10, max = 20, points = 2 }]")) == []


def test_unbounded_bands_on_the_same_side_overlap(check, located):
    found = check(indicator(NUMBER + "bands = [{ max = 10, points = 1 }, { max = 20, points = 2 }]"))
    located(found, Code.OVERLAPPING_BANDS, f"{Q0}.bands[1]")


def test_links_to_http_https_and_mailto_are_allowed(check):
    help_text = 'help = "Lihat [panduan](https://komnasham.go.id), http://example.org atau <mailto:tim@bham.id>"'
    assert check(indicator(SINGLE + YES_NO + help_text)) == []


def test_prose_with_a_word_and_a_colon_is_not_a_link(check):
    """The BHAM privacy question speaks of "personal data: health, …"; that is prose, not a data: URL."""
    help_text = 'help = "Specific personal data: health, biometrics. Catatan file: arsip."'
    assert check(indicator(SINGLE + YES_NO + help_text)) == []


def test_the_first_language_is_the_default(load):
    q = load(POLICY)
    assert q.languages == ("id", "en")


def test_locations_after_a_broken_indicator_are_those_of_the_file(check):
    """A broken indicator is left out of what gets checked, but later places keep their numbers."""
    broken = '\n[[indicators]]\nid = "policy"\ntitle = "Kebijakan"\nweigth = 2\n[[indicators.questions]]\n' + SINGLE + YES_NO
    later = indicator('id = "q2"\ntype = "single"\ntext = "Kedua"\noptions = []', head='id = "grievance"\ntitle = "Aduan"')
    assert [(p.code.value, p.location) for p in check(broken + later)] == [
        ("SCHEMA_ERROR", "indicators[0]"),
        ("MISSING_OPTIONS", "indicators[1].questions[0].options"),
    ]


def test_an_indicator_whose_only_question_is_broken_is_not_also_empty(check):
    assert [p.code.value for p in check(indicator(SINGLE + YES_NO + "requried = false"))] == ["SCHEMA_ERROR"]


def test_a_duplicate_question_id_message_points_at_the_first_use_in_the_file(check):
    body = indicator(SINGLE + YES_NO + "requried = false") + "[[indicators.questions]]\n" + SINGLE.replace(
        '"q1"', '"q2"') + YES_NO + "[[indicators.questions]]\n" + SINGLE.replace('"q1"', '"q2"') + YES_NO
    dup = next(p for p in check(body) if p.code is Code.DUPLICATE_ID)
    assert dup.location == "indicators[0].questions[2].id"
    assert "indicators[0].questions[1]" in dup.message
