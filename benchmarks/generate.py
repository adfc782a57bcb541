"""A questionnaire shaped like the real one, and answers shaped like real submissions.

140 questions in 12 indicators: mostly single choice, some multi choice, numbers, texts and a
date; about 30% of the questions are conditional (on the profile, on an earlier filter question,
or on a whole indicator), a few options carry red-flag caps, and a fifth of the questions ask for
evidence. Everything is drawn from a seeded ``random.Random``, so every run scores the same data.
"""

from __future__ import annotations

import random
from typing import Any

import msgspec

__all__ = ["documents", "questionnaire_json"]

N_INDICATORS = 12
N_QUESTIONS = 140
SIZES = ("mikro", "kecil", "menengah", "besar")
SECTORS = tuple("ABCDEFGHIJKLMNOPQRSTU")
PROVINCES = ("11", "31", "32", "33", "35", "36", "51", "64", "73", "94")


def _single(rng: random.Random, qid: str) -> dict[str, Any]:
    n = rng.choice((2, 3, 3, 4, 5))
    options = []
    for k in range(n):
        points = float(n - 1 - k)
        option: dict[str, Any] = {"id": f"o{k}", "label": {"id": f"Pilihan {k}", "en": f"Option {k}"},
                                  "points": points}
        if points < n - 1:
            option["advice"] = {"id": "Perbaiki prosedur.", "en": "Improve the procedure."}
        options.append(option)
    if rng.random() < 0.12:
        options[-1]["cap"] = rng.choice(("yellow", "red"))
    return {"type": "single", "options": options}


def _multi(rng: random.Random, qid: str) -> dict[str, Any]:
    n = rng.choice((4, 5, 6))
    options = [{"id": f"m{k}", "label": {"id": f"Butir {k}", "en": f"Item {k}"},
                "points": rng.choice((0.5, 1.0, 1.0, 2.0)),
                "advice": {"id": "Tambahkan butir ini.", "en": "Add this item."}} for k in range(n)]
    options.append({"id": "none", "label": {"id": "Tidak ada", "en": "None"}, "points": 0.0})
    if rng.random() < 0.2:
        options[-1]["cap"] = "yellow"
    out: dict[str, Any] = {"type": "multi", "options": options}
    if rng.random() < 0.5:
        out["max_points"] = 3.0
    return out


def _number(rng: random.Random, qid: str) -> dict[str, Any]:
    return {"type": "number", "bands": [{"max": 1, "points": 0}, {"min": 1, "max": 10, "points": 1},
                                        {"min": 10, "max": 100, "points": 2}, {"min": 100, "points": 3}]}


