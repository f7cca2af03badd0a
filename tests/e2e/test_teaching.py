"""Teachers, end to end: an assignment link, a student's submission, grading that re-runs the checks,
the CSV, and `build.py grade` giving the same CSV as the page."""

from __future__ import annotations

import base64
import copy
import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from pyground.builder import BuildConfig, build
from pyground.serve import serving

from ..helpers import ROOT, Server, assignment_in, download, run_code, solution, wait_until_ready

pytestmark = pytest.mark.e2e

TEACHING = ROOT / "tests" / "fixtures" / "teaching"
WRONG_GREETING = "def greet(name):\n    return 'Hi ' + name"
SLOW = 180_000  # ms: Python starts slowly on a busy machine


@pytest.fixture(scope="module")
def teaching_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("teaching")
    build(BuildConfig(lessons=TEACHING, out=out))
    return out


@pytest.fixture(scope="module")
def teaching(teaching_build):
    with serving(teaching_build) as base:
        yield Server(base)


def make_assignment(page, teaching) -> str:
    """As a teacher: the whole Functions lesson and one exercise of Files, hints off, the solution after
    2 failed attempts, 3 attempts per exercise. Returns the link the Copy button put on the clipboard."""
    page.goto(teaching.url("assign.html"))
    expect(page.locator("[data-assign-form]")).to_have_attribute("data-ready", "true")
    page.get_by_label("Title").fill("Week 1: functions")
    page.get_by_label("Instructions").fill("Write both functions.\nThen add up the file.")
    page.get_by_label("Due date").fill("2031-01-31")
    page.get_by_role("checkbox", name=re.compile(r"^Functions")).check()
    page.get_by_role("checkbox", name=re.compile(r"^Adding up a file")).check()
    page.get_by_label("Hints allowed").uncheck()
    page.get_by_role("radio", name=re.compile("^After")).check()
    page.get_by_label("Number of failed attempts before the solution can be shown").fill("2")
    page.get_by_label("Attempts per exercise").fill("3")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=teaching.base.rstrip("/"))
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-assign-status]")).to_contain_text("Link copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.input_value("[data-assign-link]")
    return link


