"""Structured logs: one JSON object per line, every request with its id, nothing secret in them.

What keeps secrets out is mostly what is never logged: the access line names the route's *template*
(``/invite/{token:str}``, not the token), never a query string, header, cookie or body. On top of that
every line goes through :func:`scrub`, which removes what could still slip into a message or a traceback
(an invitation token in a path, a password or session cookie in a form or header, SQL parameters).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import secrets
import sys
import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["JsonFormatter", "configure_logging", "current_request_id", "request_log", "scrub"]

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("hamscore_request_id", default=None)

access = logging.getLogger("webapp.access")

# Access lines are written only where configure_logging() set up JSON logging (``hamscore serve``);
# an app built in tests or embedded elsewhere does not pay for a line per request.
_access_enabled = False

# A request id we accept from a reverse proxy: short and plain, so it cannot forge log lines.
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

_SECRETS = [
    # Invitation links carry their token in the path.
    (re.compile(r"(/invite/)[^/\s\"'?]+"), r"\1[redacted]"),
    # Cookies of ours, whatever the prefix (session, CSRF seed).
    (re.compile(r"((?:__Host-)?hamscore_[a-z]+=)[^;\s\"',]+"), r"\1[redacted]"),
    # Form fields and headers that are secrets by name.
    (
        re.compile(
            r"""(["']?(?:password|csrf_token|x-csrf-token|token|authorization|cookie|secret_key)["']?"""
            r"""\s*[=:]\s*["']?)(?:Bearer\s+)?[^\s"'&,;}]+""",
            re.IGNORECASE,
        ),
        r"\1[redacted]",
    ),
    # SQLAlchemy puts a statement's bound values in its error messages (the engine hides them too).
    (re.compile(r"\[parameters: .*?\]", re.DOTALL), "[parameters: redacted]"),
]


def scrub(text: str) -> str:
    """Remove secrets that have a recognisable shape.

    >>> scrub("GET /invite/AbC123xyz failed; password=hunter22&next=/")
    'GET /invite/[redacted] failed; password=[redacted]&next=/'
    """
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def current_request_id() -> str | None:
    """The id of the request this thread or task is serving, if any."""
    return _request_id.get()


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", ...}`` on one line; extra fields given as
    ``extra={"fields": {...}}`` are added as they are."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or _request_id.get()
        if request_id:
            entry["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["error"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(*, level: str = "INFO", stream: Any = None) -> None:
    """Send the app's and the server's logs to ``stream`` (stderr) as JSON lines. Call it after the app is
    built: Litestar installs its own logging configuration when an app is created. Idempotent."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    # The server process is ours: one handler on the root replaces whatever the framework installed.
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("litestar", "alembic"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # Alembic narrates its plugin set-up at INFO on every upgrade and readiness check.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # uvicorn's own loggers keep their handlers unless told; route them through the root instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        server_log = logging.getLogger(name)
        server_log.handlers = []
        server_log.propagate = True
    # Our access line replaces uvicorn's, which would print the raw path and query string.
    logging.getLogger("uvicorn.access").disabled = True
    global _access_enabled
    _access_enabled = True


def request_log(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: give each request an id (``X-Request-ID``, the proxy's if it sent a plain one),
    return it in the response, and log one access line when the response has started."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if _INCOMING_ID.match(incoming) else secrets.token_hex(8)
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            if _access_enabled and access.isEnabledFor(logging.INFO):
                access.info(
                    "%s %s %s",
                    scope["method"],
                    scope.get("path_template") or "(no route)",
                    status,
                    extra={
                        "request_id": request_id,
                        "fields": {
                            "method": scope["method"],
                            "route": scope.get("path_template") or None,
                            "status": status,
                            "ms": round((time.perf_counter() - started) * 1000, 2),
                        },
                    },
                )
            _request_id.reset(token)

    return middleware
