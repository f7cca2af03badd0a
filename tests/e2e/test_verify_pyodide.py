"""`build.py check` in the runtimes the site ships: headless Chromium with the vendored
Pyodide and MicroPython, through the site's own runners.

One course with a lesson per way to fail is checked once (one Chromium, one cold
Pyodide start for all of them); one CLI run covers the output and the exit code.
"""

from __future__ import annotations

import textwrap
import time

import pytest

from pyground.builder import BuildConfig, load_and_validate
from pyground.model import Course, Lesson, Track
from pyground.runtime import load_pins
from pyground.verify_browser import runtimes_checked, verify_course_in_pyodide

from ..helpers import GOOD, run_cli, write_course

pytestmark = pytest.mark.e2e

PINS = load_pins(BuildConfig().pyproject)
TIME_LIMIT = 5.0

BROKEN = """\
---
id: broken
title: Broken
summary: Short.
---

```python run
x = 1 / 0
```

```python run fails
y = 2
```

```python exercise id=broken-wrong
def f():
    ...
```

```python check
assert f() == 1, "f() should be 1"
```

```python solution
def f():
    return 2
```

```python exercise id=broken-starter
def g():
    return 1
```

```python check
assert g() == 1, "g() should be 1"
```

```python solution
def g():
    return 1
```
"""

TABLES = """\
---
id: tables
title: Tables
summary: Short.
packages: [tabulate]
---

```python run
from tabulate import tabulate
table = tabulate([["cpu", 3]], headers=["metric", "value"])
assert "cpu" in table
```

```python exercise id=tables-ex
from tabulate import tabulate
def render(rows):
    return ""
```

```python check
assert "load" in render([["load", 1]]), "the table should contain the metric"
```

```python solution
from tabulate import tabulate
def render(rows):
    return tabulate(rows)
```
"""

MICRO = """\
---
id: micro
title: MicroPython
summary: Short.
interpreter: micropython
---

```python run
import sys
assert sys.implementation.name == "micropython"
```

```python run
reading = 1 // 0
```

```python run fails
undefined_name
```

```python exercise id=micro-ex
def double(x):
    return x
```

```python check
assert double(2) == 4, "double(2) should be 4"
```

```python solution
def double(x):
    return x + 1
```
"""

LESSONS = {
    "basics/01-good.md": GOOD.format(id="good"),
    "basics/02-broken.md": BROKEN,
    "basics/03-loop.md": GOOD.format(id="loop").replace("x = 1", "while True:\n    pass"),
    "basics/04-after.md": GOOD.format(id="after").replace("x = 1", "x = undefined_name"),
    "cloud/01-tables.md": TABLES,
    "iot/01-micro.md": MICRO,
}


