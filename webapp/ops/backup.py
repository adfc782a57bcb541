"""``hamscore db backup PATH`` and ``hamscore db restore PATH``, for SQLite and PostgreSQL.

SQLite: the online backup API copies a consistent snapshot while the app keeps serving (in WAL mode
readers never block writers); the copy is checked with ``PRAGMA integrity_check`` before it gets its
final name. Restore writes the backup *through* SQLite into the database, so the WAL and shared-memory
files stay consistent with it; stop the server first.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction`` with the same URL
(the password, if any, goes to them in ``PGPASSWORD``, never on a command line). Evidence files live in
the upload directory and are backed up separately (see docs/deploy.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

__all__ = ["BackupError", "backup", "integrity", "restore"]


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why and what to do."""


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of an SQLite file: ``"ok"`` or the first problems found."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return "; ".join(str(r[0]) for r in rows)


def backup(database_url: str, target: Path) -> None:
    """Write a backup of the database at ``database_url`` to ``target`` (not overwriting a file)."""
    url = make_url(database_url)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_path(url), target)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], url)


def restore(database_url: str, source: Path) -> None:
    """Replace the contents of the database at ``database_url`` with the backup ``source``."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        problems = integrity(source)
        if problems != "ok":
            raise BackupError(f"{source} is damaged ({problems}); nothing was restored")
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            src.close()
            dst.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)], url)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("HAMSCORE_DATABASE_URL names an in-memory database; there is nothing to back up")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no database at {source} (HAMSCORE_DATABASE_URL)")
    partial = target.with_name(target.name + ".part")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
        # A self-contained file: no -wal beside it to forget when copying the backup elsewhere.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        src.close()
        dst.close()
    problems = integrity(partial)
    if problems != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup failed its integrity check ({problems}); nothing was written")
    fd = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    partial.replace(target)


def _run(command: list[str], url: URL) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed; install the PostgreSQL client tools of the server's version"
        )
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dbname = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run([*command, f"--dbname={dbname}"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[:500]}")
