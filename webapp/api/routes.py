"""The task force's JSON API (``/api/v1``), described by the OpenAPI document at ``/schema``.

Every request carries a personal token (``Authorization: Bearer hst_...``); the data are the ranking
page's, scoped to the token owner's region in the query itself. Errors are JSON, never HTML.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import MediaType, Request, Response, Router, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import FromPath, QueryParameter

from webapp.api import services
from webapp.audit.services import record
from webapp.db.models import Cycle
from webapp.ranking import services as ranking
from webapp.ranking.scope import Scope, scope_for_user
from webapp.review.services import review_view
from webapp.web import NotFound, ctx_of

__all__ = ["api_router", "openapi_components"]


class CycleOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    opens_on: dt.date
    closes_on: dt.date


class RankingRowOut(msgspec.Struct, frozen=True, kw_only=True):
    """One company's submission in a cycle, ranked in the token owner's region (1 = attention first)."""

    rank: int
    submission_id: int
    company: str
    province: str
    regency: str
    sector: str
    size: str
    status: str
    rating: str | None
    total: float | None
    band: str | None
    verified_rating: str | None
    verified_total: float | None
    completeness: float
    previous_total: float | None
    change: float | None


class IndicatorOut(msgspec.Struct, frozen=True, kw_only=True):
    indicator: str
    score: float | None
    verified_score: float | None


class SubmissionOut(msgspec.Struct, frozen=True, kw_only=True):
    submission_id: int
    company: str
    regency: str
    sector: str
    size: str
    cycle: str
    status: str
    round: int
    rating: str | None
    total: float | None
    verified_rating: str | None
    verified_total: float | None
    indicators: list[IndicatorOut]


class MeOut(msgspec.Struct, frozen=True, kw_only=True):
    email: str
    role: str
    region: str


# Handlers declare ``reviewer: Reviewer``; the router provides it from the bearer token.
Reviewer = NamedDependency[Scope]


def _bearer(request: Request[Any, Any, Any]) -> Scope:
    header = request.headers.get("authorization", "")
    scheme, _, raw = header.partition(" ")
    user = services.authenticate(ctx_of(request).db, raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise NotAuthorizedException(detail="give a valid API token: Authorization: Bearer hst_...")
    return scope_for_user(user)


@get("/me", sync_to_thread=True, summary="Who the token belongs to and which region it sees")
def me(reviewer: Reviewer) -> MeOut:
    return MeOut(email=reviewer.user.email, role=reviewer.user.role, region=reviewer.region)


@get("/cycles", sync_to_thread=True, summary="Assessment cycles, latest first")
def cycles(request: Request, reviewer: Reviewer) -> list[CycleOut]:
    return [
        CycleOut(id=c.id, name=c.name, opens_on=c.opens_on, closes_on=c.closes_on)
        for c in ranking.cycles(ctx_of(request).db)
    ]


@get("/ranking", sync_to_thread=True, summary="The ranking of the token owner's region for a cycle")
def ranking_rows(
    request: Request,
    reviewer: Reviewer,
    cycle: Annotated[str | None, QueryParameter(description="cycle id or name; default the latest")] = None,
    regency: Annotated[
        str | None, QueryParameter(description="regency code inside your region, e.g. 36.73")
    ] = None,
    sector: Annotated[str | None, QueryParameter(description="KBLI category letter")] = None,
    size: Annotated[str | None, QueryParameter(description="mikro, kecil, menengah or besar")] = None,
    rating: Annotated[str | None, QueryParameter(description="green, yellow, red or none")] = None,
    status: Annotated[str | None, QueryParameter(description="submitted, returned or verified")] = None,
    q: Annotated[str | None, QueryParameter(description="part of the company name")] = None,
    sort: Annotated[
        str | None, QueryParameter(description="rank (default), name, total, verified, ...")
    ] = None,
    dir: Annotated[str | None, QueryParameter(description="asc or desc")] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100_000)] = 100_000,
    offset: Annotated[int, QueryParameter(ge=0)] = 0,
) -> list[RankingRowOut]:
    ctx = ctx_of(request)
    all_cycles = ranking.cycles(ctx.db)
    chosen = _cycle(all_cycles, cycle)
    if chosen is None:
        return []
    values = {
        "regency": regency,
        "sector": sector,
        "size": size,
        "rating": rating,
        "status": status,
        "q": q,
        "sort": sort,
        "dir": dir,
    }
    filters = ranking.parse_filters({k: v for k, v in values.items() if v is not None}, reviewer)
    with ctx.db.read() as s:
        rows = [
            RankingRowOut(**row)
            for row in ranking.ranked_rows(s, reviewer, filters, chosen.id, limit=limit, offset=offset)
        ]
    record(
        ctx.db,
        action="api",
        user=reviewer.user,
        target="/api/v1/ranking",
        detail={
            "cycle": chosen.name,
            "rows": len(rows),
            "filters": filters.params(page=1),
            "region": reviewer.region,
        },
        address=request.client.host if request.client else "",
    )
    return rows


def _cycle(all_cycles: list[Cycle], wanted: str | None) -> Cycle | None:
    if wanted is None or wanted == "":
        return all_cycles[0] if all_cycles else None
    for c in all_cycles:
        if str(c.id) == wanted or c.name == wanted:
            return c
    raise NotFoundException(detail=f"no cycle {wanted!r}")


@get("/submissions/{submission_id:int}", sync_to_thread=True, summary="One submission of your region")
def submission(request: Request, reviewer: Reviewer, submission_id: FromPath[int]) -> SubmissionOut:
    ctx = ctx_of(request)
    try:
        view = review_view(ctx.db, ctx.questionnaires, reviewer, submission_id)
    except NotFound:
        raise NotFoundException(detail="no such submission in your region") from None
    a = view.self_assessment
    v = view.verified
    return SubmissionOut(
        submission_id=view.submission.id,
        company=view.company.name,
        regency=view.company.regency,
        sector=view.company.sector,
        size=view.company.size,
        cycle=view.cycle.name,
        status=view.submission.status,
        round=view.submission.round,
        rating=a["rating"],
        total=a["total"],
        verified_rating=v.rating,
        verified_total=v.total,
        indicators=[
            IndicatorOut(
                indicator=ind.id,
                score=(a["indicators"].get(ind.id) or {}).get("score"),
                verified_score=v.indicators[ind.id].score if ind.id in v.indicators else None,
            )
            for ind in view.questionnaire.indicators
        ],
    )


def _json_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return Response(
        {"status_code": exc.status_code, "detail": exc.detail},
        status_code=exc.status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def api_router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[me, cycles, ranking_rows, submission],
        dependencies={"reviewer": Provide(_bearer, sync_to_thread=True)},
        exception_handlers={HTTPException: _json_error},
        security=[{"token": []}],
        tags=["task force"],
    )


def openapi_components() -> Components:
    return Components(
        security_schemes={
            "token": SecurityScheme(
                type="http", scheme="bearer", description="A personal API token made on /taskforce/tokens"
            )
        }
    )
