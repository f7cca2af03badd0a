"""`build.py serve` reloads an open page when a rebuild finishes (live reload while writing a lesson)."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from pyground.serve import LiveReload, make_server

pytestmark = pytest.mark.e2e


def test_live_reload_reloads_the_open_page_after_a_rebuild(fixture_site, page, guard):
    live = LiveReload()
    server = make_server(fixture_site, port=0, quiet=True, live=live)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        page.goto(f"http://{host}:{port}/teachers.html")
        expect(page.locator("html")).to_have_attribute("data-live-reload", "on")  # it has read the first stamp
        page.evaluate("window.notReloaded = true")
        with page.expect_navigation(timeout=10_000):
            live.bump()
        assert page.evaluate("window.notReloaded") is None
    finally:
        server.shutdown()
        server.server_close()
