"""Siti picks her regency while the list for her province is still on its way: the late list must not
undo her choice (the registration form lost it once, and the server then refused the form)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_regency_chosen_while_the_list_loads_is_kept(page):
    from playwright.sync_api import expect

    held = []
    page.route("**/regions/regencies*", lambda route: held.append(route))
    page.goto("/register")
    page.get_by_label("Provinsi").select_option("36")
    page.get_by_label("Kabupaten/kota").select_option("36.73")
    for _ in range(50):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the province change asked for its regencies"
    with page.expect_response("**/regions/regencies*"):
        held[0].continue_()
    page.wait_for_timeout(100)  # let htmx swap and settle
    expect(page.get_by_label("Kabupaten/kota")).to_have_value("36.73")
