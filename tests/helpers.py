"""What tests share, in one place: lessons written to a folder, the CLI, the table of attempts, local
servers and guarded pages, and what a learner does on a page. Fixtures are in conftest.py."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from pyground.builder import BuildConfig, build, load_and_validate
from pyground.problems import BuildError
from pyground.runtime import load_pins

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_COURSE = ROOT / "tests" / "fixtures" / "course"
PINS = load_pins(BuildConfig().pyproject)

# ---- lessons written to a folder, built, loaded, or checked from the command line


GOOD = """\
---
id: {id}
title: A lesson
summary: Short.
---

Intro.

```python run
x = 1
```

```python exercise id={id}-ex
def f():
    ...
```

```python check
assert f() == 1, "f() should be 1"
```

::: hint
Return one.
:::

```python solution
def f():
    return 1
```
"""


def write_course(root: Path, lessons: dict[str, str | bytes]) -> Path:
    """Write lessons/course.yml with the tracks named in `lessons` ("track/NN-name.md": text)."""
    lessons_dir = root / "lessons"
    tracks = sorted({name.split("/")[0] for name in lessons})
    lessons_dir.mkdir()
    (lessons_dir / "course.yml").write_text(
        "title: T\ntracks:\n" + "".join(f"  - id: {t}\n    title: {t}\n" for t in tracks)
    )
    for name, text in lessons.items():
        path = lessons_dir / name
        path.parent.mkdir(exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return lessons_dir


def load(root: Path, lessons: dict[str, str | bytes]):
    config = BuildConfig(lessons=write_course(root, lessons))
    return load_and_validate(config, PINS)[0]


def problems(root: Path, lessons: dict[str, str | bytes]) -> list[str]:
    with pytest.raises(BuildError) as caught:
        load(root, lessons)
    return [str(p) for p in caught.value.problems]


def build_course(tmp_path: Path, lessons: dict[str, str]) -> Path:
    out = tmp_path / "out"
    build(BuildConfig(lessons=write_course(tmp_path, lessons), out=out))
    return out


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, cwd=cwd)


# A lesson whose words in code, checks, hints and solutions must never be published as prose (search, notebooks).
HIDDEN_LESSON = """\
---
id: a
title: Nearest neighbours
summary: Classify by the closest points.
---

Opening prose about zebrafinch.

```python run
quokka = 1
```

## Distances *and* labels

Prose about the Pythagoras theorem.

```python exercise id=a-ex
marmoset = ...
```

```python setup
wombat = 2
```

```python check
assert marmoset == 1, "pangolin expected"
```

::: hint
Think about capybara.
:::

```python solution
marmoset = 1  # axolotl
```

### A smaller heading