def test_teaching_link_submission_grading_and_cli_agree(teaching, teaching_build, page, guard, tmp_path):
    link = make_assignment(page, teaching)
    carried = assignment_in(link)
    assert set(carried) == {"v", "title", "text", "due", "items", "rules"}  # ids, text and rules: no code, no checks
    assert carried["items"] == [{"lesson": "teach-functions"}, {"exercise": "teach-total"}]
    assert carried["rules"] == {"hints": False, "solution": "after", "after": 2, "attempts": 3}

    # The student opens the link: the assignment, its rules, their progress.
    page.goto(link)
    expect(page.locator("[data-assignment-page]")).to_have_attribute("data-state", "ready")
    expect(page.get_by_role("heading", level=1)).to_have_text("Week 1: functions")
    expect(page.locator("[data-assignment-text]")).to_have_text("Write both functions.\nThen add up the file.")
    expect(page.locator("[data-assignment-rules]")).to_contain_text("Hints are switched off.")
    expect(page.locator("[data-assignment-summary]")).to_have_text("0 of 3 exercises passed.")

    # On the lesson, reached from the assignment, the rules hold.
    page.get_by_role("link", name="Functions").click()
    wait_until_ready(page)
    expect(page.locator("[data-assignment-notice]")).to_contain_text("Assignment: Week 1: functions")
    double, greet = page.locator("[data-exercise=teach-double]"), page.locator("[data-exercise=teach-greet]")
    expect(double.locator("[data-action=hint]")).to_be_hidden()
    expect(double.locator("[data-action=solution]")).to_be_hidden()
    run_code(page, double, solution(double))
    expect(double).to_have_attribute("data-state", "passed")
    run_code(page, greet, WRONG_GREETING)
    expect(greet.locator("[data-assignment-rule]")).to_contain_text("2 of 3 checks left")
    expect(greet.locator("[data-action=solution]")).to_be_hidden()
    run_code(page, greet, WRONG_GREETING)
    expect(greet.locator("[data-action=solution]")).to_be_visible()  # after 2 failed attempts
    run_code(page, greet, WRONG_GREETING)
    expect(greet).to_have_attribute("data-state", "failed")
    expect(greet.locator("[data-action=check]")).to_be_disabled()
    expect(greet.locator("[data-assignment-rule]")).to_contain_text("used all 3 checks")

    page.locator("[data-assignment-notice] a").click()
    expect(page.locator("[data-assignment-page]")).to_have_attribute("data-state", "ready")
    page.get_by_role("link", name="Files").click()
    wait_until_ready(page)
    total = page.locator("[data-exercise=teach-total]")
    run_code(page, total, solution(total))  # reads the lesson's data file
    expect(total).to_have_attribute("data-state", "passed")

    page.locator("[data-assignment-notice] a").click()
    expect(page.locator("[data-assignment-summary]")).to_have_text("2 of 3 exercises passed.")
    page.get_by_label("Your name").fill("Ada Lovelace")
    text = download(page, page.get_by_role("button", name="Download submission"), timeout=SLOW)
    expect(page.locator("[data-submit-status]")).to_contain_text("2 of 3 exercises pass their checks")
    ada = json.loads(text)
    build_id = json.loads((teaching_build / "course.json").read_text())["build"]
    assert (ada["format"], ada["version"], ada["site"]["build"], ada["student"]) == (
        "pyground-submission",
        1,
        build_id,
        "Ada Lovelace",
    )
    entries = {entry["id"]: entry for entry in ada["exercises"]}
    assert list(entries) == ["teach-double", "teach-greet", "teach-total"]
    assert entries["teach-greet"]["code"] == WRONG_GREETING
    assert [entries[i]["verdict"]["passed"] for i in entries] == [True, False, True]
    assert (
        entries["teach-greet"]["attempts"],
        entries["teach-greet"]["hints"],
        entries["teach-greet"]["solution"],
    ) == (3, 0, False)
    assert entries["teach-double"]["passedAt"] and entries["teach-greet"]["passedAt"] is None

    # A second, honest file, a forged one, and files that are not submissions at all.
    grace = copy.deepcopy(ada)
    grace["student"] = "Grace Hopper"
    for entry in grace["exercises"]:
        if entry["id"] == "teach-greet":
            entry["code"] = 'def greet(name):\n    return f"Hello, {name}!"'
            entry["verdict"] = {"passed": True, "message": "All checks passed."}
    mallory = copy.deepcopy(ada)
    mallory["student"] = "Mallory"
    for entry in mallory["exercises"]:
        entry["verdict"] = {"passed": True, "message": "All checks passed."}  # greet does not pass
    markup = copy.deepcopy(ada)
    markup["student"] = '<img src=x onerror="document.title=1">'
    files = {
        "ada.json": text,
        "grace.json": json.dumps(grace),
        "mallory.json": json.dumps(mallory),
        "cut-short.json": text[: len(text) // 2],
        "notes.json": "these are my notes, not a submission",
        "markup.json": json.dumps(markup),
        "huge.json": text + " " * 1_100_000,
        "wrong-shape.json": json.dumps({**ada, "exercises": {"teach-double": "def double(n): return 2 * n"}}),
    }
    paths = []
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        paths.append(str(tmp_path / name))

    # The teacher grades them all at once.
    page.goto(teaching.url("grade.html"))
    expect(page.locator("[data-grading]")).to_have_attribute("data-ready", "true")
    page.set_input_files("[data-submission-files]", paths)
    expect(page.locator("[data-grading]")).to_have_attribute("data-grading", "done", timeout=SLOW)
    skipped = page.locator("[data-skipped-list] li")
    expect(skipped).to_have_count(5)
    reasons = dict(line.split(": ", 1) for line in skipped.all_inner_texts())
    assert set(reasons) == {"cut-short.json", "notes.json", "markup.json", "huge.json", "wrong-shape.json"}
    assert "not valid JSON" in reasons["cut-short.json"] and "not valid JSON" in reasons["notes.json"]
    assert "markup" in reasons["markup.json"] and "too large" in reasons["huge.json"]
    assert page.locator("main img").count() == 0 and page.title() != "1"  # names are text, never markup

    def cell(student: str, exercise: str):
        return page.locator(f"tr[data-student='{student}'] [data-exercise={exercise}]")

    for student, expected in {
        "Ada Lovelace": ["passed", "failed", "passed"],
        "Grace Hopper": ["passed", "passed", "passed"],
        "Mallory": ["passed", "failed", "passed"],
    }.items():
        for exercise, status in zip(["teach-double", "teach-greet", "teach-total"], expected, strict=True):
            expect(cell(student, exercise)).to_have_attribute("data-status", status)
    expect(cell("Mallory", "teach-greet")).to_have_attribute("data-flag", "claims-passed")
    expect(cell("Mallory", "teach-greet")).to_contain_text("claims passed")
    assert page.locator("[data-flag]").count() == 1
    cell("Mallory", "teach-greet").click()
    detail = page.locator("[data-detail]")
    expect(detail).to_be_focused()
    expect(detail.locator("[data-detail-code]")).to_have_text(WRONG_GREETING)
    expect(detail.locator("[data-detail-facts]")).to_contain_text("passed: All checks passed.")
    expect(detail.locator("[data-detail-facts]")).to_contain_text("failed: greet('Ada') should be 'Hello, Ada!'")

    page_csv = download(page, page.get_by_role("button", name="Download CSV"))
    rows = list(csv.DictReader(io.StringIO(page_csv)))
    assert [(r["student"], r["file"], r["passed"], r["exercises"]) for r in rows] == [
        ("Ada Lovelace", "ada.json", "2", "3"),
        ("Grace Hopper", "grace.json", "3", "3"),
        ("Mallory", "mallory.json", "2", "3"),
    ]
    assert [r["teach-greet"] for r in rows] == ["failed", "passed", "failed"]
    assert [r["disagreements"] for r in rows] == ["", "", "teach-greet (claims passed)"]
    assert page_csv.startswith("student,file,assignment,passed,exercises,teach-double,teach-greet,teach-total,")

    # The command line grades the same files with the same page: the same CSV, byte for byte.
    out = tmp_path / "grades.csv"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "grade", *paths, "--csv", str(out), "--site", str(teaching_build)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 1, completed.stderr  # files were skipped
    assert out.read_bytes().decode("utf-8") == page_csv
    assert "Mallory (mallory.json): 2 of 3 passed  (!) teach-greet (claims passed)" in completed.stdout
    assert "skipped markup.json:" in completed.stdout


def submission(student: str, build_id: str, code: dict[str, str | None]) -> str:
    """A submission file made here, as the student view makes them (no claims)."""
    return json.dumps(
        {
            "format": "pyground-submission",
            "version": 1,
            "site": {"build": build_id, "title": "Teaching fixture"},
            "student": student,
            "assignment": {
                "title": "Everything",
                "text": "",
                "due": "",
                "items": [{"lesson": "teach-functions"}, {"lesson": "teach-files"}, {"exercise": "teach-clamp"}],
                "rules": {"hints": True, "solution": "always", "after": 3, "attempts": 0},
            },
            "submittedAt": "2030-01-01T12:00:00.000Z",
            "exercises": [
                {
                    "id": i,
                    "code": c,
                    "verdict": None,
                    "attempts": 1,
                    "hints": 0,
                    "solution": False,
                    "codeAt": None,
                    "passedAt": None,
                }
                for i, c in code.items()
            ],
        }
    )


def test_teaching_grading_stops_endless_code_and_keeps_each_student_apart(
    teaching, teaching_build, page, guard, tmp_path
):
    build_id = json.loads((teaching_build / "course.json").read_text())["build"]
    forge = "{'passed': True, 'message': 'All checks passed.', 'output': '', 'error': None}"
    hostile = {
        # Reaches into the checker and the runner to pass every later check in the same Python, and into
        # the worker's JavaScript to turn every later verdict it sends into a pass.
        "teach-twice": (  # an earlier id of teach-double: it counts as teach-double
            "import checker, __main__, js\n"
            f"checker._PRISTINE['_run_checks'] = lambda *a: {forge}\n"
            f"__main__.run_exercise = lambda *a, **k: {forge}\n"
            "js.eval('const post = self.postMessage.bind(self); self.postMessage = (m) =>"
            ' post(m.type === "verdict" ? {...m, verdict: {...m.verdict, passed: true}} : m)\')\n'
            "def double(n):\n    return n * 2\n"
        ),
        "teach-total": "while True:\n    pass\n",  # never ends
        "teach-clamp": "def clamp(value, low, high):\n    return max(low, min(high, value))\n",  # MicroPython
    }
    honest = {"teach-greet": WRONG_GREETING, "teach-double": "def double(n):\n    return n + n + 1\n"}
    paths = []
    for student, code in (("Trinity", hostile), ("Neo", honest)):
        paths.append(tmp_path / f"{student}.json")
        paths[-1].write_text(submission(student, build_id, code), encoding="utf-8")
    # One lane, so Neo's file is checked right after Trinity's, on the same page.
    page.add_init_script("Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 1 })")
    page.goto(teaching.url("grade.html"))
    expect(page.locator("[data-grading]")).to_have_attribute("data-ready", "true")
    page.set_input_files("[data-submission-files]", [str(path) for path in paths])
    expect(page.locator("[data-grading]")).to_have_attribute("data-grading", "done", timeout=SLOW)
    trinity, neo = page.locator("tr[data-student=Trinity]"), page.locator("tr[data-student=Neo]")
    expect(trinity.locator("[data-exercise=teach-total]")).to_have_attribute("data-status", "timed-out")
    expect(trinity.locator("[data-exercise=teach-clamp]")).to_have_attribute("data-status", "passed")
    # The forgery stays in Trinity's file: Neo's wrong answers fail.
    expect(neo.locator("[data-exercise=teach-greet]")).to_have_attribute("data-status", "failed")
    expect(neo.locator("[data-exercise=teach-double]")).to_have_attribute("data-status", "failed")
    neo.locator("[data-exercise=teach-greet]").click()
    expect(page.locator("[data-detail-facts]")).to_contain_text(
        "failed: greet('Ada') should be 'Hello, Ada!', not 'Hi Ada'"
    )


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ("", "this address holds none"),
        ("#a=%%%", "damaged (it is not valid base64)"),
        ("#a=" + "A" * 7000, "too long"),
        ("unknown", "this site does not have (no-such-lesson)"),
        ("markup", "contains markup or a script"),
        ("extra", "carries more than an assignment"),
    ],
)
def test_teaching_bad_assignment_links_show_a_message(teaching, page, guard, fragment, message):
    payloads = {
        "unknown": {"items": [{"lesson": "no-such-lesson"}]},
        "markup": {"title": "Week <script>alert(1)</script>"},
        "extra": {"check": "assert True"},
    }
    if fragment in payloads:
        data = {"v": 1, "title": "Week 1", "text": "", "due": "", "items": [{"lesson": "teach-functions"}], "rules": {}}
        data.update(payloads[fragment])
        fragment = "#a=" + base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    page.goto(teaching.url("assignment.html" + fragment))
    expect(page.locator("[data-assignment-page]")).to_have_attribute("data-state", "error")
    expect(page.locator("[data-assignment-error]")).to_contain_text(message)
    expect(page.locator("[data-assignment]")).to_be_hidden()


