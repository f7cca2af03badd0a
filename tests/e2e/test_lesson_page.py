"""A learner on a lesson page: cells edit, run and share a namespace, in a real Chromium
with the real Pyodide the build vendored, at / and under a sub-path."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pyground.builder import BuildConfig, load_and_validate
from pyground.runtime import load_pins
from pyground.verify import cell_cases

from ..helpers import FIXTURE_COURSE, cell, install_guard, run, set_code

pytestmark = pytest.mark.e2e

CELLS = "basics/fixture-cells.html"


def test_lesson_edited_cell_runs_and_shows_output(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    first = cell(page, 0)
    set_code(page, first, 'name = "Ada"\nprint(f"Hello, {name}!")')
    run(first)
    expect(first.locator("[data-output]")).to_have_text("Hello, Ada!\n")
    expect(first).to_have_attribute("data-state", "done")


def test_lesson_cells_share_one_namespace_in_order(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    run(cell(page, 0))
    run(cell(page, 1))
    expect(cell(page, 1).locator("[data-output]")).to_have_text("21\n")


def test_lesson_shift_enter_runs_the_cell(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    first = cell(page, 0)
    set_code(page, first, "print(6 * 7)")
    page.keyboard.press("Shift+Enter")
    expect(first.locator("[data-output]")).to_have_text("42\n", timeout=30_000)


def test_lesson_output_is_text_not_html(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    html_cell = page.locator("[data-cell=html-cell]")
    run(html_cell)
    expect(html_cell.locator("[data-output]")).to_have_text("<img src=x onerror=alert(1)>\n")
    assert html_cell.locator("[data-output] img").count() == 0


def test_lesson_editor_far_down_is_built_on_the_way_there_and_moves_nothing(site, page, lesson_page):
    page.set_viewport_size({"width": 1280, "height": 400})
    lesson_page(site.url(CELLS))
    page.add_style_tag(content=".lesson > * { content-visibility: visible !important }")  # real heights offscreen
    last = page.locator("[data-block]").last
    editor = last.locator("[data-editor]")
    expect(cell(page, 0).locator("[data-editor]")).to_have_attribute("data-editor", "codemirror")
    assert editor.get_attribute("data-editor") == "", "a view was built for a cell far off the screen"
    height = editor.bounding_box()["height"]

    last.scroll_into_view_if_needed()
    expect(editor).to_have_attribute("data-editor", "codemirror")
    assert abs(editor.bounding_box()["height"] - height) < 1, "the textarea and its view differ in height"
    run(last)  # the code a view was built from is the cell's
    expect(last).to_have_attribute("data-state", "done")


def test_lesson_error_shows_a_traceback_of_the_cell(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    failing = cell(page, 3)
    run(failing)
    expect(failing).to_have_attribute("data-state", "error")
    output = failing.locator("[data-output]")
    expect(output).to_contain_text('File "<cell 4>", line 1')
    expect(output).to_contain_text("1 / 0")  # the learner's own line, quoted
    expect(output).to_contain_text("ZeroDivisionError: division by zero")
    expect(output).not_to_contain_text("runner.py")


def test_lesson_cell_with_an_id_has_one_name_on_the_page_in_tracebacks_and_in_check(site, lesson_page):
    config = BuildConfig(lessons=FIXTURE_COURSE)
    course, _ = load_and_validate(config, load_pins(config.pyproject))
    lesson = next(lesson for lesson in course.lessons if lesson.id == "fixture-cells")
    [checked] = [case for case, c in zip(cell_cases(lesson), lesson.run_cells, strict=True) if c.id == "html-cell"]
    assert checked["filename"] == "<cell 3>"  # what `build.py check` runs it as, in CPython and in the browser
    page = lesson_page(site.url(CELLS))
    block = page.locator("[data-cell=html-cell]")
    expect(block).to_have_attribute("data-filename", checked["filename"])
    expect(block).to_have_attribute("aria-label", "Code cell 3")
    set_code(page, block, "1 / 0")
    run(block)
    expect(block.locator("[data-output]")).to_contain_text(f'File "{checked["filename"]}", line 1')


def test_lesson_vendored_wheel_imports(site, lesson_page):
    page = lesson_page(site.url("basics/fixture-packages.html"))
    table = cell(page, 0)
    run(table)
    expect(table).to_have_attribute("data-state", "done")
    expect(table.locator("[data-output]")).to_contain_text("name      n")


def test_lesson_micropython_cell_runs(site, lesson_page):
    page = lesson_page(site.url("iot/fixture-micro.html"))
    micro = cell(page, 0)
    run(micro)
    expect(micro.locator("[data-output]")).to_have_text("micropython\n")


def test_site_under_subpath_navigates_and_runs(subpath_site, page, lesson_page):
    page.goto(subpath_site.url())
    page.get_by_role("link", name="Cells").first.click()
    expect(page).to_have_url(subpath_site.url(CELLS))
    lesson_page(page.url)
    run(cell(page, 0))
    expect(cell(page, 0).locator("[data-output]")).to_have_text("x is 20\n")
    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(subpath_site.url("basics/fixture-packages.html"))


def test_home_lists_every_track_and_lesson(site, page, guard):
    page.goto(site.url())
    expect(page.get_by_role("heading", level=2)).to_have_text(["Basics", "IoT", "Your progress"])
    expect(page.locator("[data-lesson-link]")).to_have_count(3)
    page.get_by_role("link", name="IoT").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IoT")


def test_guard_catches_foreign_requests_and_console_errors(site, page):
    """The check every other browser test relies on must itself be able to fail."""
    guard = install_guard(page)
    page.goto(site.url())
    with page.expect_event("requestfailed"), page.expect_console_message(lambda message: message.text == "boom"):
        page.evaluate(
            """() => { const img = new Image(); img.src = "https://cdn.example.invalid/x.png"; console.error("boom"); }"""
        )
    problems = guard.problems()
    assert any("cdn.example.invalid" in p for p in problems) and any("boom" in p for p in problems)
