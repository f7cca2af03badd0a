"""Saved work survives reloads, storage faults, two tabs and a move to another browser."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from ..helpers import cell, code_view, run_code, set_code

pytestmark = pytest.mark.e2e

CELLS = "basics/fixture-cells.html"
RIGHT = "def double(n):\n    return n * 2"
WRONG = "def double(n):\n    return n * 3"


def exercise(page):
    return page.locator("[data-exercise=fixture-double]")


def wait_saved(block) -> None:
    expect(block).to_have_attribute("data-saved", "saved")


def pass_exercise(page) -> None:
    block = exercise(page)
    run_code(page, block, RIGHT)
    expect(block).to_have_attribute("data-state", "passed")
    wait_saved(block)


def test_progress_reload_keeps_code_state_and_hints(site, lesson_page, page):
    page.add_init_script("navigator.storage.persist = async () => { window.persistAsked = true; return true; };")
    lesson_page(site.url(CELLS))
    first = cell(page, 0)
    set_code(page, first, "print('my own code')")
    wait_saved(first)
    block = exercise(page)
    run_code(page, block, WRONG)
    block.get_by_role("button", name="Hint (1 of 2)").click()
    pass_exercise(page)
    assert page.evaluate("window.persistAsked") is True  # the browser is asked to keep the data
    block.get_by_role("button", name="Show solution").click()
    block.get_by_role("button", name="Really show the solution?").click()
    wait_saved(block)

    page.reload()
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(code_view(cell(page, 0))).to_have_text("print('my own code')")
    expect(exercise(page)).to_have_attribute("data-state", "passed")
    expect(exercise(page).locator("[data-exercise-state]")).to_have_text("passed · 2 attempts")
    expect(exercise(page).locator("[data-hint='1']")).to_be_visible()
    expect(exercise(page).locator("[data-hint='2']")).to_be_hidden()
    expect(exercise(page).locator("[data-solution]")).to_contain_text("return n * 2")
    expect(code_view(exercise(page))).to_have_text("def double(n):    return n * 2")
    expect(page.locator("[data-page-progress]")).to_have_text("1 of 1 exercises done")


def test_progress_shows_on_home_with_continue_link(site, lesson_page, page):
    lesson_page(site.url(CELLS))
    pass_exercise(page)
    page.goto(site.url())
    item = page.locator("[data-lesson-link=fixture-cells]")
    expect(item.locator("[data-lesson-progress]")).to_have_text("1 of 1 done")
    expect(item).to_have_attribute("data-complete", "true")
    expect(page.locator("[data-continue] a")).to_have_text("Cells")
    page.locator("[data-continue] a").click()
    expect(page).to_have_url(site.url(CELLS))


def test_progress_corrupted_record_is_set_aside_and_the_rest_loads(site, lesson_page, page):
    lesson_page(site.url(CELLS))
    set_code(page, cell(page, 0), "print('kept')")
    wait_saved(cell(page, 0))
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("pyground:/:progress");
            open.onsuccess = () => {
                const tx = open.result.transaction("records", "readwrite");
                tx.objectStore("records").put("{not json", "fixture-cells/cell-2");
                tx.objectStore("records").put({schema: 99, lesson: "x", block: "y"}, "fixture-cells/cell-4");
                // An older record, with fields missing: migrated, not lost.
                tx.objectStore("records").put({schema: 0, lesson: "fixture-cells", block: "html-cell", code: "print('old')"}, "fixture-cells/html-cell");
                tx.oncomplete = resolve;
                tx.onerror = () => reject(tx.error);
            };
        })"""
    )
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(code_view(cell(page, 0))).to_have_text("print('kept')")
    expect(code_view(page.locator("[data-cell=html-cell]"))).to_have_text("print('old')")
    keys = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("pyground:/:progress");
            open.onsuccess = () => {
                const request = open.result.transaction("records").objectStore("records").getAllKeys();
                request.onsuccess = () => resolve(request.result);
            };
        })"""
    )
    assert "fixture-cells/cell-2" not in keys
    assert sum(key.startswith("corrupt/") for key in keys) == 2  # kept aside, not deleted
    run_code(page, cell(page, 0), "print('still runs')")


BREAK_INDEXEDDB = (
    'Object.defineProperty(window, "indexedDB", { get() { throw new DOMException("blocked", "SecurityError"); } });'
)
BREAK_LOCALSTORAGE = 'Storage.prototype.setItem = function () { throw new DOMException("blocked", "SecurityError"); };'
BREAK_STORAGE = BREAK_INDEXEDDB + BREAK_LOCALSTORAGE


def test_progress_storage_disabled_warns_and_the_page_works(site, lesson_page, page, guard):
    # PyScript itself opens IndexedDB stores at start-up and leaves the refusal unhandled.
    guard.allow_console_error("uncaught: blocked")
    page.add_init_script(BREAK_STORAGE)
    lesson_page(site.url(CELLS))
    expect(page.get_by_role("alert")).to_contain_text("progress will not be saved")
    pass_exercise(page)
    expect(page.locator("[data-page-progress]")).to_have_text("1 of 1 exercises done")


def test_progress_falls_back_to_local_storage(site, lesson_page, page, guard):
    guard.allow_console_error("uncaught: blocked")  # PyScript's own IndexedDB stores, as above
    page.add_init_script(BREAK_INDEXEDDB)  # localStorage still works
    lesson_page(site.url(CELLS))
    pass_exercise(page)
    keys = page.evaluate("Object.keys(localStorage)")
    assert "pyground:/:progress/fixture-cells/fixture-double" in keys
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(exercise(page)).to_have_attribute("data-state", "passed")
    assert page.get_by_role("alert").is_hidden()


def test_progress_full_storage_warns_and_keeps_work_in_memory(site, lesson_page, page):
    lesson_page(site.url(CELLS))
    page.evaluate(
        """() => { IDBObjectStore.prototype.put = function () { throw new DOMException("full", "QuotaExceededError"); }; }"""
    )
    pass_exercise(page)
    expect(page.get_by_role("alert")).to_contain_text("Storage is full")
    expect(exercise(page)).to_have_attribute("data-state", "passed")
    expect(page.locator("[data-page-progress]")).to_have_text("1 of 1 exercises done")


def test_progress_two_tabs_stay_consistent_and_keep_a_pass(site, lesson_page, page, guard):
    lesson_page(site.url(CELLS))
    other = page.context.new_page()
    other.goto(site.url(CELLS))
    expect(other.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)

    pass_exercise(page)
    expect(exercise(other)).to_have_attribute("data-state", "passed")  # heard from the first tab
    run_code(other, exercise(other), WRONG)  # a later failing attempt in the second tab
    wait_saved(exercise(other))
    expect(exercise(other)).to_have_attribute("data-state", "failed")

    other.reload()
    expect(other.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(exercise(other)).to_have_attribute("data-state", "passed")  # the pass is never lost
    expect(code_view(exercise(other))).to_have_text("def double(n):    return n * 3")  # newest code wins
    other.close()


def test_progress_export_clear_import_restores_everything(site, lesson_page, page, browser, tmp_path):
    lesson_page(site.url(CELLS))
    set_code(page, cell(page, 0), "print('exported')")
    wait_saved(cell(page, 0))
    pass_exercise(page)
    page.goto(site.url())
    with page.expect_download() as download:
        page.get_by_role("button", name="Export progress").click()
    saved = tmp_path / "progress.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["format"] == "pyground-progress" and data["site"] == "/"

    fresh = browser.new_context()  # a browser with nothing stored
    home = fresh.new_page()
    home.goto(site.url())
    home.locator("[data-import]").set_input_files(saved)
    expect(home.locator("[data-import-status]")).to_contain_text("Imported")
    expect(home.locator("[data-lesson-link=fixture-cells] [data-lesson-progress]")).to_have_text("1 of 1 done")
    home.goto(site.url(CELLS))
    expect(home.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(code_view(cell(home, 0))).to_have_text("print('exported')")
    expect(exercise(home)).to_have_attribute("data-state", "passed")

    # Importing the same (now older) file again never replaces newer work.
    set_code(home, cell(home, 0), "print('newer')")
    wait_saved(cell(home, 0))
    home.goto(site.url())
    home.locator("[data-import]").set_input_files(saved)
    expect(home.locator("[data-import-status]")).to_contain_text("Imported")
    home.goto(site.url(CELLS))
    expect(home.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(code_view(cell(home, 0))).to_have_text("print('newer')")
    fresh.close()


def test_progress_import_rejects_a_bad_file_and_keeps_work(site, lesson_page, page, tmp_path):
    lesson_page(site.url(CELLS))
    pass_exercise(page)
    page.goto(site.url())
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    page.locator("[data-import]").set_input_files(bad)
    expect(page.locator("[data-import-status]")).to_have_text("That file is not a Pyground progress file.")
    expect(page.locator("[data-lesson-link=fixture-cells] [data-lesson-progress]")).to_have_text("1 of 1 done")


def test_progress_is_kept_apart_per_site_path(site, subpath_site, lesson_page, page):
    lesson_page(site.url(CELLS))
    set_code(page, cell(page, 0), "print('root site')")
    wait_saved(cell(page, 0))
    page.goto(subpath_site.url(CELLS))
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(code_view(cell(page, 0))).to_have_text('x = 20print("x is", x)')


def test_progress_follows_a_renamed_exercise(site, lesson_page, page):
    lesson_page(site.url(CELLS))
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("pyground:/:progress");
            open.onsuccess = () => {
                const tx = open.result.transaction("records", "readwrite");
                const record = {schema: 1, lesson: "fixture-cells", block: "fixture-twice", code: "def double(n):\\n    return n + n",
                                codeAt: 1, attempts: 3, passed: true, passedAt: 1, hints: 0, solution: false, updatedAt: 1};
                tx.objectStore("records").put(record, "fixture-cells/fixture-twice");
                tx.oncomplete = resolve;
                tx.onerror = () => reject(tx.error);
            };
        })"""
    )
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-runtime", "ready", timeout=60_000)
    expect(exercise(page)).to_have_attribute("data-state", "passed")
    expect(code_view(exercise(page))).to_have_text("def double(n):    return n + n")


