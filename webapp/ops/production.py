"""Start-up refusals that need the database itself: what its settings *say* is not always what it *does*.

SQLite answers ``PRAGMA journal_mode=WAL`` with the mode it actually took, so on a file system that
cannot share memory between processes (a network share) the app would silently run in rollback-journal
mode, where several workers block each other. ``synchronous`` below FULL can lose the last acknowledged
writes on power loss. Either way an answer the company saw as "saved" might not survive, so production
stops with a message instead.
"""

from __future__ import annotations

from typing import Any

from webapp.settings import SettingsError

__all__ = ["check_database"]

_FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def check_database(db: Any) -> None:
    """Raise :class:`SettingsError` unless an SQLite database runs in WAL mode with ``synchronous=FULL``."""
    if not db.sqlite:
        return
    with db.engine.connect() as connection:
        journal = str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
        synchronous = int(connection.exec_driver_sql("PRAGMA synchronous").scalar() or 0)
    where = db.url.database
    if journal != "wal":
        raise SettingsError(
            f"HAMSCORE_DATABASE_URL: the SQLite database {where} runs with journal_mode={journal}, not WAL "
            "(its file system may not support WAL, as network shares do not). Put the file on a local disk "
            "or use PostgreSQL"
        )
    if synchronous < _FULL:
        raise SettingsError(
            f"HAMSCORE_DATABASE_URL: the SQLite database {where} runs with synchronous={synchronous}, not "
            "FULL (2): acknowledged answers could be lost on power failure. Remove whatever lowers it"
        )
