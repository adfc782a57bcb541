"""The real server as a subprocess on a free loopback port, killed with SIGKILL and started again.

Each test gets a fresh database (an SQLite file, or a new database on the local PostgreSQL) and drives
the server over HTTP like a browser would: cookies, CSRF token, htmx autosaves. Personas: Siti is the
PIC of PT Sumber Makmur; she answers a questionnaire of many short text questions so every save is a
distinct, sequenced value.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

collect_ignore_glob = ["conftest.py"]

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "kata-sandi-rahasia-1"
QUESTIONS = [f"q{i:02d}" for i in range(1, 21)]


_HEAD = """
id = "durable"
version = "1"
title = { id = "Uji ketahanan", en = "Durability" }
languages = ["id", "en"]

[rating]
bands = [{ level = "green", min = 80 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]

[[indicators]]
id = "all"
title = { id = "Semua", en = "All" }

[[indicators.questions]]
id = "policy"
type = "single"
evidence = "optional"
text = { id = "Ada kebijakan?", en = "A policy?" }
options = [
  { id = "yes", label = { id = "Ya", en = "Yes" }, points = 2 },
  { id = "no", label = { id = "Tidak", en = "No" }, points = 0, advice = { id = "Susun.", en = "Write one." } },
]
"""

_NOTE = """
[[indicators.questions]]
id = "{qid}"
type = "text"
required = false
text = {{ id = "Catatan {qid}", en = "Note {qid}" }}
"""


def _questionnaire() -> str:
    """One required choice (with optional evidence) and twenty optional notes to autosave."""
    return _HEAD + "".join(_NOTE.format(qid=qid) for qid in QUESTIONS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``hamscore serve`` in its own process group, so SIGKILL takes the workers down with it."""

    def __init__(self, *, database_url: str, workdir: Path, workers: int) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.log = workdir / "server.log"
        qdir = workdir / "questionnaires"
        qdir.mkdir(exist_ok=True)
        (qdir / "durable.toml").write_text(_questionnaire(), encoding="utf-8")
        self.env = {
            **os.environ,
            "HAMSCORE_ENV": "production",
            "HAMSCORE_SECRET_KEY": secrets.token_urlsafe(48),
            "HAMSCORE_DATABASE_URL": database_url,
            "HAMSCORE_UPLOAD_DIR": str(workdir / "uploads"),
            "HAMSCORE_QUESTIONNAIRES_DIR": str(qdir),
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "webapp.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"the server did not get ready: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no shutdown hook, no flush, like a power cut to the app."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        # Workers are in the same group; wait until the port is free of them.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.05)
            except OSError:
                break
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
            self.kill()


class Person:
    """A browser: cookies kept by hand (the server's cookies are ``Secure`` and this is plain http on
    loopback), the CSRF token of the pages it saw."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}
        self.token = ""

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        headers.update(extra or {})
        return headers

    def _keep(self, response: httpx.Response) -> httpx.Response:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if m := re.search(r'name="csrf_token" value="([^"]+)"', response.text):
            self.token = m.group(1)
        return response

    def get(self, path: str, *, client: httpx.Client | None = None) -> httpx.Response:
        if client is None:
            with httpx.Client(timeout=30) as c:
                return self.get(path, client=c)
        return self._keep(client.get(self.server.url + path, headers=self._headers()))

    def post(
        self,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        files: Any = None,
        client: httpx.Client | None = None,
        timeout: float = 30,
    ) -> httpx.Response:
        if client is None:
            with httpx.Client(timeout=timeout) as c:
                return self.post(path, data, files=files, client=c)
        headers = self._headers({"HX-Request": "true", "X-CSRF-Token": self.token})
        return self._keep(client.post(self.server.url + path, data=data or {}, files=files, headers=headers))


def register(person: Person) -> None:
    person.get("/register")
    form = {
        "csrf_token": person.token,
        "name": "Siti Rahmawati",
        "email": "siti@sumbermakmur.co.id",
        "password": PASSWORD,
        "company_name": "PT Sumber Makmur",
        "nib": "1234567890123",
        "ahu": "AHU-0012345.AH.01.01.TAHUN 2020",
        "address": "Jl. Ki Mas Jong No. 5, Kota Serang",
        "province": "36",
        "regency": "36.73",
        "sector": "C",
        "size": "kecil",
        "employees": "40",
    }
    with httpx.Client(timeout=30) as c:
        response = person._keep(c.post(person.server.url + "/register", data=form, headers=person._headers()))
    assert response.status_code == 303, response.text


def open_cycle(database_url: str) -> int:
    from webapp.admin.services import create_cycle
    from webapp.assessments.definitions import Registry
    from webapp.db import Database

    db = Database(database_url, checkpoint_seconds=0)
    try:
        definition = Registry(db).find("durable", "1")
        assert definition is not None
        today = dt.date.today()
        cycle = create_cycle(
            db,
            name="2026",
            definition_id=definition.id,
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=30),
        )
        assert not isinstance(cycle, str), cycle
        return cycle.id
    finally:
        db.dispose()


def start_assessment(person: Person, cycle_id: int) -> int:
    with httpx.Client(timeout=30) as c:
        response = c.post(
            f"{person.server.url}/cycles/{cycle_id}/start",
            data={"csrf_token": person.token},
            headers=person._headers(),
        )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[-1])


def saved_version(response: httpx.Response, question: str) -> int:
    m = re.search(rf'id="version-{question}" value="(\d+)"', response.text)
    assert m, response.text
    return int(m.group(1))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test: an SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'hamscore.db'}"
        return
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"hamscore_durable_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL}; start it or deselect with -m 'not postgres'"
        )
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    """A started two-worker server on ``database_url``."""
    s = Server(database_url=database_url, workdir=tmp_path, workers=2)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def siti(server: Server) -> tuple[Person, int]:
    """Siti, registered, with her assessment of the open cycle started: (person, submission id)."""
    cycle_id = open_cycle(server.database_url)
    person = Person(server)
    register(person)
    return person, start_assessment(person, cycle_id)
