"""Evidence files: stored under server-made names outside the database, reachable only through here."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from webapp.assessments import services as assessments
from webapp.db import Database
from webapp.db.models import Company, Evidence, Submission, User
from webapp.evidence.filetypes import check
from webapp.ops.uploads import durable_write
from webapp.web import NotFound

__all__ = ["UploadResult", "delete", "for_download", "reuse", "upload"]


@dataclass
class UploadResult:
    evidence: Evidence | None = None
    error: str | None = None


def display_name(filename: str) -> str:
    """The user's file name made safe to show and to put in a header: no directories, no control chars."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:150] or "file"


def _editable(
    db: Database, *, company: Company, submission_id: int, question_id: str, registry: object
) -> Submission:
    submission, cycle = assessments.load_submission(db, submission_id, company.id)
    q = registry.get(cycle.definition_id)  # type: ignore[attr-defined]
    question = assessments.find_question(q, question_id)
    if question.evidence == "none":
        raise NotFound
    if submission.status not in assessments.EDITABLE or not assessments.cycle_is_open(cycle):
        raise NotFound
    return submission


def _still_editable(s: Any, submission_id: int) -> None:
    """Inside the write: the submission is still open to changes, read with its row locked on PostgreSQL
    as autosaves and submit lock it, so no file is added or removed once the snapshot froze the evidence.
    (A file already on disk for a refused upload is an orphan for ``webapp.ops.uploads`` to sweep.)"""
    status = s.scalar(select(Submission.status).where(Submission.id == submission_id).with_for_update())
    if status not in assessments.EDITABLE:
        raise NotFound


def upload(
    db: Database,
    registry: object,
    upload_dir: Path,
    *,
    company: Company,
    user: User,
    submission_id: int,
    question_id: str,
    filename: str,
    content: bytes,
    max_bytes: int,
) -> UploadResult:
    submission = _editable(
        db, company=company, submission_id=submission_id, question_id=question_id, registry=registry
    )
    if len(content) > max_bytes:
        return UploadResult(error="evidence.too_large")
    if not content:
        return UploadResult(error="evidence.empty")
    checked = check(display_name(filename), content)
    if isinstance(checked, str):
        return UploadResult(error=checked)
    ext, media_type = checked
    stored = f"{secrets.token_hex(16)}.{ext}"
    # The file is whole on disk before its row commits: a crash in between leaves an orphan file (swept
    # by webapp.ops.uploads), never a row naming a missing or truncated file.
    durable_write(upload_dir / stored[:2] / stored, content)
    evidence = Evidence(
        company_id=company.id,
        submission_id=submission.id,
        question=question_id,
        stored_name=stored,
        filename=display_name(filename),
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user.id,
    )
    with db.write() as s:
        _still_editable(s, submission.id)
        s.add(evidence)
    return UploadResult(evidence=evidence)


def reuse(
    db: Database,
    registry: object,
    *,
    company: Company,
    user: User,
    submission_id: int,
    question_id: str,
    evidence_id: int,
) -> UploadResult:
    """Attach a file from the company's previous cycle to this one; the stored file is shared, not copied."""
    submission = _editable(
        db, company=company, submission_id=submission_id, question_id=question_id, registry=registry
    )
    with db.write() as s:
        _still_editable(s, submission.id)
        old = s.scalar(select(Evidence).where(Evidence.id == evidence_id, Evidence.company_id == company.id))
        if old is None or old.submission_id == submission.id:
            raise NotFound
        evidence = Evidence(
            company_id=company.id,
            submission_id=submission.id,
            question=question_id,
            stored_name=old.stored_name,
            filename=old.filename,
            media_type=old.media_type,
            size=old.size,
            sha256=old.sha256,
            reused_from=old.id,
            uploaded_by=user.id,
        )
        s.add(evidence)
    return UploadResult(evidence=evidence)


def delete(
    db: Database, registry: object, upload_dir: Path, *, company: Company, evidence_id: int
) -> Evidence:
    with db.read() as s:
        evidence = s.scalar(
            select(Evidence).where(Evidence.id == evidence_id, Evidence.company_id == company.id)
        )
    if evidence is None:
        raise NotFound
    _editable(
        db,
        company=company,
        submission_id=evidence.submission_id,
        question_id=evidence.question,
        registry=registry,
    )
    with db.write() as s:
        _still_editable(s, evidence.submission_id)
        s.execute(
            Evidence.__table__.delete().where(Evidence.id == evidence.id, Evidence.company_id == company.id)
        )
        others = s.scalar(select(func.count()).where(Evidence.stored_name == evidence.stored_name))
    if not others:
        (upload_dir / evidence.stored_name[:2] / evidence.stored_name).unlink(missing_ok=True)
    return evidence


def for_download(db: Database, upload_dir: Path, *, user: User, evidence_id: int) -> tuple[Evidence, Path]:
    """The file, if ``user`` belongs to its company or reviews its region; otherwise NotFound."""
    query = (
        select(Evidence).join(Company, Company.id == Evidence.company_id).where(Evidence.id == evidence_id)
    )
    if user.role == "company":
        query = query.where(Evidence.company_id == user.company_id)
    elif user.role == "reviewer":
        query = query.where(assessments.region_filter(user.region))
    elif user.role != "admin":
        raise NotFound
    with db.read() as s:
        evidence = s.scalar(query)
    if evidence is None:
        raise NotFound
    path = upload_dir / evidence.stored_name[:2] / evidence.stored_name
    if not path.is_file():
        raise NotFound
    return evidence, path
