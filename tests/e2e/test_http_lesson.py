"""The HTTP lesson in Chromium with the real Pyodide: requests (urllib3 in the browser) makes real requests
to the site's practice API, under a sub-path, and a request to another site fails at once, explained."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from pyground.builder import BuildConfig, build
from pyground.serve import serving

from ..helpers import ROOT, Server, cell, output, run, run_code, solution, work_through

pytestmark = pytest.mark.e2e

LESSON = ROOT / "lessons" / "cloud" / "02-http-apis.md"
PAGE = "cloud/http-apis.html"


@pytest.fixture(scope="module")
def http_site(tmp_path_factory) -> Iterator[Server]:
    """The lesson and the practice API, built like the real course, served under /pyground/."""
    root = tmp_path_factory.mktemp("http")
    lessons = root / "lessons"
    (lessons / "cloud").mkdir(parents=True)
    (lessons / "course.yml").write_text("title: T\ntracks:\n  - id: cloud\n    title: Cloud\n")
    shutil.copyfile(LESSON, lessons / "cloud" / LESSON.name)
    shutil.copytree(ROOT / "lessons" / "api", lessons / "api")
    build(BuildConfig(lessons=lessons, out=root / "out"))
    with serving(root / "out", prefix="/pyground/", quiet=True) as base:
        yield Server(base)


def test_http_lesson_every_cell_and_exercise_works_under_a_sub_path(http_site, lesson_page):
    page = lesson_page(http_site.url(PAGE))
    work_through(page)
    first = output(cell(page, 0)).text_content()
    assert http_site.url("api/") in first and "\n200\n" in first and "application/json" in first
    expect(output(cell(page, 1))).to_contain_text("404 False")
    expect(output(cell(page, 2))).to_contain_text("JSONDecodeError")
    expect(output(cell(page, 4))).to_contain_text("next URL: " + http_site.url("api/servers/page-2.json"))
    retries = output(cell(page, 6)).text_content()
    assert "attempt 1 at 0.02 s: 500" in retries and "attempt 3 at 1.56 s: 200" in retries, retries
    expect(output(cell(page, 7))).to_contain_text("waited 2.02 simulated seconds")
    exercises = page.locator("[data-block=exercise]")
    assert exercises.count() == 3
    for index in range(3):
        expect(exercises.nth(index)).to_have_attribute("data-state", "passed")


def test_http_lesson_works_without_cross_origin_isolation(http_site, unisolated_page):
    """Without isolation urllib3 uses a synchronous XMLHttpRequest instead of its streaming fetch worker.
    The exercise comes first: its attempt runs in a fresh folder and must still find `cloud`."""
    page = unisolated_page(http_site.url(PAGE))
    block = page.locator("[data-exercise=http-apis-retries]")
    run_code(page, block, solution(block))
    expect(block).to_have_attribute("data-state", "passed")
    block = page.locator("[data-exercise=http-apis-fetch-all]")
    run_code(page, block, solution(block))
    expect(block).to_have_attribute("data-state", "passed")
    run(cell(page, 0))
    expect(cell(page, 0)).to_have_attribute("data-state", "done")
    expect(output(cell(page, 0))).to_contain_text("200")


OTHER_SITE = 'import requests\nrequests.get("https://example.com/data.json", timeout=30)'


def blocked_quickly(page) -> None:
    """A request to another site raises ConnectionError at once, with the explanation under it."""
    block = cell(page, 0)
    run(block)  # requests is imported once, so the timing below is the request alone
    for _ in range(2):  # the first request, and one after urllib3's streaming worker (isolated pages) is up
        started = time.monotonic()
        run_code(page, block, OTHER_SITE)
        elapsed = time.monotonic() - started
        expect(block).to_have_attribute("data-state", "error")
        text = output(block).text_content()
        assert "requests.exceptions.ConnectionError" in text, text
        assert "https://example.com never left the browser" in text, text
        assert "cloud.API" in text
        assert elapsed < 5, f"the blocked request took {elapsed:.1f} s"


def test_http_request_to_another_site_fails_fast_with_a_clear_message(http_site, lesson_page):
    page = lesson_page(http_site.url(PAGE))
    assert page.evaluate("crossOriginIsolated") is True
    blocked_quickly(page)


def test_http_request_to_another_site_fails_fast_without_isolation(http_site, unisolated_page):
    blocked_quickly(unisolated_page(http_site.url(PAGE)))
