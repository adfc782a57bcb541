"""Follow-up: improvement plans made from a result's gaps, the reviewers' view of them, certificates.

A company with a yellow or red result plans actions (action, owner, target date, status, note). Yellow
has two years to improve, so its targets must fall within two years of the submission. Reviewers see
every plan of their region with what is due soon and what is overdue; when the company's next cycle is
submitted, an action tied to a question shows whether it took effect (the question is no longer a gap).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import select

from webapp.audit.services import add as audit
from webapp.db import Database
from webapp.db.models import Company, Cycle, Snapshot, Submission, User
from webapp.db.taskforce import Certificate, ImprovementAction
from webapp.ranking.scope import Scope
from webapp.web import NotFound, now

__all__ = [
    "ACTION_STATUSES",
    "DUE_DAYS",
    "PlanView",
    "add_action",
    "certificate_by_code",
    "certificate_for",
    "plan_view",
    "region_plans",
    "update_action",
]

ACTION_STATUSES = ("planned", "in_progress", "done")
YELLOW_WINDOW_YEARS = 2
DUE_DAYS = 30
TEXT_LIMIT = 2000


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class PlanView:
    submission: Submission
    company: Company
    cycle: Cycle
    rating: str | None
    total: float | None
    gaps: list[dict[str, Any]]
    actions: list[ImprovementAction]
    window_ends: dt.date | None
    effect: dict[int, bool | None] = field(default_factory=dict)

    @property
    def can_plan(self) -> bool:
        return self.rating in ("yellow", "red")


def _result(s: Any, submission_id: int, company_id: int) -> tuple[Submission, Company, Cycle, Snapshot]:
    row = s.execute(
        select(Submission, Company, Cycle)
        .join(Company, Company.id == Submission.company_id)
        .join(Cycle, Cycle.id == Submission.cycle_id)
        .where(Submission.id == submission_id, Submission.company_id == company_id)
    ).first()
    if row is None:
        raise NotFound
    snap = s.scalar(
        select(Snapshot)
        .where(Snapshot.submission_id == submission_id)
        .order_by(Snapshot.round.desc())
        .limit(1)
    )
    if snap is None:
        raise NotFound
    return row[0], row[1], row[2], snap


def _effect(
    s: Any, company_id: int, cycle: Cycle, actions: list[ImprovementAction]
) -> dict[int, bool | None]:
    """Per action tied to a question: True when the next cycle's result no longer lists it as a gap."""
    nxt = s.scalar(
        select(Snapshot)
        .join(Submission, Submission.id == Snapshot.submission_id)
        .join(Cycle, Cycle.id == Submission.cycle_id)
        .where(Submission.company_id == company_id, Cycle.opens_on > cycle.opens_on)
        .order_by(Cycle.opens_on, Snapshot.round.desc())
        .limit(1)
    )
    if nxt is None:
        return {a.id: None for a in actions}
    gaps = {g["question"] for g in msgspec.json.decode(nxt.assessment)["gaps"]}
    return {a.id: (None if a.question is None else a.question not in gaps) for a in actions}


def plan_view(db: Database, *, submission_id: int, company_id: int) -> PlanView:
    with db.read() as s:
        submission, company, cycle, snap = _result(s, submission_id, company_id)
        actions = list(
            s.scalars(
                select(ImprovementAction)
                .where(
                    ImprovementAction.submission_id == submission.id,
                    ImprovementAction.company_id == company_id,
                )
                .order_by(ImprovementAction.target_date, ImprovementAction.id)
            )
        )
        effect = _effect(s, company_id, cycle, actions)
    assessment = msgspec.json.decode(snap.assessment)
    start = (submission.submitted_at or snap.created_at).date()
    rating = assessment["rating"]
    return PlanView(
        submission=submission,
        company=company,
        cycle=cycle,
        rating=rating,
        total=assessment["total"],
        gaps=assessment["gaps"],
        actions=actions,
        window_ends=_years_later(start, YELLOW_WINDOW_YEARS) if rating == "yellow" else None,
        effect=effect,
    )


