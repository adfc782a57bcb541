"""Each shipped example scores exactly to the rating, total, flags and top gaps its README states.

The README's table is the statement; these tests read it, so the documentation cannot drift from the scores.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "questionnaires" / "examples"
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


def stated() -> dict[str, dict[str, Any]]:
    """The README table, one entry per file: questions, rating, total, flags and top gaps."""
    rows: dict[str, dict[str, Any]] = {}
    for line in (EXAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or not cells[0].startswith("`"):
            continue
        name = cells[0].strip("`").removesuffix(".json")
        flags = re.findall(r"`(\w+)` = `(\w+)` \((\w+)\)", cells[6])
        rows[name] = {"questions": int(cells[3]), "rating": cells[4], "total": float(cells[5]),
                      "flags": [tuple(f) for f in flags], "gaps": re.findall(r"`(\w+)`", cells[7])}
    return rows


def read(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def test_there_are_at_least_six_examples_and_the_readme_states_a_result_for_each():
    assert len(NAMES) >= 6
    assert sorted(stated()) == NAMES


def test_the_examples_cover_all_four_sizes_and_every_rating():
    sizes = {read(n)["profile"]["size"] for n in NAMES}
    assert sizes == {"mikro", "kecil", "menengah", "besar"}
    assert {row["rating"] for row in stated().values()} == {"green", "yellow", "red"}


@pytest.mark.parametrize("name", NAMES)
def test_the_example_is_a_complete_valid_submission_from_banten(bham, name):
    doc = read(name)
    assert (doc["questionnaire"], doc["version"]) == (bham.id, bham.version)
    assert doc["profile"]["province"] == "36"
    assert doc["profile"]["regency"] in {"36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"}
    assert bham.validate(doc) == []
    assert bham.score(doc).completeness == 1.0


@pytest.mark.parametrize("name", NAMES)
def test_the_example_scores_as_its_readme_states(bham, name):
    want = stated()[name]
    doc = read(name)
    a = bham.score(doc)
    assert len(bham.applicable(doc)) == want["questions"]
    assert a.rating == want["rating"]
    assert round(a.total, 1) == want["total"]
    assert [(c.question, c.option, c.level) for c in a.caps] == want["flags"]
    assert [g.question for g in a.gaps[:3]] == want["gaps"]


@pytest.mark.parametrize("name", NAMES)
def test_the_top_gaps_come_with_advice_in_both_languages(bham, name):
    """Gaps on option questions carry their advice; number bands have no advice field in the format, so a
    number gap (hours, quota) relies on its question's help, which states the limit to reach."""
    doc = read(name)
    for lang in ("id", "en"):
        for gap in bham.score(doc, lang=lang).gaps[:3]:
            if bham.question(gap.question).type == "number":
                assert bham.question(gap.question).help
                continue
            assert gap.advice, gap.question
            assert all(text.strip() for text in gap.advice)


def test_siti_is_yellow_and_a_one_page_commitment_is_her_biggest_gain(bham):
    """Siti, owner of a four-person emping business in Kota Serang, has no written commitment at all."""
    a = bham.score(read("mikro_emping_kota_serang"), lang="id")
    assert a.rating == "yellow"
    assert a.indicators["kebijakan_ham"].score == 0
    top = a.gaps[0]
    assert (top.question, top.reason) == ("kebijakan_komitmen", "answer")
    assert top.advice == (
        (
            "Tulis satu halaman pernyataan komitmen menghormati hak pekerja, masyarakat sekitar dan konsumen, "
            "mintakan tanda tangan pemilik atau direksi, lalu tempel di papan informasi."
        ),
    )


def test_dewi_is_held_at_yellow_by_privacy_alone_and_locking_away_guest_ids_makes_her_green(bham):
    """Dewi manages a 35-person beach hotel in Pandeglang; guests' ID copies lie open at reception."""
    doc = read("hotel_kecil_pandeglang")
    a = bham.score(doc)
    assert a.total >= 80
    assert a.indicators["privasi"].score == 0
    assert a.rating == "yellow"
    doc["answers"]["priv_akses"] = "diamankan"
    assert bham.score(doc).rating == "green"


def test_rudi_is_red_on_the_total_without_any_flag(bham):
    """Rudi is HR officer of a 180-person courier firm in Tangerang Selatan: weak everywhere, grave nowhere."""
    a = bham.score(read("logistik_menengah_tangerang_selatan"))
    assert (a.rating, a.caps) == ("red", ())
    assert a.total < 50


def test_hendra_would_be_yellow_without_the_land_dispute_but_the_red_flag_decides(bham):
    """Hendra's oil-palm plantation in Lebak has policies and a union agreement, and an unresolved land claim."""
    doc = read("sawit_besar_lebak")
    a = bham.score(doc)
    assert a.rating == "red"
    assert 50 <= a.total < 80
    assert a.gaps[0].question == "agr_konflik"


def test_maya_would_be_green_but_pregnancy_non_renewals_hold_her_at_yellow(bham):
    """Maya's garment exporter in Kabupaten Tangerang passes buyer audits yet let pregnant workers' contracts lapse."""
    doc = read("garmen_besar_kab_tangerang")
    a = bham.score(doc)
    assert a.total >= 80
    assert all(ind.score is None or ind.score >= 50 for ind in a.indicators.values())
    assert a.rating == "yellow"
    doc["answers"]["dis_kehamilan"] = "dilindungi"
    assert bham.score(doc).rating == "green"


def test_agus_steel_plant_is_green_even_once_the_task_force_checks_its_documents(bham):
    """Agus heads safety at a steel plant in Cilegon; its documents are verified by the task force."""
    doc = read("baja_besar_cilegon")
    assert bham.score(doc).rating == "green"
    doc["evidence"] = dict.fromkeys(doc["evidence"], "verified")
    assert bham.score(doc, mode="verified").rating == "green"


def test_in_verified_mode_documents_a_company_only_declared_earn_nothing(bham):
    """The same plantation answers, unverified, lose every point that rested on a document."""
    doc = read("sawit_besar_lebak")
    assert bham.score(doc, mode="verified").total < bham.score(doc).total
