"""What a learner does on a lesson page, as small functions the tests share."""

from __future__ import annotations

import re

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
