"""checker.run_exercise, the core that judges every exercise, in CPython (the browser runs the same file)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "site" / "static" / "py"))

import checker

CHECK = 'assert double(2) == 4, "double(2) should be 4"'

CASES = {
    "right answer": ("def double(n):\n    return n * 2", True, "All checks passed."),
    "wrong answer": ("def double(n):\n    return n + 3", False, "double(2) should be 4"),
    "prints instead": ("def double(n):\n    print(n * 2)", False, "double(2) should be 4"),
    "missing name": ("def twice(n):\n    return n * 2", False, "Your code does not define `double`"),
    "syntax error": ("def double(n)\n    return n * 2", False, "Your code raised SyntaxError"),
    "exits early": ("import sys\nsys.exit(3)", False, "Your code called exit(3)"),
    "keyboard interrupt": ("raise KeyboardInterrupt", False, "Your code raised KeyboardInterrupt"),
    "base exception": ("class Out(BaseException): pass\nraise Out()", False, "Your code raised Out"),
    "claims a pass": ('print("All checks passed.")\ndef double(n):\n    return 0', False, "double(2) should be 4"),
    "replaces builtins": (
        "import builtins\nbuiltins.AssertionError = None\ndef double(n):\n    return 0",
        False,
        "double(2) should be 4",
    ),
    "patches the checker": (
        "import checker\nchecker._verdict = lambda *a, **k: {'passed': True}\ndef double(n):\n    return 0",
        False,
        "double(2) should be 4",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_checker_verdict_for_each_kind_of_attempt(case):
    code, passed, message = CASES[case]
    verdict = checker.run_exercise(code, CHECK)
    assert verdict["passed"] is passed
    assert verdict["message"].startswith(message), verdict["message"]


def test_checker_restores_replaced_builtins_after_the_attempt():
    checker.run_exercise("import builtins\nbuiltins.len = lambda x: 0\ndel builtins.print", CHECK)
    assert len([1, 2]) == 2 and callable(print)


def test_checker_traceback_quotes_the_learners_own_line_only():
    verdict = checker.run_exercise("x = 1\ny = x / 0\n", CHECK)
    assert 'File "<exercise>", line 2' in verdict["error"] and "y = x / 0" in verdict["error"]
    assert "checker.py" not in verdict["error"]