def put_records(page, records: list[dict], version: int | None = None) -> None:
    """Write records straight into the progress database (opened at `version`, upgrading it if higher)."""
    page.evaluate(
        """([records, version]) => new Promise((resolve, reject) => {
            const open = version ? indexedDB.open("pyground:/:progress", version) : indexedDB.open("pyground:/:progress");
            open.onupgradeneeded = () => {
                if (!open.result.objectStoreNames.contains("records")) open.result.createObjectStore("records");
            };
            open.onsuccess = () => {
                const tx = open.result.transaction("records", "readwrite");
                for (const r of records) tx.objectStore("records").put(r, `${r.lesson}/${r.block}`);
                tx.oncomplete = () => { open.result.close(); resolve(); };
                tx.onerror = () => reject(tx.error);
            };
            open.onerror = () => reject(open.error);
        })""",
        [records, version],
    )


def passed_record(lesson: str, block: str, code: str) -> dict:
    return {
        "schema": 1,
        "lesson": lesson,
        "block": block,
        "code": code,
        "codeAt": 1,
        "attempts": 2,
        "passed": True,
        "passedAt": 1,
        "hints": 0,
        "solution": False,
        "updatedAt": 1,
    }


def test_progress_a_renamed_exercise_counts_once(site, lesson_page, page):
    page.goto(site.url())
    put_records(page, [passed_record("fixture-cells", "fixture-twice", "def double(n):\n    return n + n")])
    lesson_page(site.url(CELLS))  # the exercise is now `fixture-double aliases=fixture-twice`
    expect(exercise(page)).to_have_attribute("data-state", "passed")
    expect(page.locator("[data-page-progress]")).to_have_text("1 of 1 exercises done")
    run_code(page, exercise(page), RIGHT)  # a new pass under the new id: still one exercise
    wait_saved(exercise(page))
    expect(page.locator("[data-page-progress]")).to_have_text("1 of 1 exercises done")
    page.goto(site.url())
    expect(page.locator("[data-lesson-link=fixture-cells] [data-lesson-progress]")).to_have_text("1 of 1 done")


