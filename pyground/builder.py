"""The build, top to bottom: load, validate, render, write.

course = load_course(...)        lessons/*.md -> model, problems recorded
validate_course(...)             whole-course rules
check_ids(...)                   no id that keys saved work may vanish
raise BuildError if any problem  nothing is written for a broken course
render_site(...)                 model -> {path: html}
search_index, lesson_files       the search index; each lesson as a notebook and a script
catalog(...)                     course.json: lessons and exercises, for the teachers' pages
write pages, the service worker, static files (and settings.js), the practice API and the vendored runtime
                                 (our JS, CSS and Python under static-<content hash>/, so a deploy
                                 never mixes them with another's: see `static_folder`)
record_ids(...)                  new ids into lessons/ids.json (not in --strict, where they fail)
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .api import check_api, publish_api
from .catalog import CATALOG_FILE, catalog, python_modules
from .content import load_course
from .manifest import check_ids, record_ids
from .model import Course
from .notebook import lesson_files
from .problems import BuildError, Problem, Problems
from .render import SiteInfo, imported_modules, make_environment, render_site
from .runtime import RUNTIME_DIR, Pins, load_pins, pyscript_plugin_chunk, vendor
from .search import INDEX_FILE, search_index
from .settings import SETTINGS_MODULE, browser_settings, settings_module
from .validate import validate_course

ROOT = Path(__file__).resolve().parent.parent
STATIC_PREFIX = "static-"
VERSION_FILE = "version.json"

PYTHON_PAGES = ("lesson.js", "playground.js")  # the entry scripts of the pages that run Python


@dataclass(frozen=True)
class BuildConfig:
    lessons: Path = ROOT / "lessons"
    theme: Path = ROOT / "site"
    out: Path = ROOT / "_site"
    pyproject: Path = ROOT / "pyproject.toml"
    strict: bool = False


@dataclass
class BuildResult:
    course: Course
    pages: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)


def load_and_validate(config: BuildConfig, pins: Pins) -> tuple[Course, list[Problem]]:
    """Read and check the whole course. Raises BuildError listing every problem."""
    problems = Problems(config.lessons.parent)
    course = load_course(config.lessons, problems)
    validate_course(course, pins.wheel_names, problems)
    check_api(config.lessons, problems)
    check_ids(course, config.lessons, problems, strict=config.strict)
    if errors := problems.errors(config.strict):
        raise BuildError(errors)
    return course, [p for p in problems if p.warning]


def build(config: BuildConfig) -> BuildResult:
    pins = load_pins(config.pyproject)
    course, warnings = load_and_validate(config, pins)
    env = make_environment(config.theme / "templates")
    modules = python_modules(config.theme / "static" / "py")
    settings = settings_module(browser_settings(pins, modules))
    info = SiteInfo(
        build_id=_build_id(config),
        static_dir=static_folder(config.theme / "static", settings),
        modules={
            entry: imported_modules(config.theme / "static" / "js", entry) for entry in (*PYTHON_PAGES, "site.js")
        },
        pyscript_plugins=[pyscript_plugin_chunk(pins, "error")],  # the one pyscript-config.html keeps
    )
    pages = render_site(course, env, info)
    pages["sw.js"] = env.get_template("sw.js").render(
        build_id=info.build_id,
        runtime_id=pins.fingerprint,
        runtime_dir=RUNTIME_DIR,
        static_dir=info.static_dir,
        page_names=_page_names(course),
        # Cached once the service worker is active: search and our own files work offline from the first visit.
        precache=[
            INDEX_FILE,
            f"{RUNTIME_DIR}/lunr/lunr.min.js",
            *_static_files(config.theme / "static", info.static_dir),
            f"{info.static_dir}/{SETTINGS_MODULE}",
        ],
    )
    pages[INDEX_FILE] = search_index(course)
    pages[CATALOG_FILE] = catalog(course, info.build_id, modules)
    pages.update(lesson_files(course))
    # What open pages compare their own build with, to offer a reload after a redeploy.
    pages[VERSION_FILE] = json.dumps({"build": info.build_id}) + "\n"

    config.out.mkdir(parents=True, exist_ok=True)
    _remove_stale_pages(config.out, pages)
    for page, html in pages.items():
        path = config.out / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    _copy_static(config.theme / "static", config.out / info.static_dir)
    (config.out / info.static_dir / SETTINGS_MODULE).write_text(settings, encoding="utf-8")
    _copy_data_files(course, config.out)
    publish_api(config.lessons, config.out)
    vendor(pins, config.out)
    if not config.strict:
        record_ids(course, config.lessons)
    return BuildResult(course=course, pages=pages, warnings=warnings)


def _page_names(course: Course) -> dict[str, str]:
    """How the offline notice names each page."""
    names = {"index.html": "The home page", "playground.html": "The playground"}
    for track in course.tracks:
        names[track.url] = f"The page of the track “{track.title}”"
        names.update({lesson.url: f"The lesson “{lesson.title}”" for lesson in track.lessons})
    return names


def static_folder(static: Path, settings: str) -> str:
    """'static-<hash>': the folder the build publishes site/static in (with settings.js, which it writes).

    A page and everything it loads (modules it imports, module workers, the Python files its
    workers fetch, stylesheets) then come from one version, whatever the browser has cached:
    every relative URL between them stays inside the folder. A redeploy that changes none of
    them keeps the name, so browsers keep their caches."""
    return f"{STATIC_PREFIX}{_digest([static], extra=settings.encode())}"


def _static_files(static: Path, folder: str) -> list[str]:
    """Every file the build publishes in `folder` (site/static), as paths in the site."""
    return sorted(
        f"{folder}/{path.relative_to(static).as_posix()}"
        for path in static.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def _build_id(config: BuildConfig) -> str:
    """A hash of everything the pages are made from: changes when a deploy changes."""
    return _digest([config.lessons, config.theme], extra=config.pyproject.read_bytes())


def _digest(folders: list[Path], extra: bytes = b"") -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    digest.update(extra)
    return digest.hexdigest()[:12]


def _remove_stale_pages(out: Path, pages: dict[str, str]) -> None:
    """A lesson that was deleted or renamed must not stay deployed (nor its notebook and script)."""
    for path in out.rglob("*"):
        relative = path.relative_to(out).as_posix()
        if (
            path.suffix in (".html", ".ipynb", ".py")
            and relative not in pages
            and not relative.startswith(("runtime/", STATIC_PREFIX, "api/"))
        ):
            path.unlink()


def _copy_data_files(course: Course, out: Path) -> None:
    """Each lesson's data files, published beside its track's pages (the page fetches them from there)."""
    for lesson in course.lessons:
        for data in lesson.files:
            dest = out / lesson.track / data.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(data.source, dest)


def _copy_static(source: Path, dest: Path) -> None:
    """Publish site/static as `dest`, removing other builds' folders (and the unhashed `static/`)."""
    for old in [*dest.parent.glob(f"{STATIC_PREFIX}*"), dest.parent / "static"]:
        if old.is_dir():
            shutil.rmtree(old)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
