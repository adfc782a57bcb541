"""Fixtures for the web app's tests: a real app on a real database (SQLite file or PostgreSQL), a small
inline questionnaire, and personas with their own browsers (cookie jars).

Personas: Siti is the PIC of PT Sumber Makmur in Kota Serang; Budi is her colleague; Charlie is the PIC of
another company (PT Cahaya Lain, Kota Cilegon); Rina reviews the province of Banten; Wayan reviews Bali.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from webapp.app import create_app
from webapp.settings import Settings

# The project runs doctests over every module; conftest files of sibling directories share the basename
# "conftest", so they are kept out of that collection (pytest still loads them as conftests).
collect_ignore_glob = ["conftest.py", "*/conftest.py"]

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BASE_URL = "https://hamscore.test"
PASSWORD = "kata-sandi-rahasia-1"

QUESTIONNAIRE = """
id = "bham-test"
version = "1"
title = { id = "Uji HAM", en = "HR test" }
languages = ["id", "en"]

[rating]
bands = [{ level = "green", min = 80 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]

[[indicators]]
id = "policy"
title = { id = "Kebijakan HAM", en = "Human-rights policy" }

[[indicators.questions]]
id = "policy"
type = "single"
text = { id = "Ada kebijakan HAM tertulis?", en = "Is there a written human-rights policy?" }
evidence = "optional"
options = [
  { id = "yes", label = { id = "Ya", en = "Yes" }, points = 2 },
  { id = "no", label = { id = "Tidak", en = "No" }, points = 0, advice = { id = "Susun kebijakan HAM.", en = "Write a human-rights policy." } },
]

[[indicators.questions]]
id = "published"
type = "single"
show_if = "policy == 'yes'"
text = { id = "Kebijakan dipublikasikan?", en = "Is the policy published?" }
options = [
  { id = "yes", label = { id = "Ya", en = "Yes" }, points = 1 },
  { id = "no", label = { id = "Tidak", en = "No" }, points = 0, advice = { id = "Publikasikan kebijakan.", en = "Publish the policy." } },
]

[[indicators]]
id = "work"
title = { id = "Tenaga kerja", en = "Workforce" }

[[indicators.questions]]
id = "child"
type = "single"
text = { id = "Ada pekerja di bawah 18 tahun?", en = "Any workers under 18?" }
options = [
  { id = "no", label = { id = "Tidak", en = "No" }, points = 2 },
  { id = "yes", label = { id = "Ya", en = "Yes" }, points = 0, cap = "red", advice = { id = "Hentikan pekerja anak.", en = "End child labour." } },
]

[[indicators.questions]]
id = "hours"
type = "number"
text = { id = "Jam kerja per minggu?", en = "Working hours per week?" }
allow_na = true
bands = [{ max = 41, points = 2 }, { min = 41, points = 0 }]

[[indicators.questions]]
id = "note"
type = "text"
required = false
text = { id = "Catatan", en = "Notes" }
"""


@pytest.fixture
def questionnaire_text() -> str:
    """The inline questionnaire of these tests, as TOML text."""
    return QUESTIONNAIRE


def _postgres_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database for this test session on the local server, dropped at the end."""
    if not _postgres_available():
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL}; start it or deselect with -m 'not postgres'"
        )
    name = f"hamscore_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    from webapp.db import Database, upgrade

    db = Database(url)
    upgrade(db)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test that uses the app runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'hamscore.db'}"
    url: str = request.getfixturevalue("postgres_database")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        if tables:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    engine.dispose()
    return url


