"""The company's form in-process, through the whole app (session, CSRF, queries, library, template) on
SQLite with the shipped BHAM questionnaire: one section rendered and one autosave, for a medium company
whose form is filled in but for the questions the autosaves change. The targets under load (a section at
p99 ≤ 25 ms under 300/s, an autosave at p99 ≤ 10 ms under 500/s) are measured by ``web_load.py``; these
figures are the cost of one request with nothing else running, through the test client."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from benchmarks.web_load import fill_form
from webapp.admin.services import create_cycle
from webapp.app import create_app
from webapp.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "kata-sandi-rahasia-1"


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Siti's medium company in Kota Serang, signed in, its 2026 form nearly filled in."""
    root: Path = tmp_path_factory.mktemp("form")
    settings = Settings.from_env(
        {},
        env="production",
        secret_key=secrets.token_urlsafe(48),
        database_url=f"sqlite:///{root / 'hamscore.db'}",
        upload_dir=root / "uploads",
        questionnaires_dir=ROOT / "questionnaires",
    )
    app = create_app(settings)
    with TestClient(app=app, base_url="https://hamscore.test") as client:
        ctx = app.state.ctx
        definition = ctx.questionnaires.find("bham", ctx.questionnaires.stored()[0].version)
        today = dt.date.today()
        create_cycle(ctx.db, name="2026", definition_id=definition.id, opens_on=today, closes_on=today)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        registered = client.post(
            "/register",
            data={
                "csrf_token": token,
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
                "size": "menengah",
                "employees": "120",
            },
            follow_redirects=False,
        )
        assert registered.status_code == 303
        cycle = re.search(r'action="/cycles/(\d+)/start"', client.get("/").text).group(1)  # type: ignore[union-attr]
        started = client.post(f"/cycles/{cycle}/start", data={"csrf_token": token}, follow_redirects=False)
        submission = int(started.headers["location"].rsplit("/", 1)[-1])
        section = client.get(f"/submissions/{submission}", follow_redirects=False).headers["location"]
        kept = ["kebijakan_penanggung_jawab", "kebijakan_pelatihan"]
        stored = fill_form(ctx.db, submission, set(kept))
        assert stored > 60
        yield client, token, submission, section, kept


def test_a_section_of_a_filled_in_form_renders(benchmark, company):
    client, _, _, section, _ = company
    headers = {"HX-Request": "true"}

    def view() -> None:
        assert client.get(section, headers=headers).status_code == 200

    benchmark.pedantic(view, rounds=500, iterations=1, warmup_rounds=20)


def test_an_autosave_of_a_filled_in_form(benchmark, company):
    """Each save takes one of two questions through A, B and cleared, in turn, as web_load.py does."""
    client, token, submission, _, kept = company
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    values = {
        "kebijakan_penanggung_jawab": ("ditunjuk_resmi", "tidak_ada", ""),
        "kebijakan_pelatihan": ("semua_pekerja", "belum_ada", ""),
    }
    versions = dict.fromkeys(kept, 0)
    turn = iter(range(10**6))

    def save() -> None:
        qid = kept[next(turn) % len(kept)]
        version = versions[qid]
        body = {"value": values[qid][version % 3], "version": str(version)}
        response = client.post(f"/submissions/{submission}/answers/{qid}", data=body, headers=headers)
        assert response.status_code == 200, response.text
        versions[qid] = version + 1

    benchmark.pedantic(save, rounds=600, iterations=1, warmup_rounds=30)
