"""``hamscore serve``: prepare the database once, then run one or several uvicorn worker processes.

The parent process applies migrations, loads the questionnaires and runs every other start-up step
before any worker exists, so workers never race each other over the schema. Each worker then builds its
own app from the environment (:func:`worker_app`): settings are read once per process, in the factory.
Workers share nothing but the database (sessions, login rate limits, answers) and the upload directory.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from webapp.settings import Settings

__all__ = ["prepare", "run_server", "worker_app"]


def worker_app() -> Any:
    """uvicorn's app factory in each worker (``webapp.ops.serve:worker_app``)."""
    from webapp.app import create_app
    from webapp.ops.health import migration_heads
    from webapp.ops.logs import configure_logging

    app = create_app(Settings.from_env(), migrate=False)
    configure_logging()
    migration_heads()  # read the migration scripts now, not in the first readiness probe
    app.on_startup.append(_freeze_heap)
    return app


def _freeze_heap(app: Any) -> None:
    """After start-up, move every object made so far out of the garbage collector's reach.

    The questionnaires, the compiled templates and statements, the framework's routes: hundreds of
    thousands of long-lived objects that the collector's oldest generation would otherwise walk again and
    again, each full pass stalling every request in flight for tens of milliseconds. Frozen objects are
    never freed, which is what they are for: they live as long as the worker.
    """
    gc.collect()
    gc.freeze()


def prepare(settings: Settings) -> None:
    """Run the app's start-up steps once (migrations, questionnaires, refusals, ranking rows) and stop.
    Raises :class:`webapp.settings.SettingsError` when production must not start."""
    from webapp.app import create_app
    from webapp.ops.logs import configure_logging

    app = create_app(settings)
    configure_logging()
    try:
        for hook in app.on_startup:
            hook(app)  # type: ignore[call-arg]
    finally:
        for hook in app.on_shutdown:
            hook(app)  # type: ignore[call-arg]
    from webapp.db import Database
    from webapp.ops.uploads import sweep_orphans

    db = Database(settings.database_url, checkpoint_seconds=0)
    try:
        sweep_orphans(db, settings.upload_dir)
    finally:
        db.dispose()


def run_server(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Serve until stopped: uvloop and httptools, proxy headers only from ``trusted_proxies``."""
    import uvicorn

    prepare(settings)
    # Workers are fresh processes reading the environment: hand them what the command line decided,
    # including a development key made for this run (every worker must sign CSRF tokens alike).
    os.environ["HAMSCORE_ENV"] = settings.env
    os.environ["HAMSCORE_SECRET_KEY"] = settings.secret_key
    os.environ["HAMSCORE_WORKERS"] = str(workers)
    trusted = [a.strip() for a in settings.trusted_proxies.split(",") if a.strip()]
    uvicorn.run(
        "webapp.ops.serve:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
