"""``/healthz``: the process answers. ``/readyz``: the database answers and its schema is the code's.

A load balancer sends traffic to a worker only while ``/readyz`` is 200, so a worker started before
``hamscore db upgrade`` ran (or cut off from the database) is taken out instead of failing requests.
Both are plain JSON, carry no personal data and need no session.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from sqlalchemy import text

__all__ = ["ROUTES", "migration_heads", "schema_revisions"]

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@functools.cache
def migration_heads() -> frozenset[str]:
    """The revisions the code expects the database to be at (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def schema_revisions(db: Any) -> frozenset[str]:
    """The revisions recorded in the database (empty before the first upgrade)."""
    with db.engine.connect() as connection:
        has_table = db.engine.dialect.has_table(connection, "alembic_version")
        if not has_table:
            return frozenset()
        return frozenset(r[0] for r in connection.execute(text("SELECT version_num FROM alembic_version")))


@get("/healthz", include_in_schema=False)
async def healthz() -> Response[dict[str, str]]:
    return Response({"status": "ok"}, headers={"Cache-Control": "no-store"})


@get("/readyz", include_in_schema=False, sync_to_thread=True)
def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    db = request.app.state.ctx.db
    try:
        current = schema_revisions(db)
    except Exception as error:
        # The reason goes to the log; the probe only learns that the database is out of reach.
        log.warning("readiness: database unreachable: %s", type(error).__name__)
        return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
    expected = migration_heads()
    if current != expected:
        return Response(
            {
                "status": "unavailable",
                "database": "reachable",
                "migrations": "not current",
                "hint": "run `hamscore db upgrade`",
            },
            status_code=503,
        )
    return Response({"status": "ok", "database": "reachable", "migrations": "current"})


ROUTES = [healthz, readyz]
