"""The committed list of lesson and exercise ids (lessons/ids.json).

Learners' saved work is keyed by these ids, so an id may never silently
disappear: when one is missing from the course, the build fails unless a
lesson lists it under `aliases:` (or an exercise under `aliases=`), which
also tells the page to carry the saved work over. New ids are added to the
file by a normal build, as its last step; a strict build or check (CI) fails
instead, so the file that is committed is always complete. `check` never
writes it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .model import Course
from .problems import Problems

FILE_NAME = "ids.json"


def current_ids(course: Course) -> dict[str, list[str]]:
    return {lesson.id: sorted(e.id for e in lesson.exercises) for lesson in course.lessons}


def check_ids(course: Course, lessons_dir: Path, problems: Problems, *, strict: bool) -> None:
    """Report ids that disappeared, and (strict) ids not recorded yet. Writes nothing."""
    path = lessons_dir / FILE_NAME
    try:
        recorded = _recorded(path)
    except (ValueError, KeyError, TypeError):
        problems.add(
            path,
            1,
            'not a valid id list; restore it from git (it looks like {"lessons": {"lesson-id": ["exercise-id"]}})',
        )
        return
    lesson_ids = {alias: lesson for lesson in course.lessons for alias in (lesson.id, *lesson.aliases)}
    exercise_ids = {alias for lesson in course.lessons for e in lesson.exercises for alias in (e.id, *e.aliases)}
    for lesson_id, exercises in recorded.items():
        if lesson_id not in lesson_ids:
            problems.add(
                path,
                _line(path, f'"{lesson_id}"'),
                f"lesson id '{lesson_id}' has disappeared, and learners' saved work is keyed by it. "
                f"Give it back to its lesson, or add `aliases: [{lesson_id}]` to the lesson that replaces it",
            )
        for exercise_id in exercises:
            if exercise_id not in exercise_ids:
                problems.add(
                    path,
                    _line(path, f'"{exercise_id}"'),
                    f"exercise id '{exercise_id}' has disappeared, and learners' saved work is keyed by it. "
                    f"Give it back, or write `aliases={exercise_id}` after the new id (```python exercise id=new aliases={exercise_id})",
                )
    if strict and _unrecorded(course, recorded):
        problems.add(
            path,
            1,
            "new lesson or exercise ids are not recorded yet; run `python build.py build` and commit lessons/ids.json",
        )


def _recorded(path: Path) -> dict[str, list[str]]:
    return json.loads(path.read_text(encoding="utf-8"))["lessons"] if path.is_file() else {}


def _unrecorded(course: Course, recorded: dict[str, list[str]]) -> bool:
    return any(lid not in recorded or set(ex) - set(recorded[lid]) for lid, ex in current_ids(course).items())


def record_ids(course: Course, lessons_dir: Path) -> None:
    """Add the course's new ids to the file (the build's last step, for a sound course only).
    Ids are only ever added: a recorded id stays, even once an alias carries it."""
    path = lessons_dir / FILE_NAME
    recorded, current = _recorded(path), current_ids(course)
    if _unrecorded(course, recorded):
        merged = {lid: sorted({*recorded.get(lid, []), *current.get(lid, [])}) for lid in {*recorded, *current}}
        path.write_text(json.dumps({"lessons": dict(sorted(merged.items()))}, indent=1) + "\n", encoding="utf-8")


def _line(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    return 1
