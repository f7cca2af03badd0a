"""The build writes a complete, relative-linked static site; the CLI reports problems as path:line."""

from __future__ import annotations

import json
import re
import shutil
import sys

import pytest

from pyground.builder import BuildConfig, build
from pyground.render import relative_root

from ..helpers import GOOD, ROOT, build_course, run_cli, write_course


def test_relative_root_depends_on_depth():
    assert relative_root("index.html") == ""
    assert relative_root("basics/index.html") == "../"


def test_build_writes_home_track_and_lesson_pages(tmp_path):
    out = build_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a"), "basics/02-b.md": GOOD.format(id="b")})
    assert (out / "index.html").is_file()
    assert (out / "basics" / "index.html").is_file()
    lesson = (out / "basics" / "a.html").read_text()
    assert 'rel="next" href="../basics/b.html"' in lesson
    assert (out / "runtime" / "pyodide" / "pyodide.mjs").is_file()
    assert (out / "runtime" / "pyscript" / "core.js").is_file()
    assert (out / "sw.js").is_file()


def test_build_links_are_all_relative(tmp_path):
    out = build_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    for page in out.rglob("*.html"):
        if "runtime" in page.parts:
            continue
        for url in re.findall(r'(?:href|src)="([^"]+)"', page.read_text()):
            assert not url.startswith("/"), f"{page}: absolute link {url}"
            if not url.startswith(("http://", "https://", "#")):
                target = (page.parent / url.split("?")[0].split("#")[0]).resolve()
                assert target.exists(), f"{page}: broken link {url}"


def test_build_escapes_code_and_embeds_exercise_data_safely(tmp_path):
    text = GOOD.format(id="a").replace("x = 1", "print('</textarea><script>alert(1)</script>')")
    text = text.replace('assert f() == 1, "f() should be 1"', 'assert f() == 1, "</script><script>alert(2)</script>"')
    html = (build_course(tmp_path, {"basics/01-a.md": text}) / "basics" / "a.html").read_text()
    assert "<script>alert" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html


