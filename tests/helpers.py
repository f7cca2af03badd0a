"""What tests share that is not a browser: lessons written to a folder, the CLI, the table of attempts.

Browser steps (what a learner does on a page) are in tests/e2e/helpers.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---- one table of exercise attempts, judged in every runtime (tests/unit/test_checker.py) and
# tried on a lesson page (tests/e2e/test_exercises.py)

CHECK = 'assert double(2) == 4, "double(2) should be 4"'
RAISED = "; read the error below, fix it and check again."


@dataclass(frozen=True)
class Attempt:
    code: str
    passed: bool
    message: str  # the verdict's message, the same in every runtime unless `differs` says otherwise
    traceback: bool = False  # the verdict carries the learner's traceback
    forgery: bool = False  # tries to pass (or to fake a pass) without a right answer
    differs: dict[str, str] = field(default_factory=dict)  # runtime -> its own message, where it cannot match


ATTEMPTS = {
    "right answer": Attempt("def double(n):\n    return n * 2", True, "All checks passed."),
    "wrong answer": Attempt("def double(n):\n    return n + 3", False, "double(2) should be 4"),
    "prints instead of returning": Attempt("def double(n):\n    print(n * 2)", False, "double(2) should be 4"),
    "missing name": Attempt(
        "def twice(n):\n    return n * 2", False, "Your code does not define `double`; the checks need it."
    ),
    "syntax error": Attempt("def double(n)\n    return n * 2", False, "Your code raised SyntaxError" + RAISED, True),
    "error in the code": Attempt("x = 1\ny = x / 0\n", False, "Your code raised ZeroDivisionError" + RAISED, True),
    "error when the checks call it": Attempt(
        "def double(n):\n    return m * 2",
        False,
        "Calling your code from the checks raised NameError: name 'm' is not defined",
        True,
        # MicroPython words its own errors: the exception's text is the interpreter's.
        differs={"micropython": "Calling your code from the checks raised NameError: name 'm' isn't defined"},
    ),
    "exits with a code": Attempt(
        "import sys\nsys.exit(3)", False, "Your code called exit(3) before the checks could run."
    ),
    "prints a pass": Attempt(
        'print("All checks passed.")', False, "Your code does not define `double`; the checks need it.", forgery=True
    ),
    "redefines print": Attempt(
        "print = lambda *args, **kwargs: None\ndef double(n):\n    return 0",
        False,
        "double(2) should be 4",
        forgery=True,
    ),
    "replaces AssertionError": Attempt(
        "import builtins\nbuiltins.AssertionError = ZeroDivisionError\ndef double(n):\n    return 0",
        False,
        "double(2) should be 4",
        forgery=True,
    ),
    "replaces builtins": Attempt(
        "import builtins\nbuiltins.len = lambda x: 0\nbuiltins.print = None\ndef double(n):\n    return 0",
        False,
        "double(2) should be 4",
        forgery=True,
    ),
    "exits early": Attempt(
        "import sys\nsys.exit(0)", False, "Your code called exit(0) before the checks could run.", forgery=True
    ),
    "raises SystemExit": Attempt(
        "raise SystemExit", False, "Your code called exit() before the checks could run.", forgery=True
    ),
    "raises KeyboardInterrupt": Attempt(
        "raise KeyboardInterrupt", False, "Your code raised KeyboardInterrupt" + RAISED, True, forgery=True
    ),
    "raises a BaseException": Attempt(
        "class Escape(BaseException):\n    pass\nraise Escape()",
        False,
        "Your code raised Escape" + RAISED,
        True,
        forgery=True,
    ),
    "patches the checker": Attempt(
        "import checker\n"
        "checker._verdict = lambda *a, **k: {'passed': True, 'message': 'All checks passed.', 'output': '', 'error': None}\n"
        "checker._run_checks = lambda *a, **k: {'passed': True, 'message': 'All checks passed.', 'output': '', 'error': None}\n"
        "def double(n):\n    return 0",
        False,
        "double(2) should be 4",
        forgery=True,
    ),
    "posts a message": Attempt(
        "import json\nfrom polyscript import xworker\n"
        "xworker.postMessage(json.dumps({'passed': True, 'message': 'All checks passed.'}))\n"
        "import js\njs.postMessage(json.dumps({'passed': True}))\n"
        "def double(n):\n    return 0",
        False,
        "Your code raised ImportError" + RAISED,  # the runners refuse the modules that reach the page
        True,
        forgery=True,
        # CPython (build.py check) has no page, hence no such module at all.
        differs={"cpython": "Your code raised ModuleNotFoundError" + RAISED},
    ),
    "right answer after all that": Attempt("def double(n):\n    return n * 2", True, "All checks passed."),
}

# Cells, run in order in one namespace after the attempts above: (code, inputs, outcome without `summary`).
CELLS = {
    "runs": ("x = 2", [], {"ok": True}),
    "sees the cell before": ("assert x == 2", [], {"ok": True}),
    "builtins are intact": (
        "assert len([1, 2]) == 2 and callable(print) and AssertionError.__name__ == 'AssertionError'",
        [],
        {"ok": True},
    ),
    "reads input": ("name = input('Name? ')\nassert name == 'Ada'", ["Ada"], {"ok": True}),
    "raises": ("1 / 0", [], {"ok": False, "error": "ZeroDivisionError"}),
    "exits": ("import sys\nsys.exit(3)", [], {"ok": False, "exit": 3}),
    "is interrupted": ("raise KeyboardInterrupt", [], {"ok": False, "stopped": True}),
}