@pytest.fixture
def settings(db_url: str, tmp_path: Path, questionnaire_text: str) -> Settings:
    qdir = tmp_path / "questionnaires"
    qdir.mkdir()
    (qdir / "bham-test.toml").write_text(questionnaire_text, encoding="utf-8")
    return Settings.from_env(
        {},
        env="production",
        secret_key=secrets.token_urlsafe(48),
        database_url=db_url,
        upload_dir=tmp_path / "uploads",
        questionnaires_dir=qdir,
        max_upload_bytes=200_000,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    app = create_app(settings)
    yield app
    app.state.ctx.db.dispose()


class Browser:
    """One person's browser: its own cookies, and the CSRF token of the last page it saw."""

    def __init__(self, client: TestClient[Any]) -> None:
        self.client = client
        self.token: str | None = None

    def get(self, path: str, **kwargs: Any) -> Any:
        response = self.client.get(path, **kwargs)
        if m := re.search(r'name="csrf_token" value="([^"]+)"', response.text):
            self.token = m.group(1)
        return response

    def csrf(self) -> str:
        if self.token is None:
            self.get("/login")
        assert self.token is not None
        return self.token

    def post(
        self,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        htmx: bool = False,
        files: Any = None,
        csrf: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        headers = dict(headers or {})
        body = dict(data or {})
        if htmx:
            headers["HX-Request"] = "true"
            headers["HX-Current-URL"] = BASE_URL + "/"
            if csrf:
                headers["X-CSRF-Token"] = self.csrf()
        elif csrf:
            body["csrf_token"] = self.csrf()
        return self.client.post(
            path, data=body, files=files, headers=headers, follow_redirects=False, **kwargs
        )


@pytest.fixture
def browser(app: Any) -> Iterator[Any]:
    """``browser()`` opens a new browser (a fresh cookie jar) on the same, started app."""
    # One client runs the app's lifespan (migrations, questionnaires); the others only send requests.
    lifespan = TestClient(app=app, base_url=BASE_URL)
    lifespan.__enter__()
    clients: list[TestClient[Any]] = []

    def open_browser() -> Browser:
        client = TestClient(app=app, base_url=BASE_URL)
        clients.append(client)
        return Browser(client)

    yield open_browser
    lifespan.__exit__(None, None, None)


def _company_form(**changes: Any) -> dict[str, Any]:
    form = {
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
    form.update(changes)
    return form


def register(browser: Browser, **changes: Any) -> Any:
    response = browser.post("/register", _company_form(**changes))
    assert response.status_code == 303, response.text
    browser.get("/")
    return response


@pytest.fixture
def company_form() -> Any:
    """``company_form(**changes)``: Siti's registration form, with changes."""
    return _company_form


@pytest.fixture
def ctx(app: Any) -> Any:
    return app.state.ctx


@pytest.fixture
def cycle(ctx: Any, browser: Any) -> Any:
    """An open cycle "2026" on the inline questionnaire (the app is started so it is loaded)."""
    browser()  # starts the app: migrations and questionnaires
    from webapp.admin.services import create_cycle

    definition = ctx.questionnaires.find("bham-test", "1")
    today = dt.date.today()
    return create_cycle(
        ctx.db,
        name=str(today.year),
        definition_id=definition.id,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=60),
    )


@pytest.fixture
def siti(browser: Any, cycle: Any) -> Browser:
    b = browser()
    register(b)
    return b


@pytest.fixture
def charlie(browser: Any, cycle: Any) -> Browser:
    b = browser()
    register(
        b,
        name="Charlie",
        email="charlie@cahayalain.co.id",
        company_name="PT Cahaya Lain",
        nib="9876543210987",
        regency="36.72",
    )
    return b


def _invite(inviter: Browser, new: Browser, *, email: str, name: str) -> Browser:
    response = inviter.post("/company/colleagues", {"email": email})
    assert response.status_code == 200, response.text
    link = re.search(r"<code>https://hamscore\.test(/invite/[^<]+)</code>", response.text)
    assert link, response.text
    new.get(link.group(1))
    response = new.post(link.group(1), {"name": name, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return new


@pytest.fixture
def budi(browser: Any, siti: Browser) -> Browser:
    return _invite(siti, browser(), email="budi@sumbermakmur.co.id", name="Budi")


def _start(person: Browser, cycle: Any) -> int:
    """Start (or continue) the cycle's assessment; returns the submission id."""
    response = person.post(f"/cycles/{cycle.id}/start")
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[-1])


def _answer(
    person: Browser, submission_id: int, question: str, value: Any, /, *, version: int = 0, **extra: Any
) -> Any:
    data = {"value": value, "version": str(version), **extra}
    return person.post(f"/submissions/{submission_id}/answers/{question}", data, htmx=True)


@pytest.fixture
def start() -> Any:
    """``start(person, cycle)``: start or continue the cycle's assessment; returns the submission id."""
    return _start


@pytest.fixture
def answer() -> Any:
    """``answer(person, submission_id, question, value, version=0)``: one autosave, as htmx sends it."""
    return _answer


@pytest.fixture
def complete(answer: Any) -> Any:
    """``complete(person, submission_id)``: answer every required question of the inline questionnaire."""

    def complete(person: Browser, submission_id: int, *, child: str = "no") -> None:
        for question, value in (("policy", "yes"), ("published", "yes"), ("child", child), ("hours", "40")):
            response = answer(person, submission_id, question, value)
            assert response.status_code == 200, response.text

    return complete
