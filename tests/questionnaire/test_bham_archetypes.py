"""The questionnaire is proportionate: a micro or small firm sees at most 40 questions, a large plantation most.

Counts are of applicable questions (``Questionnaire.applicable``), routing questions included, since those are
what the PIC has to read and answer.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

SECTORS = [chr(c) for c in range(ord("A"), ord("U") + 1)]
HEADCOUNTS = [1, 9, 10, 49, 50, 99, 100, 250, 5000]


def seen(bham, doc: dict[str, Any]) -> int:
    return len(bham.applicable(doc))


def random_answers(bham, rng: random.Random) -> dict[str, Any]:
    """Any answer to every question; conditions then decide which of them apply."""
    answers: dict[str, Any] = {}
    for q in bham.questions:
        if q.type == "single":
            answers[q.id] = rng.choice([o.id for o in q.options])
        elif q.type == "multi":
            ids = [o.id for o in q.options]
            answers[q.id] = rng.sample(ids, rng.randint(0, len(ids)))
        elif q.type == "number":
            answers[q.id] = rng.choice([0, 1, 45, 100, 1000])
    return answers


def every_door_open(bham) -> dict[str, Any]:
    """The answers that open the most follow-up questions: suppliers, a union, every form of work, every data."""
    return {
        "pasok_ada": "banyak", "ling_lokasi": "lahan_luas", "kk_k3_bahaya": "ada", "sp_ada": "ada",
        "tk_bentuk": ["pkwtt", "pkwt", "harian", "alih_daya", "magang"],
        "priv_data": ["pekerja", "pelanggan", "sensitif", "cctv"], "agr_adat": "ada",
        "kebijakan_komitmen": "ditetapkan_disampaikan", "dampak_identifikasi": "tertulis_berkala",
        "pengaduan_saluran": "beberapa_saluran",
    }


def test_siti_micro_emping_producer_in_kota_serang_answers_26_questions(bham, example):
    """Siti runs a four-person emping business from home: one sitting, well under the 40 ceiling."""
    assert seen(bham, example("mikro_emping_kota_serang")) == 26


def test_dewi_small_hotel_in_pandeglang_answers_35_questions(bham, example):
    assert seen(bham, example("hotel_kecil_pandeglang")) == 35


def test_rudi_medium_logistics_firm_in_tangerang_selatan_answers_81_questions(bham, example):
    assert seen(bham, example("logistik_menengah_tangerang_selatan")) == 81


def test_hendra_large_plantation_in_lebak_answers_113_of_120_questions(bham, example):
    assert seen(bham, example("sawit_besar_lebak")) == 113
    assert len(bham.questions) == 120


def test_the_large_plantation_sees_more_than_any_other_archetype(bham, example):
    counts = {name: seen(bham, example(name)) for name in (
        "mikro_emping_kota_serang", "hotel_kecil_pandeglang", "logistik_menengah_tangerang_selatan",
        "garmen_besar_kab_tangerang", "baja_besar_cilegon", "sawit_besar_lebak")}
    assert max(counts, key=counts.__getitem__) == "sawit_besar_lebak"


def test_what_the_plantation_does_not_see_cannot_apply_to_it(bham, example):
    hidden = {q.id for q in bham.questions} - bham.applicable(example("sawit_besar_lebak"))
    assert hidden == {
        "kk_upah_umk",  # the micro-and-small wage floor
        "kk_k3_bahaya",  # plantations are hazardous by sector
        "ling_reklamasi",  # mining only
        "sp_dialog",  # it has a union
        "tk_magang",  # it has no apprentices
        "priv_persetujuan", "priv_pemantauan",  # it holds no customer data and runs no CCTV
    }


@pytest.mark.parametrize("size", ["mikro", "kecil"])
def test_a_micro_or_small_firm_never_sees_more_than_40_questions(bham, size):
    """Whatever its sector, headcount and answers: checked with the most opening answers and at random."""
    rng = random.Random(f"bham-{size}")
    worst = 0
    for sector in SECTORS:
        for employees in HEADCOUNTS:
            profile = {"size": size, "sector": sector, "employees": employees}
            worst = max(worst, seen(bham, {"profile": profile, "answers": every_door_open(bham)}))
            for _ in range(15):
                worst = max(worst, seen(bham, {"profile": profile, "answers": random_answers(bham, rng)}))
    assert worst <= 40


def test_a_small_firm_in_a_plantation_with_every_obligation_reaches_exactly_the_ceiling(bham):
    """The ceiling is reached, not just respected: a small plantation with 100+ workers and a union sees 40."""
    profile = {"size": "kecil", "sector": "A", "employees": 120}
    assert seen(bham, {"profile": profile, "answers": every_door_open(bham)}) == 40


def test_a_micro_firm_without_suppliers_skips_the_supply_chain_detail(bham, example):
    doc = example("mikro_emping_kota_serang")
    doc["answers"]["pasok_ada"] = "tidak"
    applicable = bham.applicable(doc)
    assert "pasok_ada" in applicable
    assert "pasok_kenal" not in applicable
    assert bham.score(doc).indicators["rantai_pasok"].score is None


def test_a_company_with_ten_workers_is_asked_for_its_company_regulations(bham, example):
    doc = example("mikro_emping_kota_serang")
    assert "tk_peraturan_perusahaan" not in bham.applicable(doc)
    doc["profile"]["employees"] = 10
    assert "tk_peraturan_perusahaan" in bham.applicable(doc)


def test_a_shop_is_asked_whether_its_work_is_hazardous_and_a_factory_is_not(bham):
    shop = bham.applicable({"profile": {"size": "mikro", "sector": "G"}, "answers": {"kk_k3_bahaya": "tidak"}})
    factory = bham.applicable({"profile": {"size": "mikro", "sector": "C"}, "answers": {}})
    assert "kk_k3_bahaya" in shop
    assert "kk_k3_langkah" not in shop
    assert "kk_k3_bahaya" not in factory
    assert "kk_k3_langkah" in factory


def test_land_questions_appear_for_plantations_and_large_sites_but_not_for_a_home_business(bham):
    def land(profile, answers):
        return "agr_konflik" in bham.applicable({"profile": profile, "answers": answers})

    assert land({"size": "mikro", "sector": "A"}, {})
    assert land({"size": "kecil", "sector": "B"}, {})
    assert land({"size": "kecil", "sector": "F"}, {"ling_lokasi": "lahan_luas"})
    assert land({"size": "menengah", "sector": "I"}, {"ling_lokasi": "lahan_sendiri"})
    assert not land({"size": "kecil", "sector": "I"}, {"ling_lokasi": "lahan_sendiri"})
    assert not land({"size": "mikro", "sector": "C"}, {"ling_lokasi": "rumah"})
