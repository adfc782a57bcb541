"""What every area's routes share: the app context, the current user, page-or-fragment rendering, errors.

One URL and one template serve a whole page or, when htmx asks (``HX-Request`` header, not a boosted
navigation), only the template's named block. Which element the fragment lands in is the template's
business; the server never branches on element ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.response import Redirect
from sqlalchemy import bindparam, delete, select

import hamscore
from webapp.db import Database, Prepared
from webapp.db.models import Company, Session, User
from webapp.i18n import Catalogue, pick_language
from webapp.regions import regions
from webapp.settings import Settings

__all__ = [
    "AppContext",
    "Current",
    "CurrentUser",
    "Forbidden",
    "LoginRequired",
    "NotFound",
    "cookie_name",
    "is_htmx",
    "render",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, htmx requests get a 401 'session expired'."""


class NotFound(Exception):
    """The record does not exist *for this user*; another company's id is indistinguishable from none."""


class Forbidden(Exception):
    """Refused outright (cross-site request, bad CSRF token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class AppContext:
    settings: Settings
    db: Database
    catalogue: Catalogue
    templates: jinja2.Environment
    questionnaires: Any  # webapp.assessments.definitions.Registry; Any to keep this module import-light
    forms: Any  # webapp.assessments.formcache.FormCache: this worker's recent forms, checked on every read
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Current:
    """Who is asking, in which language. ``user`` is None for visitors."""

    user: SessionUser | None
    company: SessionCompany | None
    lang: str
    csrf_token: str
    session_hash: str | None = None

    def require_user(self) -> SessionUser:
        if self.user is None:
            raise LoginRequired
        return self.user

    def require_company(self) -> tuple[SessionUser, SessionCompany]:
        user = self.require_user()
        if user.role != "company" or self.company is None:
            raise NotFound
        return user, self.company

    def require_role(self, *roles: str) -> SessionUser:
        user = self.require_user()
        if user.role not in roles:
            raise NotFound
        return user


# Route handlers declare ``current: CurrentUser``; the app provides it (see ``load_current``).
CurrentUser = NamedDependency[Current]


def cookie_name(settings: Settings, name: str) -> str:
    """``__Host-`` names in production: the browser then refuses them unless Secure, host-only, Path=/."""
    return f"__Host-hamscore_{name}" if settings.secure_cookies else f"hamscore_{name}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token_for(settings: Settings, seed: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def ctx_of(request: Request[Any, Any, Any]) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SessionUser(NamedTuple):
    """The signed-in user, as every request reads them (never the password hash)."""

    id: int
    email: str
    name: str
    role: str
    company_id: int | None
    region: str
    lang: str


class SessionCompany(NamedTuple):
    """The signed-in user's company, with every column of ``companies``."""

    id: int
    name: str
    nib: str
    ahu: str
    address: str
    province: str
    regency: str
    sector: str
    size: str
    employees: int
    demo: bool
    created_at: dt.datetime


# Prepared once (webapp.db.prepared): every request that carries a session cookie runs it. Plain rows on a
# plain connection: an ORM session and two instrumented objects would cost more than the indexed lookup.
_USER_COLUMNS = tuple(getattr(User, name) for name in SessionUser._fields)
_COMPANY_COLUMNS = tuple(getattr(Company, name) for name in SessionCompany._fields)
_CURRENT = Prepared(
    select(Session.expires_at, *_USER_COLUMNS, *_COMPANY_COLUMNS)
    .join(User, User.id == Session.user_id)
    .outerjoin(Company, Company.id == User.company_id)
    .where(Session.id_hash == bindparam("id_hash"))
)
_USER_END = 1 + len(_USER_COLUMNS)


def load_current(request: Request[Any, Any, Any]) -> Current:
    """Dependency: the session's user (if any), their company and the language to speak."""
    ctx = ctx_of(request)
    settings = ctx.settings
    seed = request.state.get("csrf_seed") or ""
    token = csrf_token_for(settings, seed)
    raw = request.cookies.get(cookie_name(settings, "session"))
    lang_cookie = request.cookies.get(cookie_name(settings, "lang"))
    if not raw:
        return Current(user=None, company=None, lang=pick_language(lang_cookie), csrf_token=token)
    id_hash = hash_token(raw)
    moment = now()
    with ctx.db.rows(one_statement=True) as db:
        row = _CURRENT.first(db, {"id_hash": id_hash})
    if row is None or row[0] <= moment:
        return Current(user=None, company=None, lang=pick_language(lang_cookie), csrf_token=token)
    expires_at = row[0]
    user = SessionUser(*row[1:_USER_END])
    company = None if row[_USER_END] is None else SessionCompany(*row[_USER_END:])
    # Sliding expiry, written at most once per tenth of the lifetime to keep reads read-only.
    lifetime = dt.timedelta(minutes=settings.session_minutes)
    if expires_at - moment < lifetime * 0.9:
        with ctx.db.write() as db:
            db.execute(
                Session.__table__.update()
                .where(Session.id_hash == id_hash)
                .values(expires_at=moment + lifetime)
            )
    return Current(
        user=user, company=company, lang=pick_language(user.lang), csrf_token=token, session_hash=id_hash
    )


