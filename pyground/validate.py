"""Every rule about the course, on the model the parser made (content.py), which carries the line of
everything it holds: ids well formed and unique, exercises complete, packages we ship, images from here.
Nothing here reads a file."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import Course, Exercise, Lesson, Prose
from .problems import Problems

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FOREIGN_IMAGE = re.compile(r"^(https?:)?//", re.IGNORECASE)
MINUTES = "minutes is the estimated time in whole minutes, e.g. `minutes: 20`"
LESSON_ALIASES = "aliases must be a list of old ids, e.g. `aliases: [old-lesson-id]`"


def validate_course(course: Course, known_packages: Iterable[str], problems: Problems) -> None:
    for lesson in course.lessons:
        _lesson(lesson, problems)
        _exercises(lesson, problems)
    _unique_ids(course, problems)
    _packages(course, frozenset(known_packages), problems)
    _foreign_images(course, problems)


def _lesson(lesson: Lesson, problems: Problems) -> None:
    if not ID_PATTERN.match(lesson.id):
        problems.add(
            lesson.path,
            lesson.line_of("id"),
            f"id '{lesson.id}' must be lowercase letters, digits and dashes (it keys saved progress: never change it)",
        )
    if lesson.minutes is not None and not 1 <= lesson.minutes <= 240:
        problems.add(lesson.path, lesson.line_of("minutes"), MINUTES)
    if not all(ID_PATTERN.match(alias) for alias in lesson.aliases):
        problems.add(lesson.path, lesson.line_of("aliases"), LESSON_ALIASES)


def _exercises(lesson: Lesson, problems: Problems) -> None:
    seen: set[str] = set()
    for exercise in lesson.exercises:

        def report(message: str, exercise: Exercise = exercise) -> None:
            problems.add(lesson.path, exercise.line, message)

        if not ID_PATTERN.match(exercise.id):
            report(
                "an exercise needs a stable id: ```python exercise id=my-exercise (lowercase letters, digits, dashes)"
            )
        elif exercise.id in seen:
            report(f"exercise id '{exercise.id}' is used twice in this lesson; give each exercise its own id")
        seen.add(exercise.id)
        if not all(ID_PATTERN.match(alias) for alias in exercise.aliases):
            report("aliases must be earlier exercise ids separated by commas, e.g. aliases=old-id,older-id")
        name = exercise.id or "(no id)"
        if not exercise.checks:
            report(f"exercise '{name}' has no ```python check block; add one with asserts that test the learner's code")
        if exercise.solution is None:
            report(f"exercise '{name}' has no ```python solution block; add one (it is checked in CI)")


def _unique_ids(course: Course, problems: Problems) -> None:
    """Lesson and exercise ids key saved progress, so each id or alias must name one thing:
    an alias that is another live id, or that two claim, would merge two learners' records."""
    lessons: dict[str, tuple[Lesson, int, str]] = {}
    exercises: dict[str, tuple[Lesson, int, str]] = {}

    def claim(seen: dict, key: str, lesson: Lesson, line: int, role: str, what: str) -> None:
        if not ID_PATTERN.match(key):
            return  # reported as malformed already
        if other := seen.get(key):
            other_lesson, other_line, other_role = other
            if other_lesson is lesson and role == other_role and (line == other_line or role == "id"):
                return  # the same claim again, or a duplicate within one lesson (reported by _exercises)
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


def _foreign_images(course: Course, problems: Problems) -> None:
    """Images from other sites fail offline (and under cross-origin isolation)."""
    for lesson in course.lessons:
        texts = [b for b in lesson.blocks if isinstance(b, Prose)] + [h for e in lesson.exercises for h in e.hints]
        for text in texts:
            for image in text.images:
                if FOREIGN_IMAGE.match(image.src):
                    problems.warn(
                        lesson.path,
                        image.line,
                        f"the image {image.src} is loaded from another site; it will not show offline. "
                        "Put the file next to the lesson's track instead",
                    )
