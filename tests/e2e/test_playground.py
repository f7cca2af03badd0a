"""The playground: a notebook of one's own, kept in the browser and shared as a link that carries
the code itself. Hostile links (robustness rows E1-E6) are refused or shown as text, and never
replace the learner's own work."""

from __future__ import annotations

import base64
import json
import re
import zlib

import pytest
from playwright.sync_api import expect

from ..helpers import answer_input, cell, code_view, install_guard, output, run, set_code, static_url, wait_until_ready

pytestmark = pytest.mark.e2e

PLAYGROUND = "playground.html"
NOTICE = "[data-link-notice]"


def fragment(data: dict | bytes) -> str:
    """A playground link's fragment, made here independently of the page's own code:
    JSON (or raw bytes), raw deflate, base64url."""
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(raw) + packer.flush()
    return "#code=" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def link_to(site, cells: list[str], **extra) -> str:
    return site.url(PLAYGROUND) + fragment(
        {"v": 1, "interpreter": "pyodide", "cells": [{"code": c} for c in cells], **extra}
    )


def editor_text(block) -> str:
    """A cell's code as the editor shows it, line by line (an empty line holds a <br>)."""
    expect(code_view(block)).to_be_visible()
    return "\n".join(line.rstrip("\n") for line in block.locator(".cm-line").all_inner_texts())


def opened(page) -> None:
    """Wait until the playground has shown its notebook (and any link), not for Python."""
    expect(page.locator("html")).to_have_attribute("data-playground", "ready", timeout=30_000)


def saved_notebook(page) -> dict:
    expect(page.locator("[data-notebook]")).not_to_have_attribute("data-saved", "pending")
    return page.evaluate(
        """async (progressModule) => {
            const { openProgress } = await import(progressModule);
            const record = (await openProgress()).get("_playground", "notebook");
            return record ? JSON.parse(record.code) : null;
        }""",
        static_url(page, "js/progress.js"),
    )


def own_work(page, site, code: str = "mine = 'my own work'\nprint(mine)") -> None:
    """Open the playground and leave code of one's own in it, saved."""
    page.goto(site.url(PLAYGROUND))
    wait_until_ready(page)
    set_code(page, cell(page, 0), code)
    expect(cell(page, 0)).to_have_attribute("data-saved", "saved")
    assert saved_notebook(page)["cells"] == [{"code": code}]


def test_playground_cells_add_reorder_delete_run_all_and_come_back(site, lesson_page, page):
    lesson_page(site.url(PLAYGROUND))
    set_code(page, cell(page, 0), "x = 2")
    page.get_by_role("button", name="Add a cell").click()
    set_code(page, cell(page, 1), "print('second', x)")
    page.get_by_role("button", name="Add a cell").click()
    set_code(page, cell(page, 2), "x = x * 10")
    cell(page, 2).get_by_role("button", name="Move cell 3 up").click()  # now before the print
    expect(page.locator("[data-notebook-status]")).to_have_text("Cell moved to position 2 of 3.")
    page.get_by_role("button", name="Run all").click()
    expect(output(cell(page, 2))).to_have_text("second 20\n", timeout=30_000)
    cell(page, 0).get_by_role("button", name="Delete cell 1").click()
    cell(page, 0).get_by_role("button", name="Really delete cell 1?").click()  # it had code: asked twice
    expect(page.locator("[data-block=run]")).to_have_count(2)
    assert saved_notebook(page)["cells"] == [{"code": "x = x * 10"}, {"code": "print('second', x)"}]

    page.reload()
    wait_until_ready(page)
    expect(page.locator("[data-block=run]")).to_have_count(2)
    assert editor_text(cell(page, 0)) == "x = x * 10"
    expect(cell(page, 1)).to_have_attribute("aria-label", "Code cell 2")


def test_playground_stop_restart_input_and_charts_work_as_in_lessons(site, lesson_page, page):
    lesson_page(site.url(PLAYGROUND))
    set_code(page, cell(page, 0), "while True:\n    pass")
    cell(page, 0).get_by_role("button", name="Run").click()
    expect(cell(page, 0)).to_have_attribute("data-state", "running")
    page.locator(".runtime-bar").get_by_role("button", name="Stop").click()
    expect(cell(page, 0)).to_have_attribute("data-state", "stopped", timeout=10_000)

    set_code(page, cell(page, 0), "import charts\nname = input('Name? ')\ndisplay(charts.bar([name], [3]))")
    cell(page, 0).get_by_role("button", name="Run").click()
    answer_input(cell(page, 0), "Ada")
    expect(cell(page, 0)).to_have_attribute("data-state", "done", timeout=30_000)
    expect(output(cell(page, 0)).locator("img")).to_be_visible()

    page.get_by_role("button", name="Restart Python").click()
    wait_until_ready(page)
    set_code(page, cell(page, 0), "print(name)")
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_contain_text("NameError")  # a fresh interpreter


