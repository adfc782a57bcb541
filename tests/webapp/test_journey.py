"""The company's journey: register, answer with autosave, conditional questions, submit, result."""

from __future__ import annotations

import re

import msgspec
from sqlalchemy import func, select

from webapp.db.models import Answer, Snapshot, Submission


def test_it_registers_a_company_and_logs_its_pic_in(siti):
    page = siti.get("/")
    assert page.status_code == 200
    assert "PT Sumber Makmur" in page.text
    assert "Kota Serang" in page.text


def test_it_refuses_a_registration_with_a_bad_nib_and_keeps_the_other_values(browser, cycle):
    visitor = browser()
    response = visitor.post(
        "/register",
        {
            "name": "Siti",
            "email": "siti@example.id",
            "password": "kata-sandi-rahasia-1",
            "company_name": "PT Sumber Makmur",
            "nib": "12ab",
            "province": "36",
        },
    )
    assert response.status_code == 422
    assert "NIB harus 13 digit angka." in response.text
    assert 'value="PT Sumber Makmur"' in response.text
    assert "kata-sandi-rahasia-1" not in response.text


def test_it_offers_the_regencies_of_the_chosen_province(browser, cycle):
    visitor = browser()
    banten = visitor.get("/regions/regencies?province=36", headers={"HX-Request": "true"})
    assert "Kota Serang" in banten.text
    assert "36.73" in banten.text
    bali = visitor.get("/regions/regencies?province=51", headers={"HX-Request": "true"})
    assert "Kota Serang" not in bali.text


def test_it_logs_in_and_out(siti, browser):
    siti.post("/logout")
    assert siti.get("/", follow_redirects=False).status_code == 200
    assert "PT Sumber Makmur" not in siti.get("/").text
    response = siti.post(
        "/login", {"email": "SITI@sumbermakmur.co.id", "password": "kata-sandi-rahasia-1", "next": "/"}
    )
    assert response.status_code == 303
    assert "PT Sumber Makmur" in siti.get("/").text


def test_it_refuses_a_wrong_password(siti):
    siti.post("/logout")
    response = siti.post("/login", {"email": "siti@sumbermakmur.co.id", "password": "salah-salah-salah"})
    assert response.status_code == 401
    assert "Email atau kata sandi salah." in response.text


def test_it_shows_the_form_as_sections_with_progress(siti, cycle, start):
    sid = start(siti, cycle)
    page = siti.get(f"/submissions/{sid}", follow_redirects=True)
    assert page.status_code == 200
    assert "Kebijakan HAM" in page.text
    assert "Tenaga kerja" in page.text
    assert page.text.count("<progress") == 2
    # The conditional question is not shown until its condition holds.
    assert 'id="q-published" hidden' in page.text


def test_it_saves_an_answer_and_shows_the_conditional_question(siti, cycle, start, answer, ctx):
    sid = start(siti, cycle)
    response = answer(siti, sid, "policy", "yes")
    assert response.status_code == 200
    assert "Tersimpan" in response.text
    assert 'id="version-policy" value="1"' in response.text
    # The question that now applies arrives out of band, rendered.
    assert re.search(r'<div class="question" id="q-published" hx-swap-oob="true">', response.text)
    response = answer(siti, sid, "policy", "no", version=1)
    assert re.search(r'<div class="question" id="q-published" hidden hx-swap-oob="true">', response.text)
    with ctx.db.read() as s:
        stored = s.scalar(select(Answer).where(Answer.submission_id == sid, Answer.question == "policy"))
    assert stored.value == "no"
    assert stored.version == 2


def test_it_sends_only_the_progress_an_autosave_changed(siti, cycle, start, answer):
    sid = start(siti, cycle)
    first = answer(siti, sid, "child", "no")
    assert first.status_code == 200
    # A first answer moves its own section's progress, the overall figure and the submit panel.
    assert re.search(r'<li id="section-work" class="current" hx-swap-oob="true">', first.text)
    assert re.search(r'<progress max="\d" value="1"', first.text)
    assert re.search(r'<p class="overall" id="overall-progress" hx-swap-oob="true">', first.text)
    assert 'id="submit-panel" hx-swap-oob="true"' in first.text
    assert 'id="section-policy"' not in first.text
    # Changing a given answer moves no progress: none of those parts is sent again.
    changed = answer(siti, sid, "child", "yes", version=1)
    assert changed.status_code == 200
    assert 'id="version-child" value="2"' in changed.text
    for part in ('id="section-', 'id="overall-progress"', 'id="submit-panel"', 'id="section-nav"'):
        assert part not in changed.text


