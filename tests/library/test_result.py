"""The Assessment and its JSON: a public contract, field by field and in order."""

from __future__ import annotations

import json

import msgspec
import pytest

import hamscore

BODY = """
[[indicators]]
id = "policy"
title = "Kebijakan"
[[indicators.questions]]
id = "hr_policy"
type = "single"
text = "Kebijakan HAM?"
options = [
  { id = "yes", label = "Ya", points = 2 },
  { id = "no", label = "Tidak", points = 0, cap = "red", advice = { id = "Tulis kebijakan HAM", en = "Write a policy" } },
]
[[indicators]]
id = "dormitory"
title = "Asrama"
show_if = 'profile.employees >= 100'
[[indicators.questions]]
id = "dorm"
type = "single"
text = "Asrama layak?"
options = [{ id = "yes", label = "Ya", points = 1 }]
[[indicators]]
id = "grievance"
title = "Pengaduan"
[[indicators.questions]]
id = "channel"
type = "multi"
text = "Saluran"
options = [{ id = "box", label = "Kotak", points = 1, advice = "Pasang kotak saran" },
           { id = "hotline", label = "Hotline", points = 1 }]
"""


def test_the_result_json_has_the_contract_fields_in_order(load):
    q = load(BODY)
    a = q.score({"profile": {"employees": 8}, "answers": {"hr_policy": "no", "channel": ["hotline"]}})
    doc = json.loads(msgspec.json.encode(a))
    assert list(doc) == ["questionnaire", "version", "digest", "mode", "total", "rating", "completeness",
                         "indicators", "caps", "gaps"]
    assert doc == {
        "questionnaire": "bham",
        "version": "2026.1",
        "digest": q.digest,
        "mode": "self",
        "total": 25.0,  # policy 0 of 2 = 0, grievance 1 of 2 = 50, dormitory hidden
        "rating": "red",
        "completeness": 1.0,
        "indicators": {
            "policy": {"score": 0.0, "earned": 0.0, "possible": 2.0},
            "dormitory": {"score": None, "earned": 0.0, "possible": 0.0},
            "grievance": {"score": 50.0, "earned": 1.0, "possible": 2.0},
        },
        "caps": [{"question": "hr_policy", "option": "no", "level": "red"}],
        "gaps": [
            {"question": "hr_policy", "indicator": "policy", "impact": 50.0, "reason": "answer",
             "advice": ["Tulis kebijakan HAM"]},
            {"question": "channel", "indicator": "grievance", "impact": 25.0, "reason": "answer",
             "advice": ["Pasang kotak saran"]},
        ],
    }
    assert list(doc["indicators"]) == ["policy", "dormitory", "grievance"]  # definition order
    assert list(doc["indicators"]["policy"]) == ["score", "earned", "possible"]
    assert list(doc["caps"][0]) == ["question", "option", "level"]
    assert list(doc["gaps"][0]) == ["question", "indicator", "impact", "reason", "advice"]


def test_absent_values_are_null(load):
    """Everything answered na: no indicator has a score, so total and rating are null; no caps, no gaps."""
    body = BODY.replace('type = "single"\n', 'type = "single"\nallow_na = true\n').replace(
        'type = "multi"\n', 'type = "multi"\nallow_na = true\n')
    doc = json.loads(msgspec.json.encode(load(body).score({"answers": {"hr_policy": "na", "channel": "na"}})))
    assert (doc["total"], doc["rating"], doc["completeness"], doc["caps"], doc["gaps"]) == (None, None, 1.0, [], [])
    assert doc["indicators"] == {
        "policy": {"score": None, "earned": 0.0, "possible": 0.0},
        "dormitory": {"score": None, "earned": 0.0, "possible": 0.0},
        "grievance": {"score": None, "earned": 0.0, "possible": 0.0},
    }


def test_every_indicator_is_present_even_when_nothing_is_answered(load):
    a = load(BODY).score({})
    assert list(a.indicators) == ["policy", "dormitory", "grievance"]


def test_the_result_records_the_mode(load):
    assert load(BODY).score({}, mode="verified").mode == "verified"
    assert load(BODY).score({}).mode == "self"


def test_to_dict_is_the_result_json_as_plain_data(load):
    a = load(BODY).score({"answers": {"hr_policy": "no"}})
    # to_dict keeps caps and gaps as tuples; as JSON they are the arrays of the contract.
    assert json.loads(json.dumps(a.to_dict())) == json.loads(msgspec.json.encode(a))
    assert list(a.to_dict()) == list(json.loads(msgspec.json.encode(a)))


def test_the_result_round_trips_through_json(load):
    a = load(BODY).score({"answers": {"hr_policy": "no", "channel": ["box"]}}, lang="en")
    assert msgspec.json.decode(msgspec.json.encode(a), type=hamscore.Assessment) == a


def test_the_assessment_is_frozen(load):
    a = load(BODY).score({})
    with pytest.raises(AttributeError):
        a.total = 100.0  # type: ignore[misc]


def test_the_digest_in_the_result_is_the_same_for_toml_and_json_definitions(definition):
    import tomllib

    text = definition(BODY)
    from_toml = hamscore.load(text).score({})
    from_json = hamscore.load(json.dumps(tomllib.loads(text))).score({})
    assert from_toml.digest == from_json.digest
    assert from_toml == from_json


def test_scoring_is_deterministic_and_does_not_touch_the_document(load):
    q = load(BODY)
    doc = {"profile": {"employees": 150}, "answers": {"hr_policy": "yes", "channel": ["box"], "dorm": "yes"}}
    before = json.dumps(doc)
    assert q.score(doc) == q.score(doc)
    assert json.dumps(doc) == before
