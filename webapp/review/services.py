"""Reviewing a submission: answers next to evidence, marks on each evidence file, the verified score,
and the decision (accept, or return for revision with comments the company sees on its form).

States: draft → submitted → returned → submitted → verified. Every change is a ``StatusChange`` row;
every mark and decision is also in the audit log. Each query carries the reviewer's region.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.audit.services import add as audit
from webapp.db import Database
from webapp.db.models import Company, Cycle, Evidence, Snapshot, Submission, User
from webapp.db.taskforce import Certificate, EvidenceReview, StatusChange
from webapp.ranking.rows import levels_of, sync_row, verified_assessment
from webapp.ranking.scope import Scope
from webapp.web import NotFound, now

__all__ = [
    "CERTIFICATE_YEARS",
    "ReviewView",
    "decide",
    "mark_evidence",
    "notes_for_company",
    "record_submitted",
    "review_view",
]

# A green result's certificate is valid for three years (the PRISMA practice; see docs/domain notes).
CERTIFICATE_YEARS = 3
COMMENT_LIMIT = 2000
REVIEWABLE = ("submitted", "returned", "verified")


class ReviewError(ValueError):
    """A decision that cannot be taken now; ``key`` is a message key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass
class EvidenceItem:
    evidence: Evidence
    reviews: list[EvidenceReview] = field(default_factory=list)

    @property
    def last_comment(self) -> str:
        return self.reviews[-1].comment if self.reviews else ""


@dataclass
class ReviewView:
    submission: Submission
    company: Company
    cycle: Cycle
    snapshot: Snapshot
    questionnaire: Any
    document: dict[str, Any]
    self_assessment: dict[str, Any]
    verified: Any  # hamscore.Assessment in mode "verified"
    evidence: dict[str, list[EvidenceItem]]
    history: list[StatusChange]
    applicable: frozenset[str]

    @property
    def can_review(self) -> bool:
        return self.submission.status == "submitted"


def _load(s: Session, scope: Scope, submission_id: int) -> tuple[Submission, Company, Cycle]:
    row = s.execute(
        select(Submission, Company, Cycle)
        .join(Company, Company.id == Submission.company_id)
        .join(Cycle, Cycle.id == Submission.cycle_id)
        .where(Submission.id == submission_id, Submission.status.in_(REVIEWABLE), scope.companies())
    ).first()
    if row is None:
        raise NotFound
    return row[0], row[1], row[2]


def review_view(db: Database, registry: Any, scope: Scope, submission_id: int) -> ReviewView:
    with db.read() as s:
        submission, company, cycle = _load(s, scope, submission_id)
        snap = s.scalar(
            select(Snapshot)
            .where(Snapshot.submission_id == submission.id)
            .order_by(Snapshot.round.desc())
            .limit(1)
        )
        if snap is None:
            raise NotFound
        q = registry.get(cycle.definition_id)
        document = msgspec.json.decode(snap.document)
        verified = verified_assessment(s, q, submission.id, document)
        reviews: dict[int, list[EvidenceReview]] = {}
        for review in s.scalars(
            select(EvidenceReview)
            .where(EvidenceReview.submission_id == submission.id)
            .order_by(EvidenceReview.at, EvidenceReview.id)
        ):
            reviews.setdefault(review.evidence_id, []).append(review)
        evidence: dict[str, list[EvidenceItem]] = {}
        for ev in s.scalars(
            select(Evidence).where(Evidence.submission_id == submission.id).order_by(Evidence.id)
        ):
            evidence.setdefault(ev.question, []).append(EvidenceItem(ev, reviews.get(ev.id, [])))
        history = list(
            s.scalars(
                select(StatusChange)
                .where(StatusChange.submission_id == submission.id)
                .order_by(StatusChange.at, StatusChange.id)
            )
        )
    return ReviewView(
        submission=submission,
        company=company,
        cycle=cycle,
        snapshot=snap,
        questionnaire=q,
        document=document,
        self_assessment=msgspec.json.decode(snap.assessment),
        verified=verified,
        evidence=evidence,
        history=history,
        applicable=q.applicable(document),
    )


def submission_of_evidence(db: Database, scope: Scope, evidence_id: int) -> int:
    with db.read() as s:
        found = s.scalar(
            select(Evidence.submission_id)
            .join(Company, Company.id == Evidence.company_id)
            .where(Evidence.id == evidence_id, scope.companies())
        )
    if found is None:
        raise NotFound
    return found


