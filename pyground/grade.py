"""`build.py grade`: grade submission files from the command line, with the site's own grading page.

The site is built (or an already built one is used), served on 127.0.0.1 and its grading page
(grade.html, static/js/grade.js) opened in headless Chromium. The files are given to the page as
a teacher gives them (its file input); the page reads each one strictly, runs every exercise's
checks again on the submitted code in the shipped Pyodide (each file in an interpreter of its own,
with a time limit) and makes the CSV its "Download CSV" button saves. So the command line's
results are the grading page's, by construction: there is one way to grade, not two.

Every request outside the local server is blocked.
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .browser import launch_options
from .builder import BuildConfig, build
from .serve import serving

PAGE = "grade.html"
TIME_LIMIT = 3600.0  # seconds for the whole run; a class repository's CI has its own limit too
PROGRESS_EVERY = 5.0  # seconds between progress lines


class GradingUnavailable(Exception):
    """Playwright or Chromium is missing, or the page could not grade at all."""


@dataclass
class GradeReport:
    csv: str
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)
    console_errors: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.csv)))


def submission_files(paths: list[Path]) -> list[Path]:
    """The files to grade: each file named, and the .json files in each folder named (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.glob("*.json") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"error: no such file or folder: {path}")
    if not found:
        raise SystemExit("error: no submission files to grade (give .json files, or folders holding them)")
    return found


def grade_files(
    files: list[Path], *, site: Path | None = None, lessons: Path | None = None, progress=None
) -> GradeReport:
    """Grade `files` on the grading page of `site` (a built site), or of a fresh build of `lessons`."""
    with _site(site, lessons) as folder, ThreadPoolExecutor(1) as pool:
        # A thread of its own: Playwright's sync API refuses to run inside an asyncio loop.
        return pool.submit(_grade_in_chromium, folder, files, progress).result()


@contextmanager
def _site(site: Path | None, lessons: Path | None) -> Iterator[Path]:
    if site is not None:
        if not (site / PAGE).is_file():
            raise SystemExit(
                f"error: {site} is not a built Pyground site (it has no {PAGE}); build it with `build.py build`"
            )
        yield site
        return
    with tempfile.TemporaryDirectory(prefix="pyground-grade-") as folder:
        build(BuildConfig(lessons=lessons or BuildConfig.lessons, out=Path(folder)))
        yield Path(folder)


def _grade_in_chromium(folder: Path, files: list[Path], progress) -> GradeReport:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        raise GradingUnavailable("grading needs Playwright: `pip install -e '.[test]'`") from error
    console_errors: list[str] = []
    with serving(folder, quiet=True) as base, sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(**launch_options(playwright))
        except (Error, RuntimeError) as error:
            raise GradingUnavailable(
                f"grading could not start Chromium: {str(error).strip().splitlines()[0]}"
            ) from error
        try:
            context = browser.new_context(accept_downloads=True)

            def local_only(route) -> None:
                if route.request.url.startswith((base, "blob:", "data:")):
                    route.continue_()
                else:
                    route.abort()

            context.route("**/*", local_only)
            context.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
            page = context.new_page()
            page.goto(base + PAGE)
            page.wait_for_selector("[data-grading][data-ready]", timeout=60_000)
            page.set_input_files("[data-submission-files]", [str(path) for path in files])
            _wait_until_done(page, progress)
            skipped = [_skipped(text) for text in page.locator("[data-skipped-list] li").all_inner_texts()]
            if page.locator("[data-action=export-csv]").is_disabled():
                text = ""  # no file could be graded
            else:
                with page.expect_download() as download:
                    page.click("[data-action=export-csv]")
                text = Path(download.value.path()).read_bytes().decode("utf-8")  # CRLF kept, as the page wrote it
        except Error as error:
            raise GradingUnavailable(f"the grading page stopped: {str(error).strip().splitlines()[0]}") from error
        finally:
            browser.close()
    return GradeReport(csv=text, skipped=skipped, console_errors=console_errors)


def _wait_until_done(page, progress) -> None:
    """Wait for the page's data-grading="done", passing its status line to `progress` every few seconds."""
    started = shown = time.monotonic()
    while page.get_attribute("[data-grading]", "data-grading") != "done":
        now = time.monotonic()
        if now - started > TIME_LIMIT:
            raise GradingUnavailable(f"grading did not finish within {TIME_LIMIT:.0f} s")
        if progress and now - shown >= PROGRESS_EVERY and (status := page.inner_text("[data-grading-status]").strip()):
            progress(status)
            shown = now
        page.wait_for_timeout(250)


def _skipped(text: str) -> tuple[str, str]:
    name, _, reason = text.partition(": ")
    return name, reason


def summary(report: GradeReport) -> str:
    """The results as lines for a terminal: each student's score and any claim the re-run did not confirm."""
    lines = []
    for row in report.rows:
        flags = f"  (!) {row['disagreements']}" if row["disagreements"] else ""
        lines.append(f"{row['student']} ({row['file']}): {row['passed']} of {row['exercises']} passed{flags}")
    for name, reason in report.skipped:
        lines.append(f"skipped {name}: {reason}")
    return "\n".join(lines)


def print_progress(status: str) -> None:
    print(status, file=sys.stderr, flush=True)