def test_it_sends_a_section_whose_questions_grew_with_its_new_count(siti, cycle, start, answer):
    sid = start(siti, cycle)
    response = answer(siti, sid, "policy", "yes")
    # "published" now applies: the policy section needs one more answer than before.
    assert re.search(r'<li id="section-policy" class="current" hx-swap-oob="true">', response.text)
    assert re.search(r'<progress max="2" value="1"', response.text)


def test_it_renders_one_section_as_a_fragment_for_htmx(siti, cycle, start):
    sid = start(siti, cycle)
    whole = siti.get(f"/submissions/{sid}/sections/work")
    fragment = siti.get(f"/submissions/{sid}/sections/work", headers={"HX-Request": "true"})
    assert whole.text.startswith("<!doctype html>")
    assert fragment.text.lstrip().startswith('<div class="workspace" id="workspace">')
    assert "Jam kerja per minggu?" in fragment.text
    assert "<html" not in fragment.text


def test_it_keeps_every_type_of_answer(siti, cycle, start, answer, ctx):
    sid = start(siti, cycle)
    assert answer(siti, sid, "hours", "37,5").status_code == 200
    assert answer(siti, sid, "note", "Lembur dibayar.").status_code == 200
    assert answer(siti, sid, "hours", "", na="1", version=1).status_code == 200
    with ctx.db.read() as s:
        values = dict(
            s.execute(select(Answer.question, Answer.value).where(Answer.submission_id == sid)).all()
        )
    assert values == {"hours": "na", "note": "Lembur dibayar."}


def test_it_refuses_a_value_that_is_not_a_number(siti, cycle, start, answer):
    sid = start(siti, cycle)
    response = answer(siti, sid, "hours", "empat puluh")
    assert response.status_code == 422
    assert "Tidak tersimpan" in response.text


def test_it_refuses_an_unknown_option(siti, cycle, start, answer):
    sid = start(siti, cycle)
    response = answer(siti, sid, "policy", "maybe")
    assert response.status_code == 422


def test_it_refuses_to_submit_until_complete(siti, cycle, start, answer, ctx):
    sid = start(siti, cycle)
    answer(siti, sid, "policy", "yes")
    response = siti.post(f"/submissions/{sid}/submit")
    assert response.status_code == 422
    assert "Belum dapat dikirim" in response.text
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Snapshot)) == 0


def test_it_submits_once_and_freezes_a_snapshot(siti, cycle, start, complete, answer, ctx):
    sid = start(siti, cycle)
    complete(siti, sid)
    first = siti.post(f"/submissions/{sid}/submit")
    second = siti.post(f"/submissions/{sid}/submit")
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == f"/submissions/{sid}/result"
    with ctx.db.read() as s:
        snapshots = list(s.scalars(select(Snapshot)))
        status = s.scalar(select(Submission.status).where(Submission.id == sid))
    assert len(snapshots) == 1
    assert status == "submitted"
    snapshot = snapshots[0]
    q = ctx.questionnaires.get(1)
    assert snapshot.digest == q.digest
    assessment = msgspec.json.decode(snapshot.assessment)
    assert assessment["rating"] == "green"
    assert assessment["total"] == 100
    assert msgspec.json.decode(snapshot.document)["answers"]["child"] == "no"
    # After submission the answers are frozen.
    assert answer(siti, sid, "policy", "no", version=1).status_code == 409


def test_it_shows_the_result_with_rating_chart_flags_and_plan(siti, cycle, start, complete, answer):
    sid = start(siti, cycle)
    complete(siti, sid, child="yes")
    answer(siti, sid, "published", "no", version=1)
    siti.post(f"/submissions/{sid}/submit")
    page = siti.get(f"/submissions/{sid}/result")
    assert page.status_code == 200
    assert "Merah" in page.text  # the child-labour answer caps the rating at red
    assert "<svg" in page.text
    assert 'role="img"' in page.text
    assert "Ada pekerja di bawah 18 tahun?" in page.text  # the red flag names its question
    assert "Hentikan pekerja anak." in page.text
    assert "Publikasikan kebijakan." in page.text
    english = siti.post("/language", {"lang": "en", "next": f"/submissions/{sid}/result"})
    assert english.status_code == 303
    page = siti.get(f"/submissions/{sid}/result")
    assert "Red" in page.text
    assert "End child labour." in page.text
    assert "Improvement plan" in page.text
