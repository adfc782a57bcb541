"""Ranking: each persona sees exactly its region, in pages and htmx fragments; filters only narrow."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import hamscore
from webapp.db.models import Cycle

HX = {"HX-Request": "true"}


def names(html: str) -> set[str]:
    return {n for n in ("PT Sumber Makmur", "PT Cahaya Lain", "PT Bali Lestari") if n in html}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("rina", {"PT Sumber Makmur", "PT Cahaya Lain"}),
        ("dedi", {"PT Sumber Makmur"}),
        ("wayan", {"PT Bali Lestari"}),
        ("nadia", {"PT Sumber Makmur", "PT Cahaya Lain", "PT Bali Lestari"}),
        ("ayu", {"PT Sumber Makmur", "PT Cahaya Lain", "PT Bali Lestari"}),
    ],
)
def test_it_shows_each_reviewer_exactly_their_region(world, reviewer, persona, expected):
    person = reviewer(persona)
    page = person.get("/taskforce")
    assert page.status_code == 200
    assert names(page.text) == expected
    fragment = person.get("/taskforce", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert names(fragment.text) == expected


def test_it_refuses_the_workspace_to_company_users(world):
    assert world.siti.get("/taskforce").status_code == 404
    assert world.siti.get("/taskforce", headers=HX).status_code == 404
    assert world.siti.get(f"/taskforce/submissions/{world.siti_sid}").status_code == 404
    assert world.siti.get("/taskforce/export/csv").status_code == 404


def test_it_never_widens_the_region_from_the_url(world, reviewer):
    dedi = reviewer("dedi")
    for query in ("regency=36.72", "regency=51", "province=36", "region=", "regency=", "q=Cahaya"):
        page = dedi.get(f"/taskforce?{query}")
        assert page.status_code == 200
        assert "PT Cahaya Lain" not in page.text
        assert "PT Bali Lestari" not in page.text


def test_it_filters_by_regency_sector_rating_and_search_and_keeps_the_filter_in_links(world, reviewer):
    rina = reviewer("rina")
    only_serang = rina.get("/taskforce?regency=36.73", headers=HX)
    assert names(only_serang.text) == {"PT Sumber Makmur"}
    red = rina.get("/taskforce?rating=red", headers=HX)
    assert names(red.text) == {"PT Cahaya Lain"}
    search = rina.get("/taskforce?q=makmur")
    assert names(search.text) == {"PT Sumber Makmur"}
    assert 'value="makmur"' in search.text
    assert "q=makmur" in search.text  # sort links and exports keep the search
    nothing = rina.get("/taskforce?sector=B")
    assert names(nothing.text) == set()


def test_it_ranks_with_the_library_and_shows_the_band(world, reviewer, ctx):
    rina = reviewer("rina")
    page = rina.get("/taskforce").text
    # Charlie's red flag puts his company first, whatever its total.
    assert page.index("PT Cahaya Lain") < page.index("PT Sumber Makmur")
    assert "90–100" in page


@pytest.mark.parametrize("many", [0, 100])
def test_its_rank_numbers_are_the_librarys(ctx, world, reviewer, many):
    from webapp.ranking.scope import Scope
    from webapp.ranking.services import Filters, ranking_query, ranks

    with ctx.db.read() as s:
        cycle_id = s.scalar(select(Cycle.id))
        national = Scope(user=None, region="")
        rows = list(s.execute(ranking_query(national, Filters(), cycle_id)))
        found = ranks(s, national, cycle_id, [(r.bucket, r.priority) for r in rows], many=many)
    assert len(rows) == 3
    assessments = [
        hamscore.Assessment(
            questionnaire="q",
            version="1",
            digest="",
            mode="self",
            total=r.total,
            rating=r.rating,
            completeness=1.0,
            indicators={},
            caps=(),
            gaps=(),
        )
        for r in rows
    ]
    assert [found[(r.bucket, r.priority)] for r in rows] == hamscore.rank(assessments)
