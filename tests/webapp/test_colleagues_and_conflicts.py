"""Siti invites Budi; both edit the same assessment; a concurrent change is never silently overwritten."""

from __future__ import annotations

from sqlalchemy import select

from webapp.db.models import Answer, User


def test_it_lets_a_pic_invite_a_colleague_into_the_same_company(budi, ctx):
    assert "PT Sumber Makmur" in budi.get("/").text
    with ctx.db.read() as s:
        users = {u.name: u.company_id for u in s.scalars(select(User))}
    assert users["Budi"] == users["Siti Rahmawati"]


def test_an_invitation_link_works_once(siti, browser):
    response = siti.post("/company/colleagues", {"email": "budi@sumbermakmur.co.id"})
    link = response.text.split("<code>https://hamscore.test", 1)[1].split("</code>", 1)[0]
    budi = browser()
    budi.get(link)
    assert budi.post(link, {"name": "Budi", "password": "kata-sandi-rahasia-1"}).status_code == 303
    again = browser()
    assert again.get(link).status_code == 404


def test_colleagues_see_each_others_answers(siti, budi, cycle, start, answer):
    sid = start(siti, cycle)
    assert start(budi, cycle) == sid
    answer(siti, sid, "policy", "yes")
    page = budi.get(f"/submissions/{sid}/sections/policy")
    assert 'value="yes" checked' in page.text
    assert "oleh Siti Rahmawati" in page.text


def test_two_colleagues_editing_one_answer_get_a_conflict_not_an_overwrite(
    siti, budi, cycle, start, answer, ctx
):
    sid = start(siti, cycle)
    # Both opened the form when the answer had version 0.
    assert answer(siti, sid, "policy", "yes", version=0).status_code == 200
    response = answer(budi, sid, "policy", "no", version=0)
    assert response.status_code == 409
    assert response.headers["hx-retarget"] == "#conflict-policy"
    assert "Siti Rahmawati mengubah jawaban ini" in response.text
    assert "Simpan jawaban saya" in response.text
    with ctx.db.read() as s:
        stored = s.scalar(select(Answer).where(Answer.question == "policy"))
    assert stored.value == "yes"
    assert stored.version == 1
    # Budi decides to keep his answer: the conflict form sends the version he has now seen.
    assert answer(budi, sid, "policy", "no", version=1).status_code == 200
    with ctx.db.read() as s:
        stored = s.scalar(select(Answer).where(Answer.question == "policy"))
    assert stored.value == "no"
    assert stored.version == 2


def test_resending_the_stored_value_is_not_a_conflict(siti, cycle, start, answer):
    # A retry after a lost response sends the old version with the value the server already has.
    sid = start(siti, cycle)
    assert answer(siti, sid, "policy", "yes", version=0).status_code == 200
    assert answer(siti, sid, "policy", "yes", version=0).status_code == 200


def test_an_answer_kept_in_the_browser_is_saved_after_logging_in_again(siti, cycle, start, answer, ctx):
    sid = start(siti, cycle)
    siti.post("/logout")
    # The autosave after the session ended is refused with 401; the browser keeps the value.
    response = answer(siti, sid, "hours", "38")
    assert response.status_code == 401
    login = siti.post(
        "/login",
        {
            "email": "siti@sumbermakmur.co.id",
            "password": "kata-sandi-rahasia-1",
            "next": f"/submissions/{sid}/sections/work",
        },
    )
    assert login.headers["location"] == f"/submissions/{sid}/sections/work"
    siti.get(login.headers["location"])
    # ...and app.js sends it again with the version it was based on.
    assert answer(siti, sid, "hours", "38", version=0).status_code == 200
    with ctx.db.read() as s:
        assert s.scalar(select(Answer.value).where(Answer.question == "hours")) == 38


def test_an_option_the_question_does_not_have_is_refused_and_nothing_is_stored(siti, cycle, start, answer, ctx):
    sid = start(siti, cycle)
    assert answer(siti, sid, "policy", "yes").status_code == 200
    response = answer(siti, sid, "policy", "mungkin", version=1)
    assert response.status_code == 422
    assert "Tidak tersimpan: pilihan ini tidak ada pada pertanyaan ini" in response.text
    with ctx.db.read() as s:
        stored = s.scalar(select(Answer).where(Answer.question == "policy"))
    assert (stored.value, stored.version) == ("yes", 1)
