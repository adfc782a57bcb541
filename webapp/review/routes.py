"""The review of one submission: a page (or, for htmx, its review block) and the reviewer's actions."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from webapp.ranking.scope import scope_of
from webapp.ranking.services import band
from webapp.review import services
from webapp.web import CurrentUser, ctx_of, is_htmx, redirect, render

__all__ = ["ROUTES"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


def _page(
    request: Request,
    current: CurrentUser,
    submission_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response[str]:
    scope = scope_of(current)
    ctx = ctx_of(request)
    view = services.review_view(ctx.db, ctx.questionnaires, scope, submission_id)
    return render(
        request,
        current,
        "taskforce/review.html",
        {"view": view, "error": error, "band": band},
        fragment="review",
        status_code=status_code,
    )


@get("/taskforce/submissions/{submission_id:int}", sync_to_thread=True)
def review_page(request: Request, current: CurrentUser, submission_id: FromPath[int]) -> Response[str]:
    return _page(request, current, submission_id)


@post("/taskforce/evidence/{evidence_id:int}/review", sync_to_thread=True)
def mark(request: Request, current: CurrentUser, evidence_id: FromPath[int], data: Form) -> Response[Any]:
    scope = scope_of(current)
    ctx = ctx_of(request)
    try:
        submission_id = services.mark_evidence(
            ctx.db,
            ctx.questionnaires,
            scope,
            evidence_id=evidence_id,
            status=str(data.get("status", "")),
            comment=str(data.get("comment", "")),
            address=_address(request),
        )
    except services.ReviewError as error:
        submission_id = services.submission_of_evidence(ctx.db, scope, evidence_id)
        return _page(request, current, submission_id, error=error.key, status_code=422)
    if not is_htmx(request):
        return redirect(request, f"/taskforce/submissions/{submission_id}")
    return _page(request, current, submission_id)


@post("/taskforce/submissions/{submission_id:int}/decision", sync_to_thread=True)
def decide(request: Request, current: CurrentUser, submission_id: FromPath[int], data: Form) -> Response[Any]:
    scope = scope_of(current)
    ctx = ctx_of(request)
    try:
        services.decide(
            ctx.db,
            ctx.questionnaires,
            scope,
            submission_id=submission_id,
            decision=str(data.get("decision", "")),
            comment=str(data.get("comment", "")),
            address=_address(request),
        )
    except services.ReviewError as error:
        return _page(request, current, submission_id, error=error.key, status_code=422)
    if is_htmx(request):
        return _page(request, current, submission_id)
    return redirect(request, f"/taskforce/submissions/{submission_id}")


ROUTES = [review_page, mark, decide]