def test_playground_runs_micropython_when_chosen(site, lesson_page, page):
    lesson_page(site.url(PLAYGROUND))
    set_code(page, cell(page, 0), "import sys\nprint(sys.implementation.name)")
    page.get_by_label("MicroPython").check()
    wait_until_ready(page)
    expect(page.locator("[data-runtime-status]")).to_have_text("MicroPython is ready.")
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_have_text("micropython\n")
    assert saved_notebook(page)["interpreter"] == "micropython"


def test_playground_link_round_trip_in_a_fresh_browser(site, lesson_page, page, browser):
    code = "def greet(who):\n    return f'Hello, {who}!'\n\nprint(greet('world'))"
    lesson_page(site.url(PLAYGROUND))
    set_code(page, cell(page, 0), code)
    page.get_by_role("button", name="Add a cell").click()
    set_code(page, cell(page, 1), "print(greet('link'))")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-share-status]")).to_contain_text("Link copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.locator("[data-share-url]").input_value()
    assert link.startswith(site.url(PLAYGROUND) + "#code=") and "greet" not in link  # compressed

    fresh = browser.new_context()
    other = fresh.new_page()
    guard = install_guard(other)
    other.goto(link)
    wait_until_ready(other)
    notice = other.locator(NOTICE)
    expect(notice).to_contain_text("Code from a link: read it before you run it")
    expect(notice).to_contain_text("2 cells")
    assert editor_text(cell(other, 0)) == code
    assert editor_text(cell(other, 1)) == "print(greet('link'))"
    for index in (0, 1):  # shown, never run by itself
        expect(cell(other, index)).to_have_attribute("data-state", "idle")
        expect(output(cell(other, index))).to_be_hidden()
    other.get_by_role("button", name="Run all").click()
    expect(output(cell(other, 1))).to_have_text("Hello, link!\n", timeout=30_000)
    assert "#" not in other.url  # a reload shows the saved notebook, not the link again
    fresh.close()
    assert not guard.problems(), guard.problems()


def test_playground_link_asks_before_it_replaces_own_work(site, page, guard):
    own_work(page, site)
    link = link_to(site, ["print('from the link')"])
    page.goto("about:blank")
    page.goto(link)
    opened(page)
    notice = page.locator(NOTICE)
    expect(notice).to_contain_text("Your playground already has code of your own")
    expect(notice.locator("[data-link-preview]")).to_have_text("print('from the link')")
    assert editor_text(cell(page, 0)) == "mine = 'my own work'\nprint(mine)"  # untouched while it asks

    page.get_by_role("button", name="Keep my cells only").click()
    expect(notice).to_be_hidden()
    assert saved_notebook(page)["cells"] == [{"code": "mine = 'my own work'\nprint(mine)"}]

    page.goto("about:blank")
    page.goto(link)
    page.get_by_role("button", name=re.compile("^Add the link.s cells after mine")).click()
    expect(page.locator("[data-block=run]")).to_have_count(2)
    assert [c["code"] for c in saved_notebook(page)["cells"]] == [
        "mine = 'my own work'\nprint(mine)",
        "print('from the link')",
    ]

    page.goto("about:blank")
    page.goto(link)
    page.get_by_role("button", name=re.compile("^Replace my cells with the link.s")).click()
    expect(page.locator("[data-block=run]")).to_have_count(1)
    assert saved_notebook(page)["cells"] == [{"code": "print('from the link')"}]


def test_playground_link_with_markup_shows_it_as_code_text(site, lesson_page, page):
    """E1: markup in a link is code text in the editor, never HTML on the page, and never run."""
    code = '</textarea><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    page.goto(link_to(site, [code]))
    opened(page)
    expect(page.locator(NOTICE)).to_contain_text("read it before you run it")
    assert editor_text(cell(page, 0)) == code
    assert page.locator("main img, main script:not([type])").count() == 0
    assert page.evaluate("window.pwned") is None
    expect(cell(page, 0)).to_have_attribute("data-state", "idle")


