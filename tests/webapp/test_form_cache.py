"""Each worker keeps the forms it read lately, and checks what it kept against the submission's revision on
every read. Siti works through one worker and Budi through another: two apps on one database, as two
``hamscore serve`` workers are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from sqlalchemy import select

from tests.webapp.conftest import BASE_URL, QUESTIONNAIRE, Browser
from webapp.app import create_app
from webapp.db.models import Answer, Company

# One question more, shown to companies of 100 employees or more: what applies follows the profile too.
UNION = """
[[indicators.questions]]
id = "union"
type = "single"
show_if = "profile.employees >= 100"
text = { id = "Ada serikat pekerja?", en = "Is there a trade union?" }
options = [
  { id = "yes", label = { id = "Ya", en = "Yes" }, points = 1 },
  { id = "no", label = { id = "Tidak", en = "No" }, points = 0 },
]
"""


@pytest.fixture
def questionnaire_text() -> str:
    return QUESTIONNAIRE + UNION


@pytest.fixture
def other_worker(settings: Any, browser: Any) -> Iterator[Any]:
    """``other_worker(person)``: the same person, signed in, through a second app on the same database."""
    second = create_app(settings, migrate=False)
    lifespan = TestClient(app=second, base_url=BASE_URL)
    lifespan.__enter__()

    def move(person: Browser) -> Browser:
        client = TestClient(app=second, base_url=BASE_URL)
        for cookie in person.client.cookies.jar:
            client.cookies.set(cookie.name, cookie.value, domain=cookie.domain, path=cookie.path)
        moved = Browser(client)
        moved.token = person.token
        return moved

    yield move
    lifespan.__exit__(None, None, None)
    second.state.ctx.db.dispose()


def _progress(page: str, section: str) -> str:
    found = re.search(rf'<li id="section-{section}"[^>]*>.*?<small>(\d+/\d+)</small>', page, re.S)
    assert found, page
    return found.group(1)


def test_a_colleagues_answer_saved_through_another_worker_shows_through_this_one(
    siti, budi, cycle, start, answer, other_worker
):
    sid = start(siti, cycle)
    before = siti.get(f"/submissions/{sid}/sections/policy")  # this worker now holds the form
    assert 'value="yes" checked' not in before.text
    assert 'id="q-published" hidden' in before.text

    assert answer(other_worker(budi), sid, "policy", "yes").status_code == 200

    page = siti.get(f"/submissions/{sid}/sections/policy")
    assert 'value="yes" checked' in page.text
    assert "oleh Budi" in page.text
    assert '<div class="question" id="q-published">' in page.text  # the question Budi's answer brought in
    assert _progress(page.text, "policy") == "1/2"


def test_an_autosave_through_this_worker_counts_what_a_colleague_saved_through_another(
    siti, budi, cycle, start, answer, other_worker
):
    sid = start(siti, cycle)
    siti.get(f"/submissions/{sid}/sections/work")
    assert answer(other_worker(budi), sid, "child", "no").status_code == 200

    saved = answer(siti, sid, "hours", "40")

    assert saved.status_code == 200
    assert _progress(saved.text, "work") == "2/2"


def test_a_colleagues_change_of_the_same_answer_through_another_worker_is_a_conflict(
    siti, budi, cycle, start, answer, other_worker, ctx
):
    sid = start(siti, cycle)
    assert answer(siti, sid, "policy", "yes").status_code == 200  # version 1, held by this worker
    assert answer(other_worker(budi), sid, "policy", "no", version=1).status_code == 200

    late = answer(siti, sid, "policy", "yes", version=1)

    assert late.status_code == 409
    assert "Budi mengubah jawaban ini" in late.text
    with ctx.db.read() as s:
        stored = s.scalar(select(Answer).where(Answer.submission_id == sid, Answer.question == "policy"))
    assert (stored.value, stored.version) == ("no", 2)


def test_a_corrected_company_profile_changes_what_applies_at_once(siti, cycle, start, ctx):
    sid = start(siti, cycle)
    assert 'id="q-union" hidden' in siti.get(f"/submissions/{sid}/sections/work").text  # 40 employees

    with ctx.db.write() as s:  # an administrator corrects the head count
        s.execute(sa.update(Company).where(Company.name == "PT Sumber Makmur").values(employees=150))

    page = siti.get(f"/submissions/{sid}/sections/work")
    assert '<div class="question" id="q-union">' in page.text
    assert _progress(page.text, "work") == "0/3"


def test_a_colleagues_save_between_the_read_and_the_write_is_a_conflict_not_an_overwrite(
    siti, budi, cycle, start, answer, ctx
):
    """An autosave reads the form before its write transaction; Budi's save lands in between."""
    from webapp.assessments import services
    from webapp.db.models import User

    sid = start(siti, cycle)
    assert answer(siti, sid, "policy", "yes").status_code == 200  # version 1
    with ctx.db.read() as s:
        users = {u.name: u for u in s.scalars(select(User))}
        company = s.get(Company, users["Budi"].company_id)

    def save(name: str, value: str) -> services.Saved:
        return services.save_answer(
            ctx.db,
            ctx.questionnaires,
            company=company,
            user=users[name],
            submission_id=sid,
            question_id="policy",
            data={"value": value, "version": "1"},
        )

    budi_saved: list[services.Saved] = []
    fired: list[bool] = []

    def budi_saves_after_sitis_read(*_args) -> None:
        # Siti's read hands its connection back to the pool before her write takes another one.
        if not fired:
            fired.append(True)
            budi_saved.append(save("Budi", ""))  # Budi clears the answer

    sa.event.listen(ctx.db.engine, "checkin", budi_saves_after_sitis_read)
    try:
        siti_saved = save("Siti Rahmawati", "no")
    finally:
        sa.event.remove(ctx.db.engine, "checkin", budi_saves_after_sitis_read)

    assert budi_saved[0].result.outcome == "saved"
    assert siti_saved.result.outcome == "conflict"
    with ctx.db.read() as s:
        stored = s.scalar(select(Answer).where(Answer.submission_id == sid, Answer.question == "policy"))
    assert (stored.value, stored.version) == (None, 2)
