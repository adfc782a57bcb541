"""The app factory: ``create_app(settings)`` wires settings, database, templates and the areas' routes.

>>> from webapp.settings import Settings
>>> app = create_app(Settings.from_env({"HAMSCORE_ENV": "development", "HAMSCORE_DATABASE_URL": "sqlite:///var/doc.db"}))
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar import Litestar, Request, Response, Router
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.static_files import create_static_files_router

from webapp import workspace
from webapp.accounts.routes import ROUTES as ACCOUNT_ROUTES
from webapp.admin.routes import ROUTES as ADMIN_ROUTES
from webapp.assessments.definitions import Registry
from webapp.assessments.formcache import FormCache
from webapp.assessments.routes import ROUTES as ASSESSMENT_ROUTES
from webapp.db import Database, upgrade
from webapp.evidence.routes import ROUTES as EVIDENCE_ROUTES
from webapp.i18n import Catalogue
from webapp.ops import health
from webapp.ops.logs import request_log
from webapp.ops.production import check_database
from webapp.security import check_csrf, security_headers
from webapp.settings import Settings
from webapp.web import (
    AppContext,
    Forbidden,
    LoginRequired,
    NotFound,
    error_response,
    http_error_key,
    is_htmx,
    load_current,
    render,
    template_environment,
)

__all__ = ["create_app"]

log = logging.getLogger("webapp")

# Multipart overhead on top of the largest file we accept; anything bigger is refused while streaming.
_BODY_OVERHEAD = 256 * 1024


def create_app(settings: Settings, *, migrate: bool = True) -> Litestar:
    """Build the app. With ``migrate`` the database is brought to the latest schema at start-up."""
    db = Database(settings.database_url)
    ctx = AppContext(
        settings=settings,
        db=db,
        catalogue=Catalogue(),
        templates=template_environment(auto_reload=settings.development),
        questionnaires=Registry(db),
        forms=FormCache(),
    )

    def startup(app: Litestar) -> None:
        if not settings.development:
            check_database(db)
        if migrate:
            upgrade(db)
        for problem in ctx.questionnaires.sync_directory(settings.questionnaires_dir):
            log.warning("%s", problem)
        workspace.startup(ctx)
        db.start()

    def shutdown(app: Litestar) -> None:
        db.dispose()

    handlers: dict[Any, Any] = {
        LoginRequired: _login_required,
        NotFound: lambda request, exc: error_response(request, 404, "error.not_found"),
        Forbidden: lambda request, exc: error_response(request, 403, "error.forbidden"),
        HTTPException: lambda request, exc: error_response(request, exc.status_code, http_error_key(exc)),
    }
    if not settings.development:
        # Outside development an unexpected error is a plain page: the traceback goes to the log only.
        handlers[Exception] = _server_error

    static = create_static_files_router(
        path="/static",
        directories=[Path(__file__).parent / "static"],
        name="static",
        cache_control=CacheControlHeader(max_age=300),
    )
    # One router registers every handler once. (Registering a GET and a POST handler of the same path one
    # by one on the app makes Litestar 2.25 wrap the first handler for sync_to_thread a second time.)
    pages = Router(
        path="/",
        route_handlers=[*ACCOUNT_ROUTES, *ASSESSMENT_ROUTES, *EVIDENCE_ROUTES, *ADMIN_ROUTES, *workspace.PAGE_ROUTES],
        include_in_schema=False,
    )
    # The task force's JSON API is the one part of the app described by the OpenAPI document at /schema.
    api = workspace.api_router()
    app = Litestar(
        route_handlers=[pages, api, static, *health.ROUTES],
        # The session lookup and the hot routes (a form section, the autosave, the result, the ranking) run
        # on the event loop: their few indexed queries, and even the autosave's commit (one WAL append and
        # sync), cost less than handing the request to a thread and back, and the hand-offs make threads
        # and the loop queue for the GIL (autosave saturation went from 253/s to 368/s on SQLite). Slower
        # writes (uploads, which sync a file first; submissions; exports) stay in threads.
        dependencies={"current": Provide(load_current, sync_to_thread=False)},
        before_request=check_csrf,
        middleware=[request_log, security_headers],
        exception_handlers=handlers,
        on_startup=[startup],
        on_shutdown=[shutdown],
        debug=settings.debug,
        request_max_body_size=settings.max_upload_bytes + _BODY_OVERHEAD,
        openapi_config=workspace.openapi_config(),
    )
    app.state.ctx = ctx
    workspace.install(ctx)
    return app


def _login_required(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Pages go to the login form and come back; an htmx save gets 401 and a message where the page shows
    it, while the browser keeps the unsent answer and resends it after the next login."""
    current_url = request.headers.get("hx-current-url", "")
    path = "/" + current_url.split("://", 1)[-1].split("/", 1)[-1] if current_url else request.url.path
    login = f"/login?next={quote(path)}"
    if is_htmx(request):
        current = load_current(request)
        return render(
            request,
            current,
            "session_expired.html",
            {"login": login},
            status_code=401,
            headers={"HX-Retarget": "#session-banner", "HX-Reswap": "innerHTML"},
        )
    return Response("", status_code=303, headers={"Location": login})


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "error.server")
