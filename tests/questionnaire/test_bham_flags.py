"""Every red flag caps the rating at red and every yellow flag at yellow, whatever else the company does well.

Each case starts from a model company that gives the best answer to every question and has every document,
so it is green with a total of 100, then changes the one answer that raises the flag.
"""

from __future__ import annotations

from typing import Any

import pytest

PLANTATION = {"size": "besar", "sector": "A", "employees": 2400, "province": "36", "regency": "36.02"}
SMALL_FARM = {"size": "kecil", "sector": "A", "employees": 20, "province": "36", "regency": "36.01"}

RED_FLAGS = [
    ("tk_usia", "anak_dilarang"),  # child labour: under the minimum age, or hazardous work under 18
    ("tk_dokumen", "ditahan"),  # forced labour: documents held
    ("tk_utang", "terikat"),  # forced labour: debt bondage
    ("tk_berhenti", "dihalangi"),  # forced labour: no freedom to resign
    ("kk_upah_minimum", "di_bawah"),  # wages below the legal minimum
    ("kk_upah_umk", "di_bawah"),  # wages below the micro and small business floor
    ("kk_k3_langkah", "tidak_ada"),  # no safety measures in hazardous work
    ("kk_pestisida", "tidak_ada"),  # no protection when handling pesticides
    ("pengaduan_perlindungan", "ada_pembalasan"),  # retaliation against complainants
    ("sp_kebebasan", "dihalangi"),  # retaliation against union members
    ("sp_mogok", "ya"),  # retaliation against lawful strikers
    ("agr_konflik", "ada_tanpa_proses"),  # unresolved land conflict with communities
]

YELLOW_FLAGS = [
    ("pengaduan_saluran", "tidak_ada"),  # no grievance channel at all
    ("pengaduan_jalur_lain", "dihalangi"),  # complainants kept from outside bodies
    ("kk_fatal", "ya_tanpa_tindak"),  # a fatal accident without investigation
    ("dis_kehamilan", "diberhentikan"),  # dismissal for marriage or pregnancy
    ("priv_pemantauan", "area_pribadi"),  # cameras in private places
    ("ling_pembukaan_lahan", "membakar"),  # land cleared by burning
    ("agr_konflik", "ada_dalam_proses"),  # a land dispute in an agreed settlement process
    ("agr_pembebasan", "paksaan"),  # eviction or pressure in land acquisition
]

OPEN_EVERY_DOOR = {
    "pasok_ada": "banyak", "ling_lokasi": "lahan_luas", "kk_k3_bahaya": "ada", "sp_ada": "ada",
    "priv_data": ["pekerja", "pelanggan", "sensitif", "cctv"], "agr_adat": "ada",
}


def best_value(question: Any) -> Any:
    if question.type == "single":
        return max(question.options, key=lambda o: o.points).id
    if question.type == "multi":
        return [o.id for o in question.options]
    band = max(question.bands, key=lambda b: b.points)
    return band.min if band.min is not None else band.max - 1


def model_company(bham, profile: dict[str, Any]) -> dict[str, Any]:
    """Best answer everywhere, every required document provided; routing answers open every follow-up."""
    answers = {q.id: best_value(q) for q in bham.questions}
    answers.update(OPEN_EVERY_DOOR)
    evidence = {q.id: "provided" for q in bham.questions if q.evidence == "required"}
    return {"questionnaire": "bham", "version": "2026.1", "profile": profile, "answers": answers,
            "evidence": evidence}


def profile_for(question_id: str) -> dict[str, Any]:
    return SMALL_FARM if question_id == "kk_upah_umk" else PLANTATION


def test_the_model_company_is_green_with_full_marks(bham):
    for profile in (PLANTATION, SMALL_FARM):
        a = bham.score(model_company(bham, profile))
        assert (a.rating, a.total, a.caps) == ("green", 100.0, ())


def caps_in_file(bham) -> set[tuple[str, str, str]]:
    return {(q.id, o.id, o.cap) for q in bham.questions for o in getattr(q, "options", ()) if o.cap}


def test_the_file_raises_exactly_the_intended_flags(bham):
    intended = {(q, o, "red") for q, o in RED_FLAGS} | {(q, o, "yellow") for q, o in YELLOW_FLAGS}
    assert caps_in_file(bham) == intended


@pytest.mark.parametrize(("question", "option"), RED_FLAGS, ids=[f"{q}={o}" for q, o in RED_FLAGS])
def test_a_red_flag_makes_an_otherwise_perfect_company_red(bham, question, option):
    doc = model_company(bham, profile_for(question))
    doc["answers"][question] = option
    assert question in bham.applicable(doc)
    a = bham.score(doc)
    assert a.rating == "red"
    assert [(c.question, c.option, c.level) for c in a.caps] == [(question, option, "red")]


@pytest.mark.parametrize(("question", "option"), YELLOW_FLAGS, ids=[f"{q}={o}" for q, o in YELLOW_FLAGS])
def test_a_yellow_flag_keeps_an_otherwise_perfect_company_from_green(bham, question, option):
    doc = model_company(bham, profile_for(question))
    doc["answers"][question] = option
    assert question in bham.applicable(doc)
    a = bham.score(doc)
    assert a.total >= 80
    assert a.rating == "yellow"
    assert [(c.question, c.option, c.level) for c in a.caps] == [(question, option, "yellow")]


def test_a_flag_holds_even_when_the_company_has_no_document_for_anything(bham):
    """Caps do not depend on evidence: a plantation that uploaded nothing is still red for a held diploma."""
    doc = model_company(bham, PLANTATION)
    doc["evidence"] = {}
    doc["answers"]["tk_dokumen"] = "ditahan"
    assert bham.score(doc, mode="verified").rating == "red"


def test_siti_a_micro_producer_is_never_flagged_for_the_regional_minimum_wage(bham, example):
    """Micro and small firms are exempt from the regional minimum; only their own floor is asked."""
    doc = example("mikro_emping_kota_serang")
    doc["answers"]["kk_upah_minimum"] = "di_bawah"
    a = bham.score(doc)
    assert "kk_upah_minimum" not in bham.applicable(doc)
    assert (a.rating, a.caps) == ("yellow", ())


def test_siti_paying_below_the_micro_business_floor_is_red(bham, example):
    doc = example("mikro_emping_kota_serang")
    doc["answers"]["kk_upah_umk"] = "di_bawah"
    assert bham.score(doc).rating == "red"


def test_hendras_plantation_becomes_yellow_once_both_sides_agree_how_to_settle_the_land_dispute(bham, example):
    """The land flag is graded: no process caps at red, an agreed settlement process at yellow."""
    doc = example("sawit_besar_lebak")
    doc["answers"]["agr_konflik"] = "ada_dalam_proses"
    a = bham.score(doc)
    assert a.rating == "yellow"
    assert [(c.question, c.level) for c in a.caps] == [("agr_konflik", "yellow")]