def test_playground_link_code_runs_only_on_run_after_a_backup_of_progress(site, lesson_page, page):
    """E2: code that wipes saved progress runs only when asked, and a copy was kept before it ran."""
    lesson_page(site.url("basics/fixture-cells.html"))
    set_code(page, cell(page, 0), "print('lesson work')")
    expect(cell(page, 0)).to_have_attribute("data-saved", "saved")
    wipe = "import js\njs.indexedDB.deleteDatabase('pyground:/:progress')\nprint('wiped')"
    page.goto(link_to(site, [wipe]))
    wait_until_ready(page)
    expect(page.locator("[data-backup]")).to_be_hidden()  # nothing ran yet
    assert page.evaluate("localStorage.getItem('pyground:/:backup-before-link-code')") is None
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_contain_text("wiped")
    backup = json.loads(page.evaluate("localStorage.getItem('pyground:/:backup-before-link-code')"))
    assert any(r.get("code") == "print('lesson work')" for r in backup["records"])

    page.reload()  # the database is gone now; the copy brings the work back
    wait_until_ready(page)
    page.locator("[data-backup] summary").click()
    page.get_by_role("button", name="Restore it").click()
    expect(page.locator("[data-backup-status]")).to_contain_text("Restored")
    lesson_page(site.url("basics/fixture-cells.html"))
    assert editor_text(cell(page, 0)) == "print('lesson work')"


HOSTILE = {
    "too long (E3)": ("#code=" + "A" * 100_000, "too long"),
    "decompression bomb (E3)": (fragment(b"[" + b" " * 20_000_000 + b"]"), "unpacks to more than"),
    "not base64 (E5)": ("#code=<img src=x onerror=alert(1)>!!", "not valid base64"),
    "not deflate (E5)": (
        "#code=" + base64.urlsafe_b64encode(b"plain bytes").decode().rstrip("="),
        "cannot be unpacked",
    ),
    "not UTF-8 (E5)": (fragment(b'{"v": 1, "cells": ["\xff\xfe"]}'), "not valid UTF-8"),
    "not JSON (E5)": (fragment(b"<script>alert(1)</script>"), "not valid JSON"),
    "carries checks (E6)": (
        fragment({"v": 1, "interpreter": "pyodide", "cells": [{"code": "x = 1"}], "check": "assert True"}),
        "carries more than code (check)",
    ),
    "cell carries a solution (E6)": (
        fragment({"v": 1, "interpreter": "pyodide", "cells": [{"code": "x = 1", "solution": "x = 2"}]}),
        "a cell holds something other than code",
    ),
    "lesson is a path (E4)": (
        fragment({"v": 1, "interpreter": "pyodide", "lesson": "../../x", "cells": [{"code": "x = 1"}]}),
        "not a lesson id",
    ),
    "too many cells": (
        fragment({"v": 1, "interpreter": "pyodide", "cells": [{"code": ""}] * 101}),
        "at most 100",
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_playground_hostile_link_is_refused_clearly_and_own_work_kept(site, page, guard, case):
    own_work(page, site)
    hash_part, message = HOSTILE[case]
    page.goto("about:blank")
    page.goto(site.url(PLAYGROUND) + hash_part)
    opened(page)
    notice = page.locator(NOTICE)
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_contain_text("This link could not be opened")
    expect(notice).to_contain_text(message)
    expect(notice).to_contain_text("Your own playground is unchanged")
    assert editor_text(cell(page, 0)) == "mine = 'my own work'\nprint(mine)"
    assert saved_notebook(page)["cells"] == [{"code": "mine = 'my own work'\nprint(mine)"}]
    assert page.locator("main img").count() == 0


def test_playground_link_naming_an_unknown_lesson_opens_without_it(site, lesson_page, page):
    """E4: a lesson the site does not have is ignored (with a word), never fetched or followed."""
    page.goto(link_to(site, ["print(1)"], lesson="no-such-lesson"))
    wait_until_ready(page)
    expect(page.locator(NOTICE)).to_contain_text("names a lesson this site does not have")
    expect(page.locator("[data-lesson-files]")).to_be_hidden()
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_have_text("1\n")


def test_lesson_open_in_playground_carries_the_cell_code(site, lesson_page, page):
    lesson_page(site.url("basics/fixture-cells.html"))
    set_code(page, cell(page, 0), "y = 'edited in the lesson'\nprint(y)")
    cell(page, 0).get_by_role("link", name=re.compile("Open in playground")).click()
    expect(page).to_have_url(site.url(PLAYGROUND))
    wait_until_ready(page)
    expect(page.locator(NOTICE)).to_contain_text("from the lesson “Cells”")
    expect(page.locator("[data-lesson-files]")).to_contain_text("Cells")
    assert editor_text(cell(page, 0)) == "y = 'edited in the lesson'\nprint(y)"
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_have_text("edited in the lesson\n")
