"""Weak checks: `build.py check --mutants` warns when an exercise's checks accept a common wrong answer
made from its own solution, shows the mutant and an input that tells it apart, and stays quiet about
mutants that behave like the solution and about lines the learner did not write."""

from __future__ import annotations

from pathlib import Path

from pyground.builder import BuildConfig, load_and_validate
from pyground.mutants import answer_statements, mutants, weak_checks_in_lesson
from pyground.problems import Problem

from ..helpers import PINS, run_cli, write_course

LESSON = """\
---
id: {id}
title: Ages
summary: Short.
---

```python exercise id={id}-adult
def is_adult(age):
    ...
```

```python check
{check}
```

```python solution
def is_adult(age):
    return age >= 18


print(is_adult(30))
```
"""
WEAK = 'assert is_adult(30) is True, "30 is adult"\nassert is_adult(5) is False, "5 is not"'
STRONG = WEAK + '\nassert is_adult(18) is True, "18 is adult"\nassert is_adult(17) is False, "17 is not"'


def lesson(tmp_path: Path, text: str):
    lessons = write_course(tmp_path, {"basics/01-a.md": text})
    course, _ = load_and_validate(BuildConfig(lessons=lessons), PINS)
    return course.lessons[0], lessons.parent


def warnings_for(tmp_path: Path, text: str) -> tuple[list[Problem], dict[str, int]]:
    found, root = lesson(tmp_path, text)
    return weak_checks_in_lesson(found, root, [])


def test_mutants_make_the_mistakes_learners_make():
    solution = (
        "def f(xs, limit):\n"
        "    total = 0\n"
        "    for i in range(len(xs)):\n"
        "        if xs[i] < limit and xs[i] > 0:\n"
        "            total += xs[i] * 2\n"
        "    return total\n"
    )
    changes = {(m.change, m.shown) for m in mutants(solution, "assert f([1], 2) == 2")}
    assert ("`<` changed to `<=`", "if xs[i] <= limit and xs[i] > 0:") in changes
    assert ("`and` changed to `or`", "if xs[i] < limit or xs[i] > 0:") in changes
    assert ("`*` changed to `/`", "total += xs[i] / 2") in changes
    assert ("`+` changed to `-`", "total -= xs[i] * 2") in changes
    assert ("`2` changed to `3`", "total += xs[i] * 3") in changes
    assert ("the range stops one earlier", "for i in range(len(xs) - 1):") in changes
    assert ("`return ...` changed to `return None`", "return None") in changes
    assert all(m.code != solution for m in mutants(solution, "f"))


def test_mutants_leave_alone_the_demonstration_and_the_given_lines():
    solution = "LIMIT = 18\n\ndef is_adult(age):\n    return age >= LIMIT\n\nrows = [1, 2, 3]\nprint(is_adult(30))\n"
    # The checks read is_adult, which reads LIMIT; `rows` and the print are a demonstration.
    assert answer_statements(__import__("ast").parse(solution), "assert is_adult(18)") == {0, 1}
    shown = {m.shown for m in mutants(solution, "assert is_adult(18)", starter="LIMIT = 18\n")}
    assert shown == {"return age > LIMIT", "return None"}  # LIMIT = 18 was given in the starter code
    # Checks that read `output` make everything printed part of the answer.
    assert any("print" in m.shown for m in mutants(solution, "assert 'True' in output"))


def test_weak_check_warns_with_the_mutant_and_an_input_that_tells_it_apart(tmp_path):
    problems, counts = warnings_for(tmp_path, LESSON.format(id="a", check=WEAK))
    assert [p.line for p in problems] == [19]  # the solution's `return age >= 18`
    assert problems[0].warning
    message = str(problems[0])
    assert message.startswith("lessons/basics/01-a.md:19: warning: the checks of 'a-adult' accept a wrong answer")
    assert "`>=` changed to `>`" in message and "(`return age > 18`)" in message
    assert "is_adult(18) returns False instead of True" in message
    assert message.endswith("(2 more wrong answers pass too, e.g. `return age >= 19`)")  # one warning per exercise
    assert counts["accepted"] == 3 and counts["caught"] == 1  # `return None` is caught


def test_weak_check_strong_checks_give_no_warning(tmp_path):
    problems, counts = warnings_for(tmp_path, LESSON.format(id="a", check=STRONG))
    assert problems == []
    assert counts["accepted"] == 0 and counts["caught"] == counts["mutants"] > 0


def test_weak_check_mutants_that_behave_like_the_solution_are_not_reported(tmp_path):
    text = LESSON.format(id="a", check="assert largest([3, 9, 2]) == 9\nassert largest([-1]) == -1")
    text = text.replace("def is_adult(age):\n    ...", "def largest(xs):\n    ...")
    text = text.replace(
        "def is_adult(age):\n    return age >= 18\n\n\nprint(is_adult(30))",
        "def largest(xs):\n    best = xs[0]\n    for x in xs:\n        if x > best:\n            best = x\n    return best",
    )
    problems, counts = warnings_for(tmp_path, text)
    assert problems == []  # `x >= best` gives the same answer for every list
    assert counts["equivalent"] >= 1


def test_weak_check_a_mutant_that_never_ends_costs_its_time_limit_only(tmp_path):
    text = LESSON.format(id="a", check="assert count_up(3) == 3")
    text = text.replace("def is_adult(age):\n    ...", "def count_up(n):\n    ...")
    text = text.replace(
        "def is_adult(age):\n    return age >= 18\n\n\nprint(is_adult(30))",
        "def count_up(n):\n    i = 0\n    while i < n:\n        i += 1\n    return i",
    )
    problems, counts = warnings_for(tmp_path, text)  # `i -= 1` loops forever
    assert counts["mutants"] == counts["caught"] + counts["equivalent"] + counts["accepted"]
    assert counts["caught"] >= 2  # `i <= n` by its result, `i -= 1` by its time limit
    assert [p.message.split(":")[0] for p in problems] == ["the checks of 'a-adult' accept a wrong answer"]


def test_cli_check_mutants_warns_and_fails_only_when_strict(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": LESSON.format(id="a", check=WEAK)})
    (lessons / "ids.json").write_text('{"lessons": {"a": ["a-adult"]}}\n')
    plain = run_cli("check", "--lessons", str(lessons), "--cpython-only")
    assert plain.returncode == 0 and "warning" not in plain.stderr  # opt-in
    warned = run_cli("check", "--lessons", str(lessons), "--cpython-only", "--mutants")
    assert warned.returncode == 0, warned.stderr
    assert "basics/01-a.md:19: warning: the checks of 'a-adult' accept a wrong answer" in warned.stderr
    assert "3 accepted" in warned.stdout
    strict = run_cli("check", "--lessons", str(lessons), "--cpython-only", "--mutants", "--strict")
    assert strict.returncode == 1
    assert "basics/01-a.md:19: warning:" in strict.stderr
