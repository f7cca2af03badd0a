"""What a learner does on a lesson page, as small functions the tests share."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

FINISHED = re.compile(r"^(done|error|stopped|passed|failed)$")


def cell(page: Page, index: int) -> Locator:
    return page.locator("[data-block=run]").nth(index)


def output(block: Locator) -> Locator:
    return block.locator("[data-output]")


def set_code(page: Page, block: Locator, code: str) -> None:
    """Replace a block's code as a learner would: focus the editor, select all, type."""
    editor = block.locator(".cm-content")
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
        assert block.get_attribute("data-state") == expected, (index, output(block).inner_text())
    for index in range(page.locator("[data-block=exercise]").count()):
        block = page.locator("[data-block=exercise]").nth(index)
        run_code(page, block, solution(block))
        assert block.get_attribute("data-state") == "passed", block.locator("[data-feedback]").inner_text()


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
