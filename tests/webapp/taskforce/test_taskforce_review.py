"""Review: answers next to evidence, marks on evidence, the verified score, accept or return, history."""

from __future__ import annotations

import re

from sqlalchemy import select

from webapp.db.models import Evidence, Submission
from webapp.db.taskforce import AuditEvent, Certificate, EvidenceReview, RankingRow, StatusChange

HX = {"HX-Request": "true"}


def verified_total(html: str) -> str:
    found = re.search(r'data-testid="verified-total">([^<]+)<', html)
    assert found, html
    return found.group(1)


def test_it_shows_answers_next_to_evidence_and_both_scores(world, reviewer):
    rina = reviewer("rina")
    page = rina.get(f"/taskforce/submissions/{world.siti_sid}")
    assert page.status_code == 200
    assert "PT Sumber Makmur" in page.text
    assert "Ada kebijakan HAM tertulis?" in page.text
    assert "kebijakan.pdf" in page.text
    assert f'href="/evidence/{world.siti_evidence}"' in page.text
    # Self-assessed with the evidence provided: 100. Verified: evidence not yet checked earns nothing.
    assert verified_total(page.text) == "66.7"


def test_it_recomputes_the_verified_score_as_evidence_is_marked(world, reviewer, ctx):
    rina = reviewer("rina")
    url = f"/taskforce/evidence/{world.siti_evidence}/review"
    verified = rina.post(url, {"status": "verified", "comment": ""}, htmx=True)
    assert verified.status_code == 200
    assert "<html" not in verified.text
    assert verified_total(verified.text) == "100.0"
    rejected = rina.post(url, {"status": "rejected", "comment": "Tidak ditandatangani direksi"}, htmx=True)
    assert verified_total(rejected.text) == "66.7"
    with ctx.db.read() as s:
        assert s.get(Evidence, world.siti_evidence).status == "rejected"
        marks = [(r.status, r.comment) for r in s.scalars(select(EvidenceReview).order_by(EvidenceReview.id))]
        row = s.scalar(select(RankingRow).where(RankingRow.submission_id == world.siti_sid))
        actions = [e.action for e in s.scalars(select(AuditEvent))]
    assert marks == [("verified", ""), ("rejected", "Tidak ditandatangani direksi")]
    assert round(row.verified_total, 1) == 66.7
    assert actions.count("review") == 2


def test_it_needs_a_comment_to_reject_or_return(world, reviewer):
    rina = reviewer("rina")
    response = rina.post(
        f"/taskforce/evidence/{world.siti_evidence}/review", {"status": "rejected"}, htmx=True
    )
    assert response.status_code == 422
    response = rina.post(
        f"/taskforce/submissions/{world.siti_sid}/decision", {"decision": "return"}, htmx=True
    )
    assert response.status_code == 422


def test_it_returns_a_submission_with_comments_the_company_sees_and_records_each_state(
    world, reviewer, ctx, complete
):
    rina = reviewer("rina")
    rina.post(
        f"/taskforce/evidence/{world.siti_evidence}/review",
        {"status": "rejected", "comment": "Dokumen kedaluwarsa"},
        htmx=True,
    )
    returned = rina.post(
        f"/taskforce/submissions/{world.siti_sid}/decision",
        {"decision": "return", "comment": "Unggah kebijakan HAM yang berlaku"},
    )
    assert returned.status_code == 303
    form = world.siti.get(f"/submissions/{world.siti_sid}/sections/policy")
    assert form.status_code == 200
    assert "Unggah kebijakan HAM yang berlaku" in form.text
    assert "Dokumen kedaluwarsa" in form.text
    # Charlie's form says nothing of it.
    assert "Unggah kebijakan" not in world.charlie.get("/").text

    # The company revises and submits again; the reviewer verifies the new file and accepts.
    upload = world.siti.post(
        f"/submissions/{world.siti_sid}/evidence/policy",
        files={"file": ("kebijakan-2026.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        htmx=True,
    )
    assert upload.status_code == 200
    assert world.siti.post(f"/submissions/{world.siti_sid}/submit").status_code == 303
    with ctx.db.read() as s:
        new_file = s.scalar(select(Evidence.id).where(Evidence.filename == "kebijakan-2026.pdf"))
    page = rina.post(f"/taskforce/evidence/{new_file}/review", {"status": "verified"}, htmx=True)
    assert verified_total(page.text) == "100.0"
    accepted = rina.post(f"/taskforce/submissions/{world.siti_sid}/decision", {"decision": "accept"})
    assert accepted.status_code == 303
    with ctx.db.read() as s:
        assert s.get(Submission, world.siti_sid).status == "verified"
        history = [
            (c.from_status, c.to_status)
            for c in s.scalars(
                select(StatusChange)
                .where(StatusChange.submission_id == world.siti_sid)
                .order_by(StatusChange.id)
            )
        ]
        certificate = s.scalar(select(Certificate).where(Certificate.submission_id == world.siti_sid))
    assert history == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "verified"),
    ]
    assert certificate is not None
    assert certificate.rating == "green"


