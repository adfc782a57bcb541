"""Keeps the ranking read model (``RankingRow``) in step with submissions, snapshots and reviews.

Numbers are copied from the latest snapshot (the self-assessment, frozen at submission) and from the
verified score (library mode ``verified`` over the reviewers' marks on the evidence); nothing is rescored
when the ranking page is read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.assessments.services import evidence_status, previous_submission
from webapp.db.models import Company, Cycle, Evidence, Snapshot, Submission
from webapp.db.taskforce import RankingRow

__all__ = ["UNRATED", "priority", "rebuild", "sync_row", "verified_assessment"]

# Larger than any rated key: unrated submissions rank last, all tied.
UNRATED = 1e9
_LEVEL_STEP = 1000.0


def priority(rating: str | None, total: float | None, *, levels: Sequence[str]) -> float:
    """The library's ranking key (``hamscore.rank``) as one number: smaller needs attention first.

    The library sorts rated before unrated, then the worst rating first, then the lowest total (rounded
    to 6 places; a rated result without a total counts as -1). Ratings are 1000 apart and totals lie in
    0..100, so ordering by this number and ``RANK()`` over it give the library's competition ranks.

    >>> [priority(r, t, levels=("green", "yellow", "red")) for r, t in [("red", 12.5), ("green", 90), (None, None)]]
    [12.5, 2090.0, 1000000000.0]
    """
    if rating is None:
        return UNRATED
    if rating not in levels:
        raise ValueError(f"rating {rating!r} is not among levels {list(levels)}")
    from_worst = len(levels) - 1 - list(levels).index(rating)
    value = -1.0 if total is None or not math.isfinite(total) else round(total, 6)
    return from_worst * _LEVEL_STEP + value


def levels_of(q: Any) -> tuple[str, ...]:
    return tuple(band.level for band in q.definition.rating.bands)


def verified_assessment(s: Session, q: Any, submission_id: int, document: dict[str, Any]) -> Any:
    """Score the frozen answers in mode ``verified`` with the reviewers' current marks on the evidence."""
    files: dict[str, list[Evidence]] = {}
    for ev in s.scalars(select(Evidence).where(Evidence.submission_id == submission_id)):
        files.setdefault(ev.question, []).append(ev)
    doc = dict(document)
    doc["evidence"] = {qid: status for qid, fs in files.items() if (status := evidence_status(fs))}
    return q.score(doc, mode="verified")


def _latest_snapshot(s: Session, submission_id: int) -> Snapshot | None:
    return s.scalar(
        select(Snapshot)
        .where(Snapshot.submission_id == submission_id)
        .order_by(Snapshot.round.desc())
        .limit(1)
    )


def sync_row(s: Session, registry: Any, submission_id: int) -> RankingRow | None:
    """Write (or remove) the submission's ranking row inside the caller's transaction."""
    found = s.execute(
        select(Submission, Company, Cycle)
        .join(Company, Company.id == Submission.company_id)
        .join(Cycle, Cycle.id == Submission.cycle_id)
        .where(Submission.id == submission_id)
    ).first()
    snap = _latest_snapshot(s, submission_id) if found is not None else None
    if found is None or snap is None:
        s.execute(delete(RankingRow).where(RankingRow.submission_id == submission_id))
        return None
    submission, company, cycle = found
    q = registry.get(cycle.definition_id)
    levels = levels_of(q)
    assessment = msgspec.json.decode(snap.assessment)
    verified = verified_assessment(s, q, submission.id, msgspec.json.decode(snap.document))
    # The ranking follows the task force's own finding once it has verified a submission.
    if submission.status == "verified":
        key = priority(verified.rating, verified.total, levels=levels)
    else:
        key = priority(assessment["rating"], assessment["total"], levels=levels)
    previous_total = previous_rating = None
    prev = previous_submission(s, company_id=company.id, cycle=cycle)
    if prev is not None and (prev_snap := _latest_snapshot(s, prev.id)) is not None:
        previous_total, previous_rating = prev_snap.total, prev_snap.rating
    row = s.scalar(select(RankingRow).where(RankingRow.submission_id == submission.id))
    if row is None:
        row = RankingRow(submission_id=submission.id)
        s.add(row)
    row.cycle_id = cycle.id
    row.company_id = company.id
    row.name = company.name
    row.province = company.province
    row.regency = company.regency
    row.sector = company.sector
    row.size = company.size
    row.status = submission.status
    row.rating = assessment["rating"]
    row.total = assessment["total"]
    row.completeness = assessment["completeness"]
    row.verified_rating = verified.rating
    row.verified_total = verified.total
    row.priority = key
    row.bucket = math.floor(key)
    row.previous_total = previous_total
    row.previous_rating = previous_rating
    row.indicators = msgspec.json.encode(
        {k: v.get("score") for k, v in assessment["indicators"].items()}
    ).decode()
    row.submitted_at = submission.submitted_at
    s.flush()
    return row


def rebuild(db: Any, registry: Any, *, missing_only: bool = True) -> int:
    """Write the rows of submissions that have a snapshot but no row (or all of them). Returns how many."""
    with db.read() as s:
        query = select(Snapshot.submission_id).distinct()
        if missing_only:
            query = query.where(Snapshot.submission_id.not_in(select(RankingRow.submission_id)))
        ids = list(s.scalars(query))
    for submission_id in ids:
        try:
            with db.write() as s:
                sync_row(s, registry, submission_id)
        except IntegrityError:
            # Another worker starting at the same moment wrote this row first; its row is the same.
            continue
    return len(ids)
