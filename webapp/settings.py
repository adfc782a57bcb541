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

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def secure_cookies(self) -> bool:
        """``Secure`` cookies with ``__Host-`` names; off only in development (plain http on loopback)."""
        return not self.development

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
        ):
            if name in values and int(values[name]) <= 0:  # type: ignore[call-overload]
                raise SettingsError(f"HAMSCORE_{name.upper()} must be a positive integer")
        url = str(values.get("database_url", "sqlite:///var/hamscore.db"))
        if not url.startswith(("sqlite:", "postgresql")):
            raise SettingsError(
                f"Unexpected value HAMSCORE_DATABASE_URL={url!r}; use sqlite:///path/to/file.db or "
                "postgresql+psycopg://user@host:port/database"
            )
        return cls(**values)  # type: ignore[arg-type]


def _fields() -> dict[str, object]:
    return {f.name: f.type for f in msgspec.structs.fields(Settings)}


def _convert(var: str, raw: str, kind: object) -> object:
    if kind in (int, "int"):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"Unexpected value {var}={raw!r}; use a whole number") from None
    if kind in (Path, "Path"):
        if not raw:
            raise SettingsError(f"{var} is empty; give a directory path")
        return Path(raw)
    return raw
