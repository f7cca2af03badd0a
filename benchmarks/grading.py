"""Grading speed: 100 submission files of 5 exercises each, graded on the grading page in one browser.

    python benchmarks/grading.py [--students 100]

Every file is checked in a worker and a Pyodide of its own, restored from a snapshot, with the page's
default number of lanes (one per core, at most 4). Prints the time from giving the page the files to the
last verdict (target: under 60 s for 100 x 5 on a 2-core machine), the time per exercise, and, as the baseline
measured in the same run, one cold start of Pyodide in a worker: the ratio says how many cold starts
the whole grading costs, which holds on a faster or a busier machine. The load average is printed
too, since the figures move with it.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from pyground.browser import launch_options
from pyground.builder import BuildConfig, build
from pyground.serve import serving

EXERCISES = {
    "bench-double": ("def double(n):\n    return n * 2\n", "assert double(2) == 4, 'double(2) should be 4'"),
    "bench-greet": ("def greet(name):\n    return f'Hello, {name}!'\n", "assert greet('Ada') == 'Hello, Ada!'"),
    "bench-evens": (
        "def evens(xs):\n    return [x for x in xs if x % 2 == 0]\n",
        "assert evens([1, 2, 3, 4]) == [2, 4]",
    ),
    "bench-total": ("def total(xs):\n    return sum(xs)\n", "assert total([1, 2, 3]) == 6"),
    "bench-word": (
        "def longest(words):\n    return max(words, key=len)\n",
        "assert longest(['a', 'abc', 'ab']) == 'abc'",
    ),
}
WRONG = "def nothing():\n    pass\n"


def lesson_text() -> str:
    parts = ["---\nid: bench\ntitle: Benchmark\nsummary: Five exercises.\n---\n"]
    for exercise_id, (solution, check) in EXERCISES.items():
        parts.append(
            f"\n```python exercise id={exercise_id}\n{WRONG}```\n\n```python check\n{check}\n```\n\n"
            f"```python solution\n{solution}```\n"
        )
    return "".join(parts)


def submission(number: int, build_id: str) -> dict:
    """Student `number`: right answers mostly, a wrong one now and then."""
    return {
        "format": "pyground-submission",
        "version": 1,
        "site": {"build": build_id, "title": "Bench"},
        "student": f"Student {number:03d}",
        "assignment": {
            "title": "Benchmark",
            "text": "",
            "due": "",
            "items": [{"lesson": "bench"}],
            "rules": {"hints": True, "solution": "always", "after": 3, "attempts": 0},
        },
        "submittedAt": "2030-01-01T12:00:00.000Z",
        "exercises": [
            {
                "id": exercise_id,
                "code": WRONG if (number + index) % 7 == 0 else solution,
                "verdict": {"passed": (number + index) % 7 != 0, "message": ""},
                "attempts": 1,
                "hints": 0,
                "solution": False,
                "codeAt": None,
                "passedAt": None,
            }
            for index, (exercise_id, (solution, _)) in enumerate(EXERCISES.items())
        ],
    }


def cold_start_seconds(page) -> float:
    """The baseline: one cold start of the shipped Pyodide in a module worker."""
    return page.evaluate(
        """() => new Promise((resolve) => {
            const source = `const started = performance.now();
                const { loadPyodide } = await import("${new URL("runtime/pyodide/pyodide.mjs", location.href)}");
                await loadPyodide({ indexURL: "${new URL("runtime/pyodide/", location.href)}" });
                postMessage((performance.now() - started) / 1000);`;
            const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })), { type: "module" });
            worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
        })"""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lessons = root / "lessons"
        (lessons / "bench").mkdir(parents=True)
        (lessons / "course.yml").write_text("title: Bench\ntracks:\n  - id: bench\n    title: Bench\n")
        (lessons / "bench" / "01-bench.md").write_text(lesson_text())
        out = root / "site"
        build(BuildConfig(lessons=lessons, out=out))
        build_id = json.loads((out / "course.json").read_text())["build"]
        files = []
        for number in range(args.students):
            path = root / "files" / f"student-{number:03d}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(submission(number, build_id)))
            files.append(str(path))
        with serving(out, quiet=True) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(**launch_options(playwright))
            page = browser.new_page()
            page.goto(base + "grade.html")
            page.wait_for_selector("[data-grading][data-ready]")
            baseline = cold_start_seconds(page)
            load = os.getloadavg()[0]
            started = time.perf_counter()
            page.set_input_files("[data-submission-files]", files)
            page.wait_for_selector("[data-grading=done]", timeout=3_600_000)
            elapsed = time.perf_counter() - started
            passed = page.locator(".grade-cell[data-status=passed]").count()
            lanes = page.evaluate("Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2))")
            browser.close()
    count = args.students * len(EXERCISES)
    print(f"graded {args.students} files x {len(EXERCISES)} exercises ({passed} of {count} passed) in {elapsed:.1f} s")
    print(f"  {elapsed / count * 1000:.0f} ms per exercise, {lanes} lanes; target: under 60 s for 100 files")
    print(
        f"  baseline, one cold Pyodide start in a worker: {baseline:.1f} s; grading = {elapsed / baseline:.1f} cold starts"
    )
    print(f"  load average at the start: {load:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
