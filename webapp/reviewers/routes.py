"""Admins manage the task force's reviewers and their regions (a province, a regency or the country)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.accounts.services import MIN_PASSWORD, create_user
from webapp.audit.services import record
from webapp.db.models import User
from webapp.regions import regions
from webapp.web import CurrentUser, ctx_of, redirect, render

__all__ = ["ROUTES"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def region_choices() -> list[tuple[str, str]]:
    """ "" (the whole country), every province and every regency we know, by code."""
    all_regions = regions()
    return [
        ("", ""),
        *((p.code, p.name) for p in all_regions.provinces),
        *((r.code, r.name) for r in all_regions.regencies),
    ]


def _page(
    request: Request, current: CurrentUser, *, error: str | None = None, status_code: int = 200
) -> Response[str]:
    with ctx_of(request).db.read() as s:
        people = list(
            s.scalars(
                select(User).where(User.role.in_(("reviewer", "admin"))).order_by(User.role, User.email)
            )
        )
    return render(
        request,
        current,
        "taskforce/reviewers.html",
        {"people": people, "choices": region_choices(), "error": error},
        status_code=status_code,
    )


@get("/admin/reviewers", sync_to_thread=True)
def reviewers(request: Request, current: CurrentUser) -> Response[str]:
    current.require_role("admin")
    return _page(request, current)


@post("/admin/reviewers", sync_to_thread=True)
def create(request: Request, current: CurrentUser, data: Form) -> Response[Any]:
    admin = current.require_role("admin")
    email = str(data.get("email", "")).strip().lower()[:254]
    name = str(data.get("name", "")).strip()[:200]
    password = str(data.get("password", ""))
    region = str(data.get("region", ""))
    if not email or "@" not in email or not name:
        return _page(request, current, error="form.required", status_code=422)
    if len(password) < MIN_PASSWORD:
        return _page(request, current, error="reviewers.password", status_code=422)
    if region not in {code for code, _ in region_choices()}:
        return _page(request, current, error="form.choose", status_code=422)
    ctx = ctx_of(request)
    try:
        create_user(ctx.db, email=email, name=name, password=password, role="reviewer", region=region)
    except IntegrityError:
        return _page(request, current, error="form.email_taken", status_code=422)
    record(ctx.db, action="reviewer", user=admin, target=email, detail={"region": region})
    return redirect(request, "/admin/reviewers")


ROUTES = [reviewers, create]
