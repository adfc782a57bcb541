"""The straightforward walk of the method (benchmarks/reference.py) agrees with the compiled scorer.

The walk is the yardstick the speed benchmarks compare against, and a second reading of the
method: two independent implementations that agree on generated questionnaires and answers.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import documents as realistic_documents
from benchmarks.generate import questionnaire_json
from benchmarks.reference import walk
from hamscore import AnswerError, load
from tests.strategies import documents, questionnaires


def scorer_figures(a):
    return {"total": a.total, "rating": a.rating, "completeness": a.completeness,
            "scores": {key: s.score for key, s in a.indicators.items()},
            "caps": [(c.question, c.option, c.level) for c in a.caps]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_walk_agrees_with_the_scorer_on_generated_questionnaires(data):
    q = data.draw(questionnaires(), label="questionnaire")
    for doc in data.draw(st.lists(documents(q), min_size=1, max_size=8), label="documents"):
        for mode in ("self", "verified"):
            try:
                a = q.score(doc, mode=mode)
            except AnswerError:
                continue
            assert walk(q.definition, doc, mode=mode) == scorer_figures(a)


def test_the_walk_agrees_with_the_scorer_on_the_benchmark_questionnaire():
    definition = questionnaire_json()
    q = load(definition)
    for doc in realistic_documents(definition, 50):
        assert walk(q.definition, doc) == scorer_figures(q.score(doc))