Last words.
"""
HIDDEN_WORDS = ("quokka", "marmoset", "wombat", "pangolin", "capybara", "axolotl")


# ---- one table of exercise attempts, judged in every runtime (tests/unit/test_checker.py) and
# tried on a lesson page (tests/e2e/test_exercises.py)

CHECK = 'assert double(2) == 4, "double(2) should be 4"'
RAISED = "; read the error below, fix it and check again."


@dataclass(frozen=True)
class Attempt:
    code: str
    passed: bool
    message: str  # the verdict's message, the same in every runtime unless `differs` says otherwise
    traceback: bool = False  # the verdict carries the learner's traceback
    forgery: bool = False  # tries to pass (or to fake a pass) without a right answer
    differs: dict[str, str] = field(default_factory=dict)  # runtime -> its own message, where it cannot match


ATTEMPTS = {
    "right answer": Attempt("def double(n):\n    return n * 2", True, "All checks passed."),
    "wrong answer": Attempt("def double(n):\n    return n + 3", False, "double(2) should be 4"),
    "prints instead of returning": Attempt("def double(n):\n    print(n * 2)", False, "double(2) should be 4"),
    "missing name": Attempt(
        "def twice(n):\n    return n * 2", False, "Your code does not define `double`; the checks need it."
    ),
    "syntax error": Attempt("def double(n)\n    return n * 2", False, "Your code raised SyntaxError" + RAISED, True),
    "error in the code": Attempt("x = 1\ny = x / 0\n", False, "Your code raised ZeroDivisionError" + RAISED, True),
    "error when the checks call it": Attempt(
        "def double(n):\n    return m * 2",
        False,
        "Calling your code from the checks raised NameError: name 'm' is not defined",
        True,
        # MicroPython words its own errors: the exception's text is the interpreter's.
        differs={"micropython": "Calling your code from the checks raised NameError: name 'm' isn't defined"},
    ),
    "exits with a code": Attempt(
        "import sys\nsys.exit(3)", False, "Your code called exit(3) before the checks could run."
    ),
    "prints a pass": Attempt(
        'print("All checks passed.")', False, "Your code does not define `double`; the checks need it.", forgery=True
    ),
    "redefines print": Attempt(
        "print = lambda *args, **kwargs: None\ndef double(n):\n    return 0",
        False,
        "double(2) should be 4",
        forgery=True,
    ),
    "replaces AssertionError": Attempt(
        "import builtins\nbuiltins.AssertionError = ZeroDivisionError\ndef double(n):\n    return 0",
        False,
        "double(2) should be 4",
        forgery=True,
    ),
    "replaces builtins": Attempt(
        "import builtins\nbuiltins.len = lambda x: 0\nbuiltins.print = None\ndef double(n):\n    return 0",
        False,
        "double(2) should be 4",
        forgery=True,
    ),
    "exits early": Attempt(
        "import sys\nsys.exit(0)", False, "Your code called exit(0) before the checks could run.", forgery=True
    ),
    "raises SystemExit": Attempt(
        "raise SystemExit", False, "Your code called exit() before the checks could run.", forgery=True
    ),
    "raises KeyboardInterrupt": Attempt(
        "raise KeyboardInterrupt", False, "Your code raised KeyboardInterrupt" + RAISED, True, forgery=True
    ),
    "raises a BaseException": Attempt(
        "class Escape(BaseException):\n    pass\nraise Escape()",
        False,
        "Your code raised Escape" + RAISED,
        True,
        forgery=True,
    ),
    "patches the checker": Attempt(
        "import checker\n"
        "checker._verdict = lambda *a, **k: {'passed': True, 'message': 'All checks passed.', 'output': '', 'error': None}\n"
        "checker._run_checks = lambda *a, **k: {'passed': True, 'message': 'All checks passed.', 'output': '', 'error': None}\n"
        "def double(n):\n    return 0",
        False,
        "double(2) should be 4",
        forgery=True,
    ),
    "posts a message": Attempt(
        "import json\nfrom polyscript import xworker\n"
        "xworker.postMessage(json.dumps({'passed': True, 'message': 'All checks passed.'}))\n"
        "import js\njs.postMessage(json.dumps({'passed': True}))\n"
        "def double(n):\n    return 0",
        False,
        "Your code raised ImportError" + RAISED,  # the runners refuse the modules that reach the page
        True,
        forgery=True,
        # CPython (build.py check) has no page, hence no such module at all.
        differs={"cpython": "Your code raised ModuleNotFoundError" + RAISED},
    ),
    "right answer after all that": Attempt("def double(n):\n    return n * 2", True, "All checks passed."),
}

# Cells, run in order in one namespace after the attempts above: (code, inputs, outcome without `summary`).
CELLS = {
    "runs": ("x = 2", [], {"ok": True}),
    "sees the cell before": ("assert x == 2", [], {"ok": True}),
    "builtins are intact": (
        "assert len([1, 2]) == 2 and callable(print) and AssertionError.__name__ == 'AssertionError'",
        [],
        {"ok": True},
    ),
    "reads input": ("name = input('Name? ')\nassert name == 'Ada'", ["Ada"], {"ok": True}),
    "raises": ("1 / 0", [], {"ok": False, "error": "ZeroDivisionError"}),
    "exits": ("import sys\nsys.exit(3)", [], {"ok": False, "exit": 3}),
    "is interrupted": ("raise KeyboardInterrupt", [], {"ok": False, "stopped": True}),
}


# ---- servers and pages: what a page may not do, and when it is ready


@dataclass
class Server:
    base: str  # e.g. http://127.0.0.1:40123/ or http://127.0.0.1:40123/pyground/

    def url(self, page: str = "") -> str:
        return self.base + page


@dataclass
class PageGuard:
    """What a page did that a test must not allow: foreign requests, console errors."""

    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    allowed_errors: list[str] = field(default_factory=list)

    def allow_console_error(self, fragment: str) -> None:
        self.allowed_errors.append(fragment)

    def problems(self) -> list[str]:
        errors = [e for e in self.console_errors if not any(f in e for f in self.allowed_errors)]
        return [f"request outside the local server: {u}" for u in self.foreign_requests] + [
            f"console error: {e}" for e in errors
        ]


def install_guard(page, block_foreign: bool = True) -> PageGuard:
    """Block and record requests that leave the local server; record console errors.
    `block_foreign=False` records console errors only: routing requests turns the browser's
    HTTP cache off, and a test of what that cache does needs it on."""
    guard = PageGuard()

    def route(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "blob:", "data:")):
            route.continue_()
        else:
            guard.foreign_requests.append(url)
            route.abort()

    if block_foreign:
        page.context.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and guard.console_errors.append(message.text))
    page.on("pageerror", lambda error: guard.console_errors.append(f"uncaught: {error}"))
    return guard


def static_url(page, path: str) -> str:
    """The address of one of our own files (`js/progress.js`) for the open page: the build
    publishes them in a folder named by their content hash, beside the page's site.js."""
    return page.evaluate(
        "(path) => new URL(`../${path}`, document.querySelector('script[src$=\"/js/site.js\"]').src).href", path
    )


def open_isolated(page, url: str) -> None:
    """Open `url` as a returning visitor, under the service worker that isolates the site's pages. The
    first page a browser opens of the site is not isolated, and a lesson installs that worker only once
    its Python has started: the site's home page (found from `url`'s scripts) installs it as it loads."""
    page.goto(url, wait_until="domcontentloaded")
    page.goto(
        page.evaluate("new URL('../../index.html', document.querySelector('script[src$=\"/js/site.js\"]').src).href")
    )
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(url)
    wait_until_ready(page)
    assert page.evaluate("crossOriginIsolated") is True


