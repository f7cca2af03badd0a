"""Exercises: feedback, hints, solutions, a time limit, and a verdict learner code cannot forge."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..helpers import ATTEMPTS, output, run, run_code, set_code

pytestmark = pytest.mark.e2e

CELLS = "basics/fixture-cells.html"


def exercise(page):
    return page.locator("[data-exercise=fixture-double]")


def feedback(block):
    return block.locator("[data-feedback]")


def test_exercise_wrong_then_hint_then_right(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    block = exercise(page)
    expect(block.locator("[data-exercise-state]")).to_have_text("not tried")
    run_code(page, block, "def double(n):\n    return n * 3")
    expect(block).to_have_attribute("data-state", "failed")
    expect(feedback(block)).to_have_text("double(2) should be 4")
    expect(block.locator("[data-exercise-state]")).to_have_text("not passed yet · 1 attempt")

    block.get_by_role("button", name="Hint (1 of 2)").click()
    expect(block.locator("[data-hint='1']")).to_be_visible()
    expect(block.locator("[data-hint='2']")).to_be_hidden()

    run_code(page, block, "def double(n):\n    return n * 2")
    expect(block).to_have_attribute("data-state", "passed")
    expect(feedback(block)).to_have_text("All checks passed.")
    expect(block.locator("[data-exercise-state]")).to_have_text("passed · 2 attempts")


def test_exercise_error_shows_the_readable_traceback(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    block = exercise(page)
    run_code(page, block, "def double(n):\n    return m * 2")
    expect(feedback(block)).to_have_text("Calling your code from the checks raised NameError: name 'm' is not defined")
    run_code(page, block, "1 / 0")
    expect(feedback(block)).to_contain_text("Your code raised ZeroDivisionError")
    expect(output(block)).to_contain_text('File "<exercise>", line 1')


def test_exercise_solution_needs_a_confirmation(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    block = exercise(page)
    block.get_by_role("button", name="Show solution").click()
    expect(block.locator("[data-solution]")).to_be_hidden()
    block.get_by_role("button", name="Really show the solution?").click()
    expect(block.locator("[data-solution]")).to_contain_text("return n * 2")


def test_exercise_check_has_a_time_limit(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    block = exercise(page)
    set_code(page, block, "def double(n):\n    while True:\n        pass")
    run(block, timeout=30_000)
    expect(block).to_have_attribute("data-state", "failed")
    expect(feedback(block)).to_contain_text("more than 10 seconds")


FORGERIES = {name: attempt.code for name, attempt in ATTEMPTS.items() if attempt.forgery}


@pytest.mark.parametrize("code", FORGERIES.values(), ids=FORGERIES.keys())
def test_exercise_verdict_cannot_be_forged(site, lesson_page, code):
    page = lesson_page(site.url(CELLS))
    block = exercise(page)
    run_code(page, block, code)
    expect(block).to_have_attribute("data-state", "failed")
    expect(feedback(block)).not_to_have_text("All checks passed.")
    # ...and nothing leaks into the next attempt: a right answer still passes.
    run_code(page, block, "def double(n):\n    return n * 2")
    expect(block).to_have_attribute("data-state", "passed")


def test_exercise_each_attempt_starts_with_no_files(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    notebook = page.locator("[data-block=run]").first
    run_code(page, notebook, "import os\nprint(os.getcwd())")
    folder = output(notebook).text_content()
    block = exercise(page)
    code = "import os\nprint('found' if os.path.exists('notes.txt') else 'clean')\nopen('notes.txt', 'w').write('x')"
    for _ in range(2):
        run_code(page, block, code)
        expect(output(block)).to_have_text("clean\n")
    run_code(page, notebook, "import os\nprint(os.getcwd())")
    expect(output(notebook)).to_have_text(folder)  # the notebook's own folder is back


def test_exercise_micropython_gets_the_same_feedback(site, lesson_page):
    page = lesson_page(site.url("iot/fixture-micro.html"))
    block = page.locator("[data-exercise=fixture-micro-double]")
    run_code(page, block, "def twice(n):\n    return n * 2")
    expect(feedback(block)).to_have_text("Your code does not define `double`; the checks need it.")
    run_code(page, block, "x = 1\ny = x / 0")
    expect(feedback(block)).to_have_text(
        "Your code raised ZeroDivisionError; read the error below, fix it and check again."
    )
    # Only the learner's own lines, quoted, as Pyodide shows them.
    expect(output(block)).to_have_text(
        'Traceback (most recent call last):\n  File "<exercise>", line 2, in <module>\n    y = x / 0\n'
        "ZeroDivisionError: divide by zero\n"
    )
    run_code(page, block, "import sys\nsys.exit(2)")
    expect(feedback(block)).to_have_text("Your code called exit(2) before the checks could run.")
    run_code(page, block, "def double(n):\n    return n * 2")
    expect(block).to_have_attribute("data-state", "passed")
