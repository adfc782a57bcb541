"""The page where a reviewer makes and revokes personal API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from webapp.api import services
from webapp.ranking.scope import scope_of
from webapp.web import CurrentUser, ctx_of, redirect, render

__all__ = ["ROUTES"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _page(request: Request, current: CurrentUser, *, new_token: str | None = None) -> Response[str]:
    scope = scope_of(current)
    tokens = services.list_tokens(ctx_of(request).db, user=scope.user)
    base = f"{request.url.scheme}://{request.url.netloc}"
    # The three notebook lines of the README, with this server's address (and the new token, once).
    snippet = (
        "import httpx, polars as pl\n"
        f'rows = httpx.get("{base}/api/v1/ranking", headers={{"Authorization": "Bearer {new_token or "hst_..."}"}}).json()\n'
        "df = pl.DataFrame(rows)"
    )
    return render(
        request,
        current,
        "taskforce/tokens.html",
        {"tokens": tokens, "new_token": new_token, "snippet": snippet, "schema_url": "/schema/openapi.json"},
    )


@get("/taskforce/tokens", sync_to_thread=True)
def tokens(request: Request, current: CurrentUser) -> Response[str]:
    return _page(request, current)


@post("/taskforce/tokens", sync_to_thread=True)
def create(request: Request, current: CurrentUser, data: Form) -> Response[str]:
    scope = scope_of(current)
    _, token = services.create_token(ctx_of(request).db, user=scope.user, name=str(data.get("name", "")))
    return _page(request, current, new_token=token)


@post("/taskforce/tokens/{token_id:int}/revoke", sync_to_thread=True)
def revoke(request: Request, current: CurrentUser, token_id: FromPath[int]) -> Response[Any]:
    scope = scope_of(current)
    services.revoke_token(ctx_of(request).db, user=scope.user, token_id=token_id)
    return redirect(request, "/taskforce/tokens")


ROUTES = [tokens, create, revoke]
