"""Typed settings for the web app, read from ``HAMSCORE_*`` environment variables.

Nothing here runs at import time: :meth:`Settings.from_env` is called once by the app factory (or the CLI)
and the result is passed down. A wrong value fails loudly with the variable's name and what is allowed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import msgspec

__all__ = ["Settings", "SettingsError"]

_ENVS = ("development", "production")


class SettingsError(ValueError):
    """A ``HAMSCORE_*`` variable is missing or has a value we cannot use."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the app needs from its environment. One line per field says what it is for."""

    env: str = "production"
    """``development`` shows tracebacks and allows plain-http cookies; ``production`` never does."""
    database_url: str = "sqlite:///var/hamscore.db"
    """SQLAlchemy URL: ``sqlite:///path`` or ``postgresql+psycopg://user@host:port/db``."""
    secret_key: str = ""
    """Key for CSRF tokens; required in production (at least 32 characters)."""
    upload_dir: Path = Path("var/uploads")
    """Where evidence files are stored, outside the database, under server-made names."""
    questionnaires_dir: Path = Path("questionnaires")
    """Directory of ``*.toml`` questionnaire definitions loaded at start-up."""
    max_upload_bytes: int = 10 * 1024 * 1024
    """Largest evidence file accepted."""
    session_minutes: int = 8 * 60
    """A session ends this many minutes after the last request."""
    login_attempts: int = 5
    """Failed logins allowed per account in ``login_window_minutes`` before it is paused."""
    login_attempts_per_address: int = 20
    """Failed logins allowed per client address in ``login_window_minutes``."""
    login_window_minutes: int = 15
    """Window for counting failed logins."""
    workers: int = 1
    """Worker processes of ``hamscore serve`` (``--workers`` wins); all shared state is in the database."""
    debug: bool = False
    """Tracebacks in error pages. On by default in development; production refuses to start with it."""
    insecure_cookies: bool = False
    """Cookies without ``Secure`` and ``__Host-`` (plain http). Development always; production refuses it."""
    trusted_proxies: str = ""
    """Comma-separated addresses of reverse proxies whose ``X-Forwarded-For``/``-Proto`` are believed."""

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def secure_cookies(self) -> bool:
        """``Secure`` cookies with ``__Host-`` names; off only in development (plain http on loopback)."""
        return not (self.development or self.insecure_cookies)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``HAMSCORE_*`` variables; ``overrides`` (field names) win over the environment.

        >>> Settings.from_env({"HAMSCORE_ENV": "development"}).development
        True
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, field in _fields().items():
            var = f"HAMSCORE_{name.upper()}"
            if var in env:
                values[name] = _convert(var, env[var], field)
        values.update(overrides)
        mode = values.get("env", "production")
        if mode not in _ENVS:
            raise SettingsError(f"Unexpected value HAMSCORE_ENV={mode!r}; use one of: {', '.join(_ENVS)}")
        key = str(values.get("secret_key", ""))
        if not key:
            if mode == "production":
                raise SettingsError(
                    "HAMSCORE_SECRET_KEY is not set; production needs a random key of at least 32 characters "
                    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            # A development key is made per process: tokens simply stop working after a restart.
            values["secret_key"] = secrets.token_urlsafe(48)
        elif len(key) < 32:
            raise SettingsError("HAMSCORE_SECRET_KEY is too short; use at least 32 random characters")
        for name in (
            "max_upload_bytes",
            "session_minutes",
            "login_attempts",
            "login_attempts_per_address",
            "login_window_minutes",
            "workers",
        ):
            if name in values and int(values[name]) <= 0:  # type: ignore[call-overload]
                raise SettingsError(f"HAMSCORE_{name.upper()} must be a positive integer")
        url = str(values.get("database_url", "sqlite:///var/hamscore.db"))
        if not url.startswith(("sqlite:", "postgresql")):
            raise SettingsError(
                f"Unexpected value HAMSCORE_DATABASE_URL={url!r}; use sqlite:///path/to/file.db or "
                "postgresql+psycopg://user@host:port/database"
            )
        if mode == "development":
            values.setdefault("debug", True)
        else:
            _refuse_unsafe_production(values)
        if int(values.get("workers", 1)) > 1 and _in_memory(url):  # type: ignore[call-overload]
            raise SettingsError(
                f"HAMSCORE_DATABASE_URL={url!r} is an in-memory database: each worker would keep its own "
                "sessions, rate limits and answers. Use a database file (sqlite:///var/hamscore.db) or "
                "PostgreSQL, or run one worker (HAMSCORE_WORKERS=1)"
            )
        return cls(**values)  # type: ignore[arg-type]


def _in_memory(url: str) -> bool:
    """``sqlite://`` and ``sqlite:///:memory:`` live in one process's memory."""
    if not url.startswith("sqlite"):
        return False
    path = url.split(":", 1)[1].lstrip("/").split("?", 1)[0]
    return path in ("", ":memory:") or "mode=memory" in url


def _refuse_unsafe_production(values: dict[str, object]) -> None:
    """Settings that are fine on a workstation and wrong on a server stop the start-up, saying what to do."""
    if values.get("debug"):
        raise SettingsError(
            "HAMSCORE_DEBUG is on in production: error pages would show tracebacks to visitors. "
            "Unset HAMSCORE_DEBUG, or use HAMSCORE_ENV=development on a workstation"
        )
    if values.get("insecure_cookies"):
        raise SettingsError(
            "HAMSCORE_INSECURE_COOKIES is on in production: session cookies would travel over plain http. "
            "Unset it and serve over https (a reverse proxy terminating TLS, see docs/deploy.md)"
        )


def _fields() -> dict[str, object]:
    return {f.name: f.type for f in msgspec.structs.fields(Settings)}


def _convert(var: str, raw: str, kind: object) -> object:
    if kind in (int, "int"):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"Unexpected value {var}={raw!r}; use a whole number") from None
    if kind in (bool, "bool"):
        if raw.lower() in ("true", "1", "yes", "on"):
            return True
        if raw.lower() in ("false", "0", "no", "off", ""):
            return False
        raise SettingsError(f"Unexpected value {var}={raw!r}; use 'true' or 'false'")
    if kind in (Path, "Path"):
        if not raw:
            raise SettingsError(f"{var} is empty; give a directory path")
        return Path(raw)
    return raw
