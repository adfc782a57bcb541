"""The task force's ranking for a region of 50,000 companies on SQLite: the first page with filters at
p99 ≤ 150 ms through the whole app (session, scope, index-only queries, template), and a full export of
the region in ≤ 5 s (CSV, Parquet; XLSX is measured and bounded at 10 s). Data are generated straight into the tables (a seeded ``random.Random``)."""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from sqlalchemy import insert

from webapp.accounts.services import SECTORS, SIZES, create_user
from webapp.admin.services import create_cycle
from webapp.app import create_app
from webapp.db.models import Company, Submission
from webapp.db.taskforce import RankingRow
from webapp.ranking.rows import priority
from webapp.settings import Settings

REGION = 50_000
ELSEWHERE = 5_000
BANTEN = ("36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74")
PASSWORD = "kata-sandi-rahasia-1"
QUESTIONNAIRE = """
id = "bench"
version = "1"
title = "Bench"
languages = ["id", "en"]
[rating]
bands = [{ level = "green", min = 80 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]
[[indicators]]
id = "policy"
title = { id = "Kebijakan", en = "Policy" }
[[indicators.questions]]
id = "policy"
type = "single"
text = { id = "Ada kebijakan?", en = "A policy?" }
options = [{ id = "yes", label = { id = "Ya", en = "Yes" }, points = 1 }, { id = "no", label = { id = "Tidak", en = "No" }, points = 0 }]
"""
# First pages a reviewer asks for: filters, a search, another sort, a later page.
QUERIES = (
    "",
    "sector=C",
    "regency=36.03&rating=red",
    "sector=A&size=besar&status=submitted",
    "q=maju",
    "sort=total&dir=desc&rating=yellow",
    "regency=36.73&sector=C&sort=name",
    "status=verified&sort=change",
    "page=40",
)


def _generate(ctx: Any, cycle_id: int) -> None:
    rng = random.Random(11)
    words = ("Maju", "Jaya", "Sentosa", "Abadi", "Makmur", "Lestari", "Sejahtera", "Mandiri", "Karya", "Nusa")
    companies, submissions, rows = [], [], []
    now = dt.datetime.now(dt.UTC)
    for i in range(1, REGION + ELSEWHERE + 1):
        inside = i <= REGION
        province, regency = ("36", rng.choice(BANTEN)) if inside else ("51", "")
        name = f"PT {rng.choice(words)} {rng.choice(words)} {i}"
        sector, size = rng.choice(SECTORS), rng.choice(SIZES)
        companies.append(
            {
                "id": i,
                "name": name,
                "nib": f"{i:013d}",
                "ahu": "AHU",
                "address": "Jl.",
                "province": province,
                "regency": regency,
                "sector": sector,
                "size": size,
                "employees": 10,
                "demo": False,
                "created_at": now,
            }
        )
        status = rng.choice(("submitted", "submitted", "verified", "returned"))
        submissions.append(
            {
                "id": i,
                "company_id": i,
                "cycle_id": cycle_id,
                "status": status,
                "round": 1,
                "created_at": now,
                "submitted_at": now,
            }
        )
        total = round(rng.uniform(0, 100), 2)
        rating = "green" if total >= 80 else "yellow" if total >= 50 else "red"
        if rng.random() < 0.1:
            rating = "red"
        verified = round(total * rng.uniform(0.6, 1.0), 2)
        key = priority(rating, total, levels=("green", "yellow", "red"))
        rows.append(
            {
                "submission_id": i,
                "cycle_id": cycle_id,
                "company_id": i,
                "name": name,
                "province": province,
                "regency": regency,
                "sector": sector,
                "size": size,
                "status": status,
                "rating": rating,
                "total": total,
                "completeness": 1.0,
                "verified_rating": rating,
                "verified_total": verified,
                "priority": key,
                "bucket": math.floor(key),
                "previous_total": round(rng.uniform(0, 100), 2),
                "previous_rating": "yellow",
                "indicators": msgspec.json.encode({"policy": total}).decode(),
                "submitted_at": now,
            }
        )
    with ctx.db.write() as s:
        s.execute(insert(Company), companies)
        s.execute(insert(Submission), submissions)
        s.execute(insert(RankingRow), rows)
    with ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")


@pytest.fixture(scope="module")
def reviewer_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root: Path = tmp_path_factory.mktemp("taskforce")
    qdir = root / "questionnaires"
    qdir.mkdir()
    (qdir / "bench.toml").write_text(QUESTIONNAIRE, encoding="utf-8")
    settings = Settings.from_env(
        {},
        env="production",
        secret_key=secrets.token_urlsafe(48),
        database_url=f"sqlite:///{root / 'hamscore.db'}",
        upload_dir=root / "uploads",
        questionnaires_dir=qdir,
    )
    app = create_app(settings)
    with TestClient(app=app, base_url="https://hamscore.test") as client:
        ctx = app.state.ctx
        definition = ctx.questionnaires.find("bench", "1")
        today = dt.date.today()
        cycle = create_cycle(
            ctx.db,
            name="2026",
            definition_id=definition.id,
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=30),
        )
        started = time.perf_counter()
        _generate(ctx, cycle.id)
        print(f"\ngenerated {REGION + ELSEWHERE} companies in {time.perf_counter() - started:.1f} s")
        create_user(
            ctx.db, email="rina@banten.go.id", name="Rina", password=PASSWORD, role="reviewer", region="36"
        )
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        login = client.post(
            "/login",
            data={"email": "rina@banten.go.id", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert login.status_code == 303
        yield client


def test_the_first_ranking_page_with_filters_renders_at_p99_within_150_ms(benchmark, reviewer_client):
    client = reviewer_client
    first = client.get("/taskforce")
    assert first.status_code == 200
    assert "50000" in first.text.replace(".", "").replace(",", "")
    for query in QUERIES:  # warm up every query shape once
        assert client.get(f"/taskforce?{query}").status_code == 200
    timings: list[float] = []
    queries = iter(QUERIES * 1000)

    def one_page() -> None:
        query = next(queries)
        started = time.perf_counter()
        response = client.get(
            f"/taskforce?{query}", headers={"HX-Request": "true"} if len(timings) % 2 else {}
        )
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200

    benchmark.pedantic(one_page, rounds=len(QUERIES) * 30, iterations=1, warmup_rounds=0)
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    p50 = timings[len(timings) // 2]
    benchmark.extra_info.update(p50_ms=p50 * 1000, p99_ms=p99 * 1000, requests=len(timings))
    print(
        f"\nranking page ({REGION} companies in the region): p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
        f"over {len(timings)} requests"
    )
    assert p99 <= 0.150, f"p99 {p99 * 1000:.1f} ms"


# The bound for a full export of the region, whatever the format.
LIMITS = {"csv": 5.0, "parquet": 5.0, "xlsx": 5.0}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_a_full_export_of_the_region_completes_within_its_limit(benchmark, reviewer_client, fmt):
    client = reviewer_client

    def export() -> Any:
        return client.get(f"/taskforce/export/{fmt}")

    response = benchmark.pedantic(export, rounds=3, iterations=1, warmup_rounds=0)
    assert response.status_code == 200
    slowest = benchmark.stats.stats.max
    benchmark.extra_info.update(seconds=slowest, bytes=len(response.content))
    print(f"\nexport {fmt}: {REGION} rows, {len(response.content) / 1e6:.1f} MB, slowest {slowest:.2f} s")
    assert slowest <= LIMITS[fmt], f"{fmt} export took {slowest:.2f} s"
