"""lessons/ids.json: an id that keys saved work can never silently disappear."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from pyground.builder import BuildConfig, load_and_validate
from pyground.manifest import record_ids
from pyground.problems import BuildError
from pyground.runtime import load_pins

from ..helpers import GOOD, write_course

PINS = load_pins(BuildConfig().pyproject)


def validate(lessons, strict=False):
    """What a build does with ids: check them, then (not strict) record new ones."""
    course, warnings = load_and_validate(BuildConfig(lessons=lessons, strict=strict), PINS)
    if not strict:
        record_ids(course, lessons)
    return course, warnings


def errors(lessons, strict=False) -> list[str]:
    with pytest.raises(BuildError) as caught:
        validate(lessons, strict)
    return [str(p) for p in caught.value.problems]


def test_ids_are_recorded_by_a_normal_build(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    validate(lessons)
    assert json.loads((lessons / "ids.json").read_text()) == {"lessons": {"a": ["a-ex"]}}


def test_ids_validation_alone_writes_nothing(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    load_and_validate(BuildConfig(lessons=lessons), PINS)  # what `build.py check` does
    assert not (lessons / "ids.json").exists()


def test_ids_unrecorded_fail_a_strict_build(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    [error] = errors(lessons, strict=True)
    assert error.startswith("lessons/ids.json:1:") and "python build.py build" in error
    assert not (lessons / "ids.json").exists()


def test_ids_removed_lesson_fails_until_an_alias_maps_it(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    validate(lessons)
    renamed = lessons / "basics" / "01-a.md"
    renamed.write_text(GOOD.format(id="b").replace("b-ex", "a-ex"))
    [error] = errors(lessons)
    assert (
        error.startswith("lessons/ids.json:3:") and "lesson id 'a' has disappeared" in error and "aliases: [a]" in error
    )
    renamed.write_text(
        GOOD.format(id="b").replace("b-ex", "a-ex").replace("summary: Short.", "summary: Short.\naliases: [a]")
    )
    validate(lessons)
    assert set(json.loads((lessons / "ids.json").read_text())["lessons"]) == {"a", "b"}  # ids are only ever added


def test_ids_removed_exercise_fails_until_an_alias_maps_it(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    validate(lessons)
    path = lessons / "basics" / "01-a.md"
    path.write_text(GOOD.format(id="a").replace("id=a-ex", "id=a-new"))
    [error] = errors(lessons)
    assert "exercise id 'a-ex' has disappeared" in error and "aliases=a-ex" in error
    path.write_text(GOOD.format(id="a").replace("id=a-ex", "id=a-new aliases=a-ex"))
    course, _ = validate(lessons)
    assert course.lessons[0].exercises[0].aliases == ("a-ex",)


def test_ids_file_that_is_not_json_fails_clearly(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    (lessons / "ids.json").write_text("{oops")
    [error] = errors(lessons)
    assert error.startswith("lessons/ids.json:1:") and "restore it from git" in error


def test_ids_of_the_real_course_are_all_recorded():
    config = replace(BuildConfig(), strict=True)
    load_and_validate(config, PINS)  # raises if lessons/ids.json is stale
