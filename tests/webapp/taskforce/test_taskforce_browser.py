"""A reviewer in real Chromium: filters the ranking, opens a submission, rejects one piece of evidence,
returns the submission, and sees the verified score change.

The data are made through the app itself (the personas' fixtures) on a SQLite file, then the same file is
served by uvicorn the way the company's browser tests serve it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.webapp.browser.conftest import chromium_page, serving
from webapp.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(tmp_path: Path, questionnaire_text: str) -> Settings:
    """Development settings on a SQLite file (plain-http cookies for the loopback server)."""
    qdir = tmp_path / "questionnaires"
    qdir.mkdir()
    (qdir / "bham-test.toml").write_text(questionnaire_text, encoding="utf-8")
    return Settings.from_env(
        {},
        env="development",
        secret_key=secrets.token_urlsafe(48),
        database_url=f"sqlite:///{tmp_path / 'var' / 'hamscore.db'}",
        upload_dir=tmp_path / "uploads",
        questionnaires_dir=qdir,
    )


@pytest.fixture
def served(world: Any, reviewer: Any, settings: Settings) -> Iterator[str]:
    # A colleague of the reviewer verified Siti's policy document earlier.
    nadia = reviewer("nadia")
    marked = nadia.post(
        f"/taskforce/evidence/{world.siti_evidence}/review", {"status": "verified"}, htmx=True
    )
    assert marked.status_code == 200
    reviewer("rina").post("/logout")  # makes Rina's account; she logs in again in Chromium
    with serving(database_url=settings.database_url, questionnaires_dir=settings.questionnaires_dir,
                 upload_dir=settings.upload_dir) as base:
        yield base


@pytest.fixture
def page(served: str) -> Iterator[Any]:
    with chromium_page(served) as page:
        yield page


def test_a_reviewer_filters_reviews_rejects_returns_and_sees_the_verified_score_change(page: Any, world: Any):
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("Email").fill("rina@banten.go.id")
    page.get_by_label("Kata sandi").fill("kata-sandi-rahasia-1")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Gugus Tugas").click()

    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="PT Cahaya Lain")).to_be_visible()
    # Filtering swaps the table in place (htmx) and keeps the filter in the address.
    page.get_by_label("Kabupaten/kota").select_option("36.73")
    expect(table.get_by_role("link", name="PT Cahaya Lain")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"regency=36\.73"))
    page.get_by_role("link", name="PT Sumber Makmur").click()

    verified = page.get_by_test_id("verified-total")
    expect(verified).to_have_text("100.0")
    expect(page.get_by_role("link", name="kebijakan.pdf")).to_be_visible()
    page.get_by_label("Komentar untuk kebijakan.pdf").fill("Kebijakan belum ditandatangani direksi")
    page.get_by_role("button", name="Tolak").click()
    expect(verified).to_have_text("66.7")
    expect(page.get_by_text("Kebijakan belum ditandatangani direksi")).to_be_visible()

    page.get_by_label("Komentar untuk perusahaan").fill("Unggah kebijakan yang sudah ditandatangani")
    page.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    expect(page.locator("#review-status")).to_have_text("Dikembalikan untuk perbaikan")
    expect(verified).to_have_text("66.7")
