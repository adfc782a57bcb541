"""Register, log in and out, invite colleagues, choose the language."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery

from webapp.accounts import services
from webapp.audit import services as audit
from webapp.i18n import LANGUAGES
from webapp.regions import regions
from webapp.web import (
    CurrentUser,
    NotFound,
    cookie_name,
    ctx_of,
    end_session,
    redirect,
    render,
    start_session,
)

__all__ = ["ROUTES"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def safe_next(value: object) -> str:
    """Only local paths: an open redirect would make our login page a phishing tool."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def _register_page(
    request: Request,
    current: CurrentUser,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response[str]:
    province = str(values.get("province", "36"))
    return render(
        request,
        current,
        "accounts/register.html",
        {
            "values": values,
            "errors": errors,
            "regions": regions(),
            "province": province,
            "regencies": regions().regencies_of(province),
            "sizes": services.SIZES,
            "sectors": services.SECTORS,
        },
        status_code=status_code,
    )


@get("/register", sync_to_thread=True)
def register_form(request: Request, current: CurrentUser) -> Response[str]:
    return _register_page(request, current, {"province": "36"}, {})


@post("/register", sync_to_thread=True)
def register(request: Request, current: CurrentUser, data: Form) -> Response[Any]:
    ctx = ctx_of(request)
    form, errors = services.parse_registration(data)
    shown = {k: v for k, v in data.items() if k not in ("password", "csrf_token")}
    if form is None:
        return _register_page(request, current, shown, errors, status_code=422)
    user = services.register(ctx.db, form, lang=current.lang)
    if isinstance(user, str):
        field = "email" if user == "form.email_taken" else "nib"
        return _register_page(request, current, shown, {field: user}, status_code=422)
    response = redirect(request, "/")
    start_session(request, response, user)
    return response


@get("/regions/regencies", sync_to_thread=False)
def regency_options(request: Request, current: CurrentUser, province: FromQuery[str] = "") -> Response[str]:
    """The regency choices for a province (htmx swaps them into the form)."""
    return render(
        request,
        current,
        "accounts/regencies.html",
        {
            "regencies": regions().regencies_of(province[:2]),
            "selected": "",
        },
    )


@get("/login", sync_to_thread=False)
def login_form(request: Request, current: CurrentUser, next: FromQuery[str] = "/") -> Response[str]:
    return render(
        request, current, "accounts/login.html", {"next": safe_next(next), "error": None, "email": ""}
    )


@post("/login", sync_to_thread=True)
def login(request: Request, current: CurrentUser, data: Form) -> Response[Any]:
    ctx = ctx_of(request)
    email = str(data.get("email", ""))
    address = request.client.host if request.client else "unknown"
    result = services.authenticate(
        ctx.db, ctx.settings, email=email, password=str(data.get("password", "")), address=address
    )
    target = safe_next(data.get("next"))
    if result.user is None:
        error = "login.limited" if result.outcome == "limited" else "login.invalid"
        audit.record(ctx.db, action="login_failed", target=email.strip().lower()[:200], address=address)
        return render(
            request,
            current,
            "accounts/login.html",
            {"next": target, "error": error, "email": email[:254]},
            status_code=429 if result.outcome == "limited" else 401,
        )
    response = redirect(request, target)
    start_session(request, response, result.user)
    audit.record(ctx.db, action="login", user=result.user, address=address)
    return response


@post("/logout", sync_to_thread=True)
def logout(request: Request) -> Response[Any]:
    response = redirect(request, "/login")
    end_session(request, response)
    return response


@post("/language", sync_to_thread=True)
def language(request: Request, current: CurrentUser, data: Form) -> Response[Any]:
    ctx = ctx_of(request)
    lang = str(data.get("lang", ""))
    if lang not in LANGUAGES:
        lang = "id"
    if current.user is not None:
        services.set_language(ctx.db, current.user.id, lang)
    response = redirect(request, safe_next(data.get("next")))
    response.set_cookie(
        key=cookie_name(ctx.settings, "lang"),
        value=lang,
        path="/",
        max_age=365 * 24 * 3600,
        secure=ctx.settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response


def _colleagues_page(
    request: Request,
    current: CurrentUser,
    *,
    link: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response[str]:
    _, company = current.require_company()
    users, invites = services.colleagues(ctx_of(request).db, company.id)
    return render(
        request,
        current,
        "accounts/colleagues.html",
        {"users": users, "invites": invites, "link": link, "error": error},
        status_code=status_code,
    )


@get("/company/colleagues", sync_to_thread=True)
def colleagues(request: Request, current: CurrentUser) -> Response[str]:
    return _colleagues_page(request, current)


@post("/company/colleagues", sync_to_thread=True)
def invite(request: Request, current: CurrentUser, data: Form) -> Response[str]:
    user, company = current.require_company()
    token = services.create_invitation(
        ctx_of(request).db, company_id=company.id, invited_by=user.id, email=str(data.get("email", ""))
    )
    if token is None:
        return _colleagues_page(request, current, error="form.invalid_email", status_code=422)
    link = f"{request.base_url}".rstrip("/") + f"/invite/{token}"
    return _colleagues_page(request, current, link=link)


@get("/invite/{token:str}", sync_to_thread=True)
def invitation_form(request: Request, current: CurrentUser, token: FromPath[str]) -> Response[str]:
    invitation = services.find_invitation(ctx_of(request).db, token)
    if invitation is None:
        raise NotFound
    return render(
        request,
        current,
        "accounts/invitation.html",
        {"invitation": invitation, "token": token, "errors": {}, "name": ""},
    )


@post("/invite/{token:str}", sync_to_thread=True)
def accept(request: Request, current: CurrentUser, token: FromPath[str], data: Form) -> Response[Any]:
    ctx = ctx_of(request)
    invitation = services.find_invitation(ctx.db, token)
    if invitation is None:
        raise NotFound
    name = str(data.get("name", "")).strip()[:200]
    password = str(data.get("password", ""))
    errors = {}
    if not name:
        errors["name"] = "form.required"
    if len(password) < services.MIN_PASSWORD:
        errors["password"] = "form.password_short"
    if not errors:
        user = services.accept_invitation(ctx.db, token, name=name, password=password)
        if not isinstance(user, str):
            response = redirect(request, "/")
            start_session(request, response, user)
            return response
        errors["name"] = user
    return render(
        request,
        current,
        "accounts/invitation.html",
        {"invitation": invitation, "token": token, "errors": errors, "name": name},
        status_code=422,
    )


ROUTES = [
    register_form,
    register,
    regency_options,
    login_form,
    login,
    logout,
    language,
    colleagues,
    invite,
    invitation_form,
    accept,
]
