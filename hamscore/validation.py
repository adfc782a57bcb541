"""Checking a submission's answers against a definition, reporting every problem with its place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hamscore.checks import PROVINCE, REGENCY
from hamscore.conditions import PROFILE_FIELDS, SECTORS, SIZES
from hamscore.problems import Code, Problem
from hamscore.scoring import DOCUMENT_KEYS, EVIDENCE_STATUSES, Engine, answer_problem

__all__ = ["validate_document"]


def _error(code: Code, location: str, message: str, hint: str) -> Problem:
    return Problem(code=code, location=location, message=message, hint=hint)


def _warning(code: Code, location: str, message: str, hint: str) -> Problem:
    return Problem(code=code, location=location, message=message, hint=hint, severity="warning")


def validate_document(engine: Engine, doc: Any) -> list[Problem]:
    """Every problem of an answers document: errors first in document order, then warnings."""
    out: list[Problem] = []
    if not isinstance(doc, Mapping):
        return [_error(Code.INVALID_DOCUMENT, "", f"answers must be an object, got {type(doc).__name__}",
                       'give {"answers": {...}, "profile": {...}, "evidence": {...}}')]
    d = engine.definition
    for key in doc:
        if key not in DOCUMENT_KEYS:
            out.append(_error(Code.UNKNOWN_FIELD, str(key), f"unknown field {key!r}",
                              "the fields are " + ", ".join(sorted(DOCUMENT_KEYS))))
    if "questionnaire" in doc and doc["questionnaire"] != d.id:
        out.append(_error(Code.QUESTIONNAIRE_MISMATCH, "questionnaire",
                          f"answers are for questionnaire {doc['questionnaire']!r}, not {d.id!r}",
                          "score them with the questionnaire they were given for"))
    if "version" in doc and doc["version"] != d.version:
        out.append(_error(Code.VERSION_MISMATCH, "version",
                          f"answers are for version {doc['version']!r}, not {d.version!r}",
                          "score them with the version they were given for"))
    profile = _section(doc, "profile", out)
    answers = _section(doc, "answers", out)
    evidence = _section(doc, "evidence", out)
    _check_profile(profile, out)

    clean_profile = {k: v for k, v in profile.items() if k in PROFILE_FIELDS}
    good_answers: dict[str, Any] = {}
    for qid, a in answers.items():
        loc = f"answers.{qid}"
        plan = engine.by_id.get(qid)
        if plan is None:
            out.append(_error(Code.UNKNOWN_QUESTION, loc, f"no question has the id {qid!r}",
                              "check the id against the questionnaire, or remove the answer"))
            continue
        if a is None or a == "":
            continue
        problem = answer_problem(plan, a)
        if problem is not None:
            out.append(_error(problem[0], loc, problem[1], problem[2]))
        else:
            good_answers[qid] = a
    for qid, status in evidence.items():
        loc = f"evidence.{qid}"
        plan = engine.by_id.get(qid)
        if plan is None:
            out.append(_error(Code.UNKNOWN_QUESTION, loc, f"no question has the id {qid!r}",
                              "check the id against the questionnaire, or remove the entry"))
        elif status is not None and (not isinstance(status, str) or status not in EVIDENCE_STATUSES):
            out.append(_error(Code.INVALID_EVIDENCE_STATUS, loc, f"evidence status {status!r} is not known",
                              "use provided, verified or rejected (or leave it out when missing)"))
        elif status is not None and plan.evidence == "none":
                out.append(_warning(Code.EVIDENCE_NOT_EXPECTED, loc, f"question {qid!r} asks for no evidence",
                                    "the status is kept but does not change the score"))

    try:
        applicable = engine.applicable_ids(good_answers, clean_profile)
    except TypeError:  # pragma: no cover - values were checked above
        applicable = engine.ids
    for qid, a in good_answers.items():
        if qid not in applicable and a is not None and a != "":
            out.append(_warning(Code.NOT_APPLICABLE, f"answers.{qid}",
                                f"question {qid!r} does not apply to this submission",
                                "the answer is kept and counts again if the question applies again"))
    return out


def _section(doc: Mapping[str, Any], key: str, out: list[Problem]) -> Mapping[str, Any]:
    value = doc.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        out.append(_error(Code.WRONG_TYPE, key, f"{key} must be an object, got {type(value).__name__}",
                          f'give {key} as {{"<name>": value, ...}}'))
        return {}
    return value


def _check_profile(profile: Mapping[str, Any], out: list[Problem]) -> None:
    for key, value in profile.items():
        loc = f"profile.{key}"
        if key not in PROFILE_FIELDS:
            out.append(_warning(Code.UNKNOWN_PROFILE_FIELD, loc, f"profile has no field {key!r}",
                                "it is ignored; the fields are " + ", ".join(PROFILE_FIELDS)))
            continue
        if value is None:
            continue
        ok = {
            "size": lambda v: v in SIZES,
            "sector": lambda v: v in SECTORS,
            "employees": lambda v: type(v) is int and v >= 0,
            "province": lambda v: type(v) is str and bool(PROVINCE.match(v)),
            "regency": lambda v: type(v) is str and bool(REGENCY.match(v)),
        }[key](value)
        if not ok:
            out.append(_error(Code.INVALID_PROFILE_VALUE, loc, f"{value!r} is not a valid {key}",
                              f"give the {PROFILE_FIELDS[key]}"))
