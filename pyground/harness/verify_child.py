"""One lesson's check in CPython, in a child process of `build.py check` (verify.py).

Reads a job (exercise cases, run cells, data files, wheels) as JSON on stdin and
prints the results as one JSON line: each case judged, and each cell run in order
in one namespace, by the site's own checker.py, the core the page's runners use. Every exercise case
runs once per seed in SEEDS (`random` seeded before each attempt), and verify.py
runs this file under two hash seeds, so a verdict that depends on chance is
reported as flaky, the same way every time.
"""

import builtins
import contextlib
import io
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # python -P leaves this folder out
from cpython_host import checker, fresh_folder, job  # reads the job

SEEDS = (1, 2, 3)


def attempt(case, seed):
    fresh_folder()
    random.seed(seed)
    return checker.run_exercise(case["code"], case["check"], case["setup"], filename=case["filename"])


def typist(answers):
    """input() for a cell: types the cell's `input=` answers, then meets end of file."""
    lines = iter(answers)

    def typed(prompt=""):
        line = next(lines, None)
        if line is None:
            raise EOFError("input(): mark the cell with input=... to give `build.py check` an answer")
        print(f"{prompt}{line}")
        return line

    return typed


checker.remember_builtins()
results = []
for case in job["exercises"]:
    verdicts = [attempt(case, seed) for seed in SEEDS]
    results.append({**verdicts[0], "flaky": len({v["passed"] for v in verdicts}) > 1})
cells = []
fresh_folder()
random.seed(SEEDS[0])
namespace = {"__name__": "__main__"}
for cell in job["cells"]:
    builtins.input = typist(cell["inputs"])  # checker.run_cell puts the real one back afterwards
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        cells.append(checker.run_cell(cell["code"], namespace, cell["filename"]))
print(json.dumps({"exercises": results, "cells": cells}))
