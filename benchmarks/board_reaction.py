"""How fast a running MicroPython loop sees the simulated board's inputs (isolated page).

    python benchmarks/board_reaction.py [--runs 20]

Runs `led.value(button.value() == 0); time.sleep_ms(10)` in a loop and prints the
median time from pressing the Button widget to the LED widget lighting (target
under 100 ms), and from moving the Knob slider to the program printing the new
reading, each also as a ratio to the baseline measured in the same run: Run ->
output of `print(1)` on the same page (the page <-> worker round trip).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pyground.browser import launch_options
from pyground.builder import ROOT, BuildConfig, build
from pyground.serve import serving

LOOP = """from machine import Pin, ADC
import time
led = Pin(25, Pin.OUT)
button = Pin(14, Pin.IN, Pin.PULL_UP)
knob = ADC(26)
last = knob.read_u16()
while True:
    led.value(button.value() == 0)
    if knob.read_u16() != last:
        last = knob.read_u16()
        print(last)
    time.sleep_ms(10)
"""

# Resolves when `done()` holds, checked on every change under `node` (fails after 10 s).
WHEN = """const when = (node, done) => new Promise((resolve, reject) => {
    if (done()) return resolve();
    const seen = new MutationObserver(() => done() && (seen.disconnect(), resolve()));
    seen.observe(node, { childList: true, subtree: true, characterData: true, attributes: true });
    setTimeout(() => (seen.disconnect(), reject(new Error("no change within 10 s"))), 10_000);
});"""

PRINT_ONE = """async () => {
    /*when*/
    const cell = document.querySelector("[data-block=run]");
    const output = cell.querySelector("[data-output]");
    const started = performance.now();
    cell.querySelector("[data-action=run]").click();
    await when(output, () => output.textContent === "1\\n");
    const elapsed = performance.now() - started;
    await when(cell, () => cell.dataset.state !== "running");
    return elapsed;
}""".replace("/*when*/", WHEN)

PRESS = """async (down) => {
    /*when*/
    const button = document.querySelector("[data-part=button] [data-input]");
    const led = document.querySelector("[data-part=led]");
    const started = performance.now();
    button.dispatchEvent(new PointerEvent(down ? "pointerdown" : "pointerup", { bubbles: true, button: 0 }));
    await when(led, () => led.dataset.on === String(down));
    return performance.now() - started;
}""".replace("/*when*/", WHEN)

SLIDE = """async (value) => {
    /*when*/
    const knob = document.querySelector("[data-part=potentiometer] input");
    const output = document.querySelector("[data-block=run] [data-output]");
    const started = performance.now();
    knob.value = String(value);
    knob.dispatchEvent(new Event("input", { bubbles: true }));
    await when(output, () => output.textContent.endsWith(`${value}\\n`));
    return performance.now() - started;
}""".replace("/*when*/", WHEN)


def set_code(page, code: str) -> None:
    page.locator(".cm-content").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build(BuildConfig(lessons=ROOT / "tests" / "fixtures" / "board", out=out))
        with serving(out) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(**launch_options(playwright))
            page = browser.new_page()
            page.goto(base + "iot/fixture-board.html")
            page.wait_for_function("document.documentElement.dataset.runtime === 'ready'", timeout=120_000)
            assert page.evaluate("crossOriginIsolated"), "the page should be isolated by the service worker"
            set_code(page, "print(1)")
            page.evaluate(PRINT_ONE)  # warm-up
            runs = []
            for _ in range(args.runs):
                runs.append(page.evaluate(PRINT_ONE))
            baseline = statistics.median(runs)
            set_code(page, LOOP)
            page.locator("[data-block=run] [data-action=run]").first.click()
            page.wait_for_function("document.querySelector('[data-block=run]').dataset.state === 'running'")
            presses = []
            for _ in range(args.runs):
                for down in (True, False):
                    presses.append(page.evaluate(PRESS, down))
            slides = [page.evaluate(SLIDE, 2000 + 1000 * i) for i in range(args.runs)]  # the Knob starts at 1000
            browser.close()
    press, slide = statistics.median(presses), statistics.median(slides)
    print(f"baseline: Run -> print(1) output median {baseline:.1f} ms")
    print(f"press/release -> LED median {press:.1f} ms (target < 100 ms), {press / baseline:.1f}x baseline")
    print(f"slider move -> next read_u16() printed median {slide:.1f} ms, {slide / baseline:.1f}x baseline")


if __name__ == "__main__":
    main()
