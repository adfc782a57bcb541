"""SQLite allows one writer at a time. The writers of every worker process queue on one advisory lock
next to the database file, which the kernel hands to the next process the moment it is released, instead
of polling in SQLite's busy handler with sleeps of up to 100 ms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from webapp.db import Database

# Exits 0 when it could take the writers' lock at once, 1 when another process holds it.
_PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(1)
"""


def _lock_is_free(database: Path) -> bool:
    probe = subprocess.run([sys.executable, "-c", _PROBE, f"{database}-writer"], check=False)
    assert probe.returncode in (0, 1), probe
    return probe.returncode == 0


def test_a_write_transaction_holds_the_lock_other_processes_queue_on(tmp_path: Path) -> None:
    database = tmp_path / "hamscore.db"
    db = Database(f"sqlite:///{database}", checkpoint_seconds=0)
    try:
        with db.transaction() as conn:
            conn.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
            assert not _lock_is_free(database)
        assert _lock_is_free(database)
        with db.write() as session:
            session.execute(sa.text("INSERT INTO notes DEFAULT VALUES"))
            assert not _lock_is_free(database)
        assert _lock_is_free(database)
    finally:
        db.dispose()


def test_a_read_does_not_take_the_writers_lock(tmp_path: Path) -> None:
    database = tmp_path / "hamscore.db"
    db = Database(f"sqlite:///{database}", checkpoint_seconds=0)
    try:
        with db.rows() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
            assert _lock_is_free(database)
    finally:
        db.dispose()
