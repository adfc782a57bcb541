"""A real server (uvicorn) on a free loopback port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import hamscore

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER = """
import sys, uvicorn
from webapp.app import create_app
from webapp.settings import Settings
uvicorn.run(create_app(Settings.from_env()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(*, database_url: str, questionnaires_dir: Path, upload_dir: Path) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, in development mode; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "HAMSCORE_ENV": "development",
        "HAMSCORE_DATABASE_URL": database_url,
        "HAMSCORE_QUESTIONNAIRES_DIR": str(questionnaires_dir),
        "HAMSCORE_UPLOAD_DIR": str(upload_dir),
    }
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env, cwd=Path(__file__).parents[3])
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the server did not start")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def chromium_page(base_url: str, *, expected_errors: list[str] | None = None) -> Iterator[Any]:
    """A Chromium page on ``base_url`` (Indonesian locale); any unexpected console or page error fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, locale="id-ID")
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        yield page
        context.close()
        browser.close()
        unexpected = [e for e in errors if not any(x in e for x in expected_errors or [])]
        assert not unexpected, unexpected


@pytest.fixture
def server(tmp_path: Path, questionnaire_text: str) -> Iterator[str]:
    """The app served by uvicorn on SQLite, with the inline questionnaire and an open cycle."""
    from webapp.admin.services import create_cycle
    from webapp.assessments.definitions import Registry
    from webapp.db import Database, upgrade

    url = f"sqlite:///{tmp_path / 'var' / 'hamscore.db'}"
    qdir = tmp_path / "questionnaires"
    qdir.mkdir()
    (qdir / "questionnaire.toml").write_text(questionnaire_text, encoding="utf-8")
    db = Database(url, checkpoint_seconds=0)
    upgrade(db)
    registry = Registry(db)
    assert registry.sync_directory(qdir) == []
    loaded = hamscore.load(questionnaire_text)
    definition = registry.find(loaded.id, loaded.version)
    today = dt.date.today()
    create_cycle(
        db,
        name=str(today.year),
        definition_id=definition.id,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    db.dispose()
    with serving(database_url=url, questionnaires_dir=qdir, upload_dir=tmp_path / "uploads") as base:
        yield base


@pytest.fixture
def expected_console_errors() -> list[str]:
    """Console errors a test expects (as substrings); any other console or page error fails the test."""
    return []


@pytest.fixture
def page(server: str, expected_console_errors: list[str]) -> Iterator[Any]:
    with chromium_page(server, expected_errors=expected_console_errors) as page:
        yield page
