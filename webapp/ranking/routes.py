"""The task force's ranking page: one URL serving the whole page or, for htmx, the results fragment."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from webapp.accounts.services import SECTORS, SIZES
from webapp.ranking import services
from webapp.ranking.scope import scope_of
from webapp.web import CurrentUser, ctx_of, is_htmx, render

__all__ = ["ROUTES"]


def query_dict(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return {key: request.query_params.getall(key) for key in request.query_params}


@get("/taskforce", sync_to_thread=False)  # read-only: on the event loop, see webapp.app
def ranking(request: Request, current: CurrentUser) -> Response[str]:
    scope = scope_of(current)
    ctx = ctx_of(request)
    filters = services.parse_filters(query_dict(request), scope)
    page = services.ranking_page(ctx.db, scope, filters)
    return render(
        request,
        current,
        "taskforce/ranking.html",
        {
            "page": page,
            "f": page.filters,
            "scope": scope,
            "sectors": SECTORS,
            "sizes": SIZES,
            "ratings": services.RATINGS,
            "statuses": services.STATUSES,
            "band": services.band,
            "htmx": is_htmx(request),
        },
        fragment="results",
    )


ROUTES = [ranking]
