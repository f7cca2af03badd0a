"""Run latency and Stop time on a ready lesson page, with and without cross-origin isolation.

    python benchmarks/run_and_stop.py [--runs 20]

Prints the median time from clicking Run to the output of `print(1)` (target
under 50 ms), and from clicking Stop on `while True: pass` to the cell being
stopped and to Python being ready again. "isolated" is a page loaded once the
site's service worker is installed (it isolates the page: Stop interrupts);
"first visit" is the first page of the site a browser opens (not isolated yet);
"no service worker" has them blocked. Without isolation Stop ends the worker
and starts a fresh one for code that computes.
"""

from __future__ import annotations

import argparse
import statistics

from fixture import fixture_site_in_chromium

CLICK_TO_OUTPUT = """async () => {
    const cell = document.querySelector("[data-block=run]");
    const output = cell.querySelector("[data-output]");
    const started = performance.now();
    cell.querySelector("[data-action=run]").click();
    await new Promise((resolve) => {
        const seen = new MutationObserver(() => output.textContent === "1\\n" && (seen.disconnect(), resolve()));
        seen.observe(output, { childList: true, subtree: true, characterData: true });
    });
    const elapsed = performance.now() - started;
    while (cell.dataset.state === "running") await new Promise((r) => setTimeout(r, 5));
    return elapsed;
}"""

STOP = """async () => {
    const cell = document.querySelector("[data-block=run]");
    cell.querySelector("[data-action=run]").click();
    while (cell.dataset.state !== "running") await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    cell.querySelector("[data-action=stop]").click();
    while (cell.dataset.state === "running") await new Promise((r) => setTimeout(r, 1));
    const stopped = performance.now() - started;
    while (document.documentElement.dataset.runtime !== "ready") await new Promise((r) => setTimeout(r, 5));
    return [stopped, performance.now() - started];
}"""


def set_code(page, code: str) -> None:
    page.locator(".cm-content").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def measure(browser, url: str, runs: int, mode: str) -> dict[str, float]:
    context = browser.new_context(service_workers="block" if mode == "no service worker" else "allow")
    page = context.new_page()
    page.goto(url)
    if mode == "isolated":  # a returning visitor: the service worker serves (and isolates) this load
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
    page.wait_for_function("document.documentElement.dataset.runtime === 'ready'", timeout=120_000)
    isolated = page.evaluate("crossOriginIsolated")
    set_code(page, "print(1)")
    page.evaluate(CLICK_TO_OUTPUT)  # warm-up
    latencies = [page.evaluate(CLICK_TO_OUTPUT) for _ in range(runs)]
    set_code(page, "while True:\n    pass")
    stops = [page.evaluate(STOP) for _ in range(max(3, runs // 5))]
    context.close()
    return {
        "isolated": isolated,
        "run": statistics.median(latencies),
        "stopped": statistics.median(s[0] for s in stops),
        "ready": statistics.median(s[1] for s in stops),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with fixture_site_in_chromium() as (base, browser):
        url = base + "basics/fixture-cells.html"
        for mode in ("isolated", "first visit", "no service worker"):
            result = measure(browser, url, args.runs, mode)
            assert result["isolated"] == (mode == "isolated"), result
            print(
                f"{mode:>17}: Run -> print(1) output median {result['run']:.1f} ms (target < 50 ms); "
                f"Stop -> stopped {result['stopped']:.0f} ms, -> ready again {result['ready']:.0f} ms"
            )


if __name__ == "__main__":
    main()
