"""The real course, worked through in Chromium with the real Pyodide as learners meet it:
one lesson of each track, every cell run and every exercise passed with its solution."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..helpers import cell, output, run, run_answering, run_code, solution, work_through

pytestmark = pytest.mark.e2e


def test_course_data_file_lesson_runs_and_shows_a_chart(course_site, lesson_page):
    page = lesson_page(course_site.url("ai/describing-data.html"))
    work_through(page)
    expect(page.locator("[data-output] img").first).to_be_visible()
    exercises = page.locator("[data-block=exercise]").count()
    assert exercises >= 3
    expect(page.locator("[data-page-progress]")).to_have_text(f"{exercises} of {exercises} exercises done")


def test_course_first_lesson_as_a_new_learner(course_site, lesson_page):
    """Issue 12: run the cells (answering input()), fail an exercise, read the hint, pass it."""
    page = lesson_page(course_site.url("basics/welcome.html"))
    assert page.title().startswith("How this page works")
    for index in range(page.locator("[data-block=run]").count()):
        block = cell(page, index)
        run_answering(page, block, ["Ada", "pizza"])
        expected = "error" if block.get_attribute("data-expect-error") is not None else "done"
        assert block.get_attribute("data-state") == expected, (index, output(block).text_content())
    asked = page.locator("[data-block=run]").filter(has_text="input(")
    expect(output(asked.first)).to_contain_text("Ada")

    first = page.locator("[data-block=exercise]").first
    run(first)  # the starter code as it is: not done yet
    expect(first).to_have_attribute("data-state", "failed")
    expect(first.locator("[data-feedback]")).not_to_be_empty()
    first.get_by_role("button", name=re.compile("^Hint")).click()
    expect(first.locator("[data-hint='1']")).to_be_visible()
    run_code(page, first, solution(first))
    expect(first).to_have_attribute("data-state", "passed")
    expect(first.locator("[data-feedback]")).to_have_text("All checks passed.")


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "unisolated"])
def test_course_async_lesson_works_with_and_without_isolation(course_site, lesson_page, unisolated_page, isolated):
    # Without isolation the page's runs can suspend on promises (JSPI): the lesson's run() helper, which
    # waits for its timers with time.sleep, and a plain asyncio.run both work, as the lesson says.
    page = (lesson_page if isolated else unisolated_page)(course_site.url("cloud/async-and-await.html"))
    work_through(page)
    code = (
        "import asyncio\nasync def main():\n    await asyncio.sleep(0.05)\n    return 'ran'\nprint(asyncio.run(main()))"
    )
    run_code(page, cell(page, 0), code)
    expect(output(cell(page, 0))).to_have_text("ran\n")
