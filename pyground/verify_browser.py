"""Verify exercises and cells in the real runtimes the site ships, in headless Chromium.

The CPython check (verify.py) is fast; this one runs the same cases where
learners run them: the vendored Pyodide (with the lesson's packages, through
the site's checker.py) and, for `interpreter: micropython` lessons, the
vendored MicroPython (through the site's runner_mp.py). The runtime and a
small harness (harness/) are served from 127.0.0.1; every other request is
blocked and reported. Each lesson runs in a fresh interpreter in its own Web
Worker with a time limit, so an endless loop is reported at its line instead
of hanging the check.
"""

from __future__ import annotations

import ast
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .model import Course, Lesson
from .problems import Problem
from .runtime import Pins, vendor
from .serve import serving
from .verify import CHECKER, _display

HARNESS = Path(__file__).resolve().parent / "harness"
HARNESS_FILES = ("verify.html", "verify_worker.mjs", "verify_pyodide.py")
STATIC_PY = CHECKER.parent  # site/static/py: checker.py, runner.py, runner_mp.py
TIME_LIMIT = 20.0  # seconds per lesson, from its interpreter being up to its last cell
LOAD_LIMIT = 60.0  # seconds for an interpreter to start
RUNTIME_NAMES = {"pyodide": "Pyodide", "micropython": "MicroPython"}


class BrowserUnavailable(Exception):
    """Playwright or Chromium is missing: the browser check cannot run at all."""


@dataclass
class _Session:
    results: list[dict] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def verify_course_in_pyodide(
    course: Course,
    root: Path,
    pins: Pins,
    *,
    time_limit: float = TIME_LIMIT,
    static_py: Path = STATIC_PY,
    parallel: int | None = None,
) -> list[Problem]:
    """Every problem found running `course` in the shipped Pyodide (and MicroPython)."""
    lessons = list(course.lessons)
    if not lessons:
        return []
    recursion_limit = _runner_recursion_limit(static_py / "runner.py")
    jobs = [_job(lesson, recursion_limit) for lesson in lessons]
    parallel = parallel or max(1, min(4, os.cpu_count() or 1, len(jobs)))
    with tempfile.TemporaryDirectory(prefix="pyground-check-") as folder:
        _stage(Path(folder), pins, static_py)
        # Own thread: Playwright's sync API refuses to run inside a running asyncio loop
        # (pytest-playwright's, an IDE's), and a fresh thread never has one.
        with ThreadPoolExecutor(1) as pool:
            session = pool.submit(_run_in_chromium, Path(folder), jobs, parallel, time_limit).result()
    problems = []
    for lesson, result in zip(lessons, session.results, strict=True):
        problems += _lesson_problems(lesson, result, root, time_limit)
    where = _display(lessons[0].path.parent.parent / "course.yml", root)
    problems += [
        Problem(where, 1, f"a lesson check requested {url}, outside 127.0.0.1; it was blocked (Pyodide)")
        for url in dict.fromkeys(session.foreign_requests)
    ]
    problems += [
        Problem(where, 1, f"the browser logged an error while checking lessons: {text} (Pyodide)")
        for text in dict.fromkeys(session.console_errors)
    ]
    return problems


def _job(lesson: Lesson, recursion_limit: int | None) -> dict:
    cases = []
    for exercise in lesson.exercises:
        for code in (exercise.solution or "", exercise.starter):
            cases.append({"code": code, "check": exercise.check_code, "setup": exercise.setup})
    return {
        "interpreter": lesson.interpreter,
        "packages": list(lesson.packages),
        "exercises": cases,
        "cells": [cell.code for cell in lesson.run_cells],
        "recursion_limit": recursion_limit,
    }


def _runner_recursion_limit(runner: Path) -> int | None:
    """The site's runner lowers the recursion limit; check with the same one."""
    try:
        tree = ast.parse(runner.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "RECURSION_LIMIT" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, int)
        ):
            return node.value.value
    return None