def mark_evidence(
    db: Database,
    registry: Any,
    scope: Scope,
    *,
    evidence_id: int,
    status: str,
    comment: str,
    address: str = "",
) -> int:
    """Mark one evidence file verified or rejected; returns its submission id. Only while under review."""
    if status not in ("verified", "rejected"):
        raise ReviewError("review.bad_status")
    comment = comment.strip()[:COMMENT_LIMIT]
    if status == "rejected" and not comment:
        raise ReviewError("review.comment_needed")
    with db.write() as s:
        row = s.execute(
            select(Evidence, Submission)
            .join(Submission, Submission.id == Evidence.submission_id)
            .join(Company, Company.id == Evidence.company_id)
            .where(Evidence.id == evidence_id, scope.companies())
        ).first()
        if row is None:
            raise NotFound
        evidence, submission = row
        if submission.status != "submitted":
            raise ReviewError("review.not_under_review")
        evidence.status = status
        s.add(
            EvidenceReview(
                evidence_id=evidence.id,
                submission_id=submission.id,
                status=status,
                comment=comment,
                by_user=scope.user.id,
            )
        )
        s.flush()
        sync_row(s, registry, submission.id)
        audit(
            s,
            action="review",
            user=scope.user,
            target=f"evidence:{evidence.id}",
            detail={"submission": submission.id, "status": status, "comment": comment},
            address=address,
        )
        return submission.id


def decide(
    db: Database,
    registry: Any,
    scope: Scope,
    *,
    submission_id: int,
    decision: str,
    comment: str,
    address: str = "",
) -> Submission:
    """Accept (→ verified, with a certificate when the verified rating is the best level) or return
    (→ returned, a new round for the company to revise). Returning needs a comment for the company."""
    if decision not in ("accept", "return"):
        raise ReviewError("review.bad_decision")
    comment = comment.strip()[:COMMENT_LIMIT]
    if decision == "return" and not comment:
        raise ReviewError("review.comment_needed")
    with db.write() as s:
        submission, company, cycle = _load(s, scope, submission_id)
        if submission.status != "submitted":
            raise ReviewError("review.not_under_review")
        before = submission.status
        if decision == "return":
            submission.status = "returned"
            submission.round += 1
        else:
            submission.status = "verified"
        s.add(
            StatusChange(
                submission_id=submission.id,
                round=submission.round,
                from_status=before,
                to_status=submission.status,
                comment=comment,
                by_user=scope.user.id,
            )
        )
        s.flush()
        row = sync_row(s, registry, submission.id)
        if decision == "accept" and row is not None:
            levels = levels_of(registry.get(cycle.definition_id))
            if row.verified_rating == levels[0]:
                _issue_certificate(s, submission, company, row.verified_rating)
        audit(
            s,
            action="decision",
            user=scope.user,
            target=f"submission:{submission.id}",
            detail={"decision": decision, "comment": comment, "company": company.name},
            address=address,
        )
        return submission


def _issue_certificate(s: Session, submission: Submission, company: Company, rating: str) -> None:
    if s.scalar(select(Certificate.id).where(Certificate.submission_id == submission.id)) is not None:
        return
    start = now().date()
    try:
        until = start.replace(year=start.year + CERTIFICATE_YEARS)
    except ValueError:  # 29 February
        until = start.replace(year=start.year + CERTIFICATE_YEARS, day=28)
    s.add(
        Certificate(
            submission_id=submission.id,
            company_id=company.id,
            code=new_certificate_code(),
            rating=rating,
            valid_from=start,
            valid_until=until - dt.timedelta(days=1),
        )
    )


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


def new_certificate_code() -> str:
    """``HAM-XXXX-XXXX-XXXX``: 60 random bits, so codes cannot be guessed from one another."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"HAM-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def record_submitted(s: Session, registry: Any, *, submission: Submission, user: User, before: str) -> None:
    """Called by the company's submit, inside its transaction: history, ranking row and audit."""
    s.add(
        StatusChange(
            submission_id=submission.id,
            round=submission.round,
            from_status=before,
            to_status=submission.status,
            comment="",
            by_user=user.id,
        )
    )
    s.flush()
    sync_row(s, registry, submission.id)
    audit(
        s,
        action="submission",
        user=user,
        target=f"submission:{submission.id}",
        detail={"round": submission.round},
    )


@dataclass
class CompanyNotes:
    """What the company sees on its form after a return: the reviewer's comment and rejected files."""

    comment: str
    returned_at: dt.datetime
    rejected: list[tuple[Evidence, str]]


def notes_for_company(db: Database, *, submission_id: int, company_id: int) -> CompanyNotes | None:
    with db.read() as s:
        submission = s.scalar(
            select(Submission).where(Submission.id == submission_id, Submission.company_id == company_id)
        )
        if submission is None or submission.status != "returned":
            return None
        change = s.scalar(
            select(StatusChange)
            .where(StatusChange.submission_id == submission.id, StatusChange.to_status == "returned")
            .order_by(StatusChange.at.desc(), StatusChange.id.desc())
            .limit(1)
        )
        if change is None:
            return None
        rejected: list[tuple[Evidence, str]] = []
        for ev in s.scalars(
            select(Evidence)
            .where(Evidence.submission_id == submission.id, Evidence.company_id == company_id)
            .where(Evidence.status == "rejected")
            .order_by(Evidence.id)
        ):
            last = s.scalar(
                select(EvidenceReview.comment)
                .where(EvidenceReview.evidence_id == ev.id)
                .order_by(EvidenceReview.at.desc(), EvidenceReview.id.desc())
                .limit(1)
            )
            rejected.append((ev, last or ""))
    return CompanyNotes(comment=change.comment, returned_at=change.at, rejected=rejected)
