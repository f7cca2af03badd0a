"""The page is the trust boundary: code run in a cell or an exercise cannot reach the page's window
or document (to read saved progress, fake a pass or change the page), isolated or not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..helpers import cell, output, run_code

pytestmark = pytest.mark.e2e

CELLS = "basics/fixture-cells.html"
WAYS = [
    "from pyscript import window",
    "from pyscript import document",
    "import pyscript.ffi",
    "import polyscript",
    "import importlib; importlib.import_module('pyscript')",
    "import importlib; importlib.import_module('polyscript')",
    "import js; js.document",
    "import js; js.window",
    "import sys; sys.modules['pyscript']",
    "import sys; sys.modules['polyscript']",
    "import sys; sys.modules['__main__'].sync",
    "import __main__; __main__.xworker",
    "import pyodide_js; pyodide_js.globals.get('xworker')",
]
PROBE = "for way in {ways!r}:\n    try:\n        exec(way, {{'__name__': '__main__'}})\n        print('REACHED', way)\n    except Exception as error:\n        print('blocked', type(error).__name__)\n"
FAKE_PASS = (
    "from pyscript import window\n"
    "window.document.querySelector('[data-exercise-state]').textContent = 'passed'\n"
    "window.localStorage.setItem('forged', '1')\n"
    "def double(n):\n    return 0"
)


def probe_every_way(page) -> None:
    block = cell(page, 0)
    run_code(page, block, PROBE.format(ways=WAYS))
    expect(output(block)).to_contain_text("blocked", timeout=30_000)
    text = output(block).text_content()
    assert "REACHED" not in text, text
    assert text.count("blocked") == len(WAYS), text


def forge_in_an_exercise(page) -> None:
    block = page.locator("[data-exercise=fixture-double]")
    run_code(page, block, FAKE_PASS)
    expect(block).to_have_attribute("data-state", "failed")
    expect(block.locator("[data-feedback]")).to_contain_text("ImportError")
    expect(block.locator("[data-exercise-state]")).not_to_have_text("passed")
    assert page.evaluate("localStorage.getItem('forged')") is None


def test_trust_boundary_isolated_page_is_out_of_reach(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    assert page.evaluate("crossOriginIsolated") is True
    probe_every_way(page)
    forge_in_an_exercise(page)
    run_code(page, cell(page, 1), "print('still works')")  # the runner's own channels are intact
    expect(output(cell(page, 1))).to_have_text("still works\n")


def test_trust_boundary_unisolated_page_is_out_of_reach(site, unisolated_page):
    page = unisolated_page(site.url(CELLS))
    probe_every_way(page)
    forge_in_an_exercise(page)


MICRO_WAYS = [
    "from pyscript import window",
    "from pyscript import document",
    "import polyscript",
    "import js; js.document",
    "import js; js.window",
    "import sys; sys.modules['pyscript']",
    "import sys; sys.modules['polyscript']",
]


@pytest.mark.parametrize("isolated", [True, False])
def test_trust_boundary_micropython_page_is_out_of_reach(site, lesson_page, unisolated_page, isolated):
    page = (lesson_page if isolated else unisolated_page)(site.url("iot/fixture-micro.html"))
    block = cell(page, 0)
    run_code(page, block, PROBE.format(ways=MICRO_WAYS))
    expect(output(block)).to_contain_text("blocked", timeout=30_000)
    text = output(block).text_content()
    assert "REACHED" not in text and text.count("blocked") == len(MICRO_WAYS), text
    run_code(page, block, "print(6 * 7)")
    expect(output(block)).to_have_text("42\n")
