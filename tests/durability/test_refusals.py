"""Production refuses to start with settings that are fine on a workstation and wrong on a server, and
each refusal names the setting and what to do."""

from __future__ import annotations

import pytest

from webapp.settings import Settings, SettingsError

KEY = {"HAMSCORE_SECRET_KEY": "k" * 40}


def test_it_refuses_debug_in_production():
    with pytest.raises(SettingsError, match=r"HAMSCORE_DEBUG is on in production.*Unset HAMSCORE_DEBUG"):
        Settings.from_env({**KEY, "HAMSCORE_DEBUG": "true"})
    assert Settings.from_env({"HAMSCORE_ENV": "development"}).debug
    assert not Settings.from_env(KEY).debug


def test_it_refuses_insecure_cookies_in_production():
    with pytest.raises(SettingsError, match=r"HAMSCORE_INSECURE_COOKIES is on in production.*https"):
        Settings.from_env({**KEY, "HAMSCORE_INSECURE_COOKIES": "1"})
    assert Settings.from_env(KEY).secure_cookies


def test_it_refuses_in_memory_sessions_with_several_workers():
    for url in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(SettingsError, match=r"HAMSCORE_DATABASE_URL=.*in-memory.*HAMSCORE_WORKERS=1"):
            Settings.from_env({**KEY, "HAMSCORE_DATABASE_URL": url, "HAMSCORE_WORKERS": "2"})
    assert Settings.from_env({**KEY, "HAMSCORE_DATABASE_URL": "sqlite://"}).workers == 1
    assert Settings.from_env({**KEY, "HAMSCORE_WORKERS": "4"}).workers == 4


def test_it_names_the_variable_of_a_bad_switch_or_count():
    with pytest.raises(SettingsError, match=r"HAMSCORE_DEBUG='maybe'; use 'true' or 'false'"):
        Settings.from_env({"HAMSCORE_ENV": "development", "HAMSCORE_DEBUG": "maybe"})
    with pytest.raises(SettingsError, match=r"HAMSCORE_WORKERS must be a positive integer"):
        Settings.from_env({**KEY, "HAMSCORE_WORKERS": "0"})


def test_it_refuses_an_sqlite_database_without_wal():
    from webapp.db import Database
    from webapp.ops.production import check_database

    db = Database("sqlite://", checkpoint_seconds=0)  # memory databases cannot use WAL
    try:
        with pytest.raises(SettingsError, match=r"HAMSCORE_DATABASE_URL: .* journal_mode=memory, not WAL"):
            check_database(db)
    finally:
        db.dispose()


def test_it_accepts_the_configured_sqlite_file(tmp_path):
    from webapp.db import Database
    from webapp.ops.production import check_database

    db = Database(f"sqlite:///{tmp_path / 'h.db'}", checkpoint_seconds=0)
    try:
        check_database(db)
    finally:
        db.dispose()


def test_the_cli_prints_the_refusal_and_exits_2(monkeypatch, capsys):
    from webapp.cli import main

    monkeypatch.setenv("HAMSCORE_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("HAMSCORE_DEBUG", "true")
    assert main(["serve", "--workers", "2"]) == 2
    assert "HAMSCORE_DEBUG is on in production" in capsys.readouterr().err
