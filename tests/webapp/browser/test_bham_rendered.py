"""The real BHAM questionnaire, rendered for Siti's micro food business in real Chromium, reads in
Indonesian and in English: every section she sees has its own title and questions in the language
she chose, with no untranslated text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hamscore

pytestmark = pytest.mark.browser

BHAM = Path(__file__).resolve().parents[3] / "questionnaires" / "bham.toml"
PROFILE = {"size": "mikro", "sector": "C", "employees": 4, "province": "36", "regency": "36.73"}


@pytest.fixture
def questionnaire_text() -> str:
    """Serve the shipped questionnaire instead of the tests' small one."""
    return BHAM.read_text(encoding="utf-8")


def _register(page, lang: str) -> None:
    page.goto("/register")
    if lang == "en":
        page.get_by_role("button", name="English").click()
    labels = {
        "id": ("Nama lengkap", "Kata sandi", "Nama perusahaan", "Nomor SK AHU", "Alamat", "Provinsi",
               "Kabupaten/kota", "Kategori KBLI", "Skala usaha", "Jumlah pekerja", "Daftar"),
        "en": ("Full name", "Password", "Company name", "AHU decree number", "Address", "Province",
               "Regency/city", "KBLI category", "Business size", "Number of employees", "Register"),
    }[lang]
    name, password, company, ahu, address, province, regency, sector, size, employees, register = labels
    page.get_by_label(name).fill("Siti Aminah")
    page.get_by_label("Email").fill(f"siti.{lang}@emping-serang.id")
    page.get_by_label(password).fill("kata-sandi-rahasia-1")
    page.get_by_label(company).fill("UD Emping Melinjo Serang")
    page.get_by_label("NIB").fill("9120001234567" if lang == "id" else "9120001234568")
    page.get_by_label(ahu).fill("-")
    page.get_by_label(address).fill("Jl. Sayabulu No. 3, Kota Serang")
    page.get_by_label(province).select_option(PROFILE["province"])
    page.get_by_label(regency).select_option(PROFILE["regency"])
    page.get_by_label(sector).select_option(PROFILE["sector"])
    page.get_by_label(size).select_option(PROFILE["size"])
    page.get_by_label(employees).fill(str(PROFILE["employees"]))
    page.get_by_role("button", name=register, exact=True).click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_bham_questionnaire_reads_in_the_chosen_language(page, lang, questionnaire_text):
    from playwright.sync_api import expect

    q = hamscore.load(questionnaire_text)
    other = "en" if lang == "id" else "id"
    applicable = q.applicable({"profile": PROFILE})
    _register(page, lang)
    page.get_by_role("button", name="Mulai" if lang == "id" else "Start").click()

    shown = [ind for ind in q.indicators if any(question.id in applicable for question in ind.questions)]
    assert shown, "a micro business sees some sections"
    for indicator in shown:
        nav = page.get_by_role("navigation").get_by_role("link", name=hamscore.text(indicator.title, lang))
        nav.click()
        expect(page.get_by_role("heading", level=2)).to_have_text(hamscore.text(indicator.title, lang))
        main = page.locator("main").inner_text()
        for question in indicator.questions:
            if question.id in applicable:
                assert hamscore.text(question.text, lang) in main
            own, foreign = hamscore.text(question.text, lang), hamscore.text(question.text, other)
            if own != foreign:
                assert foreign not in main, f"{question.id} shows its {other} text"
