"""The shipped questionnaire loads cleanly and every text, option and reference is complete.

A PIC reads the questionnaire in Indonesian or English, and every weak answer must tell them what to do next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hamscore

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"

INDICATORS = (
    "kebijakan_ham", "dampak_ham", "pengaduan", "rantai_pasok", "tenaga_kerja", "kondisi_kerja",
    "serikat_pekerja", "diskriminasi", "privasi", "lingkungan", "agraria", "tjsl",
)
LANGUAGES = ("id", "en")


def scored(question: Any) -> bool:
    """A question that can earn points (routing questions and the workforce table cannot)."""
    if question.type in ("single", "multi"):
        return any(o.points > 0 for o in question.options)
    if question.type == "number":
        return any(b.points > 0 for b in question.bands)
    return False


def max_points(question: Any) -> float:
    if question.type == "single":
        return max(o.points for o in question.options)
    if question.type == "multi":
        total = sum(o.points for o in question.options)
        return total if question.max_points is None else min(total, question.max_points)
    return max(b.points for b in question.bands)


@pytest.mark.parametrize("path", sorted(QUESTIONNAIRES.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_questionnaire_checks_clean(path):
    assert hamscore.check(path) == []
    hamscore.load(path)


def test_it_is_the_bham_questionnaire_in_indonesian_first_then_english(bham):
    assert (bham.id, bham.version) == ("bham", "2026.1")
    assert bham.languages == LANGUAGES


def test_it_has_the_twelve_indicators_of_the_national_reference_tool_in_order(bham):
    assert tuple(ind.id for ind in bham.indicators) == INDICATORS


def test_it_has_between_110_and_150_questions(bham):
    assert 110 <= len(bham.questions) <= 150


def test_the_rating_is_green_from_80_with_every_indicator_at_50_yellow_from_50_red_below(bham):
    bands = [(b.level, b.min, b.min_indicator) for b in bham.definition.rating.bands]
    assert bands == [("green", 80, 50), ("yellow", 50, None), ("red", 0, None)]


def test_every_scored_question_has_help_and_references(bham):
    missing = [q.id for q in bham.questions if scored(q) and not (q.help and q.refs)]
    assert missing == []


def test_every_question_has_help_even_when_it_only_routes(bham):
    assert [q.id for q in bham.questions if not q.help] == []


REF = re.compile(
    r"^(UNGP \d+|OECD DDG Step [1-6]|ILO [CRP]\d+|ISO 26000 [\d.]+|UNDRIP Pasal \d+|UUD 1945 Pasal \w+"
    r"|(UU|PP|Perpres|Permenaker|Permenakertrans|Kepmenaker|Perpol|POJK) \d+/\d{4}( Pasal \d+\w?)?"
    r"|Putusan MK [\w/-]+|Voluntary Principles on Security and Human Rights)$"
)


def test_references_are_citations_a_reader_can_look_up(bham):
    odd = [(q.id, ref) for q in bham.questions for ref in q.refs or () if not REF.match(ref)]
    assert odd == []


def test_every_weak_option_has_advice_in_both_languages(bham):
    """Any option earning less than the question's best tells the company one concrete next step.

    For a multi question every option earns less than the whole, so every option carries advice: the result
    shows the advice of the options the company did not choose.
    """
    missing = []
    for q in bham.questions:
        if q.type not in ("single", "multi") or not scored(q):
            continue
        best = max_points(q)
        for o in q.options:
            if q.type == "multi" or o.points < best:
                advice = o.advice if isinstance(o.advice, dict) else {}
                if any(not advice.get(lang, "").strip() for lang in LANGUAGES):
                    missing.append(f"{q.id}.{o.id}")
    assert missing == []


def test_no_option_that_earns_the_best_answer_carries_advice_that_would_never_be_shown(bham):
    pointless = [
        f"{q.id}.{o.id}" for q in bham.questions if q.type == "single" and scored(q)
        for o in q.options if o.points == max_points(q) and o.advice
    ]
    assert pointless == []


def _texts(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every prose field of the raw file: titles, descriptions, texts, help, labels and advice."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else key
            if key in ("title", "description", "text", "help", "label", "advice"):
                yield where, value
            else:
                yield from _texts(value, where)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, f"{path}[{i}]")


def test_no_text_is_missing_a_language(bham_raw):
    """Every prose text is a table with Indonesian and English, both filled in and not copies of each other."""
    bad = []
    for where, value in _texts(bham_raw, ""):
        if not isinstance(value, dict) or set(value) != set(LANGUAGES) or any(not value[lang].strip() for lang in LANGUAGES) or value["id"] == value["en"]:
            bad.append(where)
    assert bad == []


def test_texts_read_cleanly_in_both_languages(bham_raw):
    """No doubled spaces, stray whitespace or a sentence that forgets its full stop in help and advice."""
    bad = []
    for where, value in _texts(bham_raw, ""):
        for lang, s in value.items():
            if s != s.strip() or "  " in s:
                bad.append(f"{where}.{lang}")
            if where.endswith(("help", "advice", "description")) and not s.endswith((".", ")")):
                bad.append(f"{where}.{lang}")
    assert bad == []


def test_not_applicable_is_offered_sparingly(bham):
    """`na` only where 'not applicable' is a real state of affairs (no overtime, no women, no B3 waste)."""
    allowed = {q.id for q in bham.questions if q.allow_na}
    assert allowed == {
        "dampak_pemulihan", "pengaduan_selesai_persen", "pasok_penilaian_persen", "pasok_bahan_berisiko",
        "kk_lembur", "kk_laktasi", "kk_perumahan", "kk_pestisida", "sp_mogok", "ling_b3", "ling_air_limbah",
        "agr_pembebasan", "agr_plasma",
    }


def test_documents_that_prove_a_claim_are_required_as_evidence(bham):
    required = {q.id for q in bham.questions if q.evidence == "required"}
    for claim in ("kebijakan_komitmen", "dampak_identifikasi", "pengaduan_prosedur", "kebijakan_pelatihan",
                  "ling_persetujuan", "sp_pkb", "tk_peraturan_perusahaan", "kk_bpjs", "kk_smk3",
                  "dis_pelecehan", "tk_kontrak_persen", "agr_status"):
        assert claim in required, claim


def test_the_workforce_table_by_position_and_sex_is_asked_but_not_scored(bham):
    table = [q for q in bham.questions if re.fullmatch(r"tk_(manajer|pengawas|pelaksana)_[lp]", q.id)]
    assert len(table) == 6
    assert all(q.type == "number" and not scored(q) for q in table)
