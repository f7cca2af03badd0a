"""How long Check takes for each exercise of the real course, with its solution, on the lesson page.

    python benchmarks/exercise_speed.py [--track ai] [--limit 2.0]

Builds lessons/, opens each lesson of the track in headless Chromium as a learner would, waits for
Python, puts each exercise's solution in the editor and times the click on Check to the verdict (in
the page's own clock). The baseline, measured in the same run on the same page, is Check of an
exercise that only defines a function: the ratio is what the exercise's own work costs on top of a
Check's fixed cost, which holds on a faster or a busier machine. Exercises over `--limit` seconds
are listed at the end (the AI track's target: every exercise under 2 s); the load average is
printed, since the figures move with it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import Locator, Page, sync_playwright

from pyground.browser import launch_options
from pyground.builder import ROOT, BuildConfig, build
from pyground.content import load_course
from pyground.problems import Problems
from pyground.serve import serving

BASELINE = "def double(n):\n    return n * 2\n"

# Click an exercise's Check and resolve with the seconds until the block shows a verdict.
TIMED_CHECK = """async (index) => {
    const block = document.querySelectorAll("[data-block=exercise]")[index];
    const started = performance.now();
    block.querySelector("[data-action=check]").click();
    await new Promise((resolve) => {
        const done = () => /^(passed|failed|error|stopped)$/.test(block.dataset.state);
        const seen = new MutationObserver(() => done() && (seen.disconnect(), resolve()));
        seen.observe(block, { attributes: true, attributeFilter: ["data-state"] });
    });
    return [(performance.now() - started) / 1000, block.dataset.state];
}"""


def timed_check(page: Page, block: Locator, index: int, code: str) -> tuple[float, str]:
    """Type `code` into the exercise's editor as a learner would, then time its Check."""
    block.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
    seconds, state = page.evaluate(TIMED_CHECK, index)
    return seconds, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--track", default="ai")
    parser.add_argument("--limit", type=float, default=2.0, help="seconds; exercises over it are listed")
    args = parser.parse_args()
    lessons = [lesson for lesson in load_course(ROOT / "lessons", Problems(ROOT)).lessons if lesson.track == args.track]
    if not lessons:
        raise SystemExit(f"no lessons in track {args.track!r}")
    load = os.getloadavg()[0]
    rows: list[tuple[str, float, float, str]] = []  # exercise id, seconds, ratio, state
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        out = Path(tmp)
        build(BuildConfig(out=out))
        browser = playwright.chromium.launch(**launch_options(playwright))
        with serving(out, quiet=True) as base:
            for lesson in lessons:
                page = browser.new_page()
                page.goto(base + lesson.url)
                page.wait_for_selector("html[data-runtime=ready]", timeout=120_000)
                exercises = page.locator("[data-block=exercise]")
                for index in range(exercises.count()):
                    data = json.loads(exercises.nth(index).locator("[data-exercise-data]").text_content())
                    block = exercises.nth(index)
                    timed_check(page, block, index, data["solution"])  # warm: imports, caches
                    baseline = statistics.median(timed_check(page, block, index, BASELINE)[0] for _ in range(3))
                    seconds, state = timed_check(page, block, index, data["solution"])
                    exercise_id = exercises.nth(index).get_attribute("data-exercise")
                    rows.append((exercise_id, seconds, seconds / baseline, state))
                    print(f"  {exercise_id:48} {seconds:6.2f} s  {seconds / baseline:5.1f}x  {state}", flush=True)
                page.close()
        browser.close()
    slow = [row for row in rows if row[1] > args.limit]
    wrong = [row for row in rows if row[3] != "passed"]
    print(
        f"{len(rows)} exercises in track {args.track}: slowest {max(r[1] for r in rows):.2f} s "
        f"({max(r[2] for r in rows):.1f}x a trivial Check), median {statistics.median(r[1] for r in rows):.2f} s"
    )
    print(f"  over {args.limit} s: {', '.join(r[0] for r in slow) or 'none'}")
    if wrong:
        print(f"  not passed with their solution: {', '.join(r[0] for r in wrong)}")
    print(f"  load average at the start: {load:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
