"""Lesson to lesson without a page load (navigation.js): the page swaps the next lesson in and its
Python worker goes on to it, in a fresh interpreter state; Back, Forward, #anchors, saved work and
the other interpreter work as with page loads, and anything unexpected becomes a page load."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..helpers import (
    cell,
    code_view,
    follow,
    lesson_shown,
    output,
    run,
    run_code,
    set_code,
    stored_record,
    wait_until_ready,
)

pytestmark = pytest.mark.e2e

CELLS = "basics/fixture-cells.html"
PACKAGES = "basics/fixture-packages.html"
MICRO = "iot/fixture-micro.html"

# Lesson A changes everything a program can reach; lesson B, in the same worker, must see none of it.
CHANGE_EVERYTHING = """\
import builtins, math, sys
import charts
secret = 42
with open("notes.txt", "w") as file:
    file.write("lesson A")
with open("mine.py", "w") as file:
    file.write("VALUE = 'A'")
import mine
sys.setrecursionlimit(50)
math.pi = 3
charts.bar = None
builtins.len = lambda obj: -1
print("changed")
"""
LOOK_FOR_IT = """\
import math, os, sys
import charts
print("secret" in globals(), os.path.exists("notes.txt"), os.path.exists("mine.py"), "mine" in sys.modules)
print(sys.getrecursionlimit(), len("ab"), math.pi, charts.bar is None)
"""


def started_workers(page) -> list:
    """Every interpreter's worker the page starts from now on, across page loads (a page load starts a new
    one; so does `lesson_page`, which loads the page twice: count after it). Not the worker that downloads
    the runtime's files, which ends once they are here."""
    workers = []
    page.on("worker", lambda worker: "download-worker" not in worker.url and workers.append(worker))
    return workers


def test_navigation_next_keeps_python_and_leaves_no_state_behind(site, page, lesson_page):
    lesson_page(site.url(CELLS))
    workers = started_workers(page)
    run_code(page, cell(page, 0), CHANGE_EVERYTHING)
    expect(output(cell(page, 0))).to_have_text("changed\n")

    follow(page, page.locator("a[rel=next]"), site.url(PACKAGES), "Packages")
    expect(page).to_have_title("Packages · Fixture course")
    expect(page.get_by_role("heading", level=1, name="Packages")).to_be_focused()
    run(cell(page, 0))  # the new lesson's own package, loaded into the same worker
    expect(output(cell(page, 0))).to_contain_text("name      n")
    run_code(page, cell(page, 0), LOOK_FOR_IT)
    expect(output(cell(page, 0))).to_have_text("False False False False\n400 2 3.141592653589793 False\n")
    assert not workers, "the next lesson started a new interpreter"


def test_navigation_back_forward_and_anchors_keep_position_and_saved_work(site, page, lesson_page):
    lesson_page(site.url(CELLS))
    workers = started_workers(page)
    set_code(page, cell(page, 0), 'print("my own code")')
    next_link = page.locator("a[rel=next]")
    next_link.scroll_into_view_if_needed()
    assert page.evaluate("scrollY") > 0
    place = next_link.bounding_box()["y"]

    next_link.click()  # at once, before the edit's own save is due: leaving saves it
    expect(page.get_by_role("heading", level=1)).to_have_text("Packages")
    assert (stored_record(page, "fixture-cells", "cell-1") or {}).get("code") == 'print("my own code")'
    lesson_shown(page, site.url(PACKAGES), "Packages")

    page.go_back()
    lesson_shown(page, site.url(CELLS), "Cells")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    assert abs(next_link.bounding_box()["y"] - place) < 2
    expect(page.locator("[data-page-progress]")).to_have_text("0 of 1 exercises done")
    expect(code_view(cell(page, 0))).to_have_text('print("my own code")')

    page.go_forward()
    lesson_shown(page, site.url(PACKAGES), "Packages")
    link = page.get_by_role("link", name="the exercise in Cells")
    follow(page, link, site.url(CELLS + "#an-exercise"), "Cells")
    anchor = page.locator("#an-exercise")
    expect(anchor).to_be_focused()
    expect(anchor).to_be_in_viewport()
    assert not workers


