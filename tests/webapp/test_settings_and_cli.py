"""Settings fail loudly; the CLI upgrades the database and creates administrators; demo data is marked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp.cli import main
from webapp.db import Database
from webapp.db.models import Company, User
from webapp.settings import Settings, SettingsError


def test_settings_name_the_variable_and_the_allowed_values():
    with pytest.raises(SettingsError, match=r"HAMSCORE_ENV='staging'; use one of: development, production"):
        Settings.from_env({"HAMSCORE_ENV": "staging"})
    with pytest.raises(SettingsError, match="HAMSCORE_MAX_UPLOAD_BYTES='ten'; use a whole number"):
        Settings.from_env({"HAMSCORE_ENV": "development", "HAMSCORE_MAX_UPLOAD_BYTES": "ten"})
    with pytest.raises(SettingsError, match="HAMSCORE_DATABASE_URL"):
        Settings.from_env({"HAMSCORE_ENV": "development", "HAMSCORE_DATABASE_URL": "mysql://x"})


def test_production_needs_a_secret_key():
    with pytest.raises(SettingsError, match="HAMSCORE_SECRET_KEY is not set"):
        Settings.from_env({})
    with pytest.raises(SettingsError, match="too short"):
        Settings.from_env({"HAMSCORE_SECRET_KEY": "short"})
    settings = Settings.from_env({"HAMSCORE_SECRET_KEY": "k" * 40})
    assert settings.secure_cookies


def test_settings_are_read_only_when_asked(monkeypatch):
    monkeypatch.setenv("HAMSCORE_ENV", "development")
    monkeypatch.setenv("HAMSCORE_SESSION_MINUTES", "30")
    assert Settings.from_env().session_minutes == 30


def test_cli_upgrades_the_database_and_creates_an_admin(db_url, monkeypatch, capsys):
    monkeypatch.setenv("HAMSCORE_ENV", "development")
    monkeypatch.setenv("HAMSCORE_DATABASE_URL", db_url)
    monkeypatch.setenv("HAMSCORE_ADMIN_PASSWORD", "kata-sandi-admin-1")
    assert main(["db", "upgrade"]) == 0
    assert main(["admin", "create", "admin@hamscore.id"]) == 0
    assert main(["admin", "create", "admin@hamscore.id"]) == 1
    assert "exists already" in capsys.readouterr().err
    db = Database(db_url, checkpoint_seconds=0)
    with db.read() as s:
        assert s.scalar(select(User.role).where(User.email == "admin@hamscore.id")) == "admin"
    db.dispose()


def test_cli_reports_usage_errors_with_exit_code_2(monkeypatch):
    assert main(["db"]) == 2
    monkeypatch.setenv("HAMSCORE_ENV", "nonsense")
    assert main(["db", "upgrade"]) == 2


def test_demo_data_is_created_once_and_marked(ctx, browser):
    from webapp.demo import create_demo_data

    browser()  # start the app
    logins = create_demo_data(ctx)
    assert logins is not None
    assert {login.role for login in logins} == {"company", "reviewer", "admin"}
    assert create_demo_data(ctx) is None
    with ctx.db.read() as s:
        names = list(s.scalars(select(Company.name)))
        assert s.scalar(select(func.count()).select_from(Company).where(Company.demo.is_(False))) == 0
    assert all(name.startswith("[DEMO]") for name in names)
    assert len(names) == 3


def test_demo_logins_reach_their_pages(ctx, browser):
    from webapp.demo import DEMO_PASSWORD, create_demo_data

    browser()
    create_demo_data(ctx)
    siti = browser()
    siti.post("/login", {"email": "siti@demo.hamscore.id", "password": DEMO_PASSWORD})
    home = siti.get("/")
    assert "PT Sumber Makmur" in home.text
    assert "Lihat hasil" in home.text
    assert "Lanjutkan" in home.text
    reviewer = browser()
    reviewer.post("/login", {"email": "reviewer@demo.hamscore.id", "password": DEMO_PASSWORD})
    page = reviewer.get("/")
    assert "CV Baja Cilegon" in page.text
    result_link = page.text.split('href="/submissions/', 1)[1].split('"', 1)[0]
    assert reviewer.get(f"/submissions/{result_link}").status_code == 200
