"""An autosave that brings a question back sends its whole block again, files included."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from tests.webapp.conftest import QUESTIONNAIRE
from webapp.settings import Settings

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The inline questionnaire, with files asked for on the conditional question "published" too.
WITH_FILES = QUESTIONNAIRE.replace(
    'id = "published"\ntype = "single"\n', 'id = "published"\ntype = "single"\nevidence = "optional"\n'
)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    assert WITH_FILES != QUESTIONNAIRE
    qdir = tmp_path / "questionnaires"
    qdir.mkdir()
    (qdir / "bham-test.toml").write_text(WITH_FILES, encoding="utf-8")
    return Settings.from_env(
        {},
        env="production",
        secret_key=secrets.token_urlsafe(48),
        database_url=db_url,
        upload_dir=tmp_path / "uploads",
        questionnaires_dir=qdir,
        max_upload_bytes=200_000,
    )


def test_it_shows_the_files_of_a_question_an_autosave_brings_back(siti, cycle, start, answer):
    sid = start(siti, cycle)
    assert answer(siti, sid, "policy", "yes").status_code == 200  # "published" applies
    uploaded = siti.post(
        f"/submissions/{sid}/evidence/published",
        files={"file": ("terbit.pdf", PDF, "application/pdf")},
        htmx=True,
    )
    assert uploaded.status_code == 200, uploaded.text
    hidden = answer(siti, sid, "policy", "no", version=1)
    assert re.search(r'<div class="question" id="q-published" hidden hx-swap-oob="true">', hidden.text)
    shown = answer(siti, sid, "policy", "yes", version=2)
    block = re.search(r'<div class="question" id="q-published" hx-swap-oob="true">.*', shown.text, re.S)
    assert block is not None
    assert "terbit.pdf" in block.group(0)