def test_navigation_back_on_a_phone_returns_to_the_same_place_though_editors_wrap_lines(site, page, lesson_page):
    # Scrolled through on a phone, every editor above is a CodeMirror view that wraps long lines; after
    # Back they are textareas again (views are built near the screen): the place is kept by element.
    page.set_viewport_size({"width": 360, "height": 640})
    lesson_page(site.url(CELLS))
    long_lines = "\n".join(f"print('a line long enough to wrap on a phone screen, number {n}')" for n in range(4))
    set_code(page, cell(page, 0), long_lines)
    blocks = page.locator("[data-block]")
    for index in range(blocks.count()):
        blocks.nth(index).scroll_into_view_if_needed()
        expect(blocks.nth(index).locator("[data-editor]")).to_have_attribute("data-editor", "codemirror")
    heading = page.locator("#an-exercise")
    heading.evaluate("heading => heading.scrollIntoView()")  # below the cells, above the page's end
    place = heading.bounding_box()["y"]

    page.locator("a[rel=next]").evaluate("link => link.click()")  # a click that does not scroll to it first
    lesson_shown(page, site.url(PACKAGES), "Packages")
    page.go_back()
    lesson_shown(page, site.url(CELLS), "Cells")
    assert abs(heading.bounding_box()["y"] - place) < 2


def test_navigation_to_the_other_interpreter_and_back_starts_each(site, page, lesson_page):
    lesson_page(site.url(MICRO))  # opened directly, it works on its own
    workers = started_workers(page)
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_have_text("micropython\n")

    follow(page, page.locator("a[rel=prev]"), site.url(PACKAGES), "Packages")
    expect(page.locator("[data-runtime-status]")).to_have_text("Python is ready.")
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_contain_text("name      n")

    page.go_back()
    lesson_shown(page, site.url(MICRO), "MicroPython")
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_have_text("micropython\n")
    assert len(workers) == 2  # Pyodide, then MicroPython again


def test_navigation_from_a_first_visit_swaps_lessons_and_loads_another_interpreter_isolated(site, page, guard):
    # The first page of a visit is not isolated (no reload for it). The next Pyodide lesson is still
    # swapped in; a lesson that starts an interpreter of its own anyway is loaded as a page instead,
    # which the now active service worker makes isolated.
    page.goto(site.url(CELLS))
    wait_until_ready(page)
    assert page.evaluate("crossOriginIsolated") is False
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    workers = started_workers(page)
    loads = []
    page.on("load", lambda: loads.append(page.url))
    follow(page, page.locator("a[rel=next]"), site.url(PACKAGES), "Packages")
    assert not workers and not loads, "the next Pyodide lesson was not swapped in"
    assert page.evaluate("crossOriginIsolated") is False
    page.locator("a[rel=next]").click()
    lesson_shown(page, site.url(MICRO), "MicroPython")
    wait_until_ready(page)
    assert loads == [site.url(MICRO)]
    assert page.evaluate("crossOriginIsolated") is True


def test_navigation_to_a_page_of_another_build_loads_it(site, page, lesson_page):
    """After a redeploy the next page may belong to a newer build: it is loaded, never swapped in."""

    def newer_build(route):
        response = route.fetch()
        html = re.sub(r'name="build-id" content="[^"]*"', 'name="build-id" content="newer"', response.text())
        route.fulfill(response=response, body=html)

    page.context.route(site.url(PACKAGES), newer_build)  # the context's routes also see the service worker's
    lesson_page(site.url(MICRO))
    page.evaluate("window.pageKept = true")
    page.locator("a[rel=prev]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Packages")
    expect(page).to_have_url(site.url(PACKAGES))
    assert page.evaluate("window.pageKept") is None