def line_of(name: str, text: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line equal to `text` in LESSONS[name]."""
    lines = textwrap.dedent(LESSONS[name]).splitlines()
    return [i for i, line in enumerate(lines, 1) if line == text][occurrence - 1]


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[list[str], float]:
    """The problems found in LESSONS, as `path:line: message`, and how long finding them took."""
    root = tmp_path_factory.mktemp("course")
    course, _ = load_and_validate(BuildConfig(lessons=write_course(root, LESSONS)), PINS)
    started = time.perf_counter()
    problems = verify_course_in_pyodide(course, root, PINS, time_limit=TIME_LIMIT, parallel=1)
    return [str(p) for p in problems], time.perf_counter() - started


def problems_in(checked, name: str) -> list[str]:
    return [p for p in checked[0] if p.startswith(f"lessons/{name}:")]


def test_verify_pyodide_correct_lessons_pass_with_their_packages(checked):
    assert problems_in(checked, "basics/01-good.md") == []
    assert problems_in(checked, "cloud/01-tables.md") == []  # imports tabulate, shipped as a wheel


def test_verify_pyodide_reports_each_broken_case_at_its_line(checked):
    name = "basics/02-broken.md"
    assert sorted(problems_in(checked, name)) == sorted(
        [
            f"lessons/{name}:{line_of(name, '```python exercise id=broken-wrong')}: "
            "the solution of 'broken-wrong' fails its checks: f() should be 1 (Pyodide)",
            f"lessons/{name}:{line_of(name, '```python exercise id=broken-starter')}: "
            "the starter code of 'broken-starter' already passes its checks; make a check that it fails (Pyodide)",
            f"lessons/{name}:{line_of(name, '```python run')}: "
            "this cell raises ZeroDivisionError: division by zero; fix it or mark it ```python run fails (Pyodide)",
            f"lessons/{name}:{line_of(name, '```python run fails')}: "
            "this cell is marked `fails` but runs without error (Pyodide)",
        ]
    )


def test_verify_pyodide_endless_loop_is_a_timeout_and_the_next_lesson_is_checked(checked):
    _, seconds = checked
    assert problems_in(checked, "basics/03-loop.md") == [
        f"lessons/basics/03-loop.md:9: this cell did not finish within {TIME_LIMIT:g} s (the lesson's time limit); "
        "look for an endless loop or a very slow step, and on a busy machine run the check again (Pyodide)"
    ]
    # One lesson at a time: the lesson after the loop ran in a fresh worker.
    assert problems_in(checked, "basics/04-after.md") == [
        "lessons/basics/04-after.md:9: this cell raises NameError: name 'undefined_name' is not defined; "
        "fix it or mark it ```python run fails (Pyodide)"
    ]
    assert seconds < 45


def test_verify_pyodide_micropython_lesson_runs_in_micropython(checked):
    name = "iot/01-micro.md"
    assert sorted(problems_in(checked, name)) == sorted(
        [
            f"lessons/{name}:{line_of(name, '```python run', 2)}: "
            "this cell raises ZeroDivisionError: divide by zero; fix it or mark it ```python run fails (MicroPython)",
            f"lessons/{name}:{line_of(name, '```python exercise id=micro-ex')}: "
            "the solution of 'micro-ex' fails its checks: double(2) should be 4 (MicroPython)",
        ]
    )


def test_verify_pyodide_nothing_else_no_console_error_no_foreign_request(checked):
    problems, _ = checked
    assert [p for p in problems if p.startswith("lessons/course.yml")] == []
    assert len(problems) == 8, problems


def test_cli_check_runs_both_runtimes_and_cpython_only_skips_pyodide(tmp_path):
    wrong = GOOD.format(id="a").replace("    return 1", "    return 2")
    lessons = write_course(tmp_path, {"basics/01-a.md": wrong, "iot/01-micro.md": MICRO})
    result = run_cli("check", "--lessons", str(lessons))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert "lessons/basics/01-a.md:13: the solution of 'a-ex' fails its checks: f() should be 1" in errors
    assert "lessons/basics/01-a.md:13: the solution of 'a-ex' fails its checks: f() should be 1 (Pyodide)" in errors
    cell = line_of("iot/01-micro.md", "```python run", 2)
    assert any(line.startswith(f"lessons/iot/01-micro.md:{cell}: ") and "(MicroPython)" in line for line in errors)
    quick = run_cli("check", "--cpython-only", "--lessons", str(lessons))
    assert quick.returncode == 1
    assert "Pyodide" not in quick.stderr and "MicroPython" not in quick.stderr
    assert "lessons/basics/01-a.md:13: the solution of 'a-ex' fails its checks: f() should be 1" in quick.stderr


def test_check_summary_names_the_runtimes(tmp_path):
    lesson = Lesson(id="a", title="A", summary="", track="t", path=tmp_path / "a.md")
    micro = Lesson(id="m", title="M", summary="", track="t", path=tmp_path / "m.md", interpreter="micropython")
    course = Course(
        title="T", tagline="", tracks=(Track(id="t", title="T", summary="", lessons=(lesson, lesson, micro)),)
    )
    assert runtimes_checked(course, PINS, in_browser=True) == (
        f"2 lessons in CPython and Pyodide {PINS.npm_pin('pyodide').version}, "
        f"1 lesson in MicroPython {PINS.npm_pin('micropython').version}, in headless Chromium"
    )
    assert runtimes_checked(course, PINS, in_browser=False) == (
        "2 lessons in CPython only; 1 lesson in MicroPython not run (--cpython-only)"
    )
