"""checker.py, the one core that runs cells and judges exercises, against one table of attempts in
all three runtimes: CPython (as `build.py check` runs it, harness/verify_child.py) and the shipped
Pyodide and MicroPython (through the site's own runners, as the browser check runs them,
harness/lesson_check.mjs, here in Node)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pyground.builder import BuildConfig
from pyground.runtime import load_pins, vendor
from pyground.settings import EXERCISE_FILENAME, RUNNERS
from pyground.verify import CHECKER, CHILD

from ..helpers import ATTEMPTS, CELLS, CHECK

sys.path.insert(0, str(CHECKER.parent))

import checker  # the site's own file, found through the path just set

RUNTIMES = ("cpython", "pyodide", "micropython")
NODE = shutil.which("node")
HARNESS = Path(__file__).resolve().parents[2] / "pyground" / "harness"
MODULES = ("checker.py", "explain.py")


def job(interpreter: str) -> dict:
    return {
        "interpreter": interpreter,
        "runner": RUNNERS.get(interpreter),
        "files": list(MODULES),
        "board": None,
        "packages": [],
        "dataFiles": {},
        "data": {},
        "wheels": [],
        "exercises": [
            {"code": a.code, "check": CHECK, "setup": "", "filename": EXERCISE_FILENAME} for a in ATTEMPTS.values()
        ],
        "cells": [
            {"code": code, "filename": f"<cell {n}>", "inputs": inputs}
            for n, (code, inputs, _) in enumerate(CELLS.values(), 1)
        ],
    }


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    """Each runtime's verdicts and cell outcomes for the table, all attempts in one interpreter (as on a page)."""
    cpython = subprocess.run(
        [sys.executable, str(CHILD), str(CHECKER.parent)],
        input=json.dumps(job("cpython")),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = {"cpython": json.loads(cpython.stdout.splitlines()[-1])}
    if NODE:
        runtime = vendor(load_pins(BuildConfig().pyproject), tmp_path_factory.mktemp("vendored"))
        for interpreter in ("pyodide", "micropython"):
            completed = subprocess.run(
                [NODE, str(HARNESS / "check_node.mjs"), str(runtime), str(CHECKER.parent)],
                input=json.dumps(job(interpreter)),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert completed.returncode == 0, completed.stderr
            found[interpreter] = json.loads(completed.stdout)
    return found


def runtime_results(results, runtime):
    if runtime not in results:
        pytest.skip("Node is not installed: the shipped Pyodide and MicroPython run in Node here")
    return results[runtime]


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("name", ATTEMPTS)
def test_checker_verdict_is_the_same_in_every_runtime(results, runtime, name):
    attempt = ATTEMPTS[name]
    verdict = runtime_results(results, runtime)["exercises"][list(ATTEMPTS).index(name)]
    assert verdict["passed"] is attempt.passed
    assert verdict["message"] == attempt.differs.get(runtime, attempt.message)
    if attempt.traceback:  # only the learner's own lines, ending with the error
        error_name = re.search(r"raised (\w+)", verdict["message"]).group(1)
        assert verdict["error"].strip().splitlines()[-1].startswith(error_name)
        assert 'File "<exercise>"' in verdict["error"]
        assert not any(word in verdict["error"] for word in ("checker", "runner", "<setup>", "<check>", "<stdin>"))
    else:
        assert verdict.get("error") is None  # (Pyodide hands None over as undefined, which JSON leaves out)


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("name", CELLS)
def test_checker_cell_outcome_is_the_same_in_every_runtime(results, runtime, name):
    outcome = runtime_results(results, runtime)["cells"][list(CELLS).index(name)]
    assert {k: v for k, v in outcome.items() if k != "summary"} == CELLS[name][2]
    if "error" in outcome:
        assert outcome["summary"].startswith(outcome["error"] + ":")


def test_checker_restores_replaced_builtins_after_the_attempt():
    checker.run_exercise("import builtins\nbuiltins.len = lambda x: 0\ndel builtins.print", CHECK)
    assert len([1, 2]) == 2 and callable(print)


def test_checker_traceback_quotes_the_learners_own_line_only():
    verdict = checker.run_exercise("x = 1\ny = x / 0\n", CHECK)
    assert 'File "<exercise>", line 2' in verdict["error"] and "y = x / 0" in verdict["error"]
    assert "checker.py" not in verdict["error"]


def test_checker_ending_exception_ends_the_program_normally():
    """A board program's virtual time running out (sim.TimeUp) is how it ends: the checks then run."""
    code = "def double(n):\n    return n * 2\nraise ValueError('time is up')"
    assert checker.run_exercise(code, CHECK, ending=ValueError)["passed"] is True
    assert checker.run_exercise(code, CHECK)["message"].startswith("Your code raised ValueError")
    assert checker.run_cell(code, {}, ending=ValueError) == {"ok": True}
