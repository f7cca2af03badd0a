"""Site search in the header: finds lessons and sections by their prose as one types, from the
keyboard, offline too, and never by checks, hints or solutions."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from pyground.search import words

from ..helpers import cell, code_view

pytestmark = pytest.mark.e2e

FIELD = "[data-search-input]"
OPTIONS = "[data-search-results] [role=option]"


def word_from_the_middle(site_dir) -> tuple[dict, str]:
    """A section from the middle of some lesson, and a word of it that no other lesson uses."""
    docs = json.loads((site_dir / "search-index.json").read_text())["docs"]
    lessons_using = Counter()
    for url in {doc["url"].split("#")[0] for doc in docs}:
        lessons_using.update({w for doc in docs if doc["url"].split("#")[0] == url for w in words(doc["text"])})
    for lesson_url in dict.fromkeys(doc["url"].split("#")[0] for doc in docs):
        sections = [doc for doc in docs if doc["url"].split("#")[0] == lesson_url]
        if len(sections) < 3:
            continue
        middle = sections[len(sections) // 2]
        unique = [w for w in words(middle["text"]) if len(w) >= 8 and w.isalpha() and lessons_using[w] == 1]
        if unique:
            return middle, unique[0]
    raise AssertionError("no lesson has a word of its own in a middle section")


def test_search_finds_a_lesson_by_a_word_from_its_middle_and_opens_it(course_site, course_build, page, guard):
    section, word = word_from_the_middle(course_build)
    page.goto(course_site.url())
    page.locator(FIELD).click()
    page.keyboard.type(word, delay=20)  # searched at every keystroke
    first = page.locator(OPTIONS).first
    expect(first.locator(".search-title")).to_contain_text(section["lesson"])
    expect(first.locator("mark").first).to_have_text(re.compile(word, re.IGNORECASE))
    expect(page.locator("[data-search-status]")).to_have_text(re.compile(r"^\d+ results?\.$"))
    page.keyboard.press("ArrowDown")
    expect(page.locator(FIELD)).to_have_attribute("aria-activedescendant", "search-result-0")
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page).to_have_url(course_site.url(section["url"]))
    expect(page.get_by_role("heading", level=1)).to_have_text(section["lesson"])


def test_search_never_finds_hints_checks_or_solutions(site, page, guard):
    page.goto(site.url())
    page.locator(FIELD).fill("prose")
    expect(page.locator(OPTIONS).first).to_contain_text("Cells")
    for hidden in ("multiply", "double"):  # a hint's word; the exercise's function, in its check and solution
        page.locator(FIELD).fill(hidden)
        expect(page.locator("[data-search-results]")).to_have_text("No lesson matches.")
        expect(page.locator("[data-search-status]")).to_have_text("No lesson matches.")


def test_search_every_word_must_match_and_escape_closes(site, page, guard):
    page.goto(site.url())
    field = page.locator(FIELD)
    field.fill("shown literal")  # both in the fixture lesson's first paragraph
    expect(page.locator(OPTIONS)).to_have_count(1)
    field.fill("shown zzzz")
    expect(page.locator(OPTIONS)).to_have_count(0)
    field.fill("micro")  # a prefix
    expect(page.locator(OPTIONS).first).to_contain_text("MicroPython")
    field.press("Escape")
    expect(page.locator("[data-search-results]")).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")


def test_search_slash_focuses_the_field_except_in_an_editor(site, lesson_page, page):
    lesson_page(site.url("basics/fixture-cells.html"))
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.locator(FIELD)).to_be_focused()
    expect(page.locator(FIELD)).to_have_value("")
    editor = code_view(cell(page, 0))
    editor.click()
    page.keyboard.press("End")
    page.keyboard.press("/")
    expect(editor).to_be_focused()
    expect(editor).to_contain_text("/")


def test_search_works_offline_once_the_site_was_visited(site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url())
    page.evaluate(  # the service worker caches the index once it is active (in the background)
        """async () => {
            await navigator.serviceWorker.ready;
            while (!(await caches.match(new URL("search-index.json", document.baseURI)))) await new Promise((r) => setTimeout(r, 50));
        }"""
    )
    page.reload()  # now under the service worker
    expect(page.locator(FIELD)).to_be_visible()
    context.set_offline(True)
    page.locator(FIELD).fill("prose")
    expect(page.locator(OPTIONS).first).to_contain_text("Cells")
    context.close()
