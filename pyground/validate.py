"""Checks that need the whole course: ids unique across files, packages we ship."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import Course, Exercise, Lesson, Prose
from .problems import Problems

FOREIGN_EMBED = re.compile(r'<img[^>]+src="(https?:)?//', re.IGNORECASE)


def validate_course(course: Course, known_packages: Iterable[str], problems: Problems) -> None:
    _unique_ids(course, problems)
    _packages(course, frozenset(known_packages), problems)
    _foreign_embeds(course, problems)


def _unique_ids(course: Course, problems: Problems) -> None:
    """Lesson and exercise ids key saved progress, so each must name one thing."""
    lessons: dict[str, Lesson] = {}
    exercises: dict[str, tuple[Lesson, Exercise]] = {}
    for lesson in course.lessons:
        for lesson_id in (lesson.id, *lesson.aliases):
            if other := lessons.get(lesson_id):
                problems.add(
                    lesson.path,
                    2,
                    f"lesson id '{lesson_id}' is also used by {other.path.as_posix()}; ids must be unique across the course",
                )
            lessons.setdefault(lesson_id, lesson)
        for exercise in lesson.exercises:
            if seen := exercises.get(exercise.id):
                other_lesson, other = seen
                if other_lesson is not lesson:
                    problems.add(
                        lesson.path,
                        exercise.line,
                        f"exercise id '{exercise.id}' is also used at {other_lesson.path.as_posix()}:{other.line}; rename one of them",
                    )
            exercises.setdefault(exercise.id, (lesson, exercise))


def _packages(course: Course, known: frozenset[str], problems: Problems) -> None:
    for lesson in course.lessons:
        for name in lesson.packages:
            if lesson.interpreter == "micropython":
                problems.add(
                    lesson.path, 2, f"package '{name}': MicroPython lessons cannot install packages; remove `packages:`"
                )
            elif name not in known:
                problems.add(
                    lesson.path,
                    2,
                    f"unknown package '{name}'; lessons may use {', '.join(sorted(known))}. "
                    "To add a pure-Python wheel, pin it under [tool.pyground.wheels] in pyproject.toml",
                )


def _foreign_embeds(course: Course, problems: Problems) -> None:
    """Images from other sites fail offline (and under cross-origin isolation)."""
    for lesson in course.lessons:
        for block in lesson.blocks:
            if isinstance(block, Prose) and FOREIGN_EMBED.search(block.html):
                problems.warn(
                    lesson.path,
                    1,
                    "an image is loaded from another site; it will not show offline. Put the file next to the lesson's track instead",
                )
