"""Verify exercises and cells in the runtimes the site ships, in headless Chromium.

verify.py checks the Pyodide lessons quickly in CPython; this checks them where
learners run them: the vendored Pyodide (with the lesson's packages) and, for
`interpreter: micropython` lessons, the vendored MicroPython, each through the
site's own runner (site/static/py/runner.py, runner_mp.py) and checker.py.
The same rules: every solution passes its checks, every starter fails them,
run cells run in order in one namespace without raising unless marked `fails`.

The runtime is vendored into a temporary folder beside a small harness
(harness/verify.html, verify_worker.mjs) and served on 127.0.0.1; any other
request is blocked and reported, and so is any console error. Each lesson runs
in a fresh interpreter in its own Web Worker with a time limit, so an endless
loop is reported at its line and the check goes on with the next lesson.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .api import publish_api
from .board import MODULES as BOARD_MODULES
from .board import board_config
from .model import Course, Lesson
from .problems import Problem
from .runtime import Pins, vendor
from .serve import serving
from .settings import RUNNERS
from .verify import CHECKER, _display, cell_cases, exercise_cases, lesson_problems

HARNESS = Path(__file__).resolve().parent / "harness"
HARNESS_FILES = ("verify.html", "verify_worker.mjs", "lesson_check.mjs")
STATIC_PY = CHECKER.parent  # site/static/py: the runners and the modules they import
RUNTIME_NAMES = {"pyodide": "Pyodide", "micropython": "MicroPython"}
TIME_LIMIT = 40.0  # seconds per lesson, from its interpreter being up to its last cell (room for a busy machine)
LOAD_LIMIT = 60.0  # seconds for an interpreter to start


class BrowserUnavailable(Exception):
    """Playwright or Chromium is missing, so the browser check cannot run at all."""


@dataclass
class _Session:
    results: list[dict] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    crash: str | None = None


def verify_course_in_pyodide(
    course: Course,
    root: Path,
    pins: Pins,
    *,
    time_limit: float = TIME_LIMIT,
    static_py: Path = STATIC_PY,
    parallel: int | None = None,
) -> list[Problem]:
    """Every problem found running `course` in the shipped Pyodide and MicroPython.

    `root` is the folder paths are shown relative to; `parallel` is how many
    lessons run at once (default: one per CPU, at most 4).
    """
    lessons = list(course.lessons)
    if not lessons:
        return []
    modules = sorted(p.name for p in static_py.glob("*.py") if p.name not in RUNNERS.values())
    jobs = [_job(lesson, modules) for lesson in lessons]
    parallel = parallel or max(1, min(4, os.cpu_count() or 1, len(jobs)))
    with tempfile.TemporaryDirectory(prefix="pyground-check-") as folder:
        _stage(Path(folder), pins, static_py, lessons)
        # A thread of its own: Playwright's sync API refuses to start inside a running
        # asyncio loop (pytest-playwright's, a notebook's), and a new thread has none.
        with ThreadPoolExecutor(1) as pool:
            session = pool.submit(_run_in_chromium, Path(folder), jobs, parallel, time_limit).result()
    course_file = _display(lessons[0].path.parent.parent / "course.yml", root)
    if session.crash:
        return [Problem(course_file, 1, f"the browser check stopped: {session.crash} (Pyodide)")]
    problems = []
    for lesson, result in zip(lessons, session.results, strict=True):
        problems += _lesson_problems(lesson, result, root, time_limit)
    problems += [
        Problem(course_file, 1, f"a lesson requested {url}, outside 127.0.0.1; it was blocked (Pyodide)")
        for url in sorted(set(session.foreign_requests))
    ]
    problems += [
        Problem(course_file, 1, f"the browser logged an error while checking lessons: {text} (Pyodide)")
        for text in dict.fromkeys(line for e in session.console_errors for line in e.strip().splitlines()[:1])
    ]
    return problems


def _job(lesson: Lesson, modules: list[str]) -> dict:
    """What the harness runs: the same cases as verify.py. Only a board lesson gets `machine`."""
    return {
        "interpreter": lesson.interpreter,
        "runner": RUNNERS[lesson.interpreter],
        "files": [name for name in modules if lesson.board or name not in BOARD_MODULES],
        "board": board_config(lesson.board) if lesson.board else None,
        "packages": list(lesson.packages),
        "exercises": exercise_cases(lesson),
        "cells": cell_cases(lesson),
        "dataFiles": {data.name: _data_url(lesson, data.name) for data in lesson.files},
    }


def _data_url(lesson: Lesson, name: str) -> str:
    return f"data/{lesson.id}/{name}"


def _stage(folder: Path, pins: Pins, static_py: Path, lessons: list[Lesson]) -> None:
    """The served folder: runtime/ as the site ships it, the harness, the site's Python files,
    each lesson's data files, and the practice API (api/), for lessons that make HTTP requests."""
    vendor(pins, folder)
    if lessons:
        publish_api(lessons[0].path.parent.parent, folder)
    for lesson in lessons:
        for data in lesson.files:
            dest = folder / _data_url(lesson, data.name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(data.source, dest)
    for name in HARNESS_FILES:
        shutil.copyfile(HARNESS / name, folder / name)
    for path in static_py.glob("*.py"):
        shutil.copyfile(path, folder / path.name)


def _run_in_chromium(folder: Path, jobs: list[dict], parallel: int, time_limit: float) -> _Session:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        raise BrowserUnavailable(
            "the browser check needs Playwright: `pip install -e '.[test]'` (or skip it with `check --cpython-only`)"
        ) from error
    from .browser import launch_options

    session = _Session()
    with serving(folder, quiet=True) as base, sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(**launch_options(playwright))
        except (Error, RuntimeError) as error:  # no Chromium, or one that does not start
            reason = str(error).strip().splitlines()[0]
            raise BrowserUnavailable(
                f"the browser check could not start Chromium: {reason} (or skip it with `check --cpython-only`)"
            ) from error
        try:
            context = browser.new_context()

            def route(route):
                url = route.request.url
                if url.startswith((base, "blob:", "data:")):
                    route.continue_()
                else:
                    session.foreign_requests.append(url)
                    route.abort()

            context.route("**/*", route)  # also sees the workers' requests
            context.on("console", lambda m: m.type == "error" and session.console_errors.append(m.text))
            page = context.new_page()
            page.on("pageerror", lambda error: session.console_errors.append(f"uncaught: {error}"))
            page.goto(base + "verify.html")
            page.wait_for_function("document.documentElement.dataset.ready === 'true'")
            limits = {"parallel": parallel, "timeoutMs": time_limit * 1000, "loadTimeoutMs": LOAD_LIMIT * 1000}
            session.results = page.evaluate("([jobs, limits]) => verifyAll(jobs, limits)", [jobs, limits])
        except Error as error:  # the page or the browser crashed
            session.crash = str(error).strip().splitlines()[0]
        finally:
            browser.close()
    return session


def _lesson_problems(lesson: Lesson, result: dict, root: Path, time_limit: float) -> list[Problem]:
    """The problems in one lesson's result, worded as verify.py words them, plus the runtime."""
    where = _display(lesson.path, root)
    runtime = RUNTIME_NAMES[lesson.interpreter]
    if "timeout" in result:
        return [_timeout_problem(lesson, where, result, runtime, time_limit)]
    if "error" in result:
        line, what = _step(lesson, result.get("step"))
        error = [text for text in result["error"].splitlines() if text.strip()] or ["no message"]
        return [Problem(where, line, f"the check could not run {what}: {error[-1].strip()} ({runtime})")]
    problems = lesson_problems(lesson, where, result["exercises"], result["cells"], runtime)
    for logged in result.get("consoleErrors", []):
        line, what = _step(lesson, logged["step"])
        text = logged["text"].strip().splitlines()[0] if logged["text"].strip() else "(no text)"
        problems.append(Problem(where, line, f"{what} logged a console error: {text} ({runtime})"))
    return problems


def _timeout_problem(lesson: Lesson, where: str, result: dict, runtime: str, time_limit: float) -> Problem:
    if result["timeout"] == "load":
        return Problem(where, 1, f"{runtime} did not start within {LOAD_LIMIT:g} s ({runtime})")
    line, what = _step(lesson, result["step"])
    if result["step"] is None:
        what = f"loading the packages {', '.join(lesson.packages)}" if lesson.packages else "preparing the lesson"
    return Problem(
        where,
        line,
        f"{what} did not finish within {time_limit:g} s (the lesson's time limit); look for an endless loop "
        f"or a very slow step, and on a busy machine run the check again ({runtime})",
    )


def _step(lesson: Lesson, step: dict | None) -> tuple[int, str]:
    """The line of the case that was running, and how to name it."""
    if step is None:
        return 1, "this lesson"
    if step["kind"] == "cell":
        return lesson.run_cells[step["index"]].line, "this cell"
    exercise = lesson.exercises[step["index"] // 2]
    role = "solution" if step["index"] % 2 == 0 else "starter code"
    return exercise.line, f"the {role} of '{exercise.id}'"


def runtimes_checked(course: Course, pins: Pins, *, in_browser: bool) -> str:
    """Which lessons `check` ran in which runtime, for its last line."""
    pyodide = sum(1 for lesson in course.lessons if lesson.interpreter == "pyodide")
    micropython = len(course.lessons) - pyodide
    if not in_browser:
        skipped = f"; {_lessons(micropython)} in MicroPython not run (--cpython-only)" if micropython else ""
        return f"{_lessons(pyodide)} in CPython only{skipped}"
    text = f"{_lessons(pyodide)} in CPython and Pyodide {pins.npm_pin('pyodide').version}"
    if micropython:
        text += f", {_lessons(micropython)} in MicroPython {pins.npm_pin('micropython').version}"
    return text + ", in headless Chromium"


def _lessons(count: int) -> str:
    return f"{count} lesson" if count == 1 else f"{count} lessons"
