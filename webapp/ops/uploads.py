"""Evidence files on disk that survive a crash, and no file left behind forever.

An upload writes its file first and commits its row second, so a crash in between can never leave a row
pointing at a missing file. :func:`durable_write` makes "written" mean it: a temporary name, ``fsync``,
an atomic rename, and an ``fsync`` of the directory, so after a power cut the file is either whole under
its final name or absent. What a crash *can* leave is a file without a row; :func:`sweep_orphans` (run by
``hamscore serve`` at start-up and by ``hamscore db sweep-uploads``) removes those once they are older
than any upload still in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

__all__ = ["durable_write", "sweep_orphans"]

log = logging.getLogger(__name__)

# Server-made names only (see webapp.evidence.services.upload): 32 hex digits and an extension.
_STORED = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,8}$")
_PARTIAL = re.compile(r"^\.[0-9a-f]{32}\.[a-z0-9]{1,8}\.[0-9a-f]{8}\.part$")


def durable_write(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` so that it is complete or absent after a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep_orphans(db: Any, upload_dir: Path, *, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Delete stored files that no evidence row names, and abandoned partial writes, older than
    ``older_than`` (younger ones may belong to an upload whose row is being committed). Returns the count.
    """
    from sqlalchemy import select

    from webapp.db.models import Evidence

    if not upload_dir.is_dir():
        return 0
    with db.read() as s:
        known = set(s.scalars(select(Evidence.stored_name).distinct()))
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for path in upload_dir.glob("*/*"):
        name = path.name
        if not (_PARTIAL.match(name) or (_STORED.match(name) and name not in known)):
            continue
        try:
            if path.stat().st_mtime > cutoff:
                continue
            # A row committed since the query above names it: keep it (checked again, just before).
            if _STORED.match(name) and _named_now(db, name):
                continue
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
    if removed:
        log.info("uploads: %d orphaned file(s) removed", removed)
    return removed


def _named_now(db: Any, name: str) -> bool:
    from sqlalchemy import select

    from webapp.db.models import Evidence

    with db.read() as s:
        return s.scalar(select(Evidence.id).where(Evidence.stored_name == name).limit(1)) is not None