def start_session(request: Request[Any, Any, Any], response: Response[Any], user: User) -> None:
    """Log ``user`` in with a fresh session id; whatever id the browser had (even a planted one) is dropped."""
    ctx = ctx_of(request)
    settings = ctx.settings
    name = cookie_name(settings, "session")
    token = new_token()
    with ctx.db.write() as db:
        if old := request.cookies.get(name):
            db.execute(delete(Session).where(Session.id_hash == hash_token(old)))
        db.execute(delete(Session).where(Session.user_id == user.id, Session.expires_at <= now()))
        db.add(
            Session(
                id_hash=hash_token(token),
                user_id=user.id,
                expires_at=now() + dt.timedelta(minutes=settings.session_minutes),
            )
        )
    response.set_cookie(
        key=name, value=token, path="/", secure=settings.secure_cookies, httponly=True, samesite="lax"
    )


def end_session(request: Request[Any, Any, Any], response: Response[Any]) -> None:
    ctx = ctx_of(request)
    name = cookie_name(ctx.settings, "session")
    if raw := request.cookies.get(name):
        with ctx.db.write() as db:
            db.execute(delete(Session).where(Session.id_hash == hash_token(raw)))
    response.delete_cookie(name, path="/")


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """An htmx request that wants a fragment (a boosted link wants the whole page)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def render(
    request: Request[Any, Any, Any],
    current: Current,
    template: str,
    values: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    """Render ``template`` whole, or only its block ``fragment`` when htmx asks for it."""
    ctx = ctx_of(request)
    tmpl = ctx.templates.get_template(template)
    context = {**_globals(request, current), **(values or {})}
    if fragment is not None and is_htmx(request):
        html = "".join(tmpl.blocks[fragment](tmpl.new_context(context)))
    else:
        html = tmpl.render(context)
    return Response(html, media_type="text/html", status_code=status_code, headers=headers)


def redirect(request: Request[Any, Any, Any], path: str) -> Response[Any]:
    """Redirect after a POST; htmx requests get ``HX-Redirect`` so the whole page changes."""
    if request.headers.get("hx-request") == "true":
        return Response("", status_code=204, headers={"HX-Redirect": path})
    return Redirect(path=path, status_code=303)


def _globals(request: Request[Any, Any, Any], current: Current) -> dict[str, Any]:
    ctx = ctx_of(request)
    lang = current.lang

    def t(key: str, /, **values: object) -> str:
        return ctx.catalogue.text(lang, key, **values)

    return {
        "t": t,
        "lang": lang,
        "current": current,
        "csrf_token": current.csrf_token,
        "request_path": request.url.path,
        "region_name": regions().name,
        "development": ctx.settings.development,
        "max_upload_bytes": ctx.settings.max_upload_bytes,
        # Questionnaire texts are a string or {language: string}; the library picks the language.
        "tx": lambda value: "" if value is None else hamscore.text(value, lang),
    }


def template_environment(*, auto_reload: bool = True) -> jinja2.Environment:
    """Templates from ``webapp/templates``. Without ``auto_reload`` a compiled template is used as is,
    without a look at the file's modification time on every render (templates only change on deploy)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        auto_reload=auto_reload,
        autoescape=True,  # everywhere, whatever the file extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.0f}"
    env.filters["num"] = lambda v, d=1: "–" if v is None else f"{v:.{d}f}"
    return env


def error_response(request: Request[Any, Any, Any], status_code: int, key: str) -> Response[str]:
    """A small HTML error page in the visitor's language; never a traceback. For htmx the message goes into
    the page's alert banner, whatever element the request meant to update."""
    try:
        current = load_current(request)
    except Exception:
        ctx = ctx_of(request)
        current = Current(user=None, company=None, lang="id", csrf_token=csrf_token_for(ctx.settings, ""))
    headers = {"HX-Retarget": "#session-banner", "HX-Reswap": "innerHTML"} if is_htmx(request) else None
    return render(
        request,
        current,
        "error.html",
        {"status": status_code, "message_key": key},
        fragment="content",
        status_code=status_code,
        headers=headers,
    )


def http_error_key(exc: HTTPException) -> str:
    return {
        400: "error.bad_request",
        401: "error.login_required",
        403: "error.forbidden",
        404: "error.not_found",
        405: "error.bad_request",
        413: "error.too_large",
        429: "error.too_many",
    }.get(exc.status_code, "error.server")