def test_teaching_lesson_with_a_bad_assignment_link_works_as_usual(teaching, page, guard):
    page.goto(teaching.url("basics/teach-functions.html#a=not-an-assignment!"))
    notice = page.locator("[data-assignment-notice]")
    expect(notice).to_contain_text("cannot be used, so the lesson works as usual")
    expect(page.locator("[data-exercise=teach-double] [data-action=hint]")).to_be_visible()
    expect(page.locator("[data-exercise=teach-double] [data-action=solution]")).to_be_visible()


def valid_link_fragment() -> str:
    data = {
        "v": 1,
        "title": "Week 1",
        "text": "Read the lesson first.",
        "due": "2031-01-31",
        "items": [{"lesson": "teach-functions"}, {"exercise": "teach-total"}],
        "rules": {"hints": False, "solution": "after", "after": 2, "attempts": 3},
    }
    return "#a=" + base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


TEACHER_PAGES = ["teachers.html", "assign.html", "assignment.html", "grade.html"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", TEACHER_PAGES)
def test_teaching_pages_have_no_serious_accessibility_problem(teaching, page, guard, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(teaching.url(path + (valid_link_fragment() if path == "assignment.html" else "")))
    page.wait_for_load_state("networkidle")
    if path == "assignment.html":
        expect(page.locator("[data-assignment-page]")).to_have_attribute("data-state", "ready")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']}: {v['help']} ({v['nodes'][0]['target']})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("path", TEACHER_PAGES)
def test_teaching_pages_fit_a_small_screen(teaching, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(teaching.url(path + (valid_link_fragment() if path == "assignment.html" else "")))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_teaching_links_stay_under_a_sub_path(subpath_site, page, guard):
    """As on a GitHub Pages project site: the link, and the lessons it leads to, keep the sub-path."""
    page.goto(subpath_site.url("assign.html"))
    expect(page.locator("[data-assign-form]")).to_have_attribute("data-ready", "true")
    page.get_by_label("Title").fill("Sub-path")
    page.get_by_role("checkbox", name=re.compile(r"^Cells")).check()
    link = page.input_value("[data-assign-link]")
    assert link.startswith(subpath_site.url("assignment.html#a="))
    page.goto(link)
    expect(page.locator("[data-assignment-page]")).to_have_attribute("data-state", "ready")
    lesson = page.get_by_role("link", name="Cells")
    expect(lesson).to_have_attribute("href", subpath_site.url("basics/fixture-cells.html") + link[link.index("#") :])


def test_teaching_builder_says_what_to_fix_before_it_makes_a_link(teaching, page, guard):
    page.goto(teaching.url("assign.html"))
    expect(page.locator("[data-assign-form]")).to_have_attribute("data-ready", "true")
    problem, copy_button = page.locator("[data-assign-problem]"), page.get_by_role("button", name="Copy link")
    expect(problem).to_be_hidden()  # nothing to complain about before the teacher starts
    page.get_by_label("Title").fill("Week <b>2</b>")
    expect(problem).to_contain_text("Tick at least one lesson or exercise")
    page.get_by_role("checkbox", name=re.compile(r"^Doubling")).check()
    expect(problem).to_contain_text("contains markup or a script")
    expect(copy_button).to_be_disabled()
    page.get_by_label("Title").fill("Week 2")
    page.get_by_label("Attempts per exercise").fill("500")
    expect(problem).to_contain_text("from 0 (no limit) to 100")
    page.get_by_label("Attempts per exercise").fill("0")
    expect(problem).to_be_hidden()
    expect(copy_button).to_be_enabled()
    assert assignment_in(page.input_value("[data-assign-link]"))["items"] == [{"exercise": "teach-double"}]
    # A ticked lesson stands for all its exercises.
    page.get_by_role("checkbox", name=re.compile(r"^Functions")).check()
    expect(page.get_by_role("checkbox", name=re.compile(r"^Greeting"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile(r"^Greeting"))).to_be_disabled()
    assert assignment_in(page.input_value("[data-assign-link]"))["items"] == [{"lesson": "teach-functions"}]
    # Opening the builder with a link's fragment edits that assignment.
    fragment = page.input_value("[data-assign-link]").split("#", 1)[1]
    page.goto(teaching.url("teachers.html"))
    page.goto(teaching.url("assign.html#" + fragment))
    expect(page.locator("[data-assign-form]")).to_have_attribute("data-ready", "true")
    expect(page.get_by_label("Title")).to_have_value("Week 2")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Functions"))).to_be_checked()
