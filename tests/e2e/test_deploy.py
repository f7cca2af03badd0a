"""A redeploy while a learner has the site open (D3, D4): pages never run one build's files
with another's, and an open tab offers a reload that keeps the learner's work.

The site is served as GitHub Pages serves it (`Cache-Control: max-age=600`, so the browser
reuses what it fetched without asking), from a folder that is swapped for a newer build
mid-session. The newer build renames an export of progress.js (and its imports): a page
that loaded one of them from the older build breaks with "does not provide an export".
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pyground.builder import ROOT, BuildConfig, build
from pyground.serve import serving

from ..helpers import FIXTURE_COURSE, cell, code_view, install_guard, run_code, set_code, wait_until_ready

pytestmark = pytest.mark.e2e

FIRST, NEXT = "basics/fixture-cells.html", "basics/fixture-packages.html"


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    """The fixture course built twice: as it is, and with `openProgress` renamed everywhere."""
    root = tmp_path_factory.mktemp("deploys")
    theme = root / "theme"
    shutil.copytree(ROOT / "site", theme)
    for script in (theme / "static" / "js").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        script.write_text(re.sub(r"\bopenProgress\b", "openSavedProgress", text), encoding="utf-8")
    old, new = root / "old", root / "new"
    build(BuildConfig(lessons=FIXTURE_COURSE, out=old))
    build(BuildConfig(lessons=FIXTURE_COURSE, theme=theme, out=new))
    # Deployed later: a browser revalidating an old page by its date must not get "304 Not Modified"
    # because both builds were written in the same second.
    later = time.time() + 60
    for path in new.rglob("*"):
        os.utime(path, (later, later))
    return old, new


@dataclass
class Deploy:
    """The site's folder on the host: the older build until `swap()` puts the newer one in its place."""

    base: str
    served: Path
    new: Path

    def url(self, page: str) -> str:
        return self.base + page

    def swap(self) -> None:
        self.served.unlink()
        self.served.symlink_to(self.new, target_is_directory=True)


@pytest.fixture
def deploy(builds, tmp_path) -> Iterator[Deploy]:
    old, new = builds
    served = tmp_path / "served"
    served.symlink_to(old, target_is_directory=True)
    with serving(served, quiet=True, cache_control="max-age=600") as base:
        yield Deploy(base, served, new)


@pytest.fixture
def cached_page(browser) -> Iterator:
    """A page whose browser caches work as on a real visit (no request routing), console errors failing the test."""
    context = browser.new_context()
    page = context.new_page()
    guard = install_guard(page, block_foreign=False)
    yield page
    context.close()
    assert not guard.problems(), "\n".join(guard.problems())


def build_of(folder: Path) -> str:
    return json.loads((folder / "version.json").read_text())["build"]


def test_deploy_next_lesson_after_a_redeploy_runs_one_version(deploy, cached_page):
    page = cached_page
    page.goto(deploy.url(FIRST))
    wait_until_ready(page)
    deploy.swap()
    page.locator("a[rel=next]").click()
    expect(page.locator("h1")).to_have_text("Packages")
    wait_until_ready(page)  # and the guard fails the test on "does not provide an export named ..."
    run_code(page, cell(page, 0), "print('new build')")
    expect(cell(page, 0).locator("[data-output]")).to_contain_text("new build")
    expect(page.locator('meta[name="build-id"]')).to_have_attribute("content", build_of(deploy.new))


def test_deploy_open_tab_offers_a_reload_that_keeps_work(deploy, cached_page):
    page = cached_page
    page.goto(deploy.url(FIRST))
    wait_until_ready(page)  # under the older build's service worker
    deploy.swap()
    notice = page.locator("[data-update-notice]").get_by_text("This course has been updated")
    expect(notice).to_be_hidden()
    # Another tab opens a page of the new build; the learner comes back to the first tab. (Headless
    # Chromium keeps every tab visible, so coming back is the event the browser would send.)
    page.context.new_page().goto(deploy.url("index.html"))
    page.bring_to_front()
    expect(notice).to_be_hidden()
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(notice).to_be_visible(timeout=20_000)
    set_code(page, cell(page, 0), "print('typed just before the reload')")  # saved after a pause: still pending
    page.get_by_role("button", name="Reload with the new version").click()
    expect(page.locator('meta[name="build-id"]')).to_have_attribute("content", build_of(deploy.new))
    expect(code_view(cell(page, 0))).to_have_text("print('typed just before the reload')", timeout=30_000)
