"""Runs one lesson's cases inside Pyodide for `build.py check` (see verify_worker.mjs).

The same steps as pyground/verify.py's CPython child: exercises through the
site's checker.py, run cells in order in one namespace. Like the site's runner
it puts builtins back after each cell and uses the runner's recursion limit.
"""

import contextlib
import io
import json
import sys

import checker

namespace = {"__name__": "__main__"}


def prepare(recursion_limit):
    if recursion_limit:
        sys.setrecursionlimit(recursion_limit)


def exercise(code, check, setup):
    return json.dumps(checker.run_exercise(code, check, setup))


def cell(code):
    """None if the cell ran, else "ErrorName: message"."""
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            exec(compile(code, "<cell>", "exec"), namespace)
    except BaseException as error:
        return f"{type(error).__name__}: {error}"
    finally:
        checker.restore_builtins()
    return None
