"""Operating the app: backup and restore end to end, a crash between an evidence file and its row, health
probes, request ids, and logs that never hold a password, session id, token or evidence content."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import sqlalchemy as sa
from litestar.testing import TestClient

from tests.durability.conftest import PASSWORD, ROOT, Person, saved_version
from webapp.cli import main


def _answers(url: str, submission: int) -> dict[str, object]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            query = sa.text("SELECT question, value FROM answers WHERE submission_id = :s")
            return dict(c.execute(query.columns(value=sa.JSON), {"s": submission}).all())
    finally:
        engine.dispose()


def test_it_restores_a_backup_taken_while_serving(server, siti, tmp_path, monkeypatch, capsys):
    person, submission = siti
    path = f"/submissions/{submission}/answers/q01"
    saved = person.post(path, {"value": "sebelum cadangan", "version": "0"})
    assert saved.status_code == 200
    for name, value in server.env.items():
        if name.startswith("HAMSCORE_"):
            monkeypatch.setenv(name, value)
    backup = tmp_path / "backups" / "hamscore.backup"

    assert main(["db", "backup", str(backup)]) == 0
    assert backup.is_file()
    assert main(["db", "backup", str(backup)]) == 1  # never overwrites a backup
    assert "exists already" in capsys.readouterr().err
    after = person.post(path, {"value": "sesudah cadangan", "version": str(saved_version(saved, "q01"))})
    assert after.status_code == 200
    assert _answers(server.database_url, submission)["q01"] == "sesudah cadangan"

    server.stop()
    assert main(["db", "restore", str(backup)]) == 0
    server.start()
    assert _answers(server.database_url, submission)["q01"] == "sebelum cadangan"
    # Siti's session is in the database too, so it came back with it.
    response = person.post(path, {"value": "lagi", "version": str(saved_version(saved, "q01"))})
    assert response.status_code == 200, response.text


_CRASH_BEFORE_COMMIT = """
import os, signal, sys
from pathlib import Path
from sqlalchemy import select
from webapp.assessments.definitions import Registry
from webapp.db import Database
from webapp.db.models import Company, User
from webapp.evidence import services
from webapp.settings import Settings

settings = Settings.from_env()
db = Database(settings.database_url, checkpoint_seconds=0)
with db.read() as s:
    user = s.scalar(select(User).where(User.role == "company"))
    company = s.get(Company, user.company_id)
