"""Database access: one code path for SQLite and PostgreSQL.

``Database.read()`` and ``Database.write()`` hand out sessions whose transaction ends with the block.
On SQLite a write transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock up front (waiting
up to ``busy_timeout``) instead of upgrading a read lock half-way, which is what raises "database is
locked" under concurrent writers. Reads start a deferred transaction and never block writers (WAL).
This module emits those BEGINs itself, where each block starts, rather than from an engine-level "begin"
listener: any engine-level listener makes SQLAlchemy dispatch events around every statement it runs,
which took a third of a statement's cost on the hot paths.
On PostgreSQL reads run in autocommit: each statement sees the latest committed data, as it would at
READ COMMITTED inside a transaction, without the BEGIN and ROLLBACK round trips.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from webapp.db.prepared import Prepared

try:
    import fcntl
except ImportError:  # not POSIX: see _WriteLock
    fcntl = None  # type: ignore[assignment]

__all__ = ["Database", "Prepared", "upgrade"]


class Database:
    def __init__(self, url: str, *, checkpoint_seconds: float = 1.0) -> None:
        self.url: URL = make_url(url)
        self.sqlite = self.url.get_backend_name() == "sqlite"
        if self.sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                self.url, connect_args={"check_same_thread": False}, hide_parameters=True
            )
            _configure_sqlite(self.engine)
        else:
            # hide_parameters: error messages (and so logs) never carry bound values such as answers.
            self.engine = create_engine(self.url, pool_pre_ping=True, hide_parameters=True)
        # PostgreSQL reads run without a transaction: at READ COMMITTED every statement takes its own
        # snapshot anyway, so BEGIN and ROLLBACK would only add two round trips to every read.
        reader = self.engine if self.sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._reader = reader
        self._read = sessionmaker(reader, expire_on_commit=False)
        self._write = sessionmaker(self.engine, expire_on_commit=False)
        if self.sqlite:
            _begin_sessions(self._read, "BEGIN")
            _begin_sessions(self._write, "BEGIN IMMEDIATE")
        self._write_lock = _WriteLock(self.url.database if self.sqlite else None)
        self._checkpointer: _Checkpointer | None = None
        if self.sqlite and checkpoint_seconds > 0:
            self._checkpointer = _Checkpointer(self.engine, checkpoint_seconds, self._write_lock)

    @contextmanager
    def read(self) -> Iterator[Session]:
        # Closing (not rolling back) ends the transaction and keeps loaded objects readable.
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits at the end of the block, or rolls back on an exception."""
        if not self.sqlite:
            with self._write() as session, session.begin():
                yield session
            return
        # SQLite has one writer at a time: writers queue on _WriteLock, not on SQLite's busy handler.
        with self._write_lock, self._write() as session, session.begin():
            yield session

    @contextmanager
    def rows(self, *, one_statement: bool = False) -> Iterator[Connection]:
        """A read on a plain connection, for Core statements that return rows.

        The hot paths (the session lookup, a form section, an autosave) read this way: an ORM session
        builds an identity map and instruments an object per row, which costs more Python than SQLite
        takes to run their few indexed queries. Several statements read one snapshot; a caller that runs
        ``one_statement`` spares SQLite's BEGIN and ROLLBACK (a statement is a snapshot of its own).
        """
        with self._reader.connect() as connection:
            if self.sqlite and not one_statement:
                _begin(connection, "BEGIN")
            yield connection

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Like ``write()``, on a plain connection: commits at the end of the block, rolls back on an
        exception."""
        if not self.sqlite:
            with self.engine.begin() as connection:
                yield connection
            return
        with self._write_lock, self.engine.begin() as connection:
            _begin(connection, "BEGIN IMMEDIATE")
            yield connection

    def start(self) -> None:
        if self._checkpointer:
            self._checkpointer.start()

    def dispose(self) -> None:
        if self._checkpointer:
            self._checkpointer.stop()
        self.engine.dispose()
        self._write_lock.close()


class _WriteLock:
    """The queue of SQLite writers: the threads of this process, and every process on the same file.

    SQLite allows one writer at a time, and a writer that finds the database locked waits in SQLite's busy
    handler, which polls with sleeps of 1 ms growing to 100 ms: with two ``hamscore serve`` workers, an
    autosave that lost the race slept for up to 108 ms while the lock had been free for most of that time.
    Writers therefore queue here before ``BEGIN IMMEDIATE``: on a thread lock, then on an advisory lock
    of a file next to the database (``<database>-writer``), which the kernel hands to the next waiting
    process the moment it is released. busy_timeout still guards writers that do not queue here (another
    program, or the sqlite3 shell). The file lock needs POSIX ``fcntl``; without it (Windows, an
    in-memory database) only this process's threads queue, and other processes wait in SQLite as before.
    """

    def __init__(self, database: str | None) -> None:
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        if fcntl is not None and database and database != ":memory:":
            self._fd = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread_lock.release()
                raise

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()

    def close(self) -> None:
        with self._thread_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver never begins on its own; this module emits BEGIN where each block starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # Checkpoints run on a background thread (see _Checkpointer), not inside a request's commit,
        # where the automatic checkpoint is what stalls an unlucky write.
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()


def _begin_sessions(factory: sessionmaker[Session], begin: str) -> None:
    """Sessions from ``factory`` start their SQLite transaction with ``begin`` (the driver is told not to
    begin on its own, see _configure_sqlite)."""

    @event.listens_for(factory, "after_begin")
    def _on_begin(_session: Session, _transaction: Any, connection: Connection) -> None:
        _begin(connection, begin)


def _begin(connection: Connection, begin: str) -> None:
    """Start SQLite's transaction on the driver's connection itself. SQLAlchemy only ever commits or rolls
    back the driver's connection, which ends it; going through ``exec_driver_sql`` would cost as much as
    the statements that follow."""
    connection.connection.driver_connection.execute(begin)  # type: ignore[union-attr]


class _Checkpointer:
    """Copies the WAL back into the database file every few seconds, off the request path.

    It holds the write lock while it copies, so no commit of ours lands half-way: the copy is
    then complete, and the next write starts the WAL again from its beginning, overwriting the frames it
    has. Without the lock, commits on the event loop kept overtaking the copy and the WAL kept growing
    (7.8 MB after 3,000 autosaves instead of 2.9 MB), and a commit that grows the file syncs its size
    too: an autosave's commit took 0.45 ms instead of 0.27 ms (median, in-process). The copy takes about
    a millisecond, once per period.
    """

    def __init__(self, engine: Engine, seconds: float, write_lock: _WriteLock) -> None:
        self.engine = engine
        self.seconds = seconds
        self.write_lock = write_lock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            self.checkpoint()

    def checkpoint(self) -> None:
        raw = self.engine.raw_connection()
        try:
            # PASSIVE never waits for readers or other processes' writers; whatever it cannot copy now it
            # copies next time.
            with self.write_lock:
                raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            raw.close()


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply the migrations shipped in ``webapp/migrations`` to ``db``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent.parent / "migrations"))
    with db.engine.begin() as connection:
        if db.sqlite:
            _begin(connection, "BEGIN")  # the schema changes commit together, or not at all
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
