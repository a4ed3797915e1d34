"""The process figures on the outcome page, in a real browser at 1280 and 390 px:
readable, nothing wider than a phone, no accessibility violation (axe runs on every
page), and a screenshot of each width."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from tests.conftest import build_world
from tests.impact import factories as imf
from tests.impact.test_process import FROM, TO, _build

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 800}}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_outcome_page_shows_the_process_figures(
    transactional_db, page, login, screenshot_dir, size
):
    world = build_world()
    with scopes_disabled():
        _build(world.project)
    imf.measured_people(world.project, world.coord, 5, before=2, after=3)
    page.set_viewport_size(WIDTHS[size])
    login(world.coord)
    page.goto(
        f"/p/{world.project.code}/impact/outcomes/?date_from={FROM.isoformat()}"
        f"&date_to={TO.isoformat()}"
    )
    table = page.locator("table.impact-process")
    assert table.is_visible()
    waiting = table.locator('tr[data-figure="waiting_days"]')
    assert waiting.locator("[data-value]").inner_text() == "30.0"
    assert waiting.locator("[data-n]").inner_text() == "3"
    assert table.locator('tr[data-figure="signals_high"] [data-value]').inner_text() == "2"
    if size == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.locator("[data-process]").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"impact-process-{size}.png"), full_page=True)
