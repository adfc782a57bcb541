"""Evidence: content-checked uploads, private downloads as attachments, reuse from the previous cycle."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from sqlalchemy import select

from webapp.db.models import Evidence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(person, sid, name, content, question="policy"):
    return person.post(
        f"/submissions/{sid}/evidence/{question}",
        files={"file": (name, content, "application/pdf")},
        htmx=True,
    )


@pytest.mark.parametrize(
    ("name", "content"), [("kebijakan.pdf", PDF), ("foto.PNG", PNG), ("sop.docx", _docx())]
)
def test_it_accepts_pdf_images_and_office_files_by_content(siti, cycle, start, name, content, ctx):
    sid = start(siti, cycle)
    response = upload(siti, sid, name, content)
    assert response.status_code == 200, response.text
    assert name in response.text
    with ctx.db.read() as s:
        evidence = s.scalar(select(Evidence))
    # Stored under a server-made name, outside the database.
    assert evidence.stored_name != name
    assert (ctx.settings.upload_dir / evidence.stored_name[:2] / evidence.stored_name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laporan.pdf", b"MZ\x90\x00 this is a program"),
        ("foto.png", PDF),
        ("skrip.html", b"<script>alert(1)</script>"),
        ("palsu.docx", b"PK\x03\x04 not a zip at all"),
    ],
)
def test_it_refuses_content_that_does_not_match_its_extension(siti, cycle, start, name, content, ctx):
    sid = start(siti, cycle)
    response = upload(siti, sid, name, content)
    assert response.status_code == 422
    assert "tidak" in response.text.lower()
    with ctx.db.read() as s:
        assert s.scalar(select(Evidence.id)) is None


def test_it_refuses_a_file_above_the_limit_with_a_clear_message(siti, cycle, start, ctx):
    sid = start(siti, cycle)
    response = upload(siti, sid, "besar.pdf", PDF + b"0" * ctx.settings.max_upload_bytes)
    assert response.status_code == 413
    assert "batasnya 0.2 MB" in response.text


def test_it_refuses_a_request_body_far_above_the_limit(siti, cycle, start, ctx):
    sid = start(siti, cycle)
    response = upload(siti, sid, "raksasa.pdf", PDF + b"0" * (ctx.settings.max_upload_bytes + 400_000))
    assert response.status_code == 413
    assert "Traceback" not in response.text


def test_it_ignores_directories_in_the_uploaded_name(siti, cycle, start, ctx, tmp_path):
    sid = start(siti, cycle)
    response = upload(siti, sid, "../../../../etc/passwd.pdf", PDF)
    assert response.status_code == 200
    with ctx.db.read() as s:
        evidence = s.scalar(select(Evidence))
    assert evidence.filename == "passwd.pdf"
    assert not (tmp_path / "etc").exists()
    stored = list(ctx.settings.upload_dir.rglob("*"))
    assert all(p.is_relative_to(ctx.settings.upload_dir) for p in stored)


def test_it_downloads_evidence_only_as_an_attachment(siti, cycle, start, ctx):
    sid = start(siti, cycle)
    upload(siti, sid, 'laporan "final".pdf', PDF)
    with ctx.db.read() as s:
        evidence_id = s.scalar(select(Evidence.id))
    response = siti.get(f"/evidence/{evidence_id}")
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_reviewer_of_the_region_can_download_and_one_of_another_region_cannot(
    siti, cycle, start, ctx, browser
):
    from webapp.accounts.services import create_user

    sid = start(siti, cycle)
    upload(siti, sid, "kebijakan.pdf", PDF)
    with ctx.db.read() as s:
        evidence_id = s.scalar(select(Evidence.id))
    create_user(
        ctx.db,
        email="rina@banten.go.id",
        name="Rina",
        password="kata-sandi-rahasia-1",
        role="reviewer",
        region="36",
    )
    create_user(
        ctx.db,
        email="wayan@bali.go.id",
        name="Wayan",
        password="kata-sandi-rahasia-1",
        role="reviewer",
        region="51",
    )
    rina, wayan = browser(), browser()
    rina.post("/login", {"email": "rina@banten.go.id", "password": "kata-sandi-rahasia-1"})
    wayan.post("/login", {"email": "wayan@bali.go.id", "password": "kata-sandi-rahasia-1"})
    assert rina.get(f"/evidence/{evidence_id}").status_code == 200
    assert wayan.get(f"/evidence/{evidence_id}").status_code == 404


def test_it_deletes_evidence(siti, cycle, start, ctx):
    sid = start(siti, cycle)
    upload(siti, sid, "kebijakan.pdf", PDF)
    with ctx.db.read() as s:
        evidence = s.scalar(select(Evidence))
    response = siti.post(f"/evidence/{evidence.id}/delete", htmx=True)
    assert response.status_code == 200
    assert "Belum ada berkas." in response.text
    assert not (ctx.settings.upload_dir / evidence.stored_name[:2] / evidence.stored_name).exists()


def test_it_offers_last_years_evidence_for_reuse(siti, cycle, start, complete, ctx):
    from webapp.admin.services import create_cycle

    sid = start(siti, cycle)
    upload(siti, sid, "kebijakan-2025.pdf", PDF)
    with ctx.db.read() as s:
        old = s.scalar(select(Evidence))
    # The next cycle opens after this one.
    definition = ctx.questionnaires.find("bham-test", "1")
    nxt = create_cycle(
        ctx.db,
        name="next",
        definition_id=definition.id,
        opens_on=cycle.opens_on + dt.timedelta(days=1),
        closes_on=cycle.closes_on,
    )
    new_sid = start(siti, nxt)
    page = siti.get(f"/submissions/{new_sid}/sections/policy")
    assert "Pakai lagi berkas tahun lalu: kebijakan-2025.pdf" in page.text
    response = siti.post(f"/submissions/{new_sid}/evidence/policy/reuse/{old.id}", htmx=True)
    assert response.status_code == 200
    assert "dari siklus sebelumnya" in response.text
    with ctx.db.read() as s:
        reused = s.scalar(select(Evidence).where(Evidence.submission_id == new_sid))
    assert reused.reused_from == old.id
    assert reused.stored_name == old.stored_name


def test_evidence_counts_in_the_assessment(siti, cycle, start, complete, ctx):
    import msgspec

    from webapp.db.models import Snapshot

    sid = start(siti, cycle)
    complete(siti, sid)
    upload(siti, sid, "kebijakan.pdf", PDF)
    siti.post(f"/submissions/{sid}/submit")
    with ctx.db.read() as s:
        document = msgspec.json.decode(s.scalar(select(Snapshot.document)))
    assert document["evidence"] == {"policy": "provided"}
