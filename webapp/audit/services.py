"""The audit log: who logged in, submitted, reviewed, exported, downloaded evidence, used the API.

Only ``add``/``record`` write to it, and they only insert; the database refuses updates and deletes of
``audit_events`` (triggers made by the migration), so even a bug here cannot rewrite history.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db import Database
from webapp.db.models import User
from webapp.db.taskforce import AuditEvent

__all__ = ["ACTIONS", "AuditFilters", "AuditPage", "add", "record", "search"]

ACTIONS = (
    "login",
    "login_failed",
    "submission",
    "review",
    "decision",
    "export",
    "evidence_download",
    "api",
    "token",
    "plan",
    "reviewer",
)
PER_PAGE = 50


def add(
    s: Session,
    *,
    action: str,
    user: User | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    address: str = "",
) -> None:
    """Append one event inside the caller's transaction (so it is logged exactly when the change is)."""
    s.add(
        AuditEvent(
            user_id=user.id if user is not None else None,
            user_email=user.email if user is not None else "",
            action=action,
            target=target[:200],
            detail=msgspec.json.encode(detail or {}).decode(),
            address=address[:64],
        )
    )


def record(db: Database, **kwargs: Any) -> None:
    """Append one event in its own transaction (for reads such as exports and downloads)."""
    with db.write() as s:
        add(s, **kwargs)


class AuditFilters(msgspec.Struct, frozen=True, kw_only=True):
    action: str = ""
    user: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = 1


def parse_filters(data: dict[str, Any]) -> AuditFilters:
    def one(name: str) -> str:
        value = data.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value).strip()

    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(one(name))
        except ValueError:
            return None

    page = one("page")
    return AuditFilters(
        action=one("action") if one("action") in ACTIONS else "",
        user=one("user")[:254],
        since=day("since"),
        until=day("until"),
        page=int(page) if page.isdigit() and len(page) < 8 and int(page) > 0 else 1,
    )


@dataclass
class AuditPage:
    filters: AuditFilters
    events: list[AuditEvent] = field(default_factory=list)
    count: int = 0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / PER_PAGE))


def search(db: Database, filters: AuditFilters) -> AuditPage:
    conds: list[Any] = []
    if filters.action:
        conds.append(AuditEvent.action == filters.action)
    if filters.user:
        conds.append(AuditEvent.user_email.contains(filters.user.lower(), autoescape=True))
    if filters.since:
        conds.append(AuditEvent.at >= dt.datetime.combine(filters.since, dt.time(), dt.UTC))
    if filters.until:
        conds.append(
            AuditEvent.at < dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    with db.read() as s:
        count = s.scalar(select(func.count()).select_from(AuditEvent).where(*conds)) or 0
        events = list(
            s.scalars(
                select(AuditEvent)
                .where(*conds)
                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                .limit(PER_PAGE)
                .offset((filters.page - 1) * PER_PAGE)
            )
        )
    return AuditPage(filters=filters, events=events, count=count)
