"""Tables of the task-force workspace. Plain mapped classes on the app's one declarative ``Base``.

``RankingRow`` is a read model: one row per submitted submission, copied from its latest snapshot, the
company profile and the review, so the ranking page is one indexed query and never a rescoring. It can
always be rebuilt from the other tables (``webapp.ranking.rows.rebuild``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db.models import Base, UTCDateTime

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Certificate",
    "EvidenceReview",
    "ImprovementAction",
    "RankingRow",
    "StatusChange",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_COVER = (
    "sector",
    "size",
    "rating",
    "status",
    "total",
    "verified_rating",
    "verified_total",
    "completeness",
    "previous_total",
    "name",
    "submission_id",
)


class RankingRow(Base):
    __tablename__ = "ranking_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), unique=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    # Copied from the company so region filters and search stay on this one table.
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(2))
    regency: Mapped[str] = mapped_column(String(5))
    sector: Mapped[str] = mapped_column(String(1))
    size: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    rating: Mapped[str | None] = mapped_column(String(10))
    total: Mapped[float | None] = mapped_column(Float)
    completeness: Mapped[float] = mapped_column(Float, default=0.0)
    verified_rating: Mapped[str | None] = mapped_column(String(10))
    verified_total: Mapped[float | None] = mapped_column(Float)
    # The library's ranking key as one number (smaller = needs attention first); see webapp.ranking.rows.
    priority: Mapped[float] = mapped_column(Float)
    # floor(priority): about 300 buckets per cycle, so a rank is one small histogram plus one short count.
    bucket: Mapped[int] = mapped_column(Integer, default=0)
    previous_total: Mapped[float | None] = mapped_column(Float)
    previous_rating: Mapped[str | None] = mapped_column(String(10))
    # Indicator scores {indicator id: score or null}, JSON, for the heat map.
    indicators: Mapped[str] = mapped_column(Text, default="{}")
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Covering indexes per kind of scope (migration tf02): scope, rank key, then every column a page reads.
    __table_args__ = (
        Index("ix_ranking_rows_national", "cycle_id", "bucket", "priority", "province", "regency", *_COVER),
        Index("ix_ranking_rows_province", "cycle_id", "province", "bucket", "priority", "regency", *_COVER),
        Index("ix_ranking_rows_regency", "cycle_id", "regency", "bucket", "priority", "province", *_COVER),
        Index("ix_ranking_rows_province_name", "cycle_id", "province", "name"),
        Index("ix_ranking_rows_company", "company_id", "cycle_id"),
    )


class StatusChange(Base):
    """Every change of a submission's state (draft → submitted → returned → submitted → verified)."""

    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class EvidenceReview(Base):
    """A reviewer's mark on one evidence file; the latest one is also kept on ``Evidence.status``."""

    __tablename__ = "evidence_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))  # "verified" or "rejected"
    comment: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class ImprovementAction(Base):
    """One line of a company's improvement plan, usually made from a gap of its result."""

    __tablename__ = "improvement_actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    question: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    target_date: Mapped[dt.date] = mapped_column(Date)
    # "planned", "in_progress" or "done".
    status: Mapped[str] = mapped_column(String(12), default="planned")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class Certificate(Base):
    """Issued when a submission is verified green; anyone may check its code on the public page."""

    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    rating: Mapped[str] = mapped_column(String(10))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class ApiToken(Base):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Append-only: the code only inserts, and database triggers refuse updates and deletes."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the log outlives accounts
    user_email: Mapped[str] = mapped_column(String(254), default="")
    # "login", "submission", "review", "export", "evidence_download", "api", ...
    action: Mapped[str] = mapped_column(String(30), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")
