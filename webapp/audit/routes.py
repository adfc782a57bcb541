"""The admin's view of the audit log, filterable by action, user and dates."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get

from webapp.audit import services
from webapp.ranking.routes import query_dict
from webapp.web import CurrentUser, ctx_of, render

__all__ = ["ROUTES"]


@get("/admin/audit", sync_to_thread=True)
def audit_log(request: Request, current: CurrentUser) -> Response[str]:
    current.require_role("admin")
    filters = services.parse_filters(query_dict(request))
    page = services.search(ctx_of(request).db, filters)
    params = {
        k: v
        for k, v in (
            ("action", filters.action),
            ("user", filters.user),
            ("since", filters.since or ""),
            ("until", filters.until or ""),
        )
        if v
    }

    def page_url(n: int) -> str:
        return "/admin/audit?" + urlencode({**params, "page": n})

    return render(
        request,
        current,
        "taskforce/audit.html",
        {"page": page, "f": filters, "actions": services.ACTIONS, "page_url": page_url},
        fragment="results",
    )


ROUTES: list[Any] = [audit_log]