def test_progress_follows_an_exercise_moved_to_another_lesson(site, lesson_page, page):
    page.goto(site.url())
    # Saved while `fixture-double` was part of the packages lesson; it has since moved to the cells lesson.
    put_records(page, [passed_record("fixture-packages", "fixture-double", "def double(n):\n    return 2 * n")])
    lesson_page(site.url(CELLS))
    expect(exercise(page)).to_have_attribute("data-state", "passed")
    expect(code_view(exercise(page))).to_have_text("def double(n):    return 2 * n")
    expect(page.locator("[data-page-progress]")).to_have_text("1 of 1 exercises done")
    page.goto(site.url())
    expect(page.locator("[data-lesson-link=fixture-cells] [data-lesson-progress]")).to_have_text("1 of 1 done")
    expect(page.locator("[data-lesson-link=fixture-packages] [data-lesson-progress]")).not_to_contain_text("done")


def test_progress_database_upgraded_by_a_newer_deploy_is_shown_with_a_notice(site, lesson_page, page):
    page.goto(site.url())
    expect(page.locator("[data-lesson-link=fixture-cells] [data-lesson-progress]")).to_have_text("0 of 1 done")
    # A tab of a newer deploy upgrades the database: this (older) tab lets it, and says what to do.
    put_records(page, [passed_record("fixture-cells", "fixture-double", RIGHT)], version=2)
    expect(page.get_by_role("alert")).to_contain_text("Reload this page")
    lesson_page(site.url(CELLS))  # an old page meets the newer database
    expect(page.get_by_role("alert")).to_contain_text("A newer version of this site")
    expect(exercise(page)).to_have_attribute("data-state", "passed")  # saved work is shown, not missing
    expect(page.locator("[data-page-progress]")).to_have_text("1 of 1 exercises done")
    run_code(page, cell(page, 0), "print('still works')")
    expect(cell(page, 0).locator("[data-output]")).to_have_text("still works\n")