def test_build_removes_pages_of_deleted_lessons(tmp_path):
    out = tmp_path / "out"
    (out / "basics").mkdir(parents=True)
    (out / "basics" / "gone.html").write_text("old")
    build(BuildConfig(lessons=write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")}), out=out))
    assert not (out / "basics" / "gone.html").exists()


def test_build_lesson_page_preloads_every_module_of_ours_it_imports(tmp_path):
    # An import found only once the module that imports it has arrived costs one more round trip
    # before Python's worker can start: the page asks for all of our modules at once, and PyScript's
    # entry (not its 136 KB core, which Lighthouse would then count as needed for the first paint).
    out = build_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    page = (out / "basics" / "a.html").read_text()
    folder = out / "basics"
    preloaded = {(folder / href).resolve() for href in re.findall(r'rel="modulepreload" href="([^"]+)"', page)}
    entries = {(folder / src).resolve() for src in re.findall(r'<script type="module" src="([^"]+)"', page)}
    ours = next(out.glob("static-*")).resolve()
    queue, seen = list(entries), set()
    while queue:
        module = queue.pop()
        if module in seen or ours not in module.parents:
            continue
        seen.add(module)
        imports = re.findall(r"""(?:\bfrom\s*|\bimport\s*)["'](\.{1,2}/[^"']+\.js)["']""", module.read_text())
        queue.extend((module.parent / name).resolve() for name in imports)
    assert len(seen) > 15 and seen - preloaded <= entries
    assert (out / "runtime" / "pyscript" / "core.js").resolve() in preloaded
    assert len(preloaded) == page.count('rel="modulepreload"'), "a module preloaded twice"


def test_build_lesson_page_preloads_the_chunk_pyscript_imports_for_its_error_plugin(tmp_path):
    # PyScript's core imports its plugins only once it has run, and defines the elements a worker
    # waits for after they arrive: one more round trip before Python can start, unless the page asks
    # for the chunk with the core.
    out = build_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    page = (out / "basics" / "a.html").read_text()
    pyscript = out / "runtime" / "pyscript"
    bundle = "".join(core.read_text() for core in pyscript.glob("core-*.js"))
    chunk = re.search(r'[{,]error:\(\)=>import\("\./([^"]+)"\)', bundle).group(1)
    assert (pyscript / chunk).is_file()
    assert f'<link rel="modulepreload" href="../runtime/pyscript/{chunk}">' in page


def test_build_publishes_own_files_in_a_folder_named_by_their_hash(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "site", theme)
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    out = tmp_path / "out"

    def built() -> tuple[str, str]:
        build(BuildConfig(lessons=lessons, theme=theme, out=out))
        (folder,) = (path.name for path in out.glob("static*"))  # only this build's
        return folder, json.loads((out / "version.json").read_text())["build"]

    first, first_build = built()
    assert re.fullmatch(r"static-[0-9a-f]{12}", first) and (out / first / "js" / "lesson.js").is_file()
    page = (out / "basics" / "a.html").read_text()
    assert f'src="../{first}/js/lesson.js"' in page and "?v=" not in page
    assert f'<meta name="build-id" content="{first_build}">' in page
    assert f'"{first}/"' in (out / "sw.js").read_text()

    (lessons / "basics" / "01-a.md").write_text(GOOD.format(id="a").replace("x = 1", "x = 2"))
    assert built()[0] == first  # a lesson changed, our files did not: browsers keep them cached

    (theme / "static" / "js" / "progress.js").write_text("export const renamed = 1;\n")
    second, second_build = built()
    assert second != first and second_build != first_build
    assert f"../{second}/js/lesson.js" in (out / "basics" / "a.html").read_text()


def test_cli_broken_lesson_exits_nonzero_with_path_line(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a").replace("```python run", "```python rnu")})
    result = run_cli("build", "--lessons", str(lessons), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "basics/01-a.md:9: unknown block kind `rnu`" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_cli_help_for_every_command():
    for command in ("build", "serve", "check", "new"):
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "usage: build.py " + command in result.stdout


def test_cli_new_creates_a_lesson_that_builds_and_verifies(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    result = run_cli("new", "basics", "my-topic", "--title", "My topic: a start", "--lessons", str(lessons))
    assert result.returncode == 0, result.stderr
    assert (lessons / "basics" / "02-my-topic.md").is_file()
    checked = run_cli("check", "--cpython-only", "--lessons", str(lessons))
    assert checked.returncode == 0, checked.stderr
    assert "ok: 2 lessons" in checked.stdout


def test_cli_check_reports_a_wrong_solution_and_a_passing_starter(tmp_path):
    wrong = GOOD.format(id="a").replace("    return 1", "    return 2")
    passing = GOOD.format(id="b").replace("def f():\n    ...", "def f():\n    return 1", 1)
    lessons = write_course(tmp_path, {"basics/01-a.md": wrong, "basics/02-b.md": passing})
    result = run_cli("check", "--cpython-only", "--lessons", str(lessons))
    assert result.returncode == 1
    assert "basics/01-a.md:13: the solution of 'a-ex' fails its checks: f() should be 1" in result.stderr
    assert "basics/02-b.md:13: the starter code of 'b-ex' already passes its checks" in result.stderr


def test_cli_check_reports_a_failing_run_cell(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a").replace("x = 1", "x = undefined_name")})
    result = run_cli("check", "--cpython-only", "--lessons", str(lessons))
    assert result.returncode == 1
    assert "basics/01-a.md:9: this cell raises NameError" in result.stderr


def test_cli_check_reports_a_flaky_exercise(tmp_path):
    # A check that passes on odd runs only, as one depending on chance or the clock might.
    every_other_run = 'import sys\nsys.runs = getattr(sys, "runs", 0) + 1\nassert sys.runs % 2 and f() == 1, "unlucky"'
    lessons = write_course(
        tmp_path, {"basics/01-a.md": GOOD.format(id="a").replace('assert f() == 1, "f() should be 1"', every_other_run)}
    )
    result = run_cli("check", "--cpython-only", "--lessons", str(lessons))
    assert result.returncode == 1
    assert "basics/01-a.md:13: the solution of 'a-ex' passes on one run and fails on another" in result.stderr


@pytest.mark.parametrize(
    "chancy",
    [
        'import random\nassert random.random() < 0.5 and f() == 1, "unlucky"',  # passes for some seeds of random
        'assert list({"a", "b"}) == ["a", "b"] and f() == 1, "set order"',  # depends on the hash seed
    ],
)
def test_cli_check_reports_a_chancy_exercise_the_same_way_every_time(tmp_path, chancy):
    lessons = write_course(
        tmp_path, {"basics/01-a.md": GOOD.format(id="a").replace('assert f() == 1, "f() should be 1"', chancy)}
    )
    reports = {run_cli("check", "--cpython-only", "--lessons", str(lessons)).stderr for _ in range(3)}
    [report] = reports
    assert "basics/01-a.md:13: the solution of 'a-ex' passes on one run and fails on another" in report


def test_build_writes_the_shared_settings_once_for_javascript(tmp_path):
    import inspect
    import json

    from pyground.runtime import load_pins
    from pyground.settings import EXERCISE_FILENAME, RUNNERS, SETTINGS_MODULE

    out = build_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    text = (next(out.glob("static-*")) / SETTINGS_MODULE).read_text()
    settings = json.loads(text.split("Object.freeze(", 1)[1].rsplit(");", 1)[0])
    pins = load_pins(ROOT / "pyproject.toml")
    assert settings["interpreters"]["pyodide"]["runner"] == RUNNERS["pyodide"]
    assert settings["interpreters"]["micropython"]["files"] == [
        f"micropython/{name}" for name in pins.npm_pin("micropython").files
    ]
    assert "checker.py" in settings["modules"] and "runner.py" not in settings["modules"]
    for file in settings["interpreters"]["pyodide"]["files"]:  # every file the page fetches first is shipped
        assert (out / "runtime" / file).is_file()
    sys.path.insert(0, str(ROOT / "site" / "static" / "py"))
    import checker

    assert inspect.signature(checker.run_exercise).parameters["filename"].default == EXERCISE_FILENAME
    # JavaScript reads them and repeats none of them.
    scripts = "".join(p.read_text() for p in (ROOT / "site" / "static" / "js").glob("*.js"))
    for repeated in ('"runner.py"', '"<exercise>"', "250_000", '"pyodide/pyodide.asm.wasm"', '"micropython"]'):
        assert repeated not in scripts, repeated
