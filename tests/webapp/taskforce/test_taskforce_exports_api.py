"""Exports and the JSON API: scoped to the region like the page, formula-safe CSV, tokens stored hashed."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import polars as pl
import pytest
from sqlalchemy import select, update

from webapp.db.taskforce import ApiToken, AuditEvent, RankingRow
from webapp.exports.services import neutralise

BANTEN = {"PT Sumber Makmur", "PT Cahaya Lain"}


def csv_rows(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("rina", BANTEN), ("dedi", {"PT Sumber Makmur"}), ("wayan", {"PT Bali Lestari"})],
)
def test_it_exports_exactly_the_region_in_every_format(world, reviewer, persona, expected):
    person = reviewer(persona)
    rows = csv_rows(person.get("/taskforce/export/csv"))
    assert {r["company"] for r in rows} == expected
    parquet = person.get("/taskforce/export/parquet")
    assert parquet.status_code == 200
    frame = pl.read_parquet(io.BytesIO(parquet.content))
    assert set(frame["company"].to_list()) == expected
    assert frame.schema["total"] == pl.Float64
    xlsx = person.get("/taskforce/export/xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        strings = (
            book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
        )
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    for name in {"PT Sumber Makmur", "PT Cahaya Lain", "PT Bali Lestari"}:
        assert (name in strings + sheet) == (name in expected)


def test_its_exports_keep_the_filter_and_never_widen(world, reviewer):
    rina = reviewer("rina")
    assert {r["company"] for r in csv_rows(rina.get("/taskforce/export/csv?rating=red"))} == {
        "PT Cahaya Lain"
    }
    dedi = reviewer("dedi")
    for query in ("regency=36.72", "regency=51", "province=51", "region="):
        assert {r["company"] for r in csv_rows(dedi.get(f"/taskforce/export/csv?{query}"))} <= {
            "PT Sumber Makmur"
        }


def test_it_refuses_exports_to_companies_and_audits_each_export(world, reviewer, ctx):
    assert world.siti.get("/taskforce/export/csv").status_code == 404
    reviewer("rina").get("/taskforce/export/xlsx?sector=C")
    with ctx.db.read() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.user_email == "rina@banten.go.id"
    assert '"sector":"C"' in event.detail


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_it_neutralises_csv_cells_that_start_a_formula(world, reviewer, ctx, first):
    name = f'{first}HYPERLINK("http://x.test","klik")'
    with ctx.db.write() as s:
        s.execute(update(RankingRow).where(RankingRow.submission_id == world.siti_sid).values(name=name))
    rows = csv_rows(reviewer("rina").get("/taskforce/export/csv"))
    assert "'" + name in {r["company"] for r in rows}
    assert name not in {r["company"] for r in rows}


def test_it_leaves_numbers_and_plain_text_alone():
    assert neutralise(-3.5) == -3.5
    assert neutralise("PT Maju-Jaya") == "PT Maju-Jaya"


def make_token(person) -> str:
    page = person.post("/taskforce/tokens", {"name": "notebook"})
    assert page.status_code == 200
    found = re.search(r'data-testid="new-token">(hst_[^<]+)<', page.text)
    assert found
    return found.group(1)


def test_it_serves_the_region_through_the_api_with_a_personal_token(world, reviewer, ctx):
    rina = reviewer("rina")
    token = make_token(rina)
    with ctx.db.read() as s:
        stored = s.scalar(select(ApiToken.token_hash))
    assert token not in stored  # only the hash is kept
    api = world.made.client  # any client: the token alone authenticates
    response = api.get("/api/v1/ranking", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    frame = pl.DataFrame(response.json())
    assert set(frame["company"].to_list()) == BANTEN
    assert frame.sort("rank")["company"][0] == "PT Cahaya Lain"
    narrowed = api.get("/api/v1/ranking?regency=36.73", headers={"Authorization": f"Bearer {token}"})
    assert [r["company"] for r in narrowed.json()] == ["PT Sumber Makmur"]
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {"email": "rina@banten.go.id", "role": "reviewer", "region": "36"}
    one = api.get(f"/api/v1/submissions/{world.siti_sid}", headers={"Authorization": f"Bearer {token}"})
    assert one.status_code == 200
    assert one.json()["company"] == "PT Sumber Makmur"


def test_its_api_refuses_other_regions_and_missing_or_revoked_tokens(world, reviewer, ctx):
    dedi = reviewer("dedi")
    token = make_token(dedi)
    api = world.made.client
    auth = {"Authorization": f"Bearer {token}"}
    rows = api.get("/api/v1/ranking?regency=36.72", headers=auth).json()
    assert {r["company"] for r in rows} == {"PT Sumber Makmur"}  # a regency outside the region is ignored
    wide = api.get("/api/v1/ranking?province=36&region=", headers=auth).json()
    assert {r["company"] for r in wide} == {"PT Sumber Makmur"}
    other = api.get(f"/api/v1/submissions/{world.charlie_sid}", headers=auth)
    assert other.status_code == 404
    assert other.headers["content-type"].startswith("application/json")
    assert api.get("/api/v1/ranking").status_code == 401
    assert api.get("/api/v1/ranking", headers={"Authorization": "Bearer hst_wrong"}).status_code == 401
    # A logged-in browser session is not an API credential.
    assert dedi.get("/api/v1/ranking").status_code == 401
    with ctx.db.read() as s:
        token_id = s.scalar(select(ApiToken.id))
    assert dedi.post(f"/taskforce/tokens/{token_id}/revoke").status_code == 303
    assert api.get("/api/v1/ranking", headers=auth).status_code == 401


def test_it_gives_companies_no_tokens(world):
    assert world.siti.get("/taskforce/tokens").status_code == 404
    assert world.siti.post("/taskforce/tokens", {"name": "x"}).status_code == 404


def test_it_describes_only_the_api_in_the_openapi_document(world):
    schema = world.siti.get("/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/ranking" in paths
    assert all(p.startswith("/api/v1/") for p in paths)
    assert "RankingRowOut" in schema.text