def test_progress_open_tab_saves_then_lets_a_newer_deploy_upgrade(site, lesson_page, page):
    lesson_page(site.url(CELLS))
    set_code(page, cell(page, 0), "print('typed just before')")  # still pending: saved after a pause
    newer = page.context.new_page()
    newer.goto(site.url("version.json"))  # same origin, no page scripts
    put_records(newer, [], version=2)  # would wait forever if the old tab kept the database open
    expect(page.get_by_role("alert")).to_contain_text("Reload this page")
    saved = newer.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("pyground:/:progress");
            open.onsuccess = () => {
                const get = open.result.transaction("records").objectStore("records").get("fixture-cells/cell-1");
                get.onsuccess = () => resolve(get.result?.code);
            };
        })"""
    )
    assert saved == "print('typed just before')"
    newer.close()


def test_progress_offline_notice_names_what_was_asked_for(site, lesson_page, page, guard):
    guard.allow_console_error("status of 503")  # the offline notice is served as 503 Service Unavailable
    lesson_page(site.url(CELLS))  # installs the service worker
    page.context.set_offline(True)
    page.goto(site.url("iot/index.html"))
    expect(page.locator("main")).to_contain_text("The page of the track “IoT”")
    page.goto(site.url("iot/fixture-micro.html"))
    expect(page.locator("main")).to_contain_text("The lesson “MicroPython”")
    page.context.set_offline(False)
