"""Accessibility and small screens: axe-core finds no serious problem, in light and dark
themes, and a 360 px wide phone never needs to scroll sideways."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PAGES = ["", "basics/index.html", "basics/fixture-cells.html", "iot/fixture-micro.html", "playground.html"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_accessibility_axe_finds_no_serious_problem(site, page, guard, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(site.url(path))
    if "html" in path and "index" not in path:
        expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
        page.locator("[data-block=run] [data-action=run]").first.click()  # output areas are checked too
        expect(page.locator("[data-block=run]").first).to_have_attribute("data-state", "done", timeout=30_000)
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("path", PAGES)
def test_accessibility_small_screen_has_no_sideways_scroll(site, browser, path):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(site.url(path))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for button in page.locator("main button:visible").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, button.text_content()
    context.close()