class PlanInputError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _text(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()[:limit]


def add_action(
    db: Database, *, user: User, company: Company, submission_id: int, data: dict[str, Any]
) -> None:
    view = plan_view(db, submission_id=submission_id, company_id=company.id)
    if not view.can_plan:
        raise NotFound
    action = _text(data, "action", TEXT_LIMIT)
    owner = _text(data, "owner", 200)
    if not action or not owner:
        raise PlanInputError("form.required")
    try:
        target = dt.date.fromisoformat(_text(data, "target_date", 10))
    except ValueError:
        raise PlanInputError("form.invalid_date") from None
    if view.window_ends is not None and target > view.window_ends:
        raise PlanInputError("plan.outside_window")
    question = _text(data, "question", 100) or None
    if question is not None and question not in {g["question"] for g in view.gaps}:
        question = None
    with db.write() as s:
        row = ImprovementAction(
            company_id=company.id,
            submission_id=view.submission.id,
            question=question,
            action=action,
            owner=owner,
            target_date=target,
            status="planned",
            note=_text(data, "note", TEXT_LIMIT),
            created_by=user.id,
        )
        s.add(row)
        s.flush()
        audit(s, action="plan", user=user, target=f"action:{row.id}", detail={"event": "added"})


def update_action(db: Database, *, user: User, company: Company, action_id: int, data: dict[str, Any]) -> int:
    """Change an action's status and note; returns its submission id."""
    status = _text(data, "status", 12)
    if status not in ACTION_STATUSES:
        raise PlanInputError("form.choose")
    with db.write() as s:
        row = s.scalar(
            select(ImprovementAction).where(
                ImprovementAction.id == action_id, ImprovementAction.company_id == company.id
            )
        )
        if row is None:
            raise NotFound
        row.status = status
        row.note = _text(data, "note", TEXT_LIMIT)
        row.updated_at = now()
        audit(
            s,
            action="plan",
            user=user,
            target=f"action:{row.id}",
            detail={"event": "updated", "status": status},
        )
        return row.submission_id


@dataclass
class RegionPlanRow:
    action: ImprovementAction
    company: Company
    cycle: Cycle
    state: str  # "done", "overdue", "due" or "later"


def region_plans(db: Database, scope: Scope, *, show: str = "") -> list[RegionPlanRow]:
    """Every action of the region's companies; ``show`` narrows to "overdue", "due" or "open"."""
    today = now().date()
    with db.read() as s:
        rows = s.execute(
            select(ImprovementAction, Company, Cycle)
            .join(Company, Company.id == ImprovementAction.company_id)
            .join(Submission, Submission.id == ImprovementAction.submission_id)
            .join(Cycle, Cycle.id == Submission.cycle_id)
            .where(scope.companies())
            .order_by(ImprovementAction.target_date, Company.name, ImprovementAction.id)
        ).all()
    result = []
    for action, company, cycle in rows:
        if action.status == "done":
            state = "done"
        elif action.target_date < today:
            state = "overdue"
        elif action.target_date <= today + dt.timedelta(days=DUE_DAYS):
            state = "due"
        else:
            state = "later"
        if show == "open" and state == "done":
            continue
        if show in ("overdue", "due") and state != show:
            continue
        result.append(RegionPlanRow(action, company, cycle, state))
    return result


@dataclass
class CertificateView:
    certificate: Certificate
    company: Company
    cycle: Cycle

    @property
    def valid(self) -> bool:
        return self.certificate.valid_from <= now().date() <= self.certificate.valid_until


def certificate_for(
    db: Database, *, submission_id: int, company_id: int | None = None, scope: Scope | None = None
) -> CertificateView | None:
    """The certificate of a submission, for its company or a reviewer of its region."""
    query = (
        select(Certificate, Company, Cycle)
        .join(Company, Company.id == Certificate.company_id)
        .join(Submission, Submission.id == Certificate.submission_id)
        .join(Cycle, Cycle.id == Submission.cycle_id)
        .where(Certificate.submission_id == submission_id)
    )
    if company_id is not None:
        query = query.where(Certificate.company_id == company_id)
    elif scope is not None:
        query = query.where(scope.companies())
    else:
        raise NotFound
    with db.read() as s:
        row = s.execute(query).first()
    return None if row is None else CertificateView(row[0], row[1], row[2])


class PublicCertificate(msgspec.Struct, frozen=True, kw_only=True):
    """What anyone may learn from a verification code: nothing but these four facts."""

    company: str
    cycle: str
    rating: str
    valid_from: dt.date
    valid_until: dt.date
    valid: bool


def certificate_by_code(db: Database, code: str) -> PublicCertificate | None:
    code = code.strip().upper()
    if not code or len(code) > 32:
        return None
    with db.read() as s:
        row = s.execute(
            select(
                Certificate.rating, Certificate.valid_from, Certificate.valid_until, Company.name, Cycle.name
            )
            .join(Company, Company.id == Certificate.company_id)
            .join(Submission, Submission.id == Certificate.submission_id)
            .join(Cycle, Cycle.id == Submission.cycle_id)
            .where(Certificate.code == code)
        ).first()
    if row is None:
        return None
    today = now().date()
    return PublicCertificate(
        company=row[3],
        cycle=row[4],
        rating=row[0],
        valid_from=row[1],
        valid_until=row[2],
        valid=row[1] <= today <= row[2],
    )