def _stage(folder: Path, pins: Pins, static_py: Path) -> None:
    """The served folder: runtime/ as the site ships it, the harness, the site's Python."""
    vendor(pins, folder)
    for name in HARNESS_FILES:
        shutil.copyfile(HARNESS / name, folder / name)
    for name in ("checker.py", "runner_mp.py"):
        shutil.copyfile(static_py / name, folder / name)


def _run_in_chromium(folder: Path, jobs: list[dict], parallel: int, time_limit: float) -> _Session:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise BrowserUnavailable(
            "the Pyodide check needs Playwright: `pip install -e '.[test]'` (or run `check --cpython-only`)"
        ) from error
    from .browser import launch_options

    session = _Session()
    with serving(folder) as base, sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(**launch_options(playwright))
        except Exception as error:  # no Chromium, or one that does not start
            raise BrowserUnavailable(
                f"the Pyodide check could not start Chromium: {error}".splitlines()[0]
                + " (install one with `playwright install chromium` or `apt-get install chromium`)"
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

            context.route("**/*", route)
            context.on("console", lambda m: m.type == "error" and session.console_errors.append(m.text))
            page = context.new_page()
            page.on("pageerror", lambda error: session.console_errors.append(f"uncaught: {error}"))
            page.goto(base + "verify.html")
            page.wait_for_function("document.documentElement.dataset.ready === 'true'")
            options = {"parallel": parallel, "timeoutMs": time_limit * 1000, "loadTimeoutMs": LOAD_LIMIT * 1000}
            session.results = page.evaluate("([jobs, options]) => verifyAll(jobs, options)", [jobs, options])
        finally:
            browser.close()
    return session


def _lesson_problems(lesson: Lesson, result: dict, root: Path, time_limit: float) -> list[Problem]:
    where = _display(lesson.path, root)
    runtime = RUNTIME_NAMES[lesson.interpreter]
    if "timeout" in result:
        return [_timeout_problem(lesson, where, result["timeout"], runtime, time_limit)]
    if "error" in result:
        return [Problem(where, 1, f"the check could not run this lesson: {result['error']} ({runtime})")]
    problems = []
    for index, verdict in enumerate(result["exercises"]):
        exercise = lesson.exercises[index // 2]
        if index % 2 == 0 and not verdict["passed"]:
            detail = f"{verdict['message']} {verdict['error'] or ''}".strip()
            problems.append(
                Problem(
                    where, exercise.line, f"the solution of '{exercise.id}' fails its checks: {detail} ({runtime})"
                )
            )
        if index % 2 == 1 and verdict["passed"]:
            problems.append(
                Problem(
                    where,
                    exercise.line,
                    f"the starter code of '{exercise.id}' already passes its checks; make a check that it fails ({runtime})",
                )
            )
    for cell, error in zip(lesson.run_cells, result["cells"], strict=True):
        if error and not cell.expect_error:
            problems.append(
                Problem(where, cell.line, f"this cell raises {error}; fix it or mark it ```python run fails ({runtime})")
            )
        if not error and cell.expect_error:
            problems.append(Problem(where, cell.line, f"this cell is marked `fails` but runs without error ({runtime})"))
    return problems


def _timeout_problem(lesson: Lesson, where: str, timeout: dict, runtime: str, time_limit: float) -> Problem:
    if timeout["stage"] == "load":
        return Problem(where, 1, f"{runtime} did not start within {LOAD_LIMIT:.0f} s ({runtime})")
    step = timeout["step"]
    limit = f"{time_limit:g} s"
    if step is None:
        what = f"loading the packages {', '.join(lesson.packages)}" if lesson.packages else "starting the lesson"
        return Problem(where, 1, f"{what} took over {limit} ({runtime})")
    if step["kind"] == "cell":
        cell = lesson.run_cells[step["index"]]
        return Problem(
            where,
            cell.line,
            f"this cell did not finish within {limit} (the lesson's time limit); look for an endless loop ({runtime})",
        )
    exercise = lesson.exercises[step["index"] // 2]
    role = "solution" if step["index"] % 2 == 0 else "starter code"
    return Problem(
        where,
        exercise.line,
        f"the {role} of '{exercise.id}' did not finish within {limit} (the lesson's time limit); look for an endless loop ({runtime})",
    )
