"""Language: Indonesian by default, English by a switch that persists; every string from the catalogue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import webapp

LOCALES = Path(webapp.__file__).parent / "locales"
TEMPLATES = Path(webapp.__file__).parent / "templates"
# Words that are the same in both languages: names, codes, and each language's own name on the switch.
ALLOWED_WORDS = {"hamscore", "KBLI", "NIB", "KB", "English", "Bahasa", "Indonesia"}


def test_both_catalogues_have_the_same_keys_and_no_empty_text():
    catalogues = {lang: json.loads((LOCALES / f"{lang}.json").read_text()) for lang in ("id", "en")}
    assert catalogues["id"].keys() == catalogues["en"].keys()
    for lang, messages in catalogues.items():
        assert all(text.strip() for text in messages.values()), lang


def test_every_key_used_in_templates_is_in_the_catalogue():
    keys = json.loads((LOCALES / "id.json").read_text()).keys()
    used, prefixes = set(), set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        used |= set(re.findall(r"""\bt\(["']([a-z_.]+)["']\s*[,)]""", text))
        prefixes |= set(re.findall(r"""\bt\(["']([a-z_]+\.)["']\s*~""", text))
    assert used
    assert used <= keys, sorted(used - keys)
    # Keys built from a prefix ("rating." ~ level) have every value in the catalogue.
    assert prefixes == {"gap.", "rating.", "sector.", "size.", "status."}
    assert {"gap.unanswered", "gap.answer", "gap.evidence"} <= keys
    assert {f"rating.{level}" for level in ("green", "yellow", "red", "none")} <= keys
    assert {f"sector.{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTU"} <= keys
    assert {f"size.{size}" for size in ("mikro", "kecil", "menengah", "besar")} <= keys


def test_templates_hold_no_text_outside_the_catalogue():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
        text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_WORDS
        assert not words, f"{path.name}: {sorted(words)}"


def test_pages_are_in_indonesian_by_default(browser, cycle):
    page = browser().get("/login")
    assert '<html lang="id">' in page.text
    assert "Kata sandi" in page.text


def test_the_language_switch_persists_in_a_cookie_for_visitors(browser, cycle):
    visitor = browser()
    response = visitor.post("/language", {"lang": "en", "next": "/register"})
    assert response.status_code == 303
    assert response.headers["location"] == "/register"
    page = visitor.get("/register")
    assert '<html lang="en">' in page.text
    assert "Register your company" in page.text


def test_the_language_is_a_user_setting_that_follows_the_user(siti, browser, cycle, start, answer, complete):
    siti.post("/language", {"lang": "en", "next": "/"})
    other_browser = browser()
    other_browser.post("/login", {"email": "siti@sumbermakmur.co.id", "password": "kata-sandi-rahasia-1"})
    assert "Self-assessments" in other_browser.get("/").text


def test_every_company_page_renders_in_both_languages(siti, cycle, start, complete, ctx):
    sid = start(siti, cycle)
    complete(siti, sid)
    for lang, word in (("id", "Kelengkapan"), ("en", "Completeness")):
        siti.post("/language", {"lang": lang, "next": "/"})
        for path in (
            "/",
            f"/submissions/{sid}/sections/policy",
            f"/submissions/{sid}/sections/work",
            "/company/colleagues",
            "/register",
            "/login",
        ):
            response = siti.get(path)
            assert response.status_code == 200, (lang, path)
        assert word in siti.get(f"/submissions/{sid}/sections/policy").text
    siti.post(f"/submissions/{sid}/submit")
    for lang, title in (("id", "Hasil penilaian"), ("en", "Assessment result")):
        siti.post("/language", {"lang": lang, "next": "/"})
        page = siti.get(f"/submissions/{sid}/result")
        assert title in page.text
        assert "Human-rights policy" in page.text if lang == "en" else "Kebijakan HAM" in page.text
