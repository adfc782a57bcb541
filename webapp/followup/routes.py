"""Improvement plans (company), the region's plans (reviewers), certificates and their public check."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery

from webapp.followup import services
from webapp.ranking.scope import scope_of
from webapp.web import CurrentUser, NotFound, ctx_of, redirect, render

__all__ = ["ROUTES"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _plan_page(
    request: Request,
    current: CurrentUser,
    submission_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response[str]:
    _, company = current.require_company()
    view = services.plan_view(ctx_of(request).db, submission_id=submission_id, company_id=company.id)
    ctx = ctx_of(request)
    q = ctx.questionnaires.get(view.cycle.definition_id)
    questions = {question.id: question for question in q.questions}
    return render(
        request,
        current,
        "taskforce/plan.html",
        {"view": view, "error": error, "statuses": services.ACTION_STATUSES, "questions": questions},
        fragment="plan",
        status_code=status_code,
    )


@get("/submissions/{submission_id:int}/plan", sync_to_thread=True)
def plan(request: Request, current: CurrentUser, submission_id: FromPath[int]) -> Response[str]:
    return _plan_page(request, current, submission_id)


@post("/submissions/{submission_id:int}/plan", sync_to_thread=True)
def add_action(
    request: Request, current: CurrentUser, submission_id: FromPath[int], data: Form
) -> Response[Any]:
    user, company = current.require_company()
    try:
        services.add_action(
            ctx_of(request).db, user=user, company=company, submission_id=submission_id, data=data
        )
    except services.PlanInputError as error:
        return _plan_page(request, current, submission_id, error=error.key, status_code=422)
    return redirect(request, f"/submissions/{submission_id}/plan")


@post("/plan/actions/{action_id:int}", sync_to_thread=True)
def update_action(
    request: Request, current: CurrentUser, action_id: FromPath[int], data: Form
) -> Response[Any]:
    user, company = current.require_company()
    try:
        submission_id = services.update_action(
            ctx_of(request).db, user=user, company=company, action_id=action_id, data=data
        )
    except services.PlanInputError:
        raise NotFound from None
    return redirect(request, f"/submissions/{submission_id}/plan")


@get("/taskforce/plans", sync_to_thread=True)
def region_plans(request: Request, current: CurrentUser, show: FromQuery[str] = "") -> Response[str]:
    scope = scope_of(current)
    show = show if show in ("overdue", "due", "open") else ""
    rows = services.region_plans(ctx_of(request).db, scope, show=show)
    return render(
        request,
        current,
        "taskforce/plans.html",
        {"rows": rows, "show": show, "scope": scope},
        fragment="results",
    )


@get("/submissions/{submission_id:int}/certificate", sync_to_thread=True)
def certificate(request: Request, current: CurrentUser, submission_id: FromPath[int]) -> Response[str]:
    user = current.require_user()
    db = ctx_of(request).db
    if user.role == "company":
        view = services.certificate_for(db, submission_id=submission_id, company_id=user.company_id)
    else:
        view = services.certificate_for(db, submission_id=submission_id, scope=scope_of(current))
    if view is None:
        raise NotFound
    base = f"{request.url.scheme}://{request.url.netloc}"
    return render(request, current, "taskforce/certificate.html", {"view": view, "base": base})


@get("/verify", sync_to_thread=True)
def verify_form(request: Request, current: CurrentUser, code: FromQuery[str] = "") -> Response[str]:
    found = services.certificate_by_code(ctx_of(request).db, code) if code else None
    status = 404 if code and found is None else 200
    return render(
        request, current, "taskforce/verify.html", {"code": code[:32], "found": found}, status_code=status
    )


@get("/verify/{code:str}", sync_to_thread=True)
def verify(request: Request, current: CurrentUser, code: FromPath[str]) -> Response[str]:
    found = services.certificate_by_code(ctx_of(request).db, code)
    return render(
        request,
        current,
        "taskforce/verify.html",
        {"code": code[:32], "found": found},
        status_code=200 if found else 404,
    )


ROUTES = [plan, add_action, update_action, region_plans, certificate, verify_form, verify]
