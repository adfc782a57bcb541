"""How the library feels in a notebook: load, score, read why, and clear errors.

The persona is Dewi, an analyst at the task force, who has never read hamscore's source.
"""

from __future__ import annotations

import inspect

import pytest

import hamscore
from hamscore import AnswerError, Code, DefinitionError

WAGES = """
[[indicators]]
id = "wages"
title = { id = "Upah", en = "Wages" }
[[indicators.questions]]
id = "min_wage"
type = "single"
text = "Upah minimum dibayar?"
options = [{ id = "yes", label = "Ya", points = 4 }, { id = "part", label = "Sebagian", points = 2 }, { id = "no", label = "Tidak", points = 0, cap = "red" }]
[[indicators.questions]]
id = "contract"
type = "single"
text = "Kontrak kerja tertulis?"
options = [{ id = "yes", label = "Ya", points = 4 }, { id = "no", label = "Tidak", points = 0 }]
"""


def test_dewi_loads_a_file_scores_a_dict_and_reads_why_in_indonesian(tmp_path, definition):
    path = tmp_path / "bham.toml"
    path.write_text(definition(WAGES), encoding="utf-8")
    q = hamscore.load(path)
    a = q.score({"profile": {"size": "mikro"}, "answers": {"min_wage": "no"}})
    assert (a.rating, a.total, a.completeness) == ("red", 0.0, 0.5)
    assert a.explain(lang="id") == (
        "Peringkat red; total 0.0 dari 100; dibatasi pada red karena min_wage dijawab 'no'; "
        "indikator terlemah wages (0.0); perbaikan terbesar: contract (+50.0 poin, belum dijawab); 50% lengkap."
    )
    assert a.explain(lang="en") == (
        "Rating red; total 0.0 of 100; capped at red because min_wage was answered 'no'; "
        "weakest indicator wages (0.0); the biggest gain is contract (+50.0 points, unanswered); 50% complete."
    )


def test_a_complete_good_answer_explains_briefly(load):
    a = load(WAGES).score({"answers": {"min_wage": "yes", "contract": "yes"}})
    assert a.explain(lang="en") == "Rating green; total 100.0 of 100; weakest indicator wages (100.0)."


def test_nothing_to_score_explains_that_there_is_no_rating_yet(load):
    body = WAGES.replace('text = "Kontrak kerja tertulis?"', 'text = "Kontrak kerja tertulis?"\nallow_na = true')
    body = body.replace('text = "Upah minimum dibayar?"', 'text = "Upah minimum dibayar?"\nallow_na = true')
    a = load(body).score({"answers": {"min_wage": "na", "contract": "na"}})
    assert a.explain(lang="id") == (
        "Belum ada peringkat: belum ada pertanyaan berskor yang berlaku atau dijawab."
    )


def test_load_takes_a_path_a_path_string_text_or_bytes(tmp_path, definition):
    text = definition(WAGES)
    path = tmp_path / "bham.toml"
    path.write_text(text, encoding="utf-8")
    loaded = [hamscore.load(path), hamscore.load(str(path)), hamscore.load(text), hamscore.load(text.encode())]
    assert {q.digest for q in loaded} == {loaded[0].digest}
    assert all(isinstance(q, hamscore.Questionnaire) for q in loaded)


def test_load_refuses_other_kinds_of_source():
    with pytest.raises(DefinitionError) as raised:
        hamscore.load(42)  # type: ignore[arg-type]
    assert raised.value.problems[0].code is Code.PARSE_ERROR


def test_the_module_level_score_is_the_method(load):
    q = load(WAGES)
    doc = {"answers": {"min_wage": "part"}}
    assert hamscore.score(q, doc, mode="verified", lang="en") == q.score(doc, mode="verified", lang="en")


def test_options_are_keyword_only(load):
    q = load(WAGES)
    for fn in (q.score, hamscore.score, hamscore.rank, q.score({}).explain):
        keyword_only = [p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY]
        assert keyword_only, fn
    with pytest.raises(TypeError):
        q.score({}, "verified")  # type: ignore[misc]
    with pytest.raises(TypeError):
        q.score({}).explain("id")  # type: ignore[misc]


def test_an_unknown_mode_or_language_is_refused(load):
    q = load(WAGES)
    with pytest.raises(ValueError, match="mode"):
        q.score({}, mode="audited")
    with pytest.raises(ValueError, match="lang"):
        q.score({}, lang="jv")


def test_a_broken_definition_raises_definition_error_listing_every_problem(definition):
    text = definition(WAGES.replace('points = 4 }, { id = "part"', 'points = -4 }, { id = "part"')
                      .replace('cap = "red"', 'cap = "merah"'))
    with pytest.raises(DefinitionError) as raised:
        hamscore.load(text)
    assert str(raised.value) == (
        "2 problem(s) in the questionnaire definition:\n"
        "  indicators[0].questions[0].options[0].points: NEGATIVE_POINTS points -4.0 is not a finite number >= 0 "
        "(give 0 or more points; use cap for a red flag)\n"
        "  indicators[0].questions[0].options[2].cap: UNKNOWN_CAP_LEVEL cap 'merah' is not a rating level "
        "(use one of: green, red, yellow)"
    )
    assert isinstance(raised.value, ValueError)


def test_refused_answers_raise_answer_error_listing_every_problem(load):
    with pytest.raises(AnswerError) as raised:
        load(WAGES).score({"answers": {"min_wage": "ya", "contract": True}})
    assert str(raised.value) == (
        "2 problem(s) in the answers:\n"
        "  answers.min_wage: UNKNOWN_OPTION 'ya' is not an option of this question (give one of: yes, part, no)\n"
        "  answers.contract: WRONG_TYPE expected an option id (a string), got true/false (give one of: yes, no)"
    )
    assert isinstance(raised.value, ValueError)


def test_check_returns_problems_instead_of_raising(definition):
    assert hamscore.check(definition(WAGES)) == []
    assert [p.code for p in hamscore.check(definition(WAGES.replace('"wages"', '"wa ges"')))] == [Code.INVALID_ID]


def test_a_problem_reads_as_location_code_message_and_hint():
    p = hamscore.Problem(code=Code.UNKNOWN_REFERENCE, location="indicators[2].questions[5].show_if",
                         message="no question has the id 'q9'", hint="check the spelling")
    assert str(p) == "indicators[2].questions[5].show_if: UNKNOWN_REFERENCE no question has the id 'q9' (check the spelling)"


def test_the_questionnaire_answers_questions_about_itself(load):
    q = load(WAGES)
    assert (q.id, q.version, q.languages) == ("bham", "2026.1", ("id", "en"))
    assert [x.id for x in q.questions] == ["min_wage", "contract"]
    assert q.question("contract").type == "single"
    assert q.indicator_of("contract").id == "wages"
    assert hamscore.text(q.indicators[0].title, "en") == "Wages"
    with pytest.raises(KeyError, match="nope"):
        q.question("nope")
    assert repr(q).startswith("<Questionnaire bham 2026.1: 1 indicators, 2 questions, digest ")


def test_the_public_names_are_exported():
    for name in ["load", "check", "score", "rank", "text", "Questionnaire", "Assessment", "Problem", "Code",
                 "DefinitionError", "AnswerError"]:
        assert name in hamscore.__all__
        assert hasattr(hamscore, name)
