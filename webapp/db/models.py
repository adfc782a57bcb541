"""Tables. Plain mapped classes with no behaviour: rules live in the services, scoring in ``hamscore``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Answer",
    "Base",
    "Company",
    "Cycle",
    "Definition",
    "Evidence",
    "Invitation",
    "LoginAttempt",
    "Session",
    "Snapshot",
    "Submission",
    "User",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use datetime.now(UTC)")
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    pass


class Company(Base):
    __tablename__ = "companies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    nib: Mapped[str] = mapped_column(String(13), unique=True)
    ahu: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(500))
    province: Mapped[str] = mapped_column(String(2), index=True)
    regency: Mapped[str] = mapped_column(String(5), index=True)
    sector: Mapped[str] = mapped_column(String(1))
    size: Mapped[str] = mapped_column(String(10))
    employees: Mapped[int] = mapped_column(Integer)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    # "company", "reviewer" or "admin".
    role: Mapped[str] = mapped_column(String(10))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    # Reviewers: a province code ("36"), a regency code ("36.73") or "" for the whole country.
    region: Mapped[str] = mapped_column(String(5), default="")
    lang: Mapped[str] = mapped_column(String(2), default="id")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class Session(Base):
    """Server-side sessions. Only a hash of the cookie value is stored, so a leaked table opens nothing."""

    __tablename__ = "sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """Failed logins, counted per account and per client address for rate limiting."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "account" or "address"
    key: Mapped[str] = mapped_column(String(254))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    __table_args__ = (Index("ix_login_attempts_key", "kind", "key", "at"),)


class Invitation(Base):
    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Definition(Base):
    """A questionnaire definition as loaded, kept so old cycles still score after the file changes."""

    __tablename__ = "definitions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    __table_args__ = (UniqueConstraint("questionnaire", "version"),)


class Cycle(Base):
    __tablename__ = "cycles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"))
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)


class Submission(Base):
    """One company's work on one cycle: a draft until submitted."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # Incremented when a submission is returned for revision, so each round has one snapshot.
    round: Mapped[int] = mapped_column(Integer, default=1)
    # Moves with every change of the submission's answers (see webapp.assessments.formcache).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("company_id", "cycle_id"),)


class Answer(Base):
    """One answer. ``version`` grows on each change so two colleagues cannot silently overwrite each other."""

    __tablename__ = "answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(100))
    value: Mapped[object] = mapped_column(JSON, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The submission's revision this answer was last written at.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    __table_args__ = (UniqueConstraint("submission_id", "question"),)


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(100))
    # Server-made file name under the upload directory; never derived from what the user sent.
    stored_name: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # "provided" until a reviewer marks it "verified" or "rejected".
    status: Mapped[str] = mapped_column(String(10), default="provided")
    reused_from: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class Snapshot(Base):
    """The frozen result of a submission: never updated, one per submission round."""

    __tablename__ = "snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    round: Mapped[int] = mapped_column(Integer, default=1)
    digest: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)  # the answers document, JSON
    assessment: Mapped[str] = mapped_column(Text)  # msgspec JSON of hamscore.Assessment
    rating: Mapped[str | None] = mapped_column(String(10))
    total: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (UniqueConstraint("submission_id", "round"),)