def test_it_hides_other_regions_submissions_and_changes_nothing(world, reviewer, ctx):
    wayan = reviewer("wayan")
    dedi = reviewer("dedi")
    for person in (wayan, dedi):
        assert person.get(f"/taskforce/submissions/{world.charlie_sid}").status_code == 404
        assert person.get(f"/taskforce/submissions/{world.charlie_sid}", headers=HX).status_code == 404
    assert wayan.get(f"/taskforce/submissions/{world.siti_sid}").status_code == 404
    assert (
        wayan.post(
            f"/taskforce/evidence/{world.siti_evidence}/review",
            {"status": "rejected", "comment": "x"},
            htmx=True,
        ).status_code
        == 404
    )
    assert (
        wayan.post(
            f"/taskforce/submissions/{world.siti_sid}/decision", {"decision": "return", "comment": "x"}
        ).status_code
        == 404
    )
    assert wayan.get(f"/evidence/{world.siti_evidence}").status_code == 404
    # The regency reviewer reaches his own regency's submission.
    assert dedi.get(f"/taskforce/submissions/{world.siti_sid}").status_code == 200
    with ctx.db.read() as s:
        assert s.get(Submission, world.siti_sid).status == "submitted"
        assert s.get(Evidence, world.siti_evidence).status == "provided"


def test_it_logs_logins_submissions_reviews_and_downloads_for_the_admin_only(world, reviewer, ctx):
    from webapp.db.taskforce import AuditEvent

    rina = reviewer("rina")
    assert rina.get(f"/evidence/{world.siti_evidence}").status_code == 200
    rina.post(f"/taskforce/evidence/{world.siti_evidence}/review", {"status": "verified"}, htmx=True)
    with ctx.db.read() as s:
        actions = {e.action for e in s.scalars(select(AuditEvent))}
    assert {"login", "submission", "review", "evidence_download"} <= actions
    assert rina.get("/admin/audit").status_code == 404
    ayu = reviewer("ayu")
    log = ayu.get("/admin/audit?action=evidence_download")
    assert log.status_code == 200
    assert "rina@banten.go.id" in log.text
    assert f"evidence:{world.siti_evidence}" in log.text
    only_logins = ayu.get("/admin/audit?action=login&user=rina", headers=HX).text
    assert "rina@banten.go.id" in only_logins
    assert f"evidence:{world.siti_evidence}" not in only_logins


def test_its_audit_log_is_append_only_in_the_database(world, ctx):
    import pytest
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DatabaseError

    from webapp.db.taskforce import AuditEvent

    with pytest.raises(DatabaseError), ctx.db.write() as s:
        s.execute(update(AuditEvent).values(action="nothing"))
    with pytest.raises(DatabaseError), ctx.db.write() as s:
        s.execute(delete(AuditEvent))
    with ctx.db.read() as s:
        assert s.scalar(select(AuditEvent.id)) is not None


def test_it_lets_admins_add_reviewers_with_a_region(world, reviewer, ctx):
    ayu = reviewer("ayu")
    assert reviewer("rina").get("/admin/reviewers").status_code == 404
    made = ayu.post(
        "/admin/reviewers",
        {"name": "Eko", "email": "eko@lebakkab.go.id", "password": "kata-sandi-rahasia-1", "region": "36.02"},
    )
    assert made.status_code == 303
    assert (
        ayu.post(
            "/admin/reviewers",
            {"name": "X", "email": "x@x.id", "password": "kata-sandi-rahasia-1", "region": "99"},
        ).status_code
        == 422
    )
    from webapp.db.models import User

    with ctx.db.read() as s:
        eko = s.scalar(select(User).where(User.email == "eko@lebakkab.go.id"))
    assert (eko.role, eko.region) == ("reviewer", "36.02")