def questionnaire_json(seed: int = 7) -> bytes:
    """The definition as JSON bytes (what ``hamscore.load`` reads)."""
    rng = random.Random(seed)
    indicators: list[dict[str, Any]] = []
    per = [N_QUESTIONS // N_INDICATORS + (1 if i < N_QUESTIONS % N_INDICATORS else 0) for i in range(N_INDICATORS)]
    n = 0
    for i in range(N_INDICATORS):
        questions: list[dict[str, Any]] = []
        filter_id: str | None = None
        for j in range(per[i]):
            n += 1
            qid = f"q{n:03d}"
            roll = rng.random()
            if j == 0:
                body = {"type": "single", "options": [
                    {"id": "ya", "label": {"id": "Ya", "en": "Yes"}, "points": 1.0},
                    {"id": "tidak", "label": {"id": "Tidak", "en": "No"}, "points": 0.0,
                     "advice": {"id": "Susun kebijakan.", "en": "Write a policy."}}]}
                filter_id = qid
            elif roll < 0.62:
                body = _single(rng, qid)
            elif roll < 0.80:
                body = _multi(rng, qid)
            elif roll < 0.92:
                body = _number(rng, qid)
            else:
                body = {"type": "text", "required": False}
            question: dict[str, Any] = {"id": qid, "text": {"id": f"Pertanyaan {n}", "en": f"Question {n}"}, **body}
            if n == 70:
                question = {"id": qid, "type": "date", "required": False,
                            "text": {"id": "Tanggal audit terakhir", "en": "Date of the last audit"}}
            if question["type"] in ("single", "multi", "number"):
                if rng.random() < 0.2:
                    question["evidence"] = "required"
                if rng.random() < 0.15:
                    question["allow_na"] = True
                if rng.random() < 0.1:
                    question["required"] = False
            if j > 0 and rng.random() < 0.27:
                kind = rng.random()
                if kind < 0.6 and filter_id is not None:
                    question["show_if"] = f'{filter_id} == "ya"'
                elif kind < 0.85:
                    question["show_if"] = 'profile.size in ["menengah", "besar"]'
                else:
                    question["show_if"] = "profile.employees >= 50 and not (profile.sector == \"A\")"
            questions.append(question)
        indicator: dict[str, Any] = {"id": f"ind{i + 1:02d}", "title": {"id": f"Indikator {i + 1}",
                                                                         "en": f"Indicator {i + 1}"},
                                     "weight": rng.choice((1.0, 1.0, 2.0)), "questions": questions}
        if i in (9, 11):
            indicator["show_if"] = 'profile.sector in ["B", "C", "F"] or answered(q001)'
        indicators.append(indicator)
    definition = {
        "id": "bham-bench", "version": "2026.1",
        "title": {"id": "Penilaian HAM dan bisnis", "en": "Business and human rights assessment"},
        "languages": ["id", "en"],
        "rating": {"bands": [{"level": "green", "min": 80, "min_indicator": 50},
                             {"level": "yellow", "min": 50}, {"level": "red", "min": 0}],
                   "evidence_factor": 0.5},
        "indicators": indicators,
    }
    return msgspec.json.encode(definition)


def documents(definition: bytes, n: int, *, seed: int = 11) -> list[dict[str, Any]]:
    """``n`` answer documents: mostly complete, a few skipped questions, some evidence, some ``na``."""
    d = msgspec.json.decode(definition)
    rng = random.Random(seed)
    questions = [q for ind in d["indicators"] for q in ind["questions"]]
    docs: list[dict[str, Any]] = []
    for _ in range(n):
        size = rng.choice(SIZES)
        profile = {"size": size, "sector": rng.choice(SECTORS),
                   "employees": {"mikro": 4, "kecil": 20, "menengah": 120, "besar": 900}[size] + rng.randrange(10),
                   "province": rng.choice(PROVINCES)}
        answers: dict[str, Any] = {}
        evidence: dict[str, str] = {}
        diligence = rng.random()
        for q in questions:
            if rng.random() < 0.05:
                continue  # skipped
            kind = q["type"]
            if q.get("allow_na") and rng.random() < 0.1:
                answers[q["id"]] = "na"
                continue
            if kind == "single":
                options = q["options"]
                k = 0 if rng.random() < diligence else rng.randrange(len(options))
                answers[q["id"]] = options[k]["id"]
            elif kind == "multi":
                ids = [o["id"] for o in q["options"][:-1]]
                chosen = [oid for oid in ids if rng.random() < diligence]
                answers[q["id"]] = chosen or ([] if rng.random() < 0.5 else ["none"])
            elif kind == "number":
                answers[q["id"]] = float(rng.choice((0, 3, 12, 40, 250)))
            elif kind == "date":
                answers[q["id"]] = f"202{rng.randrange(6)}-0{rng.randrange(1, 10)}-1{rng.randrange(10)}"
            else:
                answers[q["id"]] = "Kebijakan tertulis sejak 2019."
            if q.get("evidence") == "required" and rng.random() < 0.7:
                evidence[q["id"]] = rng.choice(("provided", "provided", "verified", "rejected"))
        docs.append({"questionnaire": d["id"], "version": d["version"], "profile": profile,
                     "answers": answers, "evidence": evidence})
    return docs
