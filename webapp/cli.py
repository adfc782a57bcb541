"""``hamscore serve | db upgrade | admin create``: the web app's commands.

The library's CLI forwards these subcommands here, so ``main(argv)`` receives the arguments after
``hamscore`` (for example ``["serve", "--demo"]``) and returns the exit code: 0 fine, 1 failed, 2 usage.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hamscore", description="The hamscore web app.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="apply migrations, load questionnaires/ and serve the web app")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="development mode; on an empty database create marked demo data and print the logins",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=None, help="worker processes (default HAMSCORE_WORKERS, else 1)"
    )
    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations (HAMSCORE_DATABASE_URL)")
    db_backup = db_sub.add_parser("backup", help="write a consistent backup to PATH while the app runs")
    db_backup.add_argument("path")
    db_restore = db_sub.add_parser("restore", help="replace the database with the backup PATH (stop the server)")
    db_restore.add_argument("path")
    db_sub.add_parser("sweep-uploads", help="remove evidence files that no row names (older than an hour)")
    admin = sub.add_parser("admin", help="administrator accounts")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_sub.add_parser(
        "create", help="create an administrator (password from HAMSCORE_ADMIN_PASSWORD or asked for)"
    )
    create.add_argument("email")
    create.add_argument("--name", default="Administrator")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)

    from webapp.settings import Settings, SettingsError

    overrides: dict[str, object] = {}
    if getattr(args, "demo", False) and "HAMSCORE_ENV" not in os.environ:
        overrides["env"] = "development"
    if getattr(args, "workers", None) is not None:
        overrides["workers"] = args.workers
    try:
        settings = Settings.from_env(**overrides)
    except SettingsError as exc:
        print(f"hamscore: {exc}", file=sys.stderr)
        return 2
    if args.command == "db" and args.db_command != "upgrade":
        from webapp.ops.commands import db_command

        return db_command(settings, args.db_command, getattr(args, "path", None))
    if args.command == "db":
        return _db_upgrade(settings)
    if args.command == "admin":
        return _admin_create(settings, args.email, args.name)
    return _serve(settings, host=args.host, port=args.port, demo=args.demo)


def _db_upgrade(settings: object) -> int:
    from webapp.db import Database, upgrade

    db = Database(settings.database_url, checkpoint_seconds=0)  # type: ignore[attr-defined]
    upgrade(db)
    db.dispose()
    print(f"database at {_safe_url(settings.database_url)} is up to date")  # type: ignore[attr-defined]
    return 0


def _admin_create(settings: object, email: str, name: str) -> int:
    from sqlalchemy import select

    from webapp.accounts.services import MIN_PASSWORD, create_user
    from webapp.db import Database, upgrade
    from webapp.db.models import User

    password = os.environ.get("HAMSCORE_ADMIN_PASSWORD") or getpass.getpass(
        "password for the new administrator: "
    )
    if len(password) < MIN_PASSWORD:
        print(f"hamscore: the password needs at least {MIN_PASSWORD} characters", file=sys.stderr)
        return 1
    db = Database(settings.database_url, checkpoint_seconds=0)  # type: ignore[attr-defined]
    try:
        upgrade(db)
        with db.read() as s:
            if s.scalar(select(User.id).where(User.email == email.strip().lower())) is not None:
                print(f"hamscore: a user with email {email} exists already", file=sys.stderr)
                return 1
        create_user(db, email=email, name=name, password=password, role="admin")
    finally:
        db.dispose()
    print(f"administrator {email} created")
    return 0


def _serve(settings: object, *, host: str, port: int, demo: bool) -> int:
    from webapp.app import create_app

    app = create_app(settings)  # type: ignore[arg-type]
    if demo:
        from webapp.db import upgrade
        from webapp.demo import DEMO_PASSWORD, create_demo_data

        ctx = app.state.ctx
        upgrade(ctx.db)
        for problem in ctx.questionnaires.sync_directory(settings.questionnaires_dir):  # type: ignore[attr-defined]
            print(f"warning: {problem}", file=sys.stderr)
        logins = create_demo_data(ctx)
        if logins is None:
            print("demo: the database has users already; no demo data created")
        else:
            print(
                "demo data created (companies are marked [DEMO]); every login uses the password "
                f"{DEMO_PASSWORD!r}:"
            )
            for login in logins:
                print(f"  {login.role:9} {login.email:28} {login.note}")
    print(f"serving on http://{host}:{port} with {settings.workers} worker(s)")  # type: ignore[attr-defined]
    from webapp.ops.serve import run_server
    from webapp.settings import SettingsError

    app.state.ctx.db.dispose()
    try:
        run_server(settings, host=host, port=port, workers=settings.workers)  # type: ignore[arg-type, attr-defined]
    except SettingsError as exc:
        print(f"hamscore: {exc}", file=sys.stderr)
        return 2
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
