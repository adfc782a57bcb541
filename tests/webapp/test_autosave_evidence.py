"""An autosave that brings a question back sends its whole block again, files included."""

from __future__ import annotations

import re

import pytest

from tests.webapp.conftest import QUESTIONNAIRE

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def questionnaire_text() -> str:
    """The inline questionnaire, with files asked for on the conditional question "published" too."""
    text = QUESTIONNAIRE.replace(
        'id = "published"\ntype = "single"\n', 'id = "published"\ntype = "single"\nevidence = "optional"\n'
    )
    assert text != QUESTIONNAIRE
    return text


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
