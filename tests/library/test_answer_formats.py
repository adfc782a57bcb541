"""Dates and region codes are written one way only, so the bulk scorer can check them the same way."""

from __future__ import annotations

import pytest

from hamscore import Code

BODY = """
[[indicators]]
id = "audit"
title = "Audit"
[[indicators.questions]]
id = "audited_on"
type = "date"
text = "Tanggal audit"
"""


@pytest.mark.parametrize("written", ["2026-W01-1", "20260331xx", "0000-01-01", "2026-02-30", "٢٠٢٦-03-31"])
def test_a_date_is_written_yyyy_mm_dd(load, written):
    problems = load(BODY).validate({"answers": {"audited_on": written}})
    assert [p.code for p in problems] == [Code.INVALID_DATE]


def test_a_real_date_in_that_form_is_valid(load):
    assert load(BODY).validate({"answers": {"audited_on": "2024-02-29"}}) == []


@pytest.mark.parametrize(("field", "written"), [("province", "36\n"), ("province", "٣٦"), ("regency", "36.73\n")])
def test_region_codes_are_ascii_digits_without_a_trailing_newline(load, field, written):
    problems = load(BODY).validate({"profile": {field: written}})
    assert [p.code for p in problems] == [Code.INVALID_PROFILE_VALUE]
