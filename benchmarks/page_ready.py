"""How long a learner waits before a lesson can run code, against a bare Pyodide page.

    python benchmarks/page_ready.py [--runs 4] [--only plain|isolated]

The real course is built and served twice: as GitHub Pages serves it (plain files,
`Cache-Control: max-age=600`, no isolation headers: "plain") and with COOP/COEP headers
("isolated"). For each, in the same run and interleaved so both see the same machine load:

- first visit: a fresh profile opens the first lesson. Timed from the navigation until the
  page says it is ready (`<html data-runtime="ready">`), across the reload a first visit makes
  to come under the service worker.
- next lesson: then, in that profile, a click on "Next"; timed until the next lesson is on the
  page (its heading) and ready to run code (the same `data-runtime`), whether the page loads a
  new document or swaps its content.

The bare page only imports the same vendored pyodide.mjs, calls loadPyodide() and runs 1+1;
its "next lesson" is a link to a second bare page. Every figure is printed as a ratio to the
bare page's, and the server's log shows whether any file was downloaded twice in a visit.
A third page starts only a PyScript worker (the vendored PyScript, the same Pyodide and
configuration as the lessons' workers, a one-line script): its ratio is the floor that running
Python through PyScript sets, before any of the site's own work.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from playwright.sync_api import sync_playwright

from pyground.browser import launch_options
from pyground.builder import BuildConfig, build
from pyground.serve import serving

FIRST, NEXT = "basics/welcome.html", "basics/first-steps.html"  # two plain Pyodide lessons


def bare_page(title: str, next_page: str | None) -> str:
    link = f'<a rel="next" href="{next_page}">Next</a>' if next_page else ""
    return f"""<!doctype html>
<html lang="en" data-runtime="loading"><head><meta charset="utf-8"><title>{title}</title>
<script type="module">
import {{ loadPyodide }} from "../runtime/pyodide/pyodide.mjs";
const pyodide = await loadPyodide();
pyodide.runPython("1+1");
document.documentElement.dataset.runtime = "ready";
</script></head><body><h1>{title}</h1>{link}</body></html>
"""


def pyscript_page(title: str, next_page: str | None, py_config: str) -> str:
    """A PyScript worker as the lessons start theirs (runtime.js; `py_config`: PyScript's configuration of a
    lesson page), with nothing of the site around it."""
    link = f'<a rel="next" href="{next_page}">Next</a>' if next_page else ""
    return f"""<!doctype html>
