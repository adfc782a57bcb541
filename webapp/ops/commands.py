"""``hamscore db backup | restore | sweep-uploads``: the operations side of the ``db`` command."""

from __future__ import annotations

import sys
from pathlib import Path

from webapp.settings import Settings

__all__ = ["db_command"]


def db_command(settings: Settings, command: str, path: str | None) -> int:
    from sqlalchemy.engine import make_url

    from webapp.ops.backup import BackupError, backup, restore

    where = make_url(settings.database_url).render_as_string(hide_password=True)
    try:
        if command == "backup":
            assert path is not None
            backup(settings.database_url, Path(path))
            sys.stdout.write(f"backup of {where} written to {path}\n")
        elif command == "restore":
            assert path is not None
            restore(settings.database_url, Path(path))
            sys.stdout.write(
                f"{where} restored from {path}; run `hamscore db upgrade` if the backup is older than the code\n"
            )
        else:
            from webapp.db import Database
            from webapp.ops.uploads import sweep_orphans

            db = Database(settings.database_url, checkpoint_seconds=0)
            try:
                removed = sweep_orphans(db, settings.upload_dir)
            finally:
                db.dispose()
            sys.stdout.write(f"{removed} orphaned upload(s) removed from {settings.upload_dir}\n")
    except BackupError as exc:
        sys.stderr.write(f"hamscore: {exc}\n")
        return 1
    return 0
