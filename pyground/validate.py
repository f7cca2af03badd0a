"""Checks that need the whole course: ids unique across files, packages we ship."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import Course, Lesson, Prose
from .problems import Problems

FOREIGN_EMBED = re.compile(r'<img[^>]+src="(https?:)?//', re.IGNORECASE)


def validate_course(course: Course, known_packages: Iterable[str], problems: Problems) -> None:
    _unique_ids(course, problems)
    _packages(course, frozenset(known_packages), problems)
    _foreign_embeds(course, problems)


def _unique_ids(course: Course, problems: Problems) -> None:
    """Lesson and exercise ids key saved progress, so each id or alias must name one thing:
    an alias that is another live id, or that two claim, would merge two learners' records."""
    lessons: dict[str, tuple[Lesson, int, str]] = {}
    exercises: dict[str, tuple[Lesson, int, str]] = {}

    def claim(seen: dict, key: str, lesson: Lesson, line: int, role: str, what: str) -> None:
        if other := seen.get(key):
            other_lesson, other_line, other_role = other
            if other_lesson is lesson and role == other_role and (line == other_line or role == "id"):
                return  # the same claim again, or a duplicate within one lesson (the parser reports those)
            problems.add(
                lesson.path,
                line,
                f"{what} {role} '{key}' is also the {other_role} at {problems.relative(other_lesson.path)}:{other_line}; "
                f"saved work is keyed by it, so it must name one {what}: rename one of them or drop the alias",
            )
        else:
            seen[key] = (lesson, line, role)

    for lesson in course.lessons:
        claim(lessons, lesson.id, lesson, lesson.line_of("id"), "id", "lesson")
        for exercise in lesson.exercises:
            claim(exercises, exercise.id, lesson, exercise.line, "id", "exercise")
    for lesson in course.lessons:  # aliases after every live id, so a clash names the live one
        for alias in lesson.aliases:
            claim(lessons, alias, lesson, lesson.line_of("aliases"), "alias", "lesson")
        for exercise in lesson.exercises:
            for alias in exercise.aliases:
                claim(exercises, alias, lesson, exercise.line, "alias", "exercise")


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
