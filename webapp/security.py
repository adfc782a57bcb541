"""Request-level protections: CSRF, cross-site refusal, security headers.

CSRF uses a signed double-submit token: a random seed in an HttpOnly cookie, and an HMAC of it (with the
server's secret) that pages put in forms (``csrf_token``) and in htmx's ``hx-headers`` (``X-CSRF-Token``).
A site that cannot read our pages cannot compute the token. On top of that, any state-changing request
that the browser marks as cross-site (``Sec-Fetch-Site``) or that carries a foreign ``Origin`` is refused.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from litestar import Request
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from webapp.web import SAFE_METHODS, Forbidden, cookie_name, csrf_token_for, ctx_of, new_token

__all__ = ["check_csrf", "security_headers"]

_SEED = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

CSP = "; ".join(
    [
        "default-src 'self'",
        # htmx and our app.js are files; nothing inline, no eval (htmx's hx-on and js: values stay unused).
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


async def check_csrf(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook: make sure a CSRF seed exists and check the token on unsafe methods."""
    settings = ctx_of(request).settings
    seed = request.cookies.get(cookie_name(settings, "csrf"), "")
    fresh = not _SEED.match(seed)
    if fresh:
        seed = new_token()
        request.state["new_csrf_seed"] = seed
    request.state["csrf_seed"] = seed
    if request.method in SAFE_METHODS:
        return
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden("cross-site request")
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise Forbidden("foreign origin")
    token = request.headers.get("x-csrf-token")
    if token is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            token = (await request.form()).get("csrf_token")
    if fresh or not isinstance(token, str) or not hmac.compare_digest(token, csrf_token_for(settings, seed)):
        raise Forbidden("missing or wrong CSRF token")


def security_headers(app: ASGIApp) -> ASGIApp:
    """ASGI middleware adding security headers to every response (errors and static files too), and the
    CSRF seed cookie when the request had none."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        settings = scope["litestar_app"].state.ctx.settings  # type: ignore[typeddict-item]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if settings.secure_cookies:
                    extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                if b"cache-control" not in names:
                    # Pages carry personal data: keep them out of shared and back-button caches.
                    extra.append((b"cache-control", b"no-store"))
                seed = scope.get("state", {}).get("new_csrf_seed")
                if seed:
                    secure = "; Secure" if settings.secure_cookies else ""
                    cookie = f"{cookie_name(settings, 'csrf')}={seed}; Path=/; HttpOnly; SameSite=Lax{secure}"
                    extra.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers + [
                    h for h in extra if h[0] not in names or h[0] == b"set-cookie"
                ]
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
