"""Time from navigation to "Python ready": a lesson page versus a bare Pyodide page.

    python benchmarks/page_ready.py [--runs 5]

The bare page only imports the same vendored pyodide.mjs, calls loadPyodide()
and runs 1+1 on the main thread; the lesson page boots Pyodide in a PyScript
worker with our runner. Both are measured in one run, each load in a fresh
browser context (empty HTTP cache), and printed with their ratio.
"""

from __future__ import annotations

import argparse
import statistics

from fixture import fixture_site_in_chromium

BARE_PAGE = """<!doctype html>
<html data-runtime="loading"><head><meta charset="utf-8"><title>bare</title>
<script type="module">
import { loadPyodide } from "../runtime/pyodide/pyodide.mjs";
const pyodide = await loadPyodide();
pyodide.runPython("1+1");
document.documentElement.dataset.runtime = "ready";
</script></head><body></body></html>
"""

READY = "document.documentElement.dataset.runtime === 'ready'"


def time_to_ready(browser, url: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(READY, timeout=120_000)
    # navigationStart is 0 on the page's own clock, so now() is the time since navigation.
    seconds = page.evaluate("performance.now()") / 1000
    context.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with fixture_site_in_chromium({"bench/bare.html": BARE_PAGE}) as (base, browser):
        pages = {"lesson page": base + "basics/fixture-cells.html", "bare Pyodide page": base + "bench/bare.html"}
        times: dict[str, list[float]] = {name: [] for name in pages}
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            for name, url in pages.items():
                times[name].append(time_to_ready(browser, url))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"{name:>18}: median {medians[name]:.2f} s (min {min(values):.2f}, max {max(values):.2f}, {len(values)} cold loads)"
        )
    print(f"{'ratio':>18}: lesson / bare = {medians['lesson page'] / medians['bare Pyodide page']:.2f}")


if __name__ == "__main__":
    main()
