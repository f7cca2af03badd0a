"""The site's list of lessons and exercises, published as `course.json` for the teachers' pages.

The assignment builder offers what is in it, an assignment link is checked against it (ids
only: a link never carries code or checks), the student view shows progress on its items,
and the student view and the grading page run each exercise's checks from it, in the
browser, exactly as the lesson page does (the same `setup` and `check` text the page embeds).
Solutions are not in it: grading never needs them.

    {"format": "pyground-course", "version": 1, "build": "<build id>", "title": "...",
     "python": ["checker.py", ...],           the site's modules a grading worker loads beside the runner
     "tracks": [{"id", "title"}],
     "lessons": [{"id", "title", "track", "url", "aliases", "interpreter", "packages",
                  "files": {name: path from the site root}, "exercises": [exercise id, ...],
                  "board": the simulated board's parts or null, "modules": [its modules (a board's)]}],
     "exercises": {id: {"lesson", "title", "number", "aliases", "setup", "check"}}}
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .board import MODULES as BOARD_MODULES
from .board import board_config
from .model import Course, Exercise, Lesson, Prose

CATALOG_FILE = "course.json"  # at the site root
FORMAT = "pyground-course"
VERSION = 1
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def catalog(course: Course, build_id: str, python_modules: list[str]) -> str:
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "build": build_id,
        "title": course.title,
        "python": sorted(python_modules),
        "tracks": [{"id": track.id, "title": track.title} for track in course.tracks],
        "lessons": [_lesson(lesson) for lesson in course.lessons],
        "exercises": {
            exercise.id: _exercise(lesson, exercise, number)
            for lesson in course.lessons
            for number, exercise in enumerate(lesson.exercises, 1)
        },
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def python_modules(static_py: Path) -> list[str]:
    """The site's Python files that sit beside a runner (runner.py, runner_mp.py) in every worker
    (a board lesson's own modules come on top, for that lesson only)."""
    names = (path.name for path in static_py.glob("*.py") if not path.name.startswith("runner"))
    return sorted(name for name in names if name not in BOARD_MODULES)


def _lesson(lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "title": lesson.title,
        "track": lesson.track,
        "url": lesson.url,
        "aliases": list(lesson.aliases),
        "interpreter": lesson.interpreter,
        "packages": list(lesson.packages),
        "files": {data.name: f"{lesson.track}/{data.path}" for data in lesson.files},
        "exercises": [exercise.id for exercise in lesson.exercises],
        # Checked on virtual time with the board's parts, as `build.py check` checks it.
        "board": board_config(lesson.board) if lesson.board else None,
        "modules": list(BOARD_MODULES) if lesson.board else [],
    }


def _exercise(lesson: Lesson, exercise: Exercise, number: int) -> dict[str, Any]:
    return {
        "lesson": lesson.id,
        "title": exercise_label(exercise, lesson),
        "number": number,
        "aliases": list(exercise.aliases),
        "setup": exercise.setup,
        "check": exercise.check_code,
    }


def exercise_label(exercise: Exercise, lesson: Lesson) -> str:
    """How the teachers' pages name an exercise: its heading, else "Exercise 2" (its place in the lesson)."""
    return exercise_title(lesson, exercise) or f"Exercise {lesson.exercises.index(exercise) + 1}"


def exercise_title(lesson: Lesson, exercise: Exercise) -> str:
    """The last heading above the exercise (`## Exercise: a stratified split`), as plain text, or ''."""
    title = ""
    for block in lesson.blocks:
        if block is exercise:
            return title
        if isinstance(block, Prose):
            for line in block.markdown.splitlines():
                if match := HEADING.match(line):
                    title = match.group(1).replace("`", "").replace("*", "")
        elif isinstance(block, Exercise):
            title = ""  # a heading names the first exercise under it only
    return title