# The process dies the moment the upload opens its database transaction: the file is written, the row not.
db.write = lambda: os.kill(os.getpid(), signal.SIGKILL)
services.upload(
    db, Registry(db), settings.upload_dir, company=company, user=user, submission_id=int(sys.argv[1]),
    question_id="policy", filename="bukti.pdf", content=b"%PDF-1.4\\nrahasia\\n%%EOF\\n", max_bytes=10**6,
)
"""


def test_it_leaves_an_orphan_file_and_no_row_when_killed_between_file_and_commit(server, siti):
    from webapp.db import Database
    from webapp.ops.uploads import sweep_orphans

    person, submission = siti
    uploads = Path(server.env["HAMSCORE_UPLOAD_DIR"])
    done = subprocess.run(
        [sys.executable, "-c", _CRASH_BEFORE_COMMIT, str(submission)], env=server.env, cwd=ROOT, timeout=120
    )
    assert done.returncode == -signal.SIGKILL
    files = [p for p in uploads.glob("*/*") if p.is_file()]
    assert len(files) == 1, files  # written whole under its final name, then the crash
    engine = sa.create_engine(server.database_url)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM evidence")).scalar() == 0
    engine.dispose()
    assert "bukti.pdf" not in person.get(f"/submissions/{submission}/sections/all").text

    db = Database(server.database_url, checkpoint_seconds=0)
    try:
        assert sweep_orphans(db, uploads) == 0  # too young: it could be an upload still committing
        # A real upload meanwhile keeps its file through the sweep.
        kept = person.post(
            f"/submissions/{submission}/evidence/policy",
            files={"file": ("kebijakan.pdf", b"%PDF-1.4\nkebijakan\n%%EOF\n", "application/pdf")},
        )
        assert kept.status_code == 200, kept.text
        old = os.path.getmtime(files[0]) - 7200
        for p in uploads.glob("*/*"):
            os.utime(p, (old, old))
        assert sweep_orphans(db, uploads) == 1
    finally:
        db.dispose()
    assert not files[0].exists()
    assert len(list(uploads.glob("*/*"))) == 1


def test_it_logs_json_lines_with_request_ids_and_no_secrets(server, siti):
    person, submission = siti
    import json

    secret_note = "catatan-rahasia-perusahaan-7731"
    evidence = b"%PDF-1.4\nisi-bukti-rahasia-5521\n%%EOF\n"
    person.post(f"/submissions/{submission}/answers/q03", {"value": secret_note, "version": "0"})
    person.post(
        f"/submissions/{submission}/evidence/policy",
        files={"file": ("laporan.pdf", evidence, "application/pdf")},
    )
    # A failed login (someone else's wrong password) and a real one.
    stranger = Person(server)
    stranger.get("/login")
    with httpx.Client(timeout=30) as c:
        c.post(
            server.url + "/login",
            data={
                "email": "siti@sumbermakmur.co.id",
                "password": "salah-sandi-9913",
                "csrf_token": stranger.token,
            },
            headers=stranger._headers(),
        )
        stranger._keep(
            c.post(
                server.url + "/login",
                data={"email": "siti@sumbermakmur.co.id", "password": PASSWORD, "csrf_token": stranger.token},
                headers=stranger._headers(),
            )
        )
        invited = person.post(
            "/company/colleagues", {"email": "budi@sumbermakmur.co.id", "csrf_token": person.token}
        )
        token = invited.text.split("/invite/", 1)[1].split("<", 1)[0]
        c.get(server.url + f"/invite/{token}")
        c.get(server.url + f"/invite/{token}?x=1")
        answered = c.get(server.url + "/healthz", headers={"X-Request-ID": "proxy-req-0001"})
    assert answered.headers["x-request-id"] == "proxy-req-0001"

    server.stop()
    lines = [line for line in server.log.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert records, "the server does not log JSON lines"
    assert len(records) >= len(lines) - 5, "the server logs lines that are not JSON"
    access = [r for r in records if r["logger"] == "webapp.access"]
    assert any(r["request_id"] == "proxy-req-0001" and r["route"] == "/healthz" for r in access)
    assert all(len(r["request_id"]) >= 8 for r in access)
    text = "\n".join(lines)
    secrets = {
        "password": PASSWORD,
        "wrong password": "salah-sandi-9913",
        "invitation token": token,
        "evidence content": "isi-bukti-rahasia-5521",
        "answer text": secret_note,
        "CSRF token": person.token,
        "secret key": server.env["HAMSCORE_SECRET_KEY"],
        **{f"cookie {name}": value for name, value in {**person.cookies, **stranger.cookies}.items()},
    }
    for what, value in secrets.items():
        assert value not in text, f"the log holds a {what}"


def test_it_answers_health_and_readiness_probes(database_url, tmp_path):
    from webapp.app import create_app
    from webapp.ops.health import migration_heads
    from webapp.settings import Settings

    settings = Settings.from_env(
        {},
        secret_key="k" * 40,
        database_url=database_url,
        upload_dir=tmp_path / "u",
        questionnaires_dir=tmp_path,
    )
    app = create_app(settings)
    (head,) = migration_heads()
    engine = sa.create_engine(database_url)

    def stamp(revision: str) -> None:
        with engine.begin() as c:
            c.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})

    try:
        with TestClient(app=app, base_url="https://hamscore.test") as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            ready = client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json() == {"status": "ok", "database": "reachable", "migrations": "current"}
            # As if the code had been deployed before `hamscore db upgrade` ran.
            stamp("0001")
            behind = client.get("/readyz")
            assert behind.status_code == 503
            assert behind.json()["hint"] == "run `hamscore db upgrade`"
            assert client.get("/healthz").status_code == 200  # the process itself is fine
            stamp(head)
            assert client.get("/readyz").status_code == 200
    finally:
        engine.dispose()
