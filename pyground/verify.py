"""Verify exercises and cells in CPython with the checker the browser uses.

For every exercise: the solution must pass its checks and the starter code
must fail them. For every lesson: run cells, in order in one namespace, must
run without error unless marked `fails`. Each case runs under several fixed
seeds of `random` and two hash seeds (harness/verify_child.py), so a check that
depends on chance is reported as flaky, and the report is the same every time.
Each lesson runs in a child process with a time limit, so a hanging solution
fails the check instead of hanging it.
MicroPython lessons are skipped here (CPython is not MicroPython).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .api import publish_api
from .model import Course, Lesson
from .problems import Problem
from .runtime import unpacked_wheel, with_dependencies
from .serve import serving
from .settings import EXERCISE_FILENAME

CHECKER = Path(__file__).resolve().parent.parent / "site" / "static" / "py" / "checker.py"
TIME_LIMIT = 10.0

CHILD = Path(__file__).resolve().parent / "harness" / "verify_child.py"
HASH_SEEDS = ("1", "2")  # str and set ordering differ between these, so a check that relies on it shows up
SITE_PREFIX = "/pyground/"  # lessons are checked as if the site were served under a sub-path, as on GitHub Pages
LOOPBACK = "127.0.0.1,localhost"


def verify_course(course: Course, root: Path, wheels: dict[str, Path]) -> list[Problem]:
    """`wheels` maps package names to wheel files (pure-Python wheels, unpacked for CPython).

    The site's practice API (lessons/api/) is served on 127.0.0.1 meanwhile, and the lessons
    find it as the page tells them (`cloud.SITE`, from PYGROUND_SITE), so HTTP lessons make
    real requests here too."""
    lessons = [lesson for lesson in course.lessons if lesson.interpreter == "pyodide"]
    if not lessons:
        return []
    problems: list[Problem] = []
    with practice_site(lessons[0].path.parent.parent) as site:
        # requests honours proxy settings: the loopback server must be reached directly.
        env = {"PYGROUND_SITE": site, "NO_PROXY": LOOPBACK, "no_proxy": LOOPBACK}
        for lesson in lessons:
            needed = with_dependencies(lesson.packages, wheels)  # requests needs urllib3, idna...
            paths = [str(unpacked_wheel(wheels[name])) for name in needed]
            problems += verify_lesson(lesson, root, paths, env)
    return problems


@contextmanager
def practice_site(lessons_dir: Path) -> Iterator[str]:
    """The practice API of `lessons_dir`, served on 127.0.0.1 under SITE_PREFIX; yields the site's URL."""
    with tempfile.TemporaryDirectory(prefix="pyground-site-") as folder:
        publish_api(lessons_dir, Path(folder))
        with serving(Path(folder), prefix=SITE_PREFIX, quiet=True) as base:
            yield base


def exercise_cases(lesson: Lesson) -> list[dict]:
    """Each exercise's solution, then its starter code, as the checker takes them."""
    return [
        {"code": code, "check": exercise.check_code, "setup": exercise.setup, "filename": EXERCISE_FILENAME}
        for exercise in lesson.exercises
        for code in (exercise.solution or "", exercise.starter)
    ]


def cell_cases(lesson: Lesson) -> list[dict]:
    """Each run cell, in page order, named as the page names it, with the lines `check` types when it
    asks for input."""
    return [{"code": cell.code, "filename": cell.filename, "inputs": list(cell.inputs)} for cell in lesson.run_cells]


def cell_error(outcome: dict) -> str | None:
    """What went wrong in a cell, from checker.run_cell's outcome in any runtime: None if nothing."""
    if outcome.get("ok"):
        return None
    if "exit" in outcome:
        return f"SystemExit: {outcome['exit']}"
    if outcome.get("stopped"):
        return "KeyboardInterrupt"
    return outcome.get("summary") or outcome.get("error") or "an error"


def lesson_problems(
    lesson: Lesson, where: str, verdicts: list[dict], cell_outcomes: list[dict], runtime: str = ""
) -> list[Problem]:
    """What is wrong in one lesson's results (verdicts in `exercise_cases` order, cells' outcomes
    in page order), in any runtime."""
    suffix = f" ({runtime})" if runtime else ""
    problems = []
    for index, verdict in enumerate(verdicts):
        exercise, role = lesson.exercises[index // 2], ("solution", "starter code")[index % 2]
        if verdict.get("flaky"):
            message = f"the {role} of '{exercise.id}' passes on one run and fails on another; seed random numbers and avoid checks that depend on time"
        elif role == "solution" and not verdict["passed"]:
            message = f"the solution of '{exercise.id}' fails its checks: {verdict['message']} {verdict.get('error') or ''}".strip()
        elif role == "starter code" and verdict["passed"]:
            message = f"the starter code of '{exercise.id}' already passes its checks; make a check that it fails"
        else:
            continue
        problems.append(Problem(where, exercise.line, message + suffix))
    for cell, outcome in zip(lesson.run_cells, cell_outcomes, strict=True):
        error = cell_error(outcome)
        if error and not cell.expect_error:
            problems.append(
                Problem(where, cell.line, f"this cell raises {error}; fix it or mark it ```python run fails{suffix}")
            )
        if not error and cell.expect_error:
            problems.append(Problem(where, cell.line, f"this cell is marked `fails` but runs without error{suffix}"))
    return problems


def verify_lesson(lesson: Lesson, root: Path, wheels: list[str], env: dict[str, str] | None = None) -> list[Problem]:
    where = _display(lesson.path, root)
    job = {
        "exercises": exercise_cases(lesson),
        "cells": cell_cases(lesson),
        "wheels": wheels,
        "data": {data.name: str(data.source) for data in lesson.files},
    }
    try:
        first, *others = (run_child(CHILD, job, env or {}, hash_seed=seed, timeout=TIME_LIMIT) for seed in HASH_SEEDS)
    except subprocess.TimeoutExpired:
        message = f"verifying this lesson took over {TIME_LIMIT:.0f} s; look for an endless loop in a solution or cell"
        return [Problem(where, 1, message)]
    except RuntimeError as error:
        return [Problem(where, 1, f"the checker crashed: {error}")]
    for other in others:  # a verdict that changes with the hash seed is flaky too
        for verdict, again in zip(first["exercises"], other["exercises"], strict=True):
            verdict["flaky"] = verdict["flaky"] or again["flaky"] or verdict["passed"] != again["passed"]
    return lesson_problems(lesson, where, first["exercises"], first["cells"])


def run_child(script: Path, job: dict, env: dict[str, str], *, hash_seed: str, timeout: float) -> Any:
    """What a CPython child of the check (harness/*_child.py) prints last for `job`, as JSON. Raises
    RuntimeError with the child's last error line if it fails, TimeoutExpired if it overruns."""
    completed = subprocess.run(
        # Not -I, which would ignore PYTHONHASHSEED: the rest of the environment's PYTHON* settings are dropped instead.
        [sys.executable, "-s", "-P", str(script), str(CHECKER.parent)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}, **env, "PYTHONHASHSEED": hash_seed},
    )
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit status {completed.returncode}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