<html lang="en" data-runtime="loading"><head><meta charset="utf-8"><title>{title}</title>
<script type="module">
import {{ PyWorker }} from "../runtime/pyscript/core.js";
await customElements.whenDefined("py-script");
const version = new URL("../runtime/pyodide/pyodide.mjs", import.meta.url).href;
await PyWorker(new URL("one-line.py", import.meta.url).href, {{ version, config: {{ sync_main_only: true }} }});
document.documentElement.dataset.runtime = "ready";
</script></head><body><h1>{title}</h1>{link}<py-config hidden>{py_config}</py-config></body></html>
"""


def bench_files(site: Path) -> dict[str, str]:
    """The reference pages, written beside the built course (the PyScript one with a lesson's configuration)."""
    py_config = re.search(r"<py-config hidden>(.*?)</py-config>", (site / FIRST).read_text(encoding="utf-8")).group(1)
    return {
        "bench/bare-1.html": bare_page("Bare one", "bare-2.html"),
        "bench/bare-2.html": bare_page("Bare two", None),
        "bench/pyscript-1.html": pyscript_page("PyScript one", "pyscript-2.html", py_config),
        "bench/pyscript-2.html": pyscript_page("PyScript two", None, py_config),
        "bench/one-line.py": "ready = True\n",
    }


PAGES = {
    "lesson": (FIRST, NEXT),
    "bare": ("bench/bare-1.html", "bench/bare-2.html"),
    "pyscript": ("bench/pyscript-1.html", "bench/pyscript-2.html"),
}

# Runs in every document before its own scripts. The clock starts at the first navigation of
# the tab (a reload keeps it: sessionStorage) or at the click on Next.
START_CLOCK = """
if (!sessionStorage.getItem("bench:start")) sessionStorage.setItem("bench:start", String(performance.timeOrigin));
addEventListener("click", (event) => {
  if (event.target.closest?.("a[rel=next]")) sessionStorage.setItem("bench:start", String(performance.timeOrigin + event.timeStamp));
}, true);
"""
# Milliseconds since the clock started, once the page with this heading is ready (else false).
READY = """(heading) => document.documentElement.dataset.runtime === "ready"
    && document.querySelector("h1")?.textContent.trim() === heading
    && performance.timeOrigin + performance.now() - Number(sessionStorage.getItem("bench:start"))"""


def heading(site: Path, page: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", (site / page).read_text(encoding="utf-8"), re.S)
    return match.group(1).strip()


def visit(playwright, base: str, first: str, second: str, headings: dict[str, str]) -> tuple[float, float]:
    """(first visit, next lesson) in seconds, in a fresh profile: a new browser with an empty
    user folder, so its HTTP and compiled-code caches are on disk, as a learner's are."""
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(profile, **launch_options(playwright))
        context.add_init_script(START_CLOCK)
        page = context.pages[0]
        page.goto(base + first, wait_until="commit")
        first_ms = page.wait_for_function(READY, arg=headings[first], polling=10, timeout=120_000).json_value()
        page.locator("a[rel=next]").first.click()
        next_ms = page.wait_for_function(READY, arg=headings[second], polling=10, timeout=120_000).json_value()
        context.close()
    return first_ms / 1000, next_ms / 1000


def twice_downloaded(log: list[tuple[str, int]]) -> list[str]:
    """The runtime's files and ours that the server sent in full (200) more than once to one
    profile (version.json is asked for without the cache, on purpose)."""
    counts = Counter(
        path.split("?")[0] for path, status in log if status == 200 and ("/runtime/" in path or "/static-" in path)
    )
    return sorted(f"{path} x{n}" for path, n in counts.items() if n > 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--only", choices=["plain", "isolated"], help="measure one way of serving only")
    args = parser.parse_args()
    modes = [args.only] if args.only else ["plain", "isolated"]
    times: dict[tuple[str, str, str], list[float]] = {}
    twice: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        site = Path(tmp)
        build(BuildConfig(out=site))
        for name, text in bench_files(site).items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_text(text, encoding="utf-8")
        headings = {page: heading(site, page) for pair in PAGES.values() for page in pair}
        logs = {mode: [] for mode in modes}
        with (
            serving(site, quiet=True, cache_control="max-age=600", log=logs.get("plain")) as plain,
            serving(site, quiet=True, cache_control="max-age=600", isolate=True, log=logs.get("isolated")) as isolated,
        ):
            bases = {"plain": plain, "isolated": isolated}
            for _ in range(args.runs):
                for mode in modes:
                    for kind, (first, second) in PAGES.items():
                        logs[mode].clear()
                        first_s, next_s = visit(playwright, bases[mode], first, second, headings)
                        times.setdefault((mode, kind, "first visit"), []).append(first_s)
                        times.setdefault((mode, kind, "next lesson"), []).append(next_s)
                        if kind == "lesson":
                            twice.setdefault(mode, set()).update(twice_downloaded(logs[mode]))
    median = {key: statistics.median(values) for key, values in times.items()}
    print(f"medians of {args.runs}, seconds; ratio = lesson page / bare page in the same case")
    for mode in modes:
        for case in ("first visit", "next lesson"):
            lesson, bare = median[(mode, "lesson", case)], median[(mode, "bare", case)]
            pyscript = median[(mode, "pyscript", case)]
            spread = ", ".join(f"{t:.2f}" for t in times[(mode, "lesson", case)])
            print(
                f"{mode:>8} {case:<12} lesson {lesson:5.2f}  bare {bare:5.2f}  ratio {lesson / bare:4.2f}x"
                f"  (lesson runs: {spread}; PyScript alone {pyscript:5.2f}, {pyscript / bare:4.2f}x)"
            )
        next_vs_first = median[(mode, "lesson", "next lesson")] / median[(mode, "bare", "first visit")]
        print(f"{mode:>8} next lesson / bare first visit: {next_vs_first:4.2f}x")
        print(f"{mode:>8} downloaded twice in one profile: {', '.join(sorted(twice[mode])) or 'nothing'}")


if __name__ == "__main__":
    main()