def wait_until_ready(page) -> None:
    """Wait until Python can run code on the page (or says why it cannot)."""
    expect(page.locator("html")).to_have_attribute("data-runtime", re.compile("ready|error"), timeout=60_000)
    assert page.locator("html").get_attribute("data-runtime") == "ready", page.inner_text("[data-runtime-status]")


# ---- what a learner does on a page


FINISHED = re.compile(r"^(done|error|stopped|passed|failed)$")


def cell(page: Page, index: int) -> Locator:
    return page.locator("[data-block=run]").nth(index)


def output(block: Locator) -> Locator:
    return block.locator("[data-output]")


def code_view(block: Locator) -> Locator:
    """A block's CodeMirror view, scrolled to: a view is built only when its block nears the screen."""
    block.scroll_into_view_if_needed()
    return block.locator(".cm-content")


def set_code(page: Page, block: Locator, code: str) -> None:
    """Replace a block's code as a learner would: focus the editor, select all, type."""
    editor = code_view(block)
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def start(block: Locator) -> None:
    """Press Run (or Check) and wait until the code is running."""
    block.locator("[data-action=run], [data-action=check]").click()
    expect(block).to_have_attribute("data-state", "running")


def run(block: Locator, timeout: float = 30_000) -> None:
    """Press Run (or Check) and wait until the block has finished."""
    block.locator("[data-action=run], [data-action=check]").click()
    expect(block).to_have_attribute("data-state", FINISHED, timeout=timeout)


def run_code(page: Page, block: Locator, code: str) -> None:
    set_code(page, block, code)
    run(block)


def solution(block: Locator) -> str:
    """An exercise's solution, as the page has it (hidden from view, not secret)."""
    return json.loads(block.locator("[data-exercise-data]").text_content())["solution"]


def answer_input(block: Locator, text: str) -> None:
    """Type a line into the field a running program's input() shows, and press Enter."""
    field = block.get_by_role("textbox", name=re.compile("Input for the program"))
    field.fill(text)
    field.press("Enter")


def run_answering(page: Page, block: Locator, answers: list[str]) -> None:
    """Press Run and answer each input() the program asks with the next of `answers`, until it finishes."""
    block.locator("[data-action=run]").click()
    handle = block.element_handle()
    while True:
        page.wait_for_function(
            "(el) => /^(done|error|stopped)$/.test(el.dataset.state) || el.querySelector('input.program-input')",
            arg=handle,
            timeout=30_000,
        )
        if FINISHED.match(block.get_attribute("data-state") or ""):
            return
        answer_input(block, answers.pop(0) if answers else "")


def work_through(page: Page, answers: list[str] | None = None) -> None:
    """Do a whole lesson as a learner who knows the answers: run every cell in order (typing
    `answers` one by one whenever a program asks for input), then pass every exercise with its solution."""
    answers = list(answers or [])
    for index in range(page.locator("[data-block=run]").count()):
        block = cell(page, index)
        block.scroll_into_view_if_needed()
        run_answering(page, block, answers)
        expected = "error" if block.get_attribute("data-expect-error") is not None else "done"
        assert block.get_attribute("data-state") == expected, (index, output(block).text_content())
    for index in range(page.locator("[data-block=exercise]").count()):
        block = page.locator("[data-block=exercise]").nth(index)
        run_code(page, block, solution(block))
        assert block.get_attribute("data-state") == "passed", block.locator("[data-feedback]").text_content()


def download(page: Page, control: Locator, timeout: float = 30_000) -> str:
    """Click `control`, which saves a file, and return the file's text (line endings as written)."""
    with page.expect_download(timeout=timeout) as started:
        control.click()
    return Path(started.value.path()).read_bytes().decode("utf-8")


def assignment_in(link: str) -> dict:
    """What an assignment link carries (the JSON in its #a= fragment)."""
    payload = link.split("#a=", 1)[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def lesson_shown(page: Page, url: str, title: str) -> None:
    """Wait until the lesson at `url` is on the page (swapped in or loaded) and its Python is ready.
    On Back and Forward the address changes before the lesson does: its heading says when it is there."""
    expect(page).to_have_url(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)


def follow(page: Page, link: Locator, url: str, title: str) -> None:
    """Click a link to another lesson and wait until that lesson's Python is ready."""
    link.click()
    lesson_shown(page, url, title)


def stored_record(page: Page, lesson: str, block: str) -> dict | None:
    """A block's progress record as IndexedDB holds it now (not the page's copy in memory)."""
    return page.evaluate(
        """([key]) => new Promise((resolve, reject) => {
            const open = indexedDB.open("pyground:/:progress");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const get = open.result.transaction("records").objectStore("records").get(key);
                get.onsuccess = () => { resolve(get.result ?? null); open.result.close(); };
            };
        })""",
        [f"{lesson}/{block}"],
    )
