"""course.json: the site's lessons and exercises for the teachers' pages (ids, titles, aliases,
each exercise's lesson and checks), never the solutions; and the teachers' pages themselves."""

from __future__ import annotations

import json

from ..helpers import GOOD, build_course

TWO = GOOD.replace("Intro.", "Intro.\n\n## Exercise: the first one").replace(
    "```python exercise id={id}-ex", "```python exercise id={id}-ex aliases={id}-old"
) + (
    "\n```python exercise id={id}-second\nx = 0\n```\n\n```python setup\nimport math\n```\n\n"
    '```python check\nassert x == 2, "x should be 2"\n```\n\n```python solution\nx = 2  # SECRET-SOLUTION\n```\n'
)


def test_catalog_lists_lessons_and_exercises_with_their_checks_but_no_solution(tmp_path):
    out = build_course(tmp_path, {"basics/01-a.md": TWO.format(id="a"), "basics/02-b.md": GOOD.format(id="b")})
    text = (out / "course.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert (data["format"], data["version"]) == ("pyground-course", 1)
    assert len(data["build"]) == 12
    assert "checker.py" in data["python"] and not any(name.startswith("runner") for name in data["python"])
    assert "machine.py" not in data["python"]  # a board lesson's module, for board lessons only
    assert [lesson["id"] for lesson in data["lessons"]] == ["a", "b"]
    lesson = data["lessons"][0]
    assert (lesson["url"], lesson["interpreter"], lesson["exercises"]) == (
        "basics/a.html",
        "pyodide",
        ["a-ex", "a-second"],
    )
    first, second = data["exercises"]["a-ex"], data["exercises"]["a-second"]
    assert (first["lesson"], first["title"], first["aliases"]) == ("a", "Exercise: the first one", ["a-old"])
    assert second["title"] == "Exercise 2"  # no heading of its own above it
    assert second["setup"] == "import math\n" and 'assert x == 2, "x should be 2"' in second["check"]
    assert "SECRET-SOLUTION" not in text and "return 1" not in text


def test_catalog_teacher_pages_are_built_and_linked_from_every_page(tmp_path):
    out = build_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    for page in ("teachers.html", "assign.html", "assignment.html", "grade.html"):
        assert (out / page).is_file()
    assert 'href="../teachers.html"' in (out / "basics" / "a.html").read_text()
    assign = (out / "assign.html").read_text()
    assert 'data-item="lesson" value="a"' in assign and 'data-item="exercise" data-lesson="a" value="a-ex"' in assign
    assert 'aria-current="page">For teachers' in (out / "grade.html").read_text()
