"""Render the course model to HTML pages: model in, {path: html} out.

Templates autoescape and fail on undefined names. Lesson text arrives here as
already-sanitised HTML (raw HTML is off in the Markdown parser) and is never
itself treated as a template, so `{{ ... }}` in a lesson shows literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .board import MODULES as BOARD_MODULES
from .board import board_config
from .catalog import exercise_label
from .model import Course, Exercise, Lesson
from .notebook import helper_modules

# For teachers: how to assign and grade, the assignment builder, the student view of an
# assignment link, and the grading page.
TEACHER_PAGES = ("teachers.html", "assign.html", "assignment.html", "grade.html")


@dataclass(frozen=True)
class SiteInfo:
    """What every page needs to know about the build."""

    build_id: str
    runtime_dir: str = "runtime"
    static_dir: str = "static"  # the build publishes it as static-<content hash> (builder.static_folder)
    # Each entry script's modules (in js/), preloaded by its page so none waits for the one importing it.
    modules: dict[str, list[str]] = field(default_factory=dict)
    # The chunks of PyScript's plugins a page keeps (runtime/pyscript/), preloaded with its core.
    pyscript_plugins: list[str] = field(default_factory=list)


# `import ... from "./x.js"`, `export ... from "./x.js"` and `import "./x.js"`: the static imports between our modules.
_STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\s(?:[^"';]*?\sfrom\s*)?["']\./([\w.-]+\.js)["']""", re.M)


def imported_modules(folder: Path, entry: str) -> list[str]:
    """`entry` and every module of `folder` it imports, directly or not, in the order they are found."""
    found, queue = [], [entry]
    while queue:
        name = queue.pop(0)
        if name in found:
            continue
        found.append(name)
        if (folder / name).is_file():  # settings.js is not: the build writes it
            queue.extend(_STATIC_IMPORT.findall((folder / name).read_text(encoding="utf-8")))
    return found


def make_environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["exercise_data"] = exercise_data
    env.filters["exercise_keys"] = exercise_keys
    env.filters["exercise_label"] = exercise_label
    return env


def exercise_data(exercise: Exercise) -> dict[str, Any]:
    """The parts of an exercise the browser needs to check it (hidden, not secret)."""
    return {
        "id": exercise.id,
        "aliases": list(exercise.aliases),
        "setup": exercise.setup,
        "check": exercise.check_code,
        "solution": exercise.solution,
    }


def exercise_keys(lesson: Lesson) -> dict[str, list[str]]:
    """Each exercise id of a lesson with its earlier ids: what progress counts on every page.
    Saved work follows an exercise id wherever the exercise is, and a rename counts once."""
    return {exercise.id: list(exercise.aliases) for exercise in lesson.exercises}


def relative_root(page: str) -> str:
    """'' for index.html, '../' for basics/index.html: every link stays relative,
    so the site works at / and under any sub-path."""
    return "../" * page.count("/")


def render_site(course: Course, env: Environment, info: SiteInfo) -> dict[str, str]:
    pages: dict[str, str] = {}

    def render(page: str, template: str, **context: Any) -> None:
        pages[page] = env.get_template(template).render(course=course, site=info, root=relative_root(page), **context)

    render("index.html", "home.html")
    render("playground.html", "playground.html", config=_playground_config(course), playground=True)
    for page in TEACHER_PAGES:  # their scripts read the course from course.json (catalog.py)
        render(page, page, teachers=True)
    for track in course.tracks:
        render(track.url, "track.html", track=track)
        for lesson in track.lessons:
            render(
                lesson.url,
                "lesson.html",
                track=track,
                lesson=lesson,
                config=_lesson_config(lesson),
                extras=_notebook_extras(lesson, info.static_dir),
                **_neighbours(course, lesson),
            )
    return pages


def _neighbours(course: Course, lesson: Lesson) -> dict[str, Lesson | None]:
    """Previous and next lesson across the whole course, so a learner can read straight through."""
    lessons = course.lessons
    at = lessons.index(lesson)
    return {
        "previous": lessons[at - 1] if at > 0 else None,
        "next": lessons[at + 1] if at + 1 < len(lessons) else None,
    }


def _lesson_config(lesson: Lesson) -> dict[str, Any]:
    """Data for the page's JavaScript, embedded as JSON."""
    return {
        "lesson": lesson.id,
        "track": lesson.track,
        "interpreter": lesson.interpreter,
        "packages": list(lesson.packages),
        # Earlier ids: saved work under them is carried over to the current ones.
        "aliases": list(lesson.aliases),
        # Files the code opens by name: fetched from beside the page into Python's working folder.
        "files": {data.name: data.path for data in lesson.files},
    } | ({"board": {"parts": board_config(lesson.board), "modules": list(BOARD_MODULES)}} if lesson.board else {})


def _notebook_extras(lesson: Lesson, static_dir: str) -> list[dict[str, str]]:
    """The files a lesson's notebook opens besides itself, as links from the lesson page:
    its data files and the site's helper modules it imports."""
    files = [{"href": data.path, "name": data.name} for data in lesson.files]
    root = relative_root(lesson.url)
    return files + [
        {"href": f"{root}{static_dir}/py/{name}.py", "name": f"{name}.py"} for name in helper_modules(lesson)
    ]


def _playground_config(course: Course) -> dict[str, Any]:
    """What the playground needs to run code a lesson's "Open in playground" sends it: the lesson's
    interpreter, packages and data files. A link names a lesson by id; any other id is refused."""
    return {
        "lessons": {
            lesson.id: {
                "title": lesson.title,
                "url": lesson.url,
                "interpreter": lesson.interpreter,
                "packages": list(lesson.packages),
                "files": {data.name: f"{lesson.track}/{data.path}" for data in lesson.files},
            }
            for lesson in course.lessons
        }
    }
