"""Admin pages: cycles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from webapp.admin import services
from webapp.web import CurrentUser, ctx_of, redirect, render

__all__ = ["ROUTES"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _page(
    request: Request, current: CurrentUser, *, error: str | None = None, status_code: int = 200
) -> Response[str]:
    ctx = ctx_of(request)
    return render(
        request,
        current,
        "admin/cycles.html",
        {
            "cycles": services.list_cycles(ctx.db),
            "definitions": ctx.questionnaires.stored(),
            "error": error,
        },
        status_code=status_code,
    )


@get("/admin/cycles", sync_to_thread=True)
def cycles(request: Request, current: CurrentUser) -> Response[str]:
    current.require_role("admin")
    return _page(request, current)


@post("/admin/cycles", sync_to_thread=True)
def create(request: Request, current: CurrentUser, data: Form) -> Response[Any]:
    current.require_role("admin")
    try:
        opens = dt.date.fromisoformat(str(data.get("opens_on", "")))
        closes = dt.date.fromisoformat(str(data.get("closes_on", "")))
        definition_id = int(str(data.get("definition_id", "")))
    except ValueError:
        return _page(request, current, error="form.invalid_date", status_code=422)
    result = services.create_cycle(
        ctx_of(request).db,
        name=str(data.get("name", "")),
        definition_id=definition_id,
        opens_on=opens,
        closes_on=closes,
    )
    if isinstance(result, str):
        return _page(request, current, error=result, status_code=422)
    return redirect(request, "/admin/cycles")


ROUTES = [cycles, create]
