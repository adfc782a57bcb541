"""Charts: server-rendered, accessible SVG built only from the reviewer's region."""

from __future__ import annotations

import re

HX = {"HX-Request": "true"}


def test_it_draws_the_regions_charts_as_accessible_svg(world, reviewer):
    page = reviewer("rina").get("/taskforce/charts")
    assert page.status_code == 200
    assert page.text.count("<svg") == 5
    assert 'role="img"' in page.text
    assert "<title" in page.text
    assert "<desc" in page.text
    assert "Kota Serang" in page.text
    assert "Kota Cilegon" in page.text
    assert "(tanpa kabupaten/kota)" not in page.text  # Bali's company is not Rina's
    assert "<script" not in re.sub(r"<script src=\"/static/[^\"]+\" defer></script>", "", page.text)


def test_it_counts_only_the_region_in_every_chart(world, reviewer):
    dedi = reviewer("dedi").get("/taskforce/charts", headers=HX)
    assert "<html" not in dedi.text
    assert "Kota Serang" in dedi.text
    assert "Kota Cilegon" not in dedi.text
    wayan = reviewer("wayan").get("/taskforce/charts").text
    assert "Kota Serang" not in wayan
    assert "(tanpa kabupaten/kota)" in wayan


def test_it_refuses_charts_to_companies(world):
    assert world.siti.get("/taskforce/charts").status_code == 404
