"""Learner code never freezes or breaks the page: Stop in both modes, input(), streaming,
caps, crashes. Real Chromium, real Pyodide; "isolated" pages get cross-origin isolation
from the site's own service worker, as on GitHub Pages; "unisolated" ones have none."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from ..helpers import answer_input, cell, code_view, output, run, run_code, set_code, start, wait_until_ready

pytestmark = pytest.mark.e2e

CELLS = "basics/fixture-cells.html"


def stop(block) -> float:
    """Press Stop; return the seconds until the cell is no longer running."""
    started = time.perf_counter()
    block.get_by_role("button", name="Stop").click()
    expect(block).not_to_have_attribute("data-state", "running", timeout=10_000)
    return time.perf_counter() - started


def test_runtime_page_is_isolated_by_the_service_worker_once_installed(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    assert page.evaluate("crossOriginIsolated") is True
    expect(page.locator("[data-runtime-status]")).to_have_text("Python is ready.")


def test_runtime_page_stays_responsive_while_code_loops(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    looping = cell(page, 0)
    set_code(page, looping, "while True:\n    pass")
    start(looping)
    delay_ms = page.evaluate(
        """async () => {
            const button = document.querySelector("[data-theme-toggle]");
            const before = button.getAttribute("aria-pressed");
            const started = performance.now();
            button.click();
            await new Promise(requestAnimationFrame);
            return button.getAttribute("aria-pressed") !== before ? performance.now() - started : Infinity;
        }"""
    )
    assert delay_ms < 200
    other = cell(page, 1)
    set_code(page, other, "print('typed while looping')")
    expect(code_view(other)).to_have_text("print('typed while looping')")
    page.mouse.wheel(0, 600)
    page.wait_for_function("scrollY > 0")
    expect(looping).to_have_attribute("data-state", "running")
    stop(looping)


def test_runtime_stop_interrupts_within_a_second_and_keeps_variables(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    run_code(page, cell(page, 0), "x = 41")
    looping = cell(page, 1)
    set_code(page, looping, "while True:\n    x = x")
    start(looping)
    assert stop(looping) < 1.0
    expect(output(looping)).to_contain_text("KeyboardInterrupt")
    run_code(page, looping, "print(x + 1)")
    expect(output(looping)).to_have_text("42\n")
    expect(page.locator("[data-runtime-status]")).to_contain_text("Python is ready.")


def test_runtime_stop_without_isolation_restarts_and_keeps_code(site, unisolated_page):
    page = unisolated_page(site.url(CELLS))
    run_code(page, cell(page, 0), "x = 41")
    looping = cell(page, 1)
    set_code(page, looping, "while True:\n    pass")
    start(looping)
    stop(looping)
    expect(output(looping)).to_contain_text("variables from earlier cells are gone")
    expect(code_view(looping)).to_contain_text("while True:")
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(page.locator("[data-runtime-status]")).to_contain_text("Stopped.")
    run_code(page, cell(page, 0), "print('fresh', 'x' in globals())")
    expect(output(cell(page, 0))).to_have_text("fresh False\n")


@pytest.mark.parametrize(
    ("code", "waits"),
    [("import time\nprint('sleeping')\ntime.sleep(60)", "sleeping"), ("input('Name? ')", "Name? ")],
    ids=["sleep", "input"],
)
@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "unisolated"])
def test_runtime_stop_ends_a_wait_and_keeps_variables(site, lesson_page, unisolated_page, isolated, code, waits):
    # Without isolation the worker suspends Python on a promise in input() and time.sleep(): Stop ends
    # the wait as the interrupt does on an isolated page, without restarting Python.
    page = (lesson_page if isolated else unisolated_page)(site.url(CELLS))
    run_code(page, cell(page, 1), "kept = 41")
    waiting = cell(page, 0)
    set_code(page, waiting, code)
    start(waiting)
    expect(output(waiting)).to_contain_text(waits)  # sent as the program starts to wait
    assert stop(waiting) < 1.0
    expect(waiting).to_have_attribute("data-state", "stopped")
    expect(output(waiting)).to_contain_text("KeyboardInterrupt")
    run_code(page, cell(page, 1), "print(kept + 1)")
    expect(output(cell(page, 1))).to_have_text("42\n")


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "unisolated"])
def test_runtime_input_reads_a_line_in_the_output(site, lesson_page, unisolated_page, isolated):
    page = (lesson_page if isolated else unisolated_page)(site.url(CELLS))
    asking = cell(page, 0)
    set_code(page, asking, 'name = input("Name? ")\nage = input("Age? ")\nprint("Hello,", name, age)')
    start(asking)
    for prompt, answer in [("Name?", "Ada"), ("Age?", "36")]:
        field = asking.get_by_role("textbox", name=f"Input for the program: {prompt}")
        expect(field).to_be_focused()
        field.fill(answer)
        field.press("Enter")
    expect(output(asking)).to_have_text("Name? Ada\nAge? 36\nHello, Ada 36\n")
    expect(asking).to_have_attribute("data-state", "done")


def test_runtime_micropython_input_without_isolation_explains_itself(site, unisolated_page):
    # MicroPython cannot suspend on a promise: its input() needs isolation. Reloading cannot help where
    # service workers are blocked: say what can.
    page = unisolated_page(site.url("iot/fixture-micro.html"))
    asking = cell(page, 0)
    run_code(page, asking, "input('Name? ')")
    expect(output(asking)).to_contain_text("the window blocks the site's service worker")
    expect(output(asking)).to_contain_text("Give your program its data in the code instead")
    expect(output(asking)).not_to_contain_text("Reload")
    expect(page.locator("[data-runtime-status]")).to_contain_text("blocks the site's service worker")
    assert page.get_by_role("textbox", name=re.compile("Input for the program")).count() == 0


def test_runtime_first_visit_runs_at_once_and_a_reload_isolates(site, page, guard):
    # The first page a browser opens of the site is not reloaded to come under the service worker:
    # it runs without isolation (input() waits all the same); a later load of the site is isolated.
    loads = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(site.url(CELLS))
    wait_until_ready(page)
    assert page.evaluate("crossOriginIsolated") is False
    expect(page.locator("[data-runtime-status]")).to_contain_text("reload the page and Stop will keep your variables")
    asking = cell(page, 0)
    set_code(page, asking, 'print("Hi,", input("Name? "))')
    start(asking)
    answer_input(asking, "Ada")
    expect(output(asking)).to_have_text("Name? Ada\nHi, Ada\n")
    assert len(loads) == 1
    page.reload()
    wait_until_ready(page)
    assert page.evaluate("crossOriginIsolated") is True
    expect(page.locator("[data-runtime-status]")).to_have_text("Python is ready.")


def test_runtime_output_streams_while_the_program_runs(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    slow = cell(page, 0)
    set_code(page, slow, "import time\nfor i in range(5):\n    print('line', i)\n    time.sleep(0.4)")
    start(slow)
    expect(output(slow)).to_contain_text("line 0")
    expect(slow).to_have_attribute("data-state", "running")  # still running: the line came as it was printed
    expect(slow).to_have_attribute("data-state", "done", timeout=10_000)
    expect(output(slow)).to_have_text("".join(f"line {i}\n" for i in range(5)))


def test_runtime_stderr_is_marked_apart_from_stdout(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    both = cell(page, 0)
    run_code(page, both, "import sys\nprint('to out')\nprint('to err', file=sys.stderr)")
    expect(output(both).locator(".stdout")).to_have_text("to out\n")
    expect(output(both).locator(".stderr")).to_have_text("to err\n")


def test_runtime_endless_printing_is_capped_and_still_stops(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    flood = cell(page, 0)
    set_code(page, flood, "while True:\n    print(1)")
    start(flood)
    expect(output(flood)).to_contain_text("Output truncated", timeout=20_000)
    assert stop(flood) < 2.0
    assert output(flood).text_content().count("\n") < 5100


def test_runtime_recursion_is_an_error_not_a_crash(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    deep = cell(page, 0)
    run_code(page, deep, "def f():\n    f()\nf()")
    expect(deep).to_have_attribute("data-state", "error")
    expect(output(deep)).to_contain_text("RecursionError")
    run_code(page, deep, "print('still alive')")
    expect(output(deep)).to_have_text("still alive\n")


def test_runtime_recovers_by_itself_when_the_interpreter_dies(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    fatal = cell(page, 0)
    run_code(page, fatal, "import os\nos._exit(0)")
    expect(output(fatal)).to_contain_text("Python crashed")
    expect(code_view(fatal)).to_contain_text("os._exit(0)")
    run_code(page, cell(page, 1), "print('works again')")
    expect(output(cell(page, 1))).to_have_text("works again\n")


def test_runtime_exit_reports_the_status(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    exiting = cell(page, 0)
    run_code(page, exiting, "import sys\nprint('bye')\nsys.exit(3)")
    expect(output(exiting)).to_have_text("bye\nProgram exited (3).\n")


def test_runtime_micropython_stop_restarts_and_runs_again(site, lesson_page):
    page = lesson_page(site.url("iot/fixture-micro.html"))
    micro = cell(page, 0)
    set_code(page, micro, "while True:\n    pass")
    start(micro)
    stop(micro)
    expect(output(micro)).to_contain_text("Python was restarted")
    run_code(page, micro, "print(1 + 1)\nundefined_name")
    expect(output(micro)).to_contain_text("2\n")
    expect(output(micro)).to_contain_text("NameError")


def test_runtime_toolbar_runs_all_restarts_and_resets(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    page.get_by_role("button", name="Run all").click()
    expect(cell(page, 1)).to_have_attribute("data-state", "done", timeout=30_000)
    expect(output(cell(page, 1))).to_have_text("21\n")
    # Past the cell that fails on purpose, to the last one.
    expect(page.locator("[data-cell=chart-cell]")).to_have_attribute("data-state", "done", timeout=30_000)
    first = cell(page, 0)
    set_code(page, first, "changed = True")
    first.get_by_role("button", name="Reset code to the lesson's original").click()
    expect(code_view(first)).to_have_text('x = 20print("x is", x)')
    page.get_by_role("button", name="Restart Python").click()
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    run(cell(page, 1))
    expect(output(cell(page, 1))).to_contain_text("NameError")


def test_runtime_ctrl_enter_runs_and_controls_are_named(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    first = cell(page, 0)
    set_code(page, first, "print('by keyboard')")
    page.keyboard.press("Control+Enter")
    expect(output(first)).to_have_text("by keyboard\n", timeout=30_000)
    for button in page.get_by_role("button").all():
        if button.is_visible():
            assert (button.get_attribute("aria-label") or button.text_content()).strip()
    assert first.get_by_role("textbox", name="Python code, cell 1").count() == 1


def test_runtime_error_shows_only_learner_frames_and_plain_advice(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    typo = cell(page, 0)
    run_code(page, typo, "total = 3\nprint(totl)")
    expect(output(typo).locator(".stderr")).to_contain_text('File "<cell 1>", line 2')
    expect(output(typo).locator(".stderr")).not_to_contain_text("runner.py")
    expect(output(typo).locator(".explain")).to_contain_text("Did you mean 'total'?")


def test_runtime_chart_is_shown_as_a_safe_image(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    chart = page.locator("[data-cell=chart-cell]")
    run(chart)
    image = output(chart).get_by_role("img")
    expect(image).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    expect(image).to_have_attribute("alt", re.compile("Counts"))
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
    assert output(chart).locator("svg, script").count() == 0


# What a browser without JavaScript Promise Integration looks like to the page (Safari, today).
WITHOUT_JSPI = "delete WebAssembly.Suspending;"


def test_runtime_first_visit_reloads_once_where_input_needs_isolation(site, page, guard):
    page.add_init_script(WITHOUT_JSPI)
    loads = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(site.url(CELLS))
    wait_until_ready(page)
    assert page.evaluate("crossOriginIsolated") is True
    assert len(loads) == 2


def test_runtime_first_visit_installs_the_service_worker_once_python_has_started(site, page, guard):
    # Installing it downloads and stores the site's files: on a first visit, that must not share the
    # network and the processor with Python's own download and start.
    page.add_init_script("""
      const register = ServiceWorkerContainer.prototype.register;
      ServiceWorkerContainer.prototype.register = function (...args) {
        window.registeredWhile = document.documentElement.dataset.runtime;
        return register.apply(this, args);
      };""")
    page.goto(site.url(CELLS))
    wait_until_ready(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert page.evaluate("window.registeredWhile") == "ready"


def test_runtime_never_reloads_in_a_loop_when_isolation_cannot_be_had(site, page, guard):
    # A browser without JSPI where the service worker installs but the page never becomes isolated.
    page.add_init_script(WITHOUT_JSPI + "Object.defineProperty(window, 'crossOriginIsolated', { get: () => false });")
    loads = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(site.url(CELLS))
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(page.locator("[data-runtime-status]")).to_contain_text("Stop restarts Python")
    # The page decides whether to reload before Python starts (isolation.js): once ready, none can follow.
    assert len(loads) <= 2


def test_runtime_recovers_from_a_stack_overflow_crash(site, lesson_page, guard):
    # Pyodide reports its own fatal error on the console before we restart it.
    guard.allow_console_error("fatal")
    guard.allow_console_error("Maximum call stack size exceeded")
    guard.allow_console_error("Inner error was")
    page = lesson_page(site.url(CELLS))
    deep = cell(page, 0)
    # Recursion through a C function (map) uses the WebAssembly stack at every level, so it overflows
    # at once. (Python 3.14 calls Python functions without it: plain recursion may run for seconds,
    # then end in RecursionError or in this crash.)
    set_code(page, deep, "import sys\nsys.setrecursionlimit(10**6)\nf = lambda n: list(map(f, [n]))\nf(0)")
    run(deep, timeout=60_000)
    expect(output(deep)).to_contain_text("Python crashed", timeout=60_000)
    run_code(page, cell(page, 1), "print('recovered')")
    expect(output(cell(page, 1))).to_have_text("recovered\n")


def test_runtime_memory_exhaustion_is_an_error_and_python_goes_on(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    hungry = cell(page, 0)
    run_code(page, hungry, "x = [0] * 10**9")  # 4 GB of pointers: more than wasm32 can address
    expect(output(hungry)).to_contain_text("MemoryError")
    run_code(page, hungry, "print('still here')")
    expect(output(hungry)).to_have_text("still here\n")


def test_runtime_syntax_error_points_at_the_line(site, lesson_page):
    page = lesson_page(site.url(CELLS))
    broken = cell(page, 0)
    run_code(page, broken, "x = 1\nif x > 0\n    print(x)")
    expect(output(broken).locator(".stderr")).to_contain_text('File "<cell 1>", line 2')
    expect(output(broken).locator(".stderr")).to_contain_text("SyntaxError")
    expect(output(broken).locator(".explain")).to_contain_text("colon")


def test_runtime_failed_download_offers_retry_and_keeps_code(site, page, guard):
    guard.allow_console_error("Failed to load resource")
    guard.allow_console_error("ERR_FAILED")
    guard.allow_console_error("Failed to fetch")  # Python's worker, started with the download, fails too
    page.context.route("**/pyodide.asm.wasm", lambda route: route.abort())
    page.goto(site.url(CELLS))
    expect(page.locator("html")).to_have_attribute("data-runtime", "error", timeout=30_000)
    expect(page.locator("[data-runtime-status]")).to_contain_text("Python could not start")
    set_code(page, cell(page, 0), "print('typed while offline')")
    page.context.unroute("**/pyodide.asm.wasm")
    page.get_by_role("button", name="Retry").click()
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    run(cell(page, 0))
    expect(output(cell(page, 0))).to_have_text("typed while offline\n")
