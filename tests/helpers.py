"""What tests share that is not a browser: lessons written to a folder, the CLI, the table of attempts.

Browser steps (what a learner does on a page) are in tests/e2e/helpers.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pyground.builder import BuildConfig, build, load_and_validate
from pyground.problems import BuildError
from pyground.runtime import load_pins

ROOT = Path(__file__).resolve().parent.parent
PINS = load_pins(BuildConfig().pyproject)

# ---- lessons written to a folder, built, loaded, or checked from the command line


GOOD = """\
---
id: {id}
title: A lesson
summary: Short.
---

Intro.

```python run
x = 1
```

```python exercise id={id}-ex
def f():
    ...
```

```python check
assert f() == 1, "f() should be 1"
```

::: hint
Return one.
:::

```python solution
def f():
    return 1
```
"""


def write_course(root: Path, lessons: dict[str, str | bytes]) -> Path:
    """Write lessons/course.yml with the tracks named in `lessons` ("track/NN-name.md": text)."""
    lessons_dir = root / "lessons"
    tracks = sorted({name.split("/")[0] for name in lessons})
    lessons_dir.mkdir()
    (lessons_dir / "course.yml").write_text(
        "title: T\ntracks:\n" + "".join(f"  - id: {t}\n    title: {t}\n" for t in tracks)
    )
    for name, text in lessons.items():
        path = lessons_dir / name
        path.parent.mkdir(exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return lessons_dir


def load(root: Path, lessons: dict[str, str | bytes]):
    config = BuildConfig(lessons=write_course(root, lessons))
    return load_and_validate(config, PINS)[0]


def problems(root: Path, lessons: dict[str, str | bytes]) -> list[str]:
    with pytest.raises(BuildError) as caught:
        load(root, lessons)
    return [str(p) for p in caught.value.problems]


def build_course(tmp_path: Path, lessons: dict[str, str]) -> Path:
    out = tmp_path / "out"
    build(BuildConfig(lessons=write_course(tmp_path, lessons), out=out))
    return out


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, cwd=cwd)


# A lesson whose words in code, checks, hints and solutions must never be published as prose (search, notebooks).
HIDDEN_LESSON = """\
---
id: a
title: Nearest neighbours
summary: Classify by the closest points.
---

Opening prose about zebrafinch.

```python run
quokka = 1
```

## Distances *and* labels

Prose about the Pythagoras theorem.

```python exercise id=a-ex
marmoset = ...
```

```python setup
wombat = 2
```

```python check
assert marmoset == 1, "pangolin expected"
```

::: hint
Think about capybara.
:::

```python solution
marmoset = 1  # axolotl
```

### A smaller heading

Last words.
"""
HIDDEN_WORDS = ("quokka", "marmoset", "wombat", "pangolin", "capybara", "axolotl")


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
