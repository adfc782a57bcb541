"""``/taskforce/export/{csv,xlsx,parquet}`` with the ranking page's filters; every export is audited."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from webapp.audit.services import record
from webapp.exports import services
from webapp.ranking.routes import query_dict
from webapp.ranking.scope import scope_of
from webapp.ranking.services import parse_filters
from webapp.web import CurrentUser, NotFound, ctx_of

__all__ = ["ROUTES"]


@get("/taskforce/export/{fmt:str}", sync_to_thread=True)
def export(request: Request, current: CurrentUser, fmt: FromPath[str]) -> Response[bytes]:
    scope = scope_of(current)
    if fmt not in services.FORMATS:
        raise NotFound
    ctx = ctx_of(request)
    filters = parse_filters(query_dict(request), scope)
    body, filename, count = services.export(ctx.db, scope, filters, fmt)
    record(
        ctx.db,
        action="export",
        user=scope.user,
        target=filename,
        detail={"format": fmt, "rows": count, "filters": filters.params(page=1), "region": scope.region},
        address=request.client.host if request.client else "",
    )
    return Response(
        body,
        media_type=services.FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


ROUTES: list[Any] = [export]
